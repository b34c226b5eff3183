import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as z from 'zod';
import { routes } from '#shared/api/routes.ts';
import type { WebhookEndpointSchema, WebhookEndpointWithSecretSchema } from '#shared/api/webhooks/schemas.ts';
import type { AddressResolver } from '#shared/services/webhooks/ports.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { startReceiver } from '#test/helpers/webhook-receiver.ts';
import {
  ensureAgency,
  expectFieldProblem,
  expectProblem,
  expectStatus,
  jawaBarat,
  jawaTimur,
} from './support.ts';

/**
 * Webhook endpoints over HTTP on the local runtime: registration and its SSRF checks (DNS stubbed),
 * the secret shown once, concurrency, deletion, the published keys.
 */

type EndpointWithSecret = z.output<typeof WebhookEndpointWithSecretSchema>;
type Endpoint = z.output<typeof WebhookEndpointSchema>;

const jatim = 'prov-jawa-timur';
const base = `/v1/agencies/${jatim}/webhook-endpoints`;

/** Registration DNS, stubbed: two public names and names that lead into private networks. */
const resolver: AddressResolver = {
  resolve: async (hostname) =>
    ({
      'hooks.jatimprov.go.id': ['203.0.114.10'],
      'example.go.id': ['203.0.114.11'],
      'internal.jatimprov.go.id': ['10.20.30.40'],
      'metadata.jatimprov.go.id': ['203.0.114.12', '169.254.169.254'],
      'v6.jatimprov.go.id': ['fd00::5'],
    })[hostname] ?? [],
};

let api: TestApi;
let admin: string;
let operator: string;
/** Everything this process logs while the file runs, and every secret the API handed out. */
const logged: string[] = [];
const secretsHandedOut: string[] = [];
const logSpies: { mockRestore(): void }[] = [];

beforeAll(async () => {
  // INFO, not the local default WARN, so the no-secret-in-the-log check sees what a deployed function
  // logs; captured rather than printed.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  for (const stream of [process.stdout, process.stderr]) {
    logSpies.push(
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      }),
    );
  }
  api = await startTestApi({ webhooks: { resolver } });
  admin = await api.token('admin');
  operator = await api.token('agency', { agencyId: jatim });
  await ensureAgency(api, admin, jatim, jawaTimur);
  await ensureAgency(api, admin, 'prov-jawa-barat', jawaBarat);
});

afterAll(async () => {
  await api?.stop();
  for (const spy of logSpies) spy.mockRestore();
});

const register = (body: Record<string, unknown>, token = operator) =>
  api.request<EndpointWithSecret>('POST', base, {
    token,
    body: { eventTypes: ['award.published'], ...body },
  });

/** The route's documented schema accepts the body, and parsing drops nothing (no undeclared field). */
const expectContract = (schema: z.ZodType, body: unknown) => {
  const parsed = schema.safeParse(body);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  expect(parsed.data).toEqual(body);
};

describe('registration refuses what could reach inside (SSRF)', () => {
  it.each([
    ['https://127.0.0.1/', 'ip-literal'],
    ['https://10.0.0.1/', 'ip-literal'],
    ['https://[::ffff:127.0.0.1]/', 'ip-literal'],
    ['https://2130706433/', 'ip-literal'],
    ['https://0x7f.1/', 'ip-literal'],
    ['https://169.254.169.254/', 'ip-literal'],
    ['https://100.64.0.1/', 'ip-literal'],
    ['https://[fd00::1]/', 'ip-literal'],
    ['http://example.go.id/', 'https-required'],
    ['https://user:pw@example.go.id/', 'credentials'],
    ['https://localhost/', 'localhost'],
    ['https://internal.jatimprov.go.id/', 'non-public-address'],
    ['https://metadata.jatimprov.go.id/', 'non-public-address'],
    ['https://v6.jatimprov.go.id/', 'non-public-address'],
    ['https://nowhere.jatimprov.go.id/', 'unresolvable'],
  ])('%s → 400 problem+json naming the reason (%s)', async (url, reason) => {
    // Act
    const response = await register({ url });

    // Assess
    const problem = expectFieldProblem(response, 400, '/body/url');
    expect(problem).toMatchObject({ type: '/problems/validation-failed', reason });
    expect(problem.detail).toMatch(/^The webhook URL is refused: /);
  });

  it('names the private address a name resolves to', async () => {
    const problem = expectProblem(await register({ url: 'https://internal.jatimprov.go.id/hooks' }), 400);
    expect(problem.errors?.[0]?.detail).toBe(
      '"internal.jatimprov.go.id" resolves to 10.20.30.40, a private address; webhooks reach public addresses only.',
    );
  });
});

describe('endpoint lifecycle', () => {
  it('201 with the secret once; reads never show it, nor does the log', async () => {
    // Prepare
    const hooks = await startReceiver();
    try {
      // Act
      const created = await register({
        url: hooks.url,
        eventTypes: ['award.published', 'webhook.test'],
        signatureSchemes: ['v1', 'v1a'],
        description: 'Portal SPBE Jawa Timur',
      });
      const body = expectStatus(created, 201);
      const read = await api.request<Endpoint>('GET', `${base}/${body.id}`, { token: operator });
      const listed = await api.request<{ items: Endpoint[] }>('GET', base, { token: operator });
      const rotated = await api.request<EndpointWithSecret>('POST', `${base}/${body.id}/rotate-secret`, {
        token: operator,
        body: {},
      });
      await api.request('POST', `${base}/${body.id}/test`, { token: operator });
      await hooks.waitFor(1);

      // Assess
      expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(created.headers.get('location')).toBe(`${base}/${body.id}`);
      expect(created.headers.get('etag')).toBe('"1"');
      expectContract(routes.createWebhookEndpoint.responses[201].schema, body);
      const view = expectStatus(read, 200);
      expectContract(routes.getWebhookEndpoint.responses[200].schema, view);
      expect(view).not.toHaveProperty('secret');
      expect(view.publicKeys?.map((key) => key.status)).toEqual(['current']);
      expectContract(routes.listWebhookEndpoints.responses[200].schema, expectStatus(listed, 200));
      const afterRotation = expectStatus(rotated, 200);
      expect(afterRotation.publicKeys?.map((key) => key.status)).toEqual(['current', 'previous']);
      for (const text of [read.text, listed.text]) {
        expect(text).not.toContain('whsec_');
        expect(text).not.toContain('whsk_');
      }
      secretsHandedOut.push(body.secret ?? '', afterRotation.secret ?? '');
    } finally {
      await hooks.close();
    }
  });

  it('PATCH needs If-Match (428), refuses a stale one (412), then changes the event types', async () => {
    // Prepare
    const created = expectStatus(await register({ url: 'https://hooks.jatimprov.go.id/patch' }), 201);
    const path = `${base}/${created.id}`;

    // Act
    const missing = await api.request('PATCH', path, { token: operator, body: { enabled: false } });
    const stale = await api.request('PATCH', path, {
      token: operator,
      body: { enabled: false },
      headers: { 'if-match': '"7"' },
    });
    const updated = await api.request<Endpoint>('PATCH', path, {
      token: operator,
      body: { eventTypes: ['ranking.published', 'result.finalized'], enabled: false },
      headers: { 'if-match': '"1"' },
    });

    // Assess
    expectProblem(missing, 428);
    expectProblem(stale, 412);
    expect(expectStatus(updated, 200)).toMatchObject({
      eventTypes: ['ranking.published', 'result.finalized'],
      enabled: false,
      disabledReason: 'manual',
      version: 2,
    });
    expect(updated.headers.get('etag')).toBe('"2"');
  });

  it('refuses unknown event types and an empty patch', async () => {
    expectFieldProblem(
      await register({ url: 'https://hooks.jatimprov.go.id/', eventTypes: ['award.won'] }),
      400,
      '/body/eventTypes/0',
    );
    const created = expectStatus(await register({ url: 'https://hooks.jatimprov.go.id/x' }), 201);
    expectProblem(
      await api.request('PATCH', `${base}/${created.id}`, {
        token: operator,
        body: {},
        headers: { 'if-match': '"1"' },
      }),
      400,
    );
  });

  it('rotates on a bare POST (no body, no Content-Type), as the docs show: the overlap is 24 h', async () => {
    const created = expectStatus(await register({ url: 'https://hooks.jatimprov.go.id/rotate' }), 201);

    const before = Date.now();
    const rotated = await api.request<EndpointWithSecret>('POST', `${base}/${created.id}/rotate-secret`, {
      token: operator,
    });

    const body = expectStatus(rotated, 200);
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(created.secret);
    const overlap = Date.parse(body.previousSecretExpiresAt ?? '') - before;
    expect(overlap).toBeGreaterThan(23.9 * 3_600_000);
    expect(overlap).toBeLessThan(24.1 * 3_600_000);
    secretsHandedOut.push(created.secret ?? '', body.secret ?? '');
  });

  it('rotation honours If-Match: a stale one (a double click, a retry) answers 412 and keeps the keys', async () => {
    // Prepare
    const created = expectStatus(await register({ url: 'https://hooks.jatimprov.go.id/rotate-twice' }), 201);
    const path = `${base}/${created.id}`;

    // Act
    const first = await api.request<EndpointWithSecret>('POST', `${path}/rotate-secret`, {
      token: operator,
      headers: { 'if-match': '"1"' },
    });
    const second = await api.request('POST', `${path}/rotate-secret`, {
      token: operator,
      headers: { 'if-match': '"1"' },
    });
    const read = await api.request<Endpoint>('GET', path, { token: operator });

    // Assess
    const rotated = expectStatus(first, 200);
    expect(first.headers.get('etag')).toBe('"2"');
    expectProblem(second, 412);
    expect(second.headers.get('etag')).toBe('"2"');
    // The first rotation's overlap stands: the original secret still signs beside the new one.
    expect(expectStatus(read, 200)).toMatchObject({
      version: 2,
      previousSecretExpiresAt: rotated.previousSecretExpiresAt,
    });
    secretsHandedOut.push(created.secret ?? '', rotated.secret ?? '');
  });

  it('rotation with an Idempotency-Key but no If-Match answers 428 and rotates nothing: the key is not honoured, and its sender counts on a safe retry', async () => {
    // Prepare
    const created = expectStatus(await register({ url: 'https://hooks.jatimprov.go.id/rotate-keyed' }), 201);
    const path = `${base}/${created.id}`;

    // Act
    const keyed = await api.request('POST', `${path}/rotate-secret`, {
      token: operator,
      headers: { 'idempotency-key': 'rotate-1' },
    });
    const read = await api.request<Endpoint>('GET', path, { token: operator });
    const keyedWithIfMatch = await api.request<EndpointWithSecret>('POST', `${path}/rotate-secret`, {
      token: operator,
      headers: { 'idempotency-key': 'rotate-1', 'if-match': '"1"' },
    });

    // Assess
    const problem = expectProblem(keyed, 428);
    expect(problem.detail).toContain('does not honour Idempotency-Key');
    expect(problem.detail).toContain('If-Match');
    expect(expectStatus(read, 200)).toMatchObject({ version: 1 });
    const rotated = expectStatus(keyedWithIfMatch, 200);
    secretsHandedOut.push(created.secret ?? '', rotated.secret ?? '');
  });

  it('DELETE answers 204, then the endpoint is gone (404)', async () => {
    const created = expectStatus(await register({ url: 'https://hooks.jatimprov.go.id/delete' }), 201);

    const stale = await api.request('DELETE', `${base}/${created.id}`, {
      token: operator,
      headers: { 'if-match': '"3"' },
    });
    const deleted = await api.request('DELETE', `${base}/${created.id}`, {
      token: operator,
      headers: { 'if-match': '"1"' },
    });
    const read = await api.request('GET', `${base}/${created.id}`, { token: operator });

    expectProblem(stale, 412);
    expect(deleted.status).toBe(204);
    expectProblem(read, 404);
  });

  it('one URL is one endpoint: a double click gets one 201 and one 409 naming it; deleted, the URL is free', async () => {
    const url = 'https://hooks.jatimprov.go.id/double-click';

    const [first, second] = await Promise.all([register({ url }), register({ url })]);
    const [created, refused] = first.status === 201 ? [first, second] : [second, first];
    const endpoint = expectStatus(created, 201);
    const problem = expectFieldProblem(refused, 409, '/body/url');
    const deleted = await api.request('DELETE', `${base}/${endpoint.id}`, { token: operator });
    const again = await register({ url: 'https://HOOKS.jatimprov.go.id:443/double-click' });

    expect(problem.detail).toContain(endpoint.id);
    expect(deleted.status).toBe(204);
    expect(expectStatus(again, 201).url).toBe(url);
  });

  it('registrations sent at once leave at most 10 endpoints: the limit holds in the transaction, not only in a read', async () => {
    const agency = 'prov-jawa-barat';
    const token = await api.token('agency', { agencyId: agency });
    const path = `/v1/agencies/${agency}/webhook-endpoints`;

    const answers = await Promise.all(
      Array.from({ length: 14 }, (_, index) =>
        api.request<EndpointWithSecret>('POST', path, {
          token,
          body: { url: `https://example.go.id/race/${index}`, eventTypes: ['award.published'] },
        }),
      ),
    );
    for (const answer of answers) {
      if (answer.status === 201) secretsHandedOut.push(answer.body.secret ?? '');
    }
    const listed = expectStatus(await api.request<{ items: Endpoint[] }>('GET', path, { token }), 200);

    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(10);
    for (const refused of answers.filter((answer) => answer.status !== 201)) {
      expect(expectProblem(refused, 409).detail).toContain('the most it may have');
    }
    expect(listed.items).toHaveLength(10);
  });

  it('an operator without the webhooks.manage scope is refused (403)', async () => {
    const token = await api.token('agency', { agencyId: jatim, scopes: ['spbe/self-assessment.write'] });
    expectProblem(await api.request('GET', base, { token }), 403);
  });

  it('publishes the ed25519 public keys of v1a endpoints without a token', async () => {
    const created = expectStatus(
      await register({ url: 'https://hooks.jatimprov.go.id/v1a', signatureSchemes: ['v1a'] }),
      201,
    );

    const response = await api.request<{ items: { endpointId: string; publicKeys: { key: string }[] }[] }>(
      'GET',
      '/v1/webhooks/public-keys?limit=200',
    );

    const page = expectStatus(response, 200);
    expectContract(routes.listWebhookPublicKeys.responses[200].schema, page);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(page.items.find((item) => item.endpointId === created.id)?.publicKeys).toEqual(created.publicKeys);
    expect(created.secret).toBeUndefined();
  });
});

describe('logs', () => {
  it('never hold a secret or a signing key, at INFO, across everything this file did', () => {
    const everything = logged.join('');
    expect(everything).toContain('Request rejected');
    expect(secretsHandedOut.length).toBeGreaterThan(0);
    for (const secret of secretsHandedOut) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('whsec_');
    expect(everything).not.toContain('whsk_');
  });
});
