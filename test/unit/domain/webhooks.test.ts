import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { type DomainEvent, eventTypes } from '#shared/domain/events.ts';
import {
  judgeAttempt,
  maxPayloadBytes,
  nextRetryDelayMs,
  retryAfterMs,
  standardRetrySchedule,
  webhookPayload,
} from '#shared/domain/webhooks/delivery.ts';
import { signV1, webhookHeaders } from '#shared/domain/webhooks/signing.ts';
import { checkWebhookUrl } from '#shared/domain/webhooks/urls.ts';
import { verifyWebhook } from '../../../docs/examples/verify-webhook.ts';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

const keyPair = () => {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const publicKey = Buffer.from(jwk.x ?? '', 'base64url');
  return {
    signingKey: `whsk_${Buffer.concat([seed, publicKey]).toString('base64')}`,
    publicKey: `whpk_${publicKey.toString('base64')}`,
  };
};

const event: DomainEvent = {
  id: 'evt_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E',
  type: eventTypes.awardPublished,
  occurredAt: '2026-12-01T03:00:00.000Z',
  subject: { year: 2026, agencyId: 'prov-jawa-timur' },
  data: { awardId: 'award-1', link: '/v1/awards/award-1' },
};

describe('Standard Webhooks signing', () => {
  it('reproduces the published v1 example (Svix test vector)', () => {
    // Act
    const signature = signV1(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );

    // Assess
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('the standardwebhooks library accepts our v1 headers, also beside a v1a signature', () => {
    // Prepare
    const key = secret();
    const body = webhookPayload(event);
    const headers = webhookHeaders(
      event.id,
      new Date(),
      body,
      ['v1', 'v1a'],
      [{ secret: key, ...keyPair() }],
    );

    // Act
    const payload = new Webhook(key).verify(body, headers);

    // Assess
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1a,\S+$/);
    expect(payload).toEqual({
      type: 'award.published',
      timestamp: event.occurredAt,
      data: { year: 2026, agencyId: 'prov-jawa-timur', awardId: 'award-1', link: '/v1/awards/award-1' },
    });
  });

  it('the library rejects a tampered body and a timestamp more than 5 minutes old', () => {
    // Prepare
    const key = secret();
    const body = webhookPayload(event);
    const fresh = webhookHeaders(event.id, new Date(), body, ['v1'], [{ secret: key }]);
    const stale = webhookHeaders(
      event.id,
      new Date(Date.now() - 6 * 60_000),
      body,
      ['v1'],
      [{ secret: key }],
    );

    // Act + Assess
    expect(() => new Webhook(key).verify(body.replace('award-1', 'award-2'), fresh)).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(key).verify(body, stale)).toThrow('Message timestamp too old');
  });

  it('during a rotation both generations sign: a receiver holding either secret verifies', () => {
    // Prepare
    const [oldKey, newKey] = [secret(), secret()];
    const body = webhookPayload(event);

    // Act
    const headers = webhookHeaders(
      event.id,
      new Date(),
      body,
      ['v1'],
      [{ secret: newKey }, { secret: oldKey }],
    );

    // Assess
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldKey).verify(body, headers)).toBeTruthy();
    expect(new Webhook(newKey).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(secret()).verify(body, headers)).toThrow('No matching signature found');
  });

  it('v1a: the node:crypto verifier of docs/webhooks.md accepts it with the whpk_ key, and refuses tampering, staleness and other keys', () => {
    // Prepare
    const pair = keyPair();
    const body = webhookPayload(event);
    const now = new Date();
    const headers = webhookHeaders(event.id, now, body, ['v1a'], [pair]);

    // Act + Assess
    expect(headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifyWebhook(pair.publicKey, headers, body, now.getTime())).toBe(true);
    expect(verifyWebhook(pair.publicKey, headers, `${body} `, now.getTime())).toBe(false);
    expect(verifyWebhook(pair.publicKey, headers, body, now.getTime() + 301_000)).toBe(false);
    expect(verifyWebhook(keyPair().publicKey, headers, body, now.getTime())).toBe(false);
  });

  it('docs/webhooks.md shows receivers exactly the verifier these tests run', () => {
    const read = (path: string) => readFileSync(new URL(`../../../docs/${path}`, import.meta.url), 'utf8');
    const shown = /<!-- verifier:start -->\n```ts\n([\s\S]*?)```\n<!-- verifier:end -->/.exec(
      read('webhooks.md'),
    );
    expect(shown?.[1]).toBe(read('examples/verify-webhook.ts'));
  });

  it('payloads are thin: {type, timestamp, data} with ids and links, far under 20 KB', () => {
    const body = webhookPayload(event);
    expect(Object.keys(JSON.parse(body))).toEqual(['type', 'timestamp', 'data']);
    expect(Buffer.byteLength(body)).toBeLessThan(maxPayloadBytes / 50);
  });
});

describe('webhook payload', () => {
  it('is the same bytes whatever order the stored event’s maps come back in (a retry reads it from DynamoDB)', () => {
    // Prepare: the event as the stream message carries it, and as a DynamoDB read returns it (maps unordered)
    const reread: DomainEvent = {
      ...event,
      subject: { agencyId: 'prov-jawa-timur', year: 2026 },
      data: { link: '/v1/awards/award-1', awardId: 'award-1' },
    };

    // Act
    const first = webhookPayload(event);
    const retry = webhookPayload(reread);

    // Assess
    expect(retry).toBe(first);
    expect(first).toBe(
      '{"type":"award.published","timestamp":"2026-12-01T03:00:00.000Z","data":{"year":2026,"agencyId":"prov-jawa-timur","awardId":"award-1","link":"/v1/awards/award-1"}}',
    );
  });

  it('orders nested objects too', () => {
    // Prepare
    const nested = (inner: Readonly<Record<string, string>>): DomainEvent => ({
      ...event,
      data: { counts: inner },
    });

    // Act and assess
    expect(webhookPayload(nested({ b: '2', a: '1' }))).toBe(webhookPayload(nested({ a: '1', b: '2' })));
  });
});

describe('webhook URL policy (before DNS)', () => {
  const production = { allowLoopbackHttp: false };
  const development = { allowLoopbackHttp: true };

  it.each([
    ['https://127.0.0.1/', 'ip-literal'],
    ['https://10.0.0.1/', 'ip-literal'],
    ['https://[::ffff:127.0.0.1]/', 'ip-literal'],
    ['https://[::1]/hook', 'ip-literal'],
    ['https://2130706433/', 'ip-literal'],
    ['https://0x7f.1/', 'ip-literal'],
    ['https://017700000001/', 'ip-literal'],
    ['https://127.1/', 'ip-literal'],
    ['https://169.254.169.254/latest/meta-data', 'ip-literal'],
    ['https://100.64.0.1/', 'ip-literal'],
    ['https://[fd00::1]/', 'ip-literal'],
    ['https://8.8.8.8/', 'ip-literal'],
    ['http://example.go.id/', 'https-required'],
    ['ftp://example.go.id/', 'https-required'],
    ['https://user:pw@example.go.id/', 'credentials'],
    ['https://localhost/', 'localhost'],
    ['https://LOCALHOST./', 'localhost'],
    ['https://api.localhost/', 'localhost'],
    ['https://intranet/', 'single-label-host'],
    ['https://example.go.id/#top', 'fragment'],
    ['not a url', 'invalid-url'],
  ])('refuses %s (%s), in production and development alike', (url, reason) => {
    expect(checkWebhookUrl(url, production)).toMatchObject({ ok: false, reason });
    expect(checkWebhookUrl(url, development)).toMatchObject({ ok: false, reason });
  });

  it.each([
    ['a NUL at the end', 'https://hooks.jatimprov.go.id/spbe\u0000', 'U+0000'],
    ['a NUL in front', '\u0000https://hooks.jatimprov.go.id/spbe', 'U+0000'],
    ['a tab in the path', 'https://hooks.jatimprov.go.id/sp\tbe', 'U+0009'],
    ['a line feed in the host', 'https://hooks.jatim\nprov.go.id/', 'U+000A'],
    ['an escape', 'https://hooks.jatimprov.go.id/\u001B[0m', 'U+001B'],
    ['DEL', 'https://hooks.jatimprov.go.id/\u007F', 'U+007F'],
    ['a lone surrogate', 'https://hooks.jatimprov.go.id/\uD800', 'U+D800'],
  ])('refuses %s instead of letting the URL parser drop or replace it', (_what, url, codePoint) => {
    for (const options of [production, development]) {
      const verdict = checkWebhookUrl(url, options);
      expect(verdict).toMatchObject({ ok: false, reason: 'invalid-url' });
      expect(verdict.ok === false && verdict.detail).toContain(codePoint);
    }
    // Development's loopback exemption too: the URL is refused before any exemption applies.
    expect(checkWebhookUrl('http://127.0.0.1:4000/\u0000', development)).toMatchObject({
      ok: false,
      reason: 'invalid-url',
    });
  });

  it('accepts an https DNS name, to be resolved', () => {
    expect(checkWebhookUrl('https://Hooks.JatimProv.go.id:8443/spbe?x=1', production)).toEqual({
      ok: true,
      url: 'https://hooks.jatimprov.go.id:8443/spbe?x=1',
      hostname: 'hooks.jatimprov.go.id',
      resolve: true,
    });
  });

  it('accepts http://127.0.0.1:<port> only with the development setting', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', production)).toMatchObject({
      ok: false,
      reason: 'https-required',
    });
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', development)).toEqual({
      ok: true,
      url: 'http://127.0.0.1:4000/hook',
      hostname: '127.0.0.1',
      resolve: false,
    });
    // Not another loopback spelling, not without a port, not https to an IP.
    expect(checkWebhookUrl('http://localhost:4000/', development)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('http://127.0.0.1/', development)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('http://0x7f.1:4000/', development)).toMatchObject({ ok: true });
  });
});

describe('delivery rules', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const response = (status: number, retryAfter?: string) =>
    ({ kind: 'response', status, retryAfter, latencyMs: 12 }) as const;

  it.each([
    [200, undefined, { kind: 'succeeded' }],
    [204, undefined, { kind: 'succeeded' }],
    [301, undefined, { kind: 'retry', errorClass: 'redirect', notBeforeMs: 0 }],
    [400, undefined, { kind: 'retry', errorClass: 'http_status', notBeforeMs: 0 }],
    [410, undefined, { kind: 'gone', errorClass: 'http_status' }],
    [429, '120', { kind: 'retry', errorClass: 'http_status', notBeforeMs: 120_000 }],
    [
      503,
      'Tue, 01 Dec 2026 00:10:00 GMT',
      { kind: 'retry', errorClass: 'http_status', notBeforeMs: 600_000 },
    ],
    [500, '120', { kind: 'retry', errorClass: 'http_status', notBeforeMs: 0 }],
  ])('HTTP %i (Retry-After %s) → %j', (status, retryAfter, verdict) => {
    expect(judgeAttempt(response(status, retryAfter), now)).toEqual(verdict);
  });

  it('a network failure or timeout is retried', () => {
    expect(
      judgeAttempt({ kind: 'error', errorClass: 'timeout', detail: 'no answer', latencyMs: 15_000 }, now),
    ).toEqual({ kind: 'retry', errorClass: 'timeout', notBeforeMs: 0 });
  });

  it('Retry-After is capped at a day and never negative', () => {
    expect(retryAfterMs('999999', now)).toBe(86_400_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h within ±10 %, then stops', () => {
    const middle = standardRetrySchedule.map((_, index) =>
      nextRetryDelayMs(index + 1, standardRetrySchedule, 0.5),
    );
    expect(middle).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(nextRetryDelayMs(1, standardRetrySchedule, 0)).toBe(4_500);
    expect(nextRetryDelayMs(1, standardRetrySchedule, 0.999_999)).toBe(5_500);
    expect(nextRetryDelayMs(8, standardRetrySchedule, 0.5)).toBeUndefined();
    // A 429's Retry-After wins when it asks for longer.
    expect(nextRetryDelayMs(1, standardRetrySchedule, 0.5, 60_000)).toBe(60_000);
  });
});
