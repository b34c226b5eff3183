import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type {
  WebhookDeliveryPageSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from '#shared/api/webhooks/schemas.ts';
import { auditEntry } from '#shared/domain/actor.ts';
import { type DomainEvent, eventTypes } from '#shared/domain/events.ts';
import { webhookHeaders } from '#shared/domain/webhooks/signing.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { systemIds } from '#shared/runtime/system.ts';
import type { AwardStateChange } from '#shared/services/awards/ports.ts';
import type { AddressResolver } from '#shared/services/webhooks/ports.ts';
import { claimedPublication, publishRankingRun } from '#test/helpers/award-publications.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { type Answer, startReceiver, stubLookup, type TestReceiver } from '#test/helpers/webhook-receiver.ts';
import { verifyWebhook } from '../../docs/examples/verify-webhook.ts';
import { ensureAgency, expectStatus, jawaBarat, jawaTimur } from './support.ts';

/**
 * Webhook delivery end to end on the local runtime: events written through the audited write path,
 * the events table's stream, the in-process dispatcher, and real receivers on 127.0.0.1 that verify
 * what they get. The retry schedule is shortened (200 ms, 400 ms, 600 ms); DNS is stubbed, so no
 * packet ever leaves loopback.
 */

type EndpointWithSecret = z.output<typeof WebhookEndpointWithSecretSchema>;
type Endpoint = z.output<typeof WebhookEndpointSchema>;
type DeliveryPage = z.output<typeof WebhookDeliveryPageSchema>;

const jatim = 'prov-jawa-timur';
const jabar = 'prov-jawa-barat';
const year = new Date().getUTCFullYear();

/** Registration DNS: the rebinding name looks public when registered. */
const resolver: AddressResolver = {
  resolve: async (hostname) => ({ 'rebind.example.test': ['93.184.216.34'] })[hostname] ?? [],
};
/** Delivery DNS: by the time of delivery the same name points into the private network. */
const deliveryDns = stubLookup({ 'rebind.example.test': '10.0.0.1' });

let api: TestApi;
let admin: string;
let operator: string;
const receivers: TestReceiver[] = [];

beforeAll(async () => {
  api = await startTestApi({
    webhooks: {
      schedule: [200, 400, 600],
      timeoutMs: 3_000,
      resolver,
      lookup: deliveryDns.lookup,
      pollIntervalMs: 50,
      sweepIntervalMs: 100,
    },
  });
  admin = await api.token('admin');
  operator = await api.token('agency', { agencyId: jatim });
  await ensureAgency(api, admin, jatim, jawaTimur);
  await ensureAgency(api, admin, jabar, jawaBarat);
});

// Each test starts with no endpoint: no delivery of one test reaches a receiver of another (whose
// port the system may have handed out again).
afterEach(async () => {
  for (const agencyId of [jatim, jabar]) {
    const listed = await api.request<{ items: Endpoint[] }>(
      'GET',
      `/v1/agencies/${agencyId}/webhook-endpoints`,
      {
        token: admin,
      },
    );
    for (const endpoint of expectStatus(listed, 200).items) {
      await api.request('DELETE', `/v1/agencies/${agencyId}/webhook-endpoints/${endpoint.id}`, {
        token: admin,
      });
    }
  }
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

afterAll(async () => {
  await api?.stop();
});

const receiver = async (answer?: (n: number) => Answer) => {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
};

const register = async (
  url: string,
  body: { eventTypes?: string[]; signatureSchemes?: string[] } = {},
  agencyId = jatim,
): Promise<EndpointWithSecret> => {
  const response = await api.request<EndpointWithSecret>(
    'POST',
    `/v1/agencies/${agencyId}/webhook-endpoints`,
    {
      token: admin,
      body: { url, eventTypes: ['result.finalized', 'ranking.published', 'webhook.test'], ...body },
    },
  );
  return expectStatus(response, 201);
};

/** Writes events to the outbox through the one audited write path, as a publishing capability would. */
const publish = async (...events: DomainEvent[]) => {
  const ports = createDynamoDbPorts(
    createDocumentClient(api.runtime.dynamodb.client),
    api.runtime.dynamodb.tables,
  );
  const now = new Date();
  const outcome = await ports.writes.commit({
    state: [],
    audits: [
      auditEntry(
        { subject: 'test-publisher', role: 'admin', requestId: systemIds.next('req'), route: 'test', now },
        { kind: 'cycle', year },
        'awards.published',
        'awards',
        [],
      ),
    ],
    events,
  });
  expect(outcome).toEqual({ committed: true });
};

/**
 * An event as the services write them (its payload matches the published schema, which the test
 * receivers check): an agency's `result.finalized`, or the national `ranking.published`. Award
 * events wait for their publication to be public; the test of that hold writes its own.
 */
const sampleEvent = (agencyId: string | undefined): DomainEvent =>
  agencyId === undefined
    ? {
        id: systemIds.next('evt'),
        type: eventTypes.rankingPublished,
        occurredAt: new Date().toISOString(),
        subject: { year },
        data: {
          runId: 'run_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E',
          rankedAgencies: 2,
          link: `/v1/cycles/${year}/rankings`,
        },
      }
    : {
        id: systemIds.next('evt'),
        type: eventTypes.resultFinalized,
        occurredAt: new Date().toISOString(),
        subject: { year, agencyId },
        data: { version: 1, link: `/v1/cycles/${year}/agencies/${agencyId}/result` },
      };

const deliveries = async (endpoint: { id: string; agencyId: string }, query = '') =>
  expectStatus(
    await api.request<DeliveryPage>(
      'GET',
      `/v1/agencies/${endpoint.agencyId}/webhook-endpoints/${endpoint.id}/deliveries${query}`,
      { token: admin },
    ),
    200,
  );

/** Polls the delivery log until `done` holds. */
const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('receivers verify every delivery', () => {
  it('a receiver using the standardwebhooks package accepts it; a tampered body or a stale timestamp is refused', async () => {
    // Prepare
    const hooks = await receiver();
    const endpoint = await register(hooks.url);
    const secret = endpoint.secret as string;
    hooks.verifier = (body, headers) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    };

    // Act
    const event = sampleEvent(jatim);
    await publish(event);
    const [delivered] = await hooks.waitFor(1);

    // Assess: accepted, thin, carrying the event id
    expect(delivered).toMatchObject({ verified: true, headers: { 'webhook-id': event.id } });
    expect(JSON.parse(delivered?.body ?? '')).toEqual({
      type: 'result.finalized',
      timestamp: event.occurredAt,
      data: { year, agencyId: jatim, version: 1, link: `/v1/cycles/${year}/agencies/${jatim}/result` },
    });
    // Only the Standard Webhooks headers travel again (content-length and the like are fetch's business).
    const post = (body: string, headers: Readonly<Record<string, string>>) =>
      fetch(hooks.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': headers['webhook-id'] ?? '',
          'webhook-timestamp': headers['webhook-timestamp'] ?? '',
          'webhook-signature': headers['webhook-signature'] ?? '',
        },
      });
    const tampered = await post(
      (delivered?.body ?? '').replace(jatim, 'prov-lain'),
      delivered?.headers ?? {},
    );
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    const stale = await post(
      delivered?.body ?? '',
      webhookHeaders(event.id, sixMinutesAgo, delivered?.body ?? '', ['v1'], [{ secret }]),
    );
    expect([tampered.status, stale.status]).toEqual([400, 400]);
    expect(hooks.received.map((request) => request.verified)).toEqual([true, false, false]);
    await eventually(
      () => deliveries(endpoint),
      (page) => page.items[0]?.status === 'succeeded',
    );
  });

  it('a v1a receiver verifies with node:crypto and the published whpk_ key, holding no secret', async () => {
    // Prepare
    const hooks = await receiver();
    const endpoint = await register(hooks.url, { signatureSchemes: ['v1a'] });
    const published = expectStatus(
      await api.request<{ items: { endpointId: string; publicKeys: { key: string }[] }[] }>(
        'GET',
        '/v1/webhooks/public-keys',
      ),
      200,
    );
    const publicKey =
      published.items.find((item) => item.endpointId === endpoint.id)?.publicKeys[0]?.key ?? '';
    hooks.verifier = (body, headers) => verifyWebhook(publicKey, headers, body);

    // Act
    await publish(sampleEvent(jatim));
    const [delivered] = await hooks.waitFor(1);

    // Assess
    expect(endpoint.secret).toBeUndefined();
    expect(endpoint.publicKeys?.[0]?.key).toBe(publicKey);
    expect(delivered?.verified).toBe(true);
    expect(delivered?.headers['webhook-signature']).toMatch(/^v1a,/);
  });

  it('during a rotation, receivers holding only the old or only the new secret both verify', async () => {
    // Prepare
    const hooks = await receiver();
    const endpoint = await register(hooks.url);
    const rotated = expectStatus(
      await api.request<EndpointWithSecret>(
        'POST',
        `/v1/agencies/${jatim}/webhook-endpoints/${endpoint.id}/rotate-secret`,
        { token: admin, body: { overlapHours: 24 } },
      ),
      200,
    );

    // Act
    await publish(sampleEvent(jatim));
    const [delivered] = await hooks.waitFor(1);

    // Assess
    const verifies = (secret: string | undefined) =>
      new Webhook(secret ?? '').verify(delivered?.body ?? '', delivered?.headers ?? {});
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.previousSecretExpiresAt).toBeDefined();
    expect(delivered?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifies(endpoint.secret)).toBeTruthy();
    expect(verifies(rotated.secret)).toBeTruthy();
  });
});

describe('retries, redelivery and failures', () => {
  it('a receiver that fails twice then succeeds sees one webhook-id three times; the log shows the three attempts', async () => {
    // Prepare
    const hooks = await receiver((n) => (n === 1 ? 500 : n === 2 ? 503 : 200));
    const endpoint = await register(hooks.url);

    // Act
    const event = sampleEvent(jatim);
    await publish(event);
    const requests = await hooks.waitFor(3);

    // Assess
    expect(requests.map((request) => request.headers['webhook-id'])).toEqual([event.id, event.id, event.id]);
    const log = await eventually(
      () => deliveries(endpoint),
      (page) => page.items[0]?.status === 'succeeded',
    );
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ eventId: event.id, eventType: 'result.finalized', attemptCount: 3 });
    expect(
      log.items[0]?.attempts.map(({ attempt, outcome, statusCode }) => ({ attempt, outcome, statusCode })),
    ).toEqual([
      { attempt: 1, outcome: 'failed', statusCode: 500 },
      { attempt: 2, outcome: 'failed', statusCode: 503 },
      { attempt: 3, outcome: 'succeeded', statusCode: 200 },
    ]);
    // Spaced by the (shortened) schedule: 200 ms, then 400 ms, each ±10 %.
    const [first, second, third] = requests.map((request) => request.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(170);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(350);
  });

  it('after the last attempt the delivery is failed; redelivery sends it again with the same webhook-id', async () => {
    // Prepare: four failures spend the schedule; the fifth request succeeds
    const hooks = await receiver((n) => (n <= 4 ? 500 : 200));
    const endpoint = await register(hooks.url);
    const event = sampleEvent(jatim);
    await publish(event);
    await eventually(
      () => deliveries(endpoint, '?status=failed'),
      (page) => page.items.length === 1,
    );

    // Act
    const redelivery = await api.request(
      'POST',
      `/v1/agencies/${jatim}/webhook-endpoints/${endpoint.id}/deliveries/${event.id}/redeliver`,
      {
        token: operator,
        headers: { 'idempotency-key': 'redeliver-1' },
      },
    );
    const requests = await hooks.waitFor(5);

    // Assess
    expect(expectStatus(redelivery, 202)).toEqual({ requested: 1, eventIds: [event.id] });
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([event.id]));
    const log = await eventually(
      () => deliveries(endpoint, '?status=succeeded'),
      (page) => page.items.length === 1,
    );
    expect(log.items[0]?.attempts.at(-1)).toMatchObject({
      attempt: 5,
      trigger: 'redelivery',
      outcome: 'succeeded',
    });
  });

  it('a pending delivery whose next attempt is an hour away is attempted at once when asked', async () => {
    // Prepare: the receiver is down for maintenance and asks for an hour (503, Retry-After)
    const hooks = await receiver((n) => (n === 1 ? { status: 503, retryAfter: '3600' } : 200));
    const endpoint = await register(hooks.url);
    const event = sampleEvent(jatim);
    await publish(event);
    const pending = await eventually(
      () => deliveries(endpoint, '?status=pending'),
      (page) => page.items[0]?.attemptCount === 1,
    );

    // Act: back up early, the operator asks for it now
    const redelivery = await api.request(
      'POST',
      `/v1/agencies/${jatim}/webhook-endpoints/${endpoint.id}/deliveries/${event.id}/redeliver`,
      { token: operator, headers: { 'idempotency-key': 'retry-now-1' } },
    );
    const requests = await hooks.waitFor(2);

    // Assess: the attempt the schedule held for an hour from now, made now
    expect(Date.parse(pending.items[0]?.nextAttemptAt ?? '') - Date.now()).toBeGreaterThan(3_000_000);
    expect(expectStatus(redelivery, 202)).toEqual({ requested: 1, eventIds: [event.id] });
    expect(requests.map((request) => request.headers['webhook-id'])).toEqual([event.id, event.id]);
    const log = await eventually(
      () => deliveries(endpoint, '?status=succeeded'),
      (page) => page.items.length === 1,
    );
    expect(
      log.items[0]?.attempts.map(({ attempt, trigger, statusCode }) => ({ attempt, trigger, statusCode })),
    ).toEqual([
      { attempt: 1, trigger: 'scheduled', statusCode: 503 },
      { attempt: 2, trigger: 'scheduled', statusCode: 200 },
    ]);
  });

  it('redelivers every failed delivery since a time', async () => {
    // Prepare: two events whose deliveries fail for good, then the receiver recovers
    let healthy = false;
    const hooks = await receiver(() => (healthy ? 200 : 500));
    const endpoint = await register(hooks.url);
    const since = new Date(Date.now() - 1000).toISOString();
    const events = [sampleEvent(jatim), sampleEvent(jatim)];
    await publish(...events);
    await eventually(
      () => deliveries(endpoint, '?status=failed'),
      (page) => page.items.length === 2,
    );
    healthy = true;

    // Act
    const response = await api.request<{ requested: number; eventIds: string[] }>(
      'POST',
      `/v1/agencies/${jatim}/webhook-endpoints/${endpoint.id}/deliveries/redeliver-failed`,
      { token: operator, body: { since }, headers: { 'idempotency-key': 'redeliver-all-1' } },
    );

    // Assess
    expect(expectStatus(response, 202).requested).toBe(2);
    await eventually(
      () => deliveries(endpoint, '?status=succeeded'),
      (page) => page.items.length === 2,
    );
  });

  it('410 Gone disables the endpoint, and the agency’s other endpoints hear of it', async () => {
    // Prepare
    const gone = await receiver(() => 410);
    const ops = await receiver();
    const goneEndpoint = await register(gone.url, { eventTypes: ['result.finalized'] });
    await register(ops.url, { eventTypes: ['webhook.endpoint_disabled'] });

    // Act
    await publish(sampleEvent(jatim));
    const [notice] = await ops.waitFor(1);

    // Assess
    expect(JSON.parse(notice?.body ?? '')).toMatchObject({
      type: 'webhook.endpoint_disabled',
      data: { agencyId: jatim, endpointId: goneEndpoint.id, reason: 'gone' },
    });
    const read = await api.request<Endpoint>(
      'GET',
      `/v1/agencies/${jatim}/webhook-endpoints/${goneEndpoint.id}`,
      {
        token: operator,
      },
    );
    expect(expectStatus(read, 200)).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(gone.received).toHaveLength(1);
  });
});

describe('isolation and SSRF at send time', () => {
  it('an endpoint that hangs does not delay the others', async () => {
    // Prepare: one receiver never answers (the attempt times out after 3 s)
    const hanging = await receiver(() => 'hang');
    const quick = [await receiver(), await receiver()];
    await register(hanging.url);
    for (const hooks of quick) await register(hooks.url);

    // Act
    const started = Date.now();
    await publish(sampleEvent(jatim));
    await Promise.all(quick.map((hooks) => hooks.waitFor(1)));
    const elapsed = Date.now() - started;

    // Assess: the others were served long before the hanging attempt gave up
    await hanging.waitFor(1);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('a name that resolved to a public address at registration and to a private one at delivery is refused at connect time', async () => {
    // Prepare: registration saw 93.184.216.34; the delivery's lookup now answers 10.0.0.1
    const endpoint = await register('https://rebind.example.test/hooks');
    expect(endpoint.url).toBe('https://rebind.example.test/hooks');

    // Act
    await publish(sampleEvent(jatim));
    const log = await eventually(
      () => deliveries(endpoint),
      (page) => (page.items[0]?.attemptCount ?? 0) >= 1,
    );

    // Assess: the filter refused the address the lookup gave, before any connection
    expect(log.items[0]?.attempts[0]).toMatchObject({ outcome: 'failed', errorClass: 'blocked_address' });
    expect(deliveryDns.calls).toContain('rebind.example.test');
  });

  it('a national event reaches every subscriber of its type, in every agency', async () => {
    const east = await receiver();
    const west = await receiver();
    await register(east.url, { eventTypes: ['ranking.published'] }, jatim);
    await register(west.url, { eventTypes: ['ranking.published'] }, jabar);

    const event = sampleEvent(undefined);
    await publish(event);

    const [toEast] = await east.waitFor(1);
    const [toWest] = await west.waitFor(1);
    expect([toEast?.headers['webhook-id'], toWest?.headers['webhook-id']]).toEqual([event.id, event.id]);
    expect(JSON.parse(toEast?.body ?? '').data).toEqual({
      year,
      runId: 'run_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E',
      rankedAgencies: 2,
      link: `/v1/cycles/${year}/rankings`,
    });
  });

  it('a test event reaches the endpoint it was sent for', async () => {
    const hooks = await receiver();
    const endpoint = await register(hooks.url, { eventTypes: ['result.finalized'] });

    const sent = await api.request<{ eventId: string }>(
      'POST',
      `/v1/agencies/${jatim}/webhook-endpoints/${endpoint.id}/test`,
      {
        token: operator,
        headers: { 'idempotency-key': 'test-1' },
      },
    );
    const [delivered] = await hooks.waitFor(1);

    expect(delivered?.headers['webhook-id']).toBe(expectStatus(sent, 202).eventId);
    expect(JSON.parse(delivered?.body ?? '')).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: endpoint.id },
    });
  });

  it('a portal that moved changes its endpoint’s URL: the next event goes there, signed with the same secret', async () => {
    // Prepare: the old portal, the new one, and another endpoint already at a third URL
    const [old, moved, third] = [await receiver(), await receiver(), await receiver()];
    const endpoint = await register(old.url);
    const other = await register(third.url);
    moved.verifier = (body, headers) => {
      try {
        return Boolean(new Webhook(endpoint.secret ?? '').verify(body, headers));
      } catch {
        return false;
      }
    };
    const patch = (id: string, url: string) =>
      api.request<{ url: string; version: number }>(
        'PATCH',
        `/v1/agencies/${jatim}/webhook-endpoints/${id}`,
        {
          token: operator,
          headers: { 'if-match': '"1"' },
          body: { url },
        },
      );

    // Act
    const changed = await patch(endpoint.id, moved.url);
    const onto = await patch(other.id, moved.url);
    await api.request('POST', `/v1/agencies/${jatim}/webhook-endpoints/${endpoint.id}/test`, {
      token: operator,
      headers: { 'idempotency-key': 'moved-test-1' },
    });
    const [delivered] = await moved.waitFor(1);

    // Assess
    expect(expectStatus(changed, 200)).toMatchObject({ url: moved.url, version: 2 });
    expect(onto.status).toBe(409);
    expect(onto.text).toContain(endpoint.id);
    expect(delivered?.verified).toBe(true);
    expect(old.received).toHaveLength(0);
  });
});

/** Whoever publishes the hand-written award publications below. */
const publisher = () => ({
  subject: 'test-publisher',
  role: 'admin' as const,
  requestId: systemIds.next('req'),
  route: 'test',
  now: new Date(),
});

describe('award events and the publication they announce', () => {
  it('an award.published written before its publication’s pointer moves is delivered only once the awards are public', async () => {
    // Prepare: a publication claimed but not finished (its recipients' events are written first,
    // the pointer moves last), in a year of its own
    const publicationYear = year + 40;
    const hooks = await receiver();
    await register(hooks.url, { eventTypes: ['award.published'] });
    const ports = createDynamoDbPorts(
      createDocumentClient(api.runtime.dynamodb.client),
      api.runtime.dynamodb.tables,
    );
    const publication = claimedPublication(publicationYear, new Date().toISOString());
    await publishRankingRun(ports.writes, publisher(), publicationYear, publication.rankingRunId);
    const trail = (action: string) =>
      auditEntry(
        {
          subject: 'test-publisher',
          role: 'admin',
          requestId: systemIds.next('req'),
          route: 'test',
          now: new Date(),
        },
        { kind: 'cycle', year: publicationYear },
        action,
        'awards',
        [],
      );
    expect(
      await ports.writes.commit({
        state: [{ kind: 'award.claim', publication }],
        audits: [trail('award.publication.started')],
        events: [],
      }),
    ).toEqual({ committed: true });
    const event: DomainEvent = {
      id: systemIds.next('evt'),
      type: eventTypes.awardPublished,
      occurredAt: new Date().toISOString(),
      subject: { year: publicationYear, agencyId: jatim },
      data: {
        publicationVersion: 1,
        awards: [`apd-${publicationYear}-layanan-provinsi-1`],
        link: `/v1/agencies/${jatim}/awards`,
      },
    };

    // Act: the recipient's event, then — a while later — the pointer switch
    await publish(event);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const beforeSwitch = hooks.received.length;
    expect(
      await ports.writes.commit({
        state: [
          {
            kind: 'award.publish',
            publication: { ...publication, status: 'published', publishedAt: new Date().toISOString() },
          },
        ],
        audits: [trail('award.publication.published')],
        events: [],
      }),
    ).toEqual({ committed: true });
    const [request] = await hooks.waitFor(1);

    // Assess
    expect(beforeSwitch).toBe(0);
    expect(request?.headers['webhook-id']).toBe(event.id);
  });

  it('a claimed publication is in the sweep’s index of unfinished ones from its claim until its publish', async () => {
    // Prepare: a claim made a quarter of an hour ago, in a year of its own
    const publicationYear = year + 41;
    const ports = createDynamoDbPorts(
      createDocumentClient(api.runtime.dynamodb.client),
      api.runtime.dynamodb.tables,
    );
    const startedAt = new Date(Date.now() - 15 * 60_000).toISOString();
    const publication = claimedPublication(publicationYear, startedAt);
    await publishRankingRun(ports.writes, publisher(), publicationYear, publication.rankingRunId);
    const actor = {
      subject: 'test-publisher',
      role: 'admin' as const,
      requestId: systemIds.next('req'),
      route: 'test',
      now: new Date(),
    };
    const commit = (state: AwardStateChange, action: string) =>
      ports.writes.commit({
        state: [state],
        audits: [auditEntry(actor, { kind: 'cycle', year: publicationYear }, action, 'awards', [])],
        events: [],
      });
    const ofThisYear = async (startedBy: string) =>
      (await ports.awards.unfinished(startedBy)).filter((entry) => entry.year === publicationYear);
    const justBefore = new Date(Date.parse(startedAt) - 1).toISOString();

    // Act
    expect(await commit({ kind: 'award.claim', publication }, 'award.publication.started')).toEqual({
      committed: true,
    });
    const claimed = { before: await ofThisYear(justBefore), at: await ofThisYear(startedAt) };
    const now = await ofThisYear(new Date().toISOString());
    expect(
      await commit(
        {
          kind: 'award.publish',
          publication: { ...publication, status: 'published', publishedAt: new Date().toISOString() },
        },
        'award.publication.published',
      ),
    ).toEqual({ committed: true });
    const published = await ofThisYear(new Date().toISOString());

    // Assess
    expect(claimed.before).toEqual([]);
    expect(claimed.at).toEqual([{ year: publicationYear, version: 1, startedAt }]);
    expect(now).toEqual([{ year: publicationYear, version: 1, startedAt }]);
    expect(published).toEqual([]);
    expect((await ports.awards.publication(publicationYear, 1))?.status).toBe('published');
  });
});
