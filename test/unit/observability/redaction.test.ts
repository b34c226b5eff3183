import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '#shared/observability/powertools.ts';
import { isCredentialField, redactedMarker, redactText } from '#shared/observability/redaction.ts';

const jwt =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImxvY2FsIn0.eyJzdWIiOiJvcGVyYXRvci1qYXRpbSIsImN1c3RvbTpyb2xlIjoiYWdlbmN5In0.c2lnbmF0dXJl';
const presigned =
  'https://bucket.s3.ap-southeast-3.amazonaws.com/pergub.pdf?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=0123abcd';

describe('redactText', () => {
  it.each([
    [
      `see ${presigned} now`,
      `see https://bucket.s3.ap-southeast-3.amazonaws.com/pergub.pdf?${redactedMarker} now`,
    ],
    ['https://x.go.id/a#access_token=abc', `https://x.go.id/a?${redactedMarker}`],
    [`Bearer ${jwt}`, `Bearer ${redactedMarker}`],
    [`token ${jwt} inside`, `token ${redactedMarker} inside`],
    ['secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=', `secret whsec_${redactedMarker}`],
    ['key whsk_abc+/=', `key whsk_${redactedMarker}`],
  ])('scrubs %s', (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it.each([
    'https://jatimprov.go.id/spbe/pergub.pdf',
    '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment',
    'whpk_publicKeyIsPublic',
    'GET /v1/rankings?scope=national',
  ])('leaves %s alone', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('knows credential fields whatever their spelling', () => {
    for (const name of [
      'authorization',
      'Authorization',
      'secret',
      'clientSecret',
      'client_secret',
      'x-api-key',
      'webhook-signature',
      'signingKey',
      'accessToken',
    ]) {
      expect({ name, credential: isCredentialField(name) }).toEqual({ name, credential: true });
    }
    for (const name of ['agencyId', 'routeKey', 'tokenUse', 'url', 'evidence']) {
      expect({ name, credential: isCredentialField(name) }).toEqual({ name, credential: false });
    }
  });
});

describe('the house logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes JSON lines with no token, secret or URL query, at DEBUG, in nested data and errors alike', () => {
    // Prepare: everything the logger prints (errors go to stderr), captured
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
    const logger = createLogger({ logLevel: 'DEBUG' });

    // Act
    logger.debug('Request received', {
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ evidence: [{ title: 'Pergub', url: presigned }] }),
    });
    logger.info('Endpoint registered', {
      secret: 'whsec_abc',
      endpoint: { url: 'https://x.go.id/hook?t=1' },
    });
    logger.error('Failed', new Error(`Could not fetch ${presigned} with ${jwt}`));

    // Assess
    const output = lines.join('');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    for (const leaked of [jwt, 'X-Amz-Signature', 'AKIAEXAMPLE', 'whsec_abc', 't=1']) {
      expect({ leaked, found: output.includes(leaked) }).toEqual({ leaked, found: false });
    }
    expect(output).toContain('pergub.pdf?[redacted]');
    expect(output).toContain('"authorization":"[redacted]"');
    expect(output).toContain('"content-type":"application/json"');
  });

  it('drops the query string of a logged invocation event and its AWS session token header', () => {
    // Prepare: what POWERTOOLS_LOGGER_LOG_EVENT logs of a request whose own URL carries a credential
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = createLogger({ logLevel: 'DEBUG' });

    // Act
    logger.info('Lambda invocation event', {
      event: {
        rawPath: '/v1/agencies',
        rawQueryString: 'group=provinsi&access_token=QS1&X-Amz-Signature=QS2',
        queryStringParameters: { group: 'provinsi', access_token: 'QS1', 'X-Amz-Signature': 'QS2' },
        headers: { 'x-amz-security-token': 'ST1', 'content-type': 'application/json' },
      },
    });

    // Assess
    const output = lines.join('');
    for (const leaked of ['QS1', 'QS2', 'ST1']) {
      expect({ leaked, found: output.includes(leaked) }).toEqual({ leaked, found: false });
    }
    expect(output).toContain('"rawPath":"/v1/agencies"');
    expect(output).toContain('"rawQueryString":"[redacted]"');
  });
  it('drops a base64-encoded body of a logged invocation event, which the text rules cannot read', () => {
    // Prepare: API Gateway base64-encodes a body it does not take for text (a client sending JSON as
    // application/octet-stream): the evidence link's pre-signed query is then in no readable form
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = createLogger({ logLevel: 'DEBUG' });
    const body = JSON.stringify({ level: 4, evidence: [{ title: 'Pergub', url: presigned }] });

    // Act
    logger.info('Lambda invocation event', {
      event: {
        rawPath: '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment/indicators/1',
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      },
    });
    logger.info('Lambda invocation event', { event: { body, isBase64Encoded: false } });

    // Assess
    const [encoded, plain] = lines.map((line) => JSON.parse(line) as { event: Record<string, unknown> });
    expect(encoded?.event).toEqual({
      rawPath: '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment/indicators/1',
      body: redactedMarker,
      isBase64Encoded: true,
    });
    expect(plain?.event.body).toContain('pergub.pdf?[redacted]');
    expect(lines.join('')).not.toContain(Buffer.from(body).toString('base64').slice(0, 40));
  });
  it('drops the cookies of a logged invocation event, where API Gateway (payload 2.0) moves Cookie headers', () => {
    // Prepare: a browser on the portal's site sends its session cookie to the API as well
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = createLogger({ logLevel: 'DEBUG' });

    // Act
    logger.info('Lambda invocation event', {
      event: {
        rawPath: '/v1/me',
        cookies: ['portal_session=CK1', 'theme=dark'],
        headers: { cookie: 'a=CK2' },
      },
    });

    // Assess
    const output = lines.join('');
    for (const leaked of ['CK1', 'CK2']) {
      expect({ leaked, found: output.includes(leaked) }).toEqual({ leaked, found: false });
    }
    expect(output).toContain('"cookies":"[redacted]"');
  });
});
