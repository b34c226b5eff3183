import { describe, expect, it } from 'vitest';
import type { WebhookEndpointCreate } from '#shared/api/webhooks/schemas.ts';
import { auditEntry } from '#shared/domain/actor.ts';
import type { AwardPublication } from '#shared/domain/awards/publication.ts';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { type DomainEvent, eventTypes } from '#shared/domain/events.ts';
import { publicationHoldDelayMs, type SendOutcome } from '#shared/domain/webhooks/delivery.ts';
import type { MemoryPorts } from '#shared/memory/ports.ts';
import { createWebhookDispatcher } from '#shared/services/webhooks/dispatcher.ts';
import { createWebhookEndpointService } from '#shared/services/webhooks/endpoints.ts';
import type {
  AddressResolver,
  DeliveryMessage,
  DeliveryQueue,
  SecretSource,
} from '#shared/services/webhooks/ports.ts';
import { publishRankingRun } from '#test/helpers/award-publications.ts';
import { actor, now, operatorOf, preparedPorts, sequentialIds } from './support.ts';

/** Webhook endpoints and the dispatcher over in-memory ports, a scripted receiver and a hand-driven queue. */

const jatim = 'prov-jawa-timur';
const jabar = 'prov-jawa-barat';

/** DNS as a table; anything else does not exist. */
const stubResolver = (table: Readonly<Record<string, readonly string[]>>): AddressResolver => ({
  resolve: async (hostname) => table[hostname] ?? [],
});

const predictableSecrets = (): SecretSource => {
  let next = 0;
  return {
    newSecret: () => `whsec_${Buffer.alloc(32, ++next).toString('base64')}`,
    newKeyPair: () => ({ signingKey: `whsk_key${++next}`, publicKey: `whpk_key${next}` }),
  };
};

const publicDns = stubResolver({
  'hooks.jatimprov.go.id': ['203.0.114.10', '2001:4860:4860::8888'],
  'hooks.jabarprov.go.id': ['198.51.99.20'],
  'rebind.example.id': ['10.0.0.7'],
  'metadata.example.id': ['93.184.216.34', '169.254.169.254'],
});

const endpointService = (ports: MemoryPorts, resolver: AddressResolver = publicDns) =>
  createWebhookEndpointService({
    ...ports,
    ids: sequentialIdsWithUlids(),
    secrets: predictableSecrets(),
    resolver,
    urlPolicy: { allowLoopbackHttp: false },
  });

/** Ids shaped like the real ones (prefix + 26 base32 characters), in creation order. */
function sequentialIdsWithUlids() {
  const ids = sequentialIds();
  return { next: (prefix: string) => `${prefix}_${ids.next('x').slice(2).padStart(26, '0')}` };
}

const create = (overrides: Partial<WebhookEndpointCreate> = {}): WebhookEndpointCreate => ({
  url: 'https://hooks.jatimprov.go.id/spbe',
  eventTypes: [eventTypes.awardPublished, eventTypes.rankingPublished],
  signatureSchemes: ['v1'],
  ...overrides,
});

describe('webhook endpoints (in-memory ports)', () => {
  it('an operator registers the own agency’s endpoint: the secret is returned once, never in the view', async () => {
    // Prepare
    const ports = await preparedPorts();
    const service = endpointService(ports);

    // Act
    const { endpoint, secret } = await service.create(operatorOf(jatim), jatim, create());
    const read = await service.get(operatorOf(jatim), jatim, endpoint.id);

    // Assess
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from((secret ?? '').slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(read).toMatchObject({
      agencyId: jatim,
      url: 'https://hooks.jatimprov.go.id/spbe',
      enabled: true,
      version: 1,
    });
    const trail = await ports.audits.list(
      { kind: 'webhook-endpoint', agencyId: jatim, endpointId: endpoint.id },
      { limit: 10 },
    );
    expect(trail.items.map((record) => record.action)).toEqual(['webhook.endpoint.created']);
    expect(JSON.stringify(trail)).not.toContain(secret);
  });

  it('another agency’s operator gets 404, and so does an admin for an agency that does not exist', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint } = await service.create(actor(), jatim, create());

    await expect(service.create(operatorOf(jabar), jatim, create())).rejects.toThrow(NotFoundError);
    await expect(service.get(operatorOf(jabar), jatim, endpoint.id)).rejects.toThrow(NotFoundError);
    await expect(service.list(operatorOf(jabar), jatim)).rejects.toThrow(NotFoundError);
    await expect(service.create(actor(), 'prov-tidak-ada', create())).rejects.toThrow(NotFoundError);
  });

  it('tells another agency’s operator the same as for a missing agency, without denying that it exists', async () => {
    // Prepare
    const ports = await preparedPorts();
    const service = endpointService(ports);

    // Act
    const others = service.list(operatorOf(jabar), jatim);
    const missing = service.list(actor(), 'prov-tidak-ada');

    // Assess
    await expect(others).rejects.toThrow(
      `No agency "${jatim}" whose webhook endpoints this token may manage (an operator manages the own agency's).`,
    );
    await expect(missing).rejects.toThrow(
      'No agency "prov-tidak-ada" whose webhook endpoints this token may manage',
    );
  });

  it.each([
    ['https://10.0.0.1/', 'ip-literal'],
    ['http://hooks.jatimprov.go.id/', 'https-required'],
    ['https://rebind.example.id/', 'non-public-address'],
    ['https://metadata.example.id/', 'non-public-address'],
    ['https://nowhere.example.id/', 'unresolvable'],
  ])('refuses %s with a 400 naming the reason (%s) at /body/url', async (url, reason) => {
    const service = endpointService(await preparedPorts());

    const refused = service.create(operatorOf(jatim), jatim, create({ url }));

    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toMatchObject({
      extensions: { reason },
      errors: [{ pointer: '/body/url', detail: expect.any(String) }],
    });
  });

  it('names the private address a name resolves to; a DNS outage is a 503, not a refusal', async () => {
    const ports = await preparedPorts();
    const failing: AddressResolver = {
      resolve: async () => {
        throw Object.assign(new Error('queryA ETIMEOUT'), { code: 'ETIMEOUT' });
      },
    };

    await expect(
      endpointService(ports).create(
        operatorOf(jatim),
        jatim,
        create({ url: 'https://metadata.example.id/' }),
      ),
    ).rejects.toThrow(/169\.254\.169\.254, a linkLocal address/);
    await expect(endpointService(ports, failing).create(operatorOf(jatim), jatim, create())).rejects.toThrow(
      ServiceUnavailableError,
    );
  });

  it('an agency has at most 10 endpoints', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);
    for (let index = 0; index < 10; index += 1) {
      await service.create(actor(), jatim, create({ url: `https://hooks.jatimprov.go.id/spbe/${index}` }));
    }

    await expect(service.create(actor(), jatim, create())).rejects.toThrow(ConflictError);
  });

  it('registrations racing each other (a script sending them at once) still leave at most 10 endpoints', async () => {
    // Prepare
    const ports = await preparedPorts();
    const service = endpointService(ports);

    // Act: every registration reads the agency's endpoints before any of them is written
    const outcomes = await Promise.allSettled(
      Array.from({ length: 14 }, (_, index) =>
        service.create(
          operatorOf(jatim),
          jatim,
          create({ url: `https://hooks.jatimprov.go.id/spbe/${index}` }),
        ),
      ),
    );

    // Assess
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refused).toHaveLength(4);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(ConflictError);
      expect(String(reason)).toContain('the most it may have');
    }
    expect(await service.list(operatorOf(jatim), jatim)).toHaveLength(10);
  });

  it('a deleted endpoint frees its place: the agency registers a tenth again', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const created = [];
    for (let index = 0; index < 10; index += 1) {
      created.push(
        await service.create(actor(), jatim, create({ url: `https://hooks.jatimprov.go.id/spbe/${index}` })),
      );
    }
    const first = created[0]?.endpoint;
    if (!first) throw new Error('no endpoint registered');

    await service.remove(operatorOf(jatim), jatim, first.id, first.version);

    await expect(
      service.create(operatorOf(jatim), jatim, create({ url: 'https://hooks.jatimprov.go.id/spbe/new' })),
    ).resolves.toMatchObject({ endpoint: { agencyId: jatim } });
    await expect(
      service.create(operatorOf(jatim), jatim, create({ url: 'https://hooks.jatimprov.go.id/spbe/more' })),
    ).rejects.toThrow(ConflictError);
  });

  it('a URL the agency already registered is refused with 409 naming that endpoint, however it is spelled', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint } = await service.create(operatorOf(jatim), jatim, create());

    const again = service.create(
      operatorOf(jatim),
      jatim,
      create({ url: 'https://HOOKS.jatimprov.go.id:443/spbe', eventTypes: [eventTypes.resultFinalized] }),
    );

    await expect(again).rejects.toThrow(ConflictError);
    await expect(again).rejects.toThrow(endpoint.id);
    expect(await service.list(operatorOf(jatim), jatim)).toHaveLength(1);
  });

  it('two registrations of one URL racing each other (a double click) leave one endpoint and a 409', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);

    const outcomes = await Promise.allSettled([
      service.create(operatorOf(jatim), jatim, create()),
      service.create(operatorOf(jatim), jatim, create()),
    ]);

    const [created] = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(ConflictError);
    expect(String(refused[0])).toContain(created?.endpoint.id);
    expect(await service.list(operatorOf(jatim), jatim)).toHaveLength(1);
  });

  it('the same URL is another agency’s to register, and the agency’s own again once deleted', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint } = await service.create(actor(), jatim, create());

    await expect(service.create(actor(), jabar, create())).resolves.toBeDefined();
    await service.remove(actor(), jatim, endpoint.id, undefined);
    await expect(service.create(actor(), jatim, create())).resolves.toBeDefined();
  });

  it('a portal that moved changes its endpoint’s URL, keeping id, secret and log; the URL is checked as at registration', async () => {
    // Prepare
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint, secret } = await service.create(operatorOf(jatim), jatim, create());
    const { endpoint: other } = await service.create(
      operatorOf(jatim),
      jatim,
      create({ url: 'https://hooks.jatimprov.go.id/other' }),
    );

    // Act
    const moved = await service.update(
      operatorOf(jatim),
      jatim,
      endpoint.id,
      { url: 'https://HOOKS.jatimprov.go.id/v2' },
      1,
    );
    const onto = service.update(
      operatorOf(jatim),
      jatim,
      other.id,
      { url: 'https://hooks.jatimprov.go.id/v2' },
      1,
    );
    const inside = service.update(
      operatorOf(jatim),
      jatim,
      other.id,
      { url: 'https://rebind.example.id/' },
      1,
    );

    // Assess
    expect(moved).toMatchObject({ id: endpoint.id, url: 'https://hooks.jatimprov.go.id/v2', version: 2 });
    expect(moved.keys.current.secret).toBe(secret);
    await expect(onto).rejects.toThrow(ConflictError);
    await expect(onto).rejects.toThrow(endpoint.id);
    await expect(inside).rejects.toMatchObject({ extensions: { reason: 'non-public-address' } });
    // The old URL is free again
    await expect(service.create(operatorOf(jatim), jatim, create())).resolves.toBeDefined();
    const trail = await ports.audits.list(
      { kind: 'webhook-endpoint', agencyId: jatim, endpointId: endpoint.id },
      { limit: 10 },
    );
    expect(
      trail.items.find((record) => record.action === 'webhook.endpoint.updated')?.changes,
    ).toContainEqual({
      field: 'url',
      before: 'https://hooks.jatimprov.go.id/spbe',
      after: 'https://hooks.jatimprov.go.id/v2',
    });
  });

  it('the endpoint’s audit trail: its agency’s operator and admins read it; once deleted, admins alone', async () => {
    // Prepare
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint } = await service.create(operatorOf(jatim), jatim, create());
    await service.update(operatorOf(jatim), jatim, endpoint.id, { description: 'Portal' }, 1);
    const { endpoint: western } = await service.create(
      operatorOf(jabar),
      jabar,
      create({ url: 'https://hooks.jabarprov.go.id/' }),
    );

    // Act
    const read = await service.auditTrail(operatorOf(jatim), jatim, endpoint.id, { limit: 10 });
    const otherAgency = service.auditTrail(operatorOf(jabar), jatim, endpoint.id, { limit: 10 });
    // Jabar's endpoint under Jatim's path: the trail's partition names the endpoint alone
    const crossed = service.auditTrail(operatorOf(jatim), jatim, western.id, { limit: 10 });
    await service.remove(operatorOf(jatim), jatim, endpoint.id, undefined);
    const afterDeletion = service.auditTrail(operatorOf(jatim), jatim, endpoint.id, { limit: 10 });
    const byAdmin = await service.auditTrail(actor(), jatim, endpoint.id, { limit: 10 });

    // Assess
    expect(read.items.map((record) => record.action)).toEqual([
      'webhook.endpoint.updated',
      'webhook.endpoint.created',
    ]);
    await expect(otherAgency).rejects.toThrow(NotFoundError);
    await expect(crossed).rejects.toThrow(NotFoundError);
    await expect(afterDeletion).rejects.toThrow(NotFoundError);
    expect(byAdmin.items.map((record) => record.action)).toEqual([
      'webhook.endpoint.deleted',
      'webhook.endpoint.updated',
      'webhook.endpoint.created',
    ]);
  });

  it('v1a endpoints publish their whpk_ key and get no secret', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);

    const { endpoint, secret } = await service.create(actor(), jatim, create({ signatureSchemes: ['v1a'] }));
    const keys = await service.publicKeys({ limit: 10 }, now);

    expect(secret).toBeUndefined();
    expect(keys.items).toEqual([
      { endpointId: endpoint.id, agencyId: jatim, publicKeys: [{ key: 'whpk_key1', status: 'current' }] },
    ]);
  });

  it('disabling removes its subscriptions, enabling restores them; a stale If-Match is 412', async () => {
    // Prepare
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint } = await service.create(operatorOf(jatim), jatim, create());

    // Act
    const disabled = await service.update(operatorOf(jatim), jatim, endpoint.id, { enabled: false }, 1);
    const whileDisabled = await ports.webhookEndpoints.subscribers(eventTypes.awardPublished, jatim);
    const stale = service.update(operatorOf(jatim), jatim, endpoint.id, { enabled: true }, 1);
    const enabled = await service.update(operatorOf(jatim), jatim, endpoint.id, { enabled: true }, 2);
    const afterwards = await ports.webhookEndpoints.subscribers(eventTypes.awardPublished, jatim);

    // Assess
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'manual', version: 2 });
    expect(whileDisabled).toEqual([]);
    await expect(stale).rejects.toThrow(PreconditionFailedError);
    expect(enabled).toMatchObject({ enabled: true, version: 3 });
    expect(enabled.disabledReason).toBeUndefined();
    expect(afterwards).toEqual([{ agencyId: jatim, endpointId: endpoint.id }]);
  });

  it('rotation keeps the previous secret signing for the overlap, and shows its expiry, not its value', async () => {
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint, secret: first } = await service.create(actor(), jatim, create());

    const { endpoint: rotated, secret: second } = await service.rotate(actor(), jatim, endpoint.id, 24);

    expect(second).not.toBe(first);
    expect(rotated.keys.previous).toMatchObject({ secret: first, expiresAt: '2026-03-11T00:00:00.000Z' });
    const trail = await ports.audits.list(
      { kind: 'webhook-endpoint', agencyId: jatim, endpointId: endpoint.id },
      { limit: 10 },
    );
    expect(trail.items[0]).toMatchObject({
      action: 'webhook.endpoint.secret_rotated',
      changes: [{ field: 'signingKeys' }],
    });
    expect(JSON.stringify(trail)).not.toContain(first);
    expect(JSON.stringify(trail)).not.toContain(second);
  });
});

describe('webhook secret rotation with If-Match (in-memory ports)', () => {
  it('a rotation sent with a stale version is refused (412) and the previous secret keeps signing', async () => {
    // Prepare
    const ports = await preparedPorts();
    const service = endpointService(ports);
    const { endpoint, secret: original } = await service.create(actor(), jatim, create());
    const { endpoint: rotated } = await service.rotate(actor(), jatim, endpoint.id, 24, 1);

    // Act
    const again = service.rotate(actor(), jatim, endpoint.id, 24, 1);

    // Assess
    await expect(again).rejects.toThrow(PreconditionFailedError);
    const stored = await service.get(actor(), jatim, endpoint.id);
    expect(stored.version).toBe(rotated.version);
    expect(stored.keys.previous?.secret).toBe(original);
  });
});

/** A receiver whose answers are scripted per attempt; it records what it was sent. */
const scriptedReceiver = (answers: readonly (number | 'timeout')[], retryAfter?: string) => {
  const received: { url: string; headers: Readonly<Record<string, string>>; body: string }[] = [];
  return {
    received,
    post: async (request: {
      url: string;
      headers: Readonly<Record<string, string>>;
      body: string;
    }): Promise<SendOutcome> => {
      received.push(request);
      const answer = answers[Math.min(received.length - 1, answers.length - 1)] ?? 200;
      return answer === 'timeout'
        ? { kind: 'error', errorClass: 'timeout', detail: 'no answer', latencyMs: 15_000 }
        : { kind: 'response', status: answer, retryAfter, latencyMs: 20 };
    },
  };
};

/** A queue the test drains by hand, in due order. */
const manualQueue = (maxDelayMs = 15 * 60_000) => {
  const waiting: { message: DeliveryMessage; delayMs: number }[] = [];
  const queue: DeliveryQueue = { maxDelayMs, send: async (messages) => void waiting.push(...messages) };
  return { queue, waiting };
};

const dispatchSetup = async (answers: readonly (number | 'timeout')[] = [200], retryAfter?: string) => {
  const ports = await preparedPorts();
  const endpoints = endpointService(ports);
  const receiver = scriptedReceiver(answers, retryAfter);
  const { queue, waiting } = manualQueue();
  const clock = { time: now.getTime(), now: () => new Date(clock.time) };
  const metrics = {
    delivered: 0,
    failed: [] as string[],
    disabled: [] as string[],
    unfinished: [] as { year: number; version: number; startedAt: string; forMs: number }[],
  };
  const dispatcher = createWebhookDispatcher(
    {
      ...ports,
      queue,
      sender: receiver,
      ids: sequentialIdsWithUlids(),
      clock,
      metrics: {
        delivered: () => {
          metrics.delivered += 1;
        },
        failed: (reason) => void metrics.failed.push(reason),
        endpointDisabled: (reason) => void metrics.disabled.push(reason),
        publicationUnfinished: (publication, forMs) =>
          void metrics.unfinished.push({ ...publication, forMs }),
      },
      random: () => 0.5,
    },
    { schedule: [1_000, 2_000, 3_000] },
  );
  /** Takes the next message off the queue, moves the clock to when it is due, and attempts it. */
  const step = async () => {
    const next = waiting.shift();
    if (!next) throw new Error('Nothing queued');
    clock.time += next.delayMs;
    return dispatcher.attempt(next.message);
  };
  return { ports, endpoints, receiver, waiting, clock, metrics, dispatcher, step };
};

const award = (agencyId: string | undefined, id = 'evt_00000000000000000000000001'): DomainEvent => ({
  id,
  type: agencyId === undefined ? eventTypes.rankingPublished : eventTypes.awardPublished,
  occurredAt: now.toISOString(),
  subject: agencyId === undefined ? { year: 2026 } : { year: 2026, agencyId },
  data: { link: '/v1/awards/1' },
});

describe('webhook dispatcher (in-memory ports)', () => {
  it('sends an agency’s event to that agency’s subscribers, a national event to every subscriber', async () => {
    // Prepare
    const { endpoints, dispatcher, waiting } = await dispatchSetup();
    const { endpoint: east } = await endpoints.create(actor(), jatim, create());
    const { endpoint: west } = await endpoints.create(
      actor(),
      jabar,
      create({ url: 'https://hooks.jabarprov.go.id/' }),
    );
    await endpoints.create(
      actor(),
      jabar,
      create({ url: 'https://hooks.jabarprov.go.id/x', eventTypes: ['result.finalized'] }),
    );

    // Act
    const forAgency = await dispatcher.fanOut([award(jatim)]);
    const national = await dispatcher.fanOut([award(undefined, 'evt_00000000000000000000000002')]);

    // Assess
    expect([forAgency, national]).toEqual([1, 2]);
    expect(waiting.map(({ message }) => [message.endpointId, message.eventId, message.attempt])).toEqual([
      [east.id, 'evt_00000000000000000000000001', 1],
      [west.id, 'evt_00000000000000000000000002', 1],
      [east.id, 'evt_00000000000000000000000002', 1],
    ]);
  });

  it('fails twice, then succeeds: one webhook-id three times, three attempts in the log', async () => {
    // Prepare
    const { endpoints, dispatcher, receiver, waiting, step, ports } = await dispatchSetup([
      500,
      'timeout',
      200,
    ]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);

    // Act
    await step();
    await step();
    await step();

    // Assess
    expect(waiting).toEqual([]);
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id']))).toEqual(
      new Set(['evt_00000000000000000000000001']),
    );
    expect(receiver.received).toHaveLength(3);
    const [delivery] = ports.webhooks.deliveries();
    expect(delivery).toMatchObject({ endpointId: endpoint.id, status: 'succeeded', attemptCount: 3 });
    expect(
      delivery?.attempts.map(({ attempt, outcome, statusCode, errorClass }) => ({
        attempt,
        outcome,
        statusCode,
        errorClass,
      })),
    ).toEqual([
      { attempt: 1, outcome: 'failed', statusCode: 500, errorClass: 'http_status' },
      { attempt: 2, outcome: 'failed', statusCode: undefined, errorClass: 'timeout' },
      { attempt: 3, outcome: 'succeeded', statusCode: 200, errorClass: undefined },
    ]);
    // A success ends the failure streak.
    expect(ports.webhooks.health(endpoint.id)).toEqual({});
  });

  it('after the last attempt the delivery is failed and counted; a duplicate message is dropped', async () => {
    const { endpoints, dispatcher, receiver, waiting, step, ports, metrics } = await dispatchSetup([503]);
    await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);
    const first = waiting[0]?.message as DeliveryMessage;

    for (let attempt = 0; attempt < 4; attempt += 1) await step();
    const duplicate = await dispatcher.attempt(first);

    expect(receiver.received).toHaveLength(4);
    expect(waiting).toEqual([]);
    expect(ports.webhooks.deliveries()[0]).toMatchObject({ status: 'failed', attemptCount: 4 });
    expect(ports.webhooks.deliveries()[0]?.nextAttemptAt).toBeUndefined();
    expect(metrics.failed).toEqual(['http_status']);
    expect(duplicate).toEqual({ kind: 'skipped', reason: 'duplicate' });
  });

  it('honours Retry-After of a 429 when it asks for longer than the schedule', async () => {
    const { endpoints, dispatcher, waiting, step } = await dispatchSetup([429, 200], '90');
    await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);

    await step();

    expect(waiting.map(({ delayMs }) => delayMs)).toEqual([90_000]);
  });

  it('410 Gone disables the endpoint and tells the agency’s other endpoints (webhook.endpoint_disabled)', async () => {
    // Prepare
    const { endpoints, dispatcher, waiting, step, ports, metrics } = await dispatchSetup([410]);
    const { endpoint: gone } = await endpoints.create(actor(), jatim, create());
    const { endpoint: other } = await endpoints.create(
      actor(),
      jatim,
      create({ url: 'https://hooks.jatimprov.go.id/ops', eventTypes: ['webhook.endpoint_disabled'] }),
    );
    await dispatcher.fanOut([award(jatim)]);

    // Act
    await step();
    const disabledEvents = ports.events.filter((event) => event.type === 'webhook.endpoint_disabled');
    await dispatcher.fanOut(disabledEvents);

    // Assess
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.message).toMatchObject({ endpointId: other.id, eventId: disabledEvents[0]?.id });
    expect(await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: gone.id })).toMatchObject({
      enabled: false,
      disabledReason: 'gone',
    });
    expect(disabledEvents).toEqual([
      expect.objectContaining({
        subject: { agencyId: jatim },
        data: expect.objectContaining({ endpointId: gone.id, reason: 'gone' }),
      }),
    ]);
    expect(metrics.disabled).toEqual(['gone']);
    expect(ports.webhooks.deliveries().find((delivery) => delivery.endpointId === gone.id)).toMatchObject({
      status: 'failed',
    });
  });

  it('an endpoint failing for five days straight is disabled, once', async () => {
    // Prepare: every attempt fails; events keep coming for six days
    const { endpoints, dispatcher, waiting, clock, ports } = await dispatchSetup([500]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    const day = 86_400_000;

    // Act: one new event a day, its first attempt only
    for (let index = 1; index <= 6; index += 1) {
      await dispatcher.fanOut([award(jatim, `evt_0000000000000000000000000${index}`)]);
      const first = waiting.splice(0).find(({ message }) => message.attempt === 1);
      if (first) await dispatcher.attempt(first.message);
      clock.time += day;
    }

    // Assess
    const stored = await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: endpoint.id });
    expect(stored).toMatchObject({ enabled: false, disabledReason: 'failing' });
    expect(ports.events.filter((event) => event.type === 'webhook.endpoint_disabled')).toHaveLength(1);
  });

  it('enabling an endpoint again restarts its failure count in the same transaction: a crash after it cannot leave the old streak', async () => {
    // Prepare: an endpoint disabled after five days of failures
    const { endpoints, dispatcher, waiting, clock, ports } = await dispatchSetup([
      500, 500, 500, 500, 500, 500, 500,
    ]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    for (let index = 1; index <= 6; index += 1) {
      await dispatcher.fanOut([award(jatim, `evt_0000000000000000000000000${index}`)]);
      const first = waiting.splice(0).find(({ message }) => message.attempt === 1);
      if (first) await dispatcher.attempt(first.message);
      clock.time += 86_400_000;
    }
    const disabled = await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: endpoint.id });
    // The store refuses any write outside the transaction (a Lambda dying right after it, a 503).
    const unreliable = endpointService({
      ...ports,
      webhookDeliveries: {
        ...ports.webhookDeliveries,
        markHealthy: async () => {
          throw new ServiceUnavailableError('The database is busy; retry in a moment.');
        },
      },
    });

    // Act
    const enabled = await unreliable.update(
      operatorOf(jatim),
      jatim,
      endpoint.id,
      { enabled: true },
      disabled?.version ?? 0,
    );

    // Assess: enabled with a clean slate, so one more failure does not disable it at once
    expect(enabled).toMatchObject({ enabled: true });
    expect(ports.webhooks.health(endpoint.id)).toEqual({});
    await dispatcher.fanOut([award(jatim, 'evt_00000000000000000000000009')]);
    const next = waiting.splice(0).find(({ message }) => message.attempt === 1);
    if (next) await dispatcher.attempt(next.message);
    expect(await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: endpoint.id })).toMatchObject({
      enabled: true,
    });
  });

  it('a success restarts the count: failures on days 0–3 and 5–9 around a success on day 4 keep it enabled', async () => {
    // Prepare: answers per first attempt of each day's event
    const answers = [500, 500, 500, 500, 200, 500, 500, 500, 500, 500];
    const { endpoints, dispatcher, waiting, clock, ports } = await dispatchSetup(answers);
    const { endpoint } = await endpoints.create(actor(), jatim, create());

    // Act
    for (let index = 0; index < answers.length; index += 1) {
      await dispatcher.fanOut([
        award(jatim, `evt_000000000000000000000000${String(index).padStart(2, '0')}`),
      ]);
      const first = waiting.splice(0).find(({ message }) => message.attempt === 1);
      if (first) await dispatcher.attempt(first.message);
      clock.time += 86_400_000;
    }

    // Assess: failing since day 5, four days and a bit: not yet five
    expect(await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: endpoint.id })).toMatchObject({
      enabled: true,
    });
    expect(ports.webhooks.health(endpoint.id)).toEqual({
      failingSince: new Date(now.getTime() + 5 * 86_400_000).toISOString(),
    });
  });

  it('an event from before an endpoint was registered is not sent to it (a stream read again or late)', async () => {
    // Prepare: an event of yesterday, read from the stream only after the endpoint was registered
    const { endpoints, dispatcher, receiver, step, ports, waiting } = await dispatchSetup();
    await endpoints.create(actor(), jatim, create());
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString();
    await dispatcher.fanOut([{ ...award(jatim), occurredAt: yesterday }]);

    // Act
    const result = await step();

    // Assess
    expect(result).toEqual({ kind: 'skipped', reason: 'before-endpoint' });
    expect(receiver.received).toEqual([]);
    expect(waiting).toEqual([]);
    expect(ports.webhooks.deliveries()).toEqual([]);
  });

  it('a pending retry of an endpoint disabled meanwhile ends as failed, without an attempt', async () => {
    const { endpoints, dispatcher, receiver, step, ports, waiting } = await dispatchSetup([500]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);
    await step();
    await endpoints.update(actor(), jatim, endpoint.id, { enabled: false }, 1);

    const result = await step();

    expect(result).toEqual({ kind: 'skipped', reason: 'endpoint-gone' });
    expect(receiver.received).toHaveLength(1);
    expect(waiting).toEqual([]);
    expect(ports.webhooks.deliveries()[0]).toMatchObject({ status: 'failed', attemptCount: 1 });
  });

  it('retries beyond the queue’s delay limit wait in the due index; the sweep queues them when due', async () => {
    // Prepare: a queue that delays at most 1.5 s, a schedule of 1 s, 2 s, 3 s
    const ports = await preparedPorts();
    const { queue, waiting } = manualQueue(1_500);
    const clock = { time: now.getTime(), now: () => new Date(clock.time) };
    const receiver = scriptedReceiver([500, 500, 200]);
    const dispatcher = createWebhookDispatcher(
      {
        ...ports,
        queue,
        sender: receiver,
        ids: sequentialIdsWithUlids(),
        clock,
        metrics: {
          delivered: () => {},
          failed: () => {},
          endpointDisabled: () => {},
          publicationUnfinished: () => {},
        },
        random: () => 0.5,
      },
      { schedule: [1_000, 2_000, 3_000], sweepLookaheadMs: 500 },
    );
    await endpointService(ports).create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);

    // Act + Assess
    await dispatcher.attempt((waiting.shift() as { message: DeliveryMessage }).message);
    expect(waiting.map(({ delayMs }) => delayMs)).toEqual([1_000]); // within the limit: queued at once
    clock.time += 1_000;
    await dispatcher.attempt((waiting.shift() as { message: DeliveryMessage }).message);
    expect(waiting).toEqual([]); // 2 s is over the limit: left to the sweep
    expect(await dispatcher.sweep()).toBe(0); // not due within the look-ahead yet
    clock.time += 1_600;
    expect(await dispatcher.sweep()).toBe(1);
    expect(await dispatcher.sweep()).toBe(0); // already on its way
    expect(waiting.map(({ message, delayMs }) => [message.attempt, delayMs])).toEqual([[3, 400]]);
    clock.time += 400;
    await dispatcher.attempt((waiting.shift() as { message: DeliveryMessage }).message);
    expect(ports.webhooks.deliveries()[0]).toMatchObject({ status: 'succeeded', attemptCount: 3 });
  });

  it('a redelivery is one more attempt with the same webhook-id, queued by the sweep', async () => {
    // Prepare: a delivery that failed for good
    const { endpoints, dispatcher, receiver, waiting, step, ports } = await dispatchSetup([
      500, 500, 500, 500, 200,
    ]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);
    for (let attempt = 0; attempt < 4; attempt += 1) await step();

    // Act
    const receipt = await endpoints.redeliver(
      operatorOf(jatim),
      jatim,
      endpoint.id,
      'evt_00000000000000000000000001',
    );
    const again = await endpoints.redeliver(
      operatorOf(jatim),
      jatim,
      endpoint.id,
      'evt_00000000000000000000000001',
    );
    await dispatcher.sweep();
    const result = await step();

    // Assess: the double click is answered alike and makes no second attempt
    expect(receipt).toEqual({ requested: 1, eventIds: ['evt_00000000000000000000000001'] });
    expect(again).toEqual(receipt);
    expect(result).toMatchObject({ kind: 'attempted', verdict: { kind: 'succeeded' } });
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe('evt_00000000000000000000000001');
    expect(ports.webhooks.deliveries()[0]).toMatchObject({ status: 'succeeded', attemptCount: 5 });
    expect(ports.webhooks.deliveries()[0]?.attempts.at(-1)).toMatchObject({
      attempt: 5,
      trigger: 'redelivery',
    });
    expect(waiting).toEqual([]);
  });

  it('a pending delivery (the receiver fixed, the next retry hours away) is attempted now; its schedule goes on', async () => {
    // Prepare: the first attempt failed; the next is scheduled a second later
    const { endpoints, dispatcher, receiver, waiting, clock, step, ports } = await dispatchSetup([
      500, 500, 200,
    ]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);
    await step();
    const eventId = 'evt_00000000000000000000000001';
    const retryMessage = waiting.shift();
    const requestedAt = new Date(clock.time).toISOString();

    // Act
    const receipt = await endpoints.redeliver(operatorOf(jatim), jatim, endpoint.id, eventId);
    await dispatcher.sweep();
    const now = waiting.shift();
    const broughtForward = now && (await dispatcher.attempt(now.message));
    const lateMessage = retryMessage && (await dispatcher.attempt(retryMessage.message));

    // Assess: attempt 2 ran at once and failed; the schedule still holds attempt 3, which succeeds
    expect(receipt).toEqual({ requested: 1, eventIds: [eventId] });
    expect(now?.delayMs).toBe(0);
    expect(broughtForward).toMatchObject({ kind: 'attempted' });
    expect(lateMessage).toEqual({ kind: 'skipped', reason: 'duplicate' });
    expect(ports.webhooks.deliveries()[0]).toMatchObject({ status: 'pending', attemptCount: 2 });
    expect(ports.webhooks.deliveries()[0]?.attempts.at(-1)).toMatchObject({ attempt: 2, at: requestedAt });
    await step();
    expect(ports.webhooks.deliveries()[0]).toMatchObject({ status: 'succeeded', attemptCount: 3 });
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([
      eventId,
      eventId,
      eventId,
    ]);
  });

  it('a redelivery is made only with its audit record: a crash before the record leaves the delivery as it was', async () => {
    // Prepare: a delivery that failed for good, and a write path that dies (a timeout, a 503)
    const { endpoints, dispatcher, step, ports } = await dispatchSetup([500, 500, 500, 500]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);
    for (let attempt = 0; attempt < 4; attempt += 1) await step();
    const dying = endpointService({
      ...ports,
      writes: {
        ...ports.writes,
        commit: async () => {
          throw new ServiceUnavailableError('The database is busy; retry in a moment.');
        },
      },
    });

    // Act
    const one = dying.redeliver(operatorOf(jatim), jatim, endpoint.id, 'evt_00000000000000000000000001');
    const all = dying.redeliverFailed(operatorOf(jatim), jatim, endpoint.id, now.toISOString());

    // Assess: nothing redelivered that the trail does not show
    await expect(one).rejects.toThrow(ServiceUnavailableError);
    await expect(all).rejects.toThrow(ServiceUnavailableError);
    expect(ports.webhooks.deliveries()[0]).toMatchObject({ status: 'failed', attemptCount: 4 });
    expect(await dispatcher.sweep()).toBe(0);
    const trail = await ports.audits.list(
      { kind: 'webhook-endpoint', agencyId: jatim, endpointId: endpoint.id },
      { limit: 10 },
    );
    expect(trail.items.map((record) => record.action)).not.toContain('webhook.redelivery.requested');
  });

  it('redelivers every failed delivery but one that changed meanwhile, auditing exactly those redelivered', async () => {
    // Prepare: two deliveries that failed for good; the listing read one of them before its last attempt
    const { endpoints, dispatcher, step, ports } = await dispatchSetup([
      500, 500, 500, 500, 500, 500, 500, 500,
    ]);
    const { endpoint } = await endpoints.create(actor(), jatim, create());
    const first = 'evt_00000000000000000000000001';
    const second = 'evt_00000000000000000000000002';
    await dispatcher.fanOut([award(jatim, first), award(jatim, second)]);
    for (let attempt = 0; attempt < 8; attempt += 1) await step();
    const stale: typeof ports.webhookDeliveries = {
      ...ports.webhookDeliveries,
      failedSince: async (...args) =>
        (await ports.webhookDeliveries.failedSince(...args)).map((delivery) =>
          delivery.eventId === first ? { ...delivery, attemptCount: 3 } : delivery,
        ),
    };
    const service = endpointService({ ...ports, webhookDeliveries: stale });

    // Act
    const receipt = await service.redeliverFailed(operatorOf(jatim), jatim, endpoint.id, now.toISOString());

    // Assess
    expect(receipt).toEqual({ requested: 1, eventIds: [second] });
    const byEvent = new Map(ports.webhooks.deliveries().map((delivery) => [delivery.eventId, delivery]));
    expect(byEvent.get(first)).toMatchObject({ status: 'failed' });
    expect(byEvent.get(second)).toMatchObject({
      status: 'pending',
      redeliveryRequestedAt: now.toISOString(),
    });
    const trail = await ports.audits.list(
      { kind: 'webhook-endpoint', agencyId: jatim, endpointId: endpoint.id },
      { limit: 10 },
    );
    const requested = trail.items.filter((record) => record.action === 'webhook.redelivery.requested');
    expect(requested.map((record) => record.changes)).toEqual([
      [{ field: 'eventIds', before: null, after: [second] }],
    ]);
    // One delivery, said in the singular ("1 deliveries" read as a slip in the trail).
    expect(requested.map((record) => record.target)).toEqual(['1 delivery']);
  });

  it('a test event goes to the endpoint that asked for it only, whatever it subscribes to', async () => {
    const { endpoints, dispatcher, waiting, ports } = await dispatchSetup();
    const { endpoint } = await endpoints.create(
      operatorOf(jatim),
      jatim,
      create({ eventTypes: ['result.finalized'] }),
    );
    await endpoints.create(
      operatorOf(jatim),
      jatim,
      create({ url: 'https://hooks.jatimprov.go.id/tests', eventTypes: ['webhook.test'] }),
    );

    const receipt = await endpoints.sendTest(operatorOf(jatim), jatim, endpoint.id);
    await dispatcher.fanOut(ports.events);

    expect(receipt.type).toBe('webhook.test');
    expect(waiting.map(({ message }) => [message.endpointId, message.eventId])).toEqual([
      [endpoint.id, receipt.eventId],
    ]);
  });
});

/** Claims (and optionally publishes) an empty award publication version, moving the public pointer. */
const awardPublication = (version: number): AwardPublication => ({
  year: 2026,
  version,
  status: 'publishing',
  reason: version === 1 ? 'initial' : 'correction',
  previousVersion: version === 1 ? null : version - 1,
  previousSha256: null,
  rulesId: 'rules',
  frameworkId: 'spbe-2020',
  rulesNameId: 'aturan',
  rulesNameEn: 'rules',
  categories: [],
  rankingRunId: 'run',
  inputsSha256: 'inputs',
  decisionsThrough: 0,
  awards: [],
  awardCount: 0,
  recipientCount: 0,
  requestedBy: 'admin',
  startedAt: now.toISOString(),
  sha256: `sha-${version}`,
});
const claim = async (ports: MemoryPorts, version: number) => {
  // The claim checks the cycle's published ranking is the run it draws from (`rankingRunId`).
  if (version === 1) await publishRankingRun(ports.writes, actor(), 2026, 'run');
  expect(
    await ports.writes.commit({
      state: [{ kind: 'award.claim', publication: awardPublication(version) }],
      audits: [auditEntry(actor(), { kind: 'cycle', year: 2026 }, 'award.publication.started', 'awards', [])],
      events: [],
    }),
  ).toEqual({ committed: true });
};
const finishPublication = async (ports: MemoryPorts, version: number) =>
  expect(
    await ports.writes.commit({
      state: [
        {
          kind: 'award.publish',
          publication: { ...awardPublication(version), status: 'published', publishedAt: now.toISOString() },
        },
      ],
      audits: [
        auditEntry(actor(), { kind: 'cycle', year: 2026 }, 'award.publication.published', 'awards', []),
      ],
      events: [],
    }),
  ).toEqual({ committed: true });

const announcing = (version: number, id = 'evt_00000000000000000000000011'): DomainEvent => ({
  ...award(jatim, id),
  data: {
    publicationVersion: version,
    awards: ['apd-2026-layanan-provinsi-1'],
    link: `/v1/agencies/${jatim}/awards`,
  },
});

describe('award events wait for their publication to be public', () => {
  it('holds the first attempt while the publication is being written, then delivers it once', async () => {
    // Prepare: version 1 claimed, its recipients' events written, the pointer not yet moved
    const { ports, endpoints, dispatcher, receiver, waiting, step } = await dispatchSetup();
    await endpoints.create(actor(), jatim, create());
    await claim(ports, 1);
    await dispatcher.fanOut([announcing(1)]);

    // Act
    const whileWriting = await step();
    const stillWriting = await step();
    await finishPublication(ports, 1);
    const afterPublish = await step();

    // Assess
    expect(whileWriting).toEqual({ kind: 'held', publication: { year: 2026, version: 1 }, delayMs: 1_000 });
    expect(stillWriting).toMatchObject({ kind: 'held' });
    expect(afterPublish).toMatchObject({
      kind: 'attempted',
      delivery: { status: 'succeeded', attemptCount: 1 },
    });
    expect(receiver.received).toHaveLength(1);
    expect(waiting).toEqual([]);
    // Holding is no attempt: the log shows the one attempt made after the pointer moved.
    expect(ports.webhooks.deliveries()[0]?.attempts).toHaveLength(1);
  });

  it('looks again less often the longer a publication stays unfinished (a crash half-way)', async () => {
    // Prepare
    const { ports, endpoints, dispatcher, receiver, waiting, step } = await dispatchSetup();
    await endpoints.create(actor(), jatim, create());
    await claim(ports, 1);
    await dispatcher.fanOut([announcing(1)]);

    // Act
    for (let look = 0; look < 14; look += 1) await step();

    // Assess
    expect(receiver.received).toEqual([]);
    // Ten looks a second apart, then 2, 4, 8, 16 s … up to 5 min.
    expect(waiting.map(({ message, delayMs }) => [message.held, delayMs])).toEqual([[14, 16_000]]);
    expect(publicationHoldDelayMs(30)).toBe(300_000);
  });

  it('the sweep reports a publication still unfinished 10 minutes after its claim, whatever it wrote, until it is finished', async () => {
    // Prepare: version 1 claimed and cut off before any recipient was written; no endpoint at all,
    // so no event is held and nothing else would notice
    const { ports, dispatcher, metrics, clock } = await dispatchSetup();
    await claim(ports, 1);
    const claimedAt = clock.time;
    const sweepAt = async (afterMs: number) => {
      clock.time = claimedAt + afterMs;
      return dispatcher.watchPublications();
    };

    // Act: sweeps a minute apart (the schedule's), the publication finished after the third
    const reported = [await sweepAt(9 * 60_000), await sweepAt(10 * 60_000), await sweepAt(11 * 60_000)];
    await finishPublication(ports, 1);
    reported.push(await sweepAt(12 * 60_000));

    // Assess: reported at each sweep from 10 minutes on, not before it nor once finished
    expect(reported).toEqual([0, 1, 1, 0]);
    expect(metrics.unfinished).toEqual([
      { year: 2026, version: 1, startedAt: now.toISOString(), forMs: 10 * 60_000 },
      { year: 2026, version: 1, startedAt: now.toISOString(), forMs: 11 * 60_000 },
    ]);
  });

  it('delivers at once an event whose publication is already public, and a revision’s only after it is', async () => {
    // Prepare: version 1 published, version 2 (a revision) claimed
    const { ports, endpoints, dispatcher, receiver, waiting } = await dispatchSetup();
    await endpoints.create(actor(), jatim, create());
    await claim(ports, 1);
    await finishPublication(ports, 1);
    await claim(ports, 2);
    await dispatcher.fanOut([announcing(1), announcing(2, 'evt_00000000000000000000000012')]);

    // Act
    const results = await dispatcher.attemptMany(waiting.splice(0).map(({ message }) => message));

    // Assess
    expect(results.map((result) => result.status === 'fulfilled' && result.value.kind)).toEqual([
      'attempted',
      'held',
    ]);
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([
      'evt_00000000000000000000000011',
    ]);
    expect(waiting.map(({ message }) => [message.eventId, message.held])).toEqual([
      ['evt_00000000000000000000000012', 1],
    ]);
  });

  it('never holds an event that announces no publication (a ranking, a test, an old event without a version)', async () => {
    // Prepare: nothing published at all
    const { endpoints, dispatcher, receiver, step } = await dispatchSetup();
    await endpoints.create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);

    // Act
    const result = await step();

    // Assess
    expect(result).toMatchObject({ kind: 'attempted' });
    expect(receiver.received).toHaveLength(1);
  });
});

describe('a worker that dies after recording an attempt', () => {
  /** A dispatcher whose worker dies (once) right after recording an attempt, before its follow-up. */
  const dyingSetup = async (answer: number, dieIn: 'markHealthy' | 'disable') => {
    const ports = await preparedPorts();
    const { queue, waiting } = manualQueue();
    const clock = { time: now.getTime(), now: () => new Date(clock.time) };
    let died = false;
    const die = () => {
      if (died) return false;
      died = true;
      return true;
    };
    const webhookDeliveries = {
      ...ports.webhookDeliveries,
      markHealthy: async (endpointId: string) => {
        if (dieIn === 'markHealthy' && die()) throw new Error('Task timed out after 30.00 seconds');
        return ports.webhookDeliveries.markHealthy(endpointId);
      },
    };
    const writes = {
      ...ports.writes,
      commit: async (change: Parameters<typeof ports.writes.commit>[0]) => {
        if (dieIn === 'disable' && change.state.some((state) => state.kind === 'webhook-endpoint') && die()) {
          throw new Error('Task timed out after 30.00 seconds');
        }
        return ports.writes.commit(change);
      },
    };
    const dispatcher = createWebhookDispatcher(
      {
        ...ports,
        webhookDeliveries,
        writes,
        queue,
        sender: scriptedReceiver([answer]),
        ids: sequentialIdsWithUlids(),
        clock,
        metrics: {
          delivered: () => {},
          failed: () => {},
          endpointDisabled: () => {},
          publicationUnfinished: () => {},
        },
        random: () => 0.5,
      },
      { schedule: [1_000, 2_000, 3_000] },
    );
    const { endpoint } = await endpointService(ports).create(actor(), jatim, create());
    await dispatcher.fanOut([award(jatim)]);
    const message = (waiting.shift() as { message: DeliveryMessage }).message;
    return { ports, dispatcher, endpoint, message, clock };
  };

  it('ends the failure streak when its message comes back after a success (the retry finds the attempt made)', async () => {
    // Prepare: the endpoint has been failing since an hour ago; the worker dies after the success
    const { ports, dispatcher, endpoint, message, clock } = await dyingSetup(200, 'markHealthy');
    await ports.webhookDeliveries.markFailing(endpoint.id, new Date(clock.time - 3_600_000).toISOString());
    await expect(dispatcher.attempt(message)).rejects.toThrow('timed out');
    const afterCrash = ports.webhooks.health(endpoint.id);

    // Act: the queue's retry of the same message
    const retried = await dispatcher.attempt(message);

    // Assess
    expect(afterCrash.failingSince).toBeDefined();
    expect(retried).toEqual({ kind: 'skipped', reason: 'duplicate' });
    expect(ports.webhooks.health(endpoint.id)).toEqual({});
  });

  it('disables the endpoint when its message comes back after a 410; not one re-enabled since', async () => {
    // Prepare: the worker dies while disabling after the receiver's 410
    const { ports, dispatcher, endpoint, message } = await dyingSetup(410, 'disable');
    await expect(dispatcher.attempt(message)).rejects.toThrow('timed out');
    const afterCrash = await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: endpoint.id });

    // Act
    const retried = await dispatcher.attempt(message);

    // Assess
    expect(afterCrash?.enabled).toBe(true);
    expect(retried).toEqual({ kind: 'skipped', reason: 'duplicate' });
    expect(await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: endpoint.id })).toMatchObject({
      enabled: false,
      disabledReason: 'gone',
    });
  });

  it('leaves an endpoint enabled when it was changed after the 410 (an operator re-enabled it)', async () => {
    // Prepare
    const { ports, dispatcher, endpoint, message, clock } = await dyingSetup(410, 'disable');
    await expect(dispatcher.attempt(message)).rejects.toThrow('timed out');
    clock.time += 60_000;
    await endpointService(ports).update(
      actor({ now: new Date(clock.time) }),
      jatim,
      endpoint.id,
      { description: 'Portal baru' },
      endpoint.version,
    );

    // Act
    await dispatcher.attempt(message);

    // Assess
    expect(await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: endpoint.id })).toMatchObject({
      enabled: true,
    });
  });
});
