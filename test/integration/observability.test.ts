import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';

/**
 * What the deployed functions log, seen through the local runtime at DEBUG with every invocation
 * event logged (`POWERTOOLS_LOGGER_LOG_EVENT`, the most an operator could turn on): the bearer token
 * and the query string of an evidence URL (a pre-signed link: its query is a credential) never appear.
 */

let api: TestApi;
const logged: string[] = [];
const spies: { mockRestore(): void }[] = [];
const signature = 'X-Amz-Signature=9f86d081884c7d659a2feaa0c55ad015';
const evidenceUrl = `https://bucket.s3.ap-southeast-3.amazonaws.com/pergub-12.pdf?X-Amz-Credential=AKIAEXAMPLE&${signature}`;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
  for (const stream of [process.stdout, process.stderr]) {
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      }),
    );
  }
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
  for (const spy of spies) spy.mockRestore();
  vi.unstubAllEnvs();
});

describe('logs', () => {
  it('carry request id, route, role and agency, and never the token or an evidence URL’s query string', async () => {
    // Prepare
    const token = await api.token('agency', { agencyId: 'prov-jawa-timur', subject: 'operator-jatim' });
    const path = '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment/indicators/12';

    // Act: a save carrying the token and a pre-signed evidence link
    const response = await api.request('PUT', path, {
      token,
      headers: { 'if-match': '"0"' },
      body: { level: 3, explanation: 'Pergub', evidence: [{ title: 'Pergub 12/2026', url: evidenceUrl }] },
    });

    // Assess: the invocation was logged (event and outcome) …
    const output = logged.join('');
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(output).toContain('Lambda invocation event');
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = lines.filter((line) => line.routeKey !== undefined && line.role !== undefined);
    expect(requestLines.length).toBeGreaterThan(0);
    expect(requestLines[0]).toMatchObject({
      routeKey: 'PUT /v1/cycles/{year}/agencies/{agencyId}/self-assessment/indicators/{no}',
      role: 'agency',
      agencyId: 'prov-jawa-timur',
      requestId: response.headers.get('apigw-requestid'),
    });
    // … with the URL's path but neither its query nor the token, anywhere.
    expect(output).toContain('pergub-12.pdf?[redacted]');
    for (const secret of [token, signature, 'AKIAEXAMPLE', token.split('.')[2] ?? token]) {
      expect({ secret: secret.slice(0, 24), found: output.includes(secret) }).toEqual({
        secret: secret.slice(0, 24),
        found: false,
      });
    }
  });

  it('never carry the request’s own query string, where a client may have put a credential', async () => {
    // Prepare
    const token = await api.token('admin');
    const before = logged.length;

    // Act: a read whose URL carries a token and a pre-signed signature as query parameters
    const response = await api.request(
      'GET',
      '/v1/agencies?group=provinsi&access_token=QUERY-TOKEN-1&X-Amz-Signature=QUERY-SIGNATURE-2',
      { token },
    );

    // Assess: the invocation event was logged, without either value
    const output = logged.slice(before).join('');
    expect(response.status).toBe(400);
    expect(output).toContain('Lambda invocation event');
    expect(output).toContain('"rawQueryString":"[redacted]"');
    for (const secret of ['QUERY-TOKEN-1', 'QUERY-SIGNATURE-2']) {
      expect({ secret, found: output.includes(secret) }).toEqual({ secret, found: false });
    }
  });
});
