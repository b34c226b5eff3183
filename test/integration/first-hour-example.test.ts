import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { runClientExample } from '#test/helpers/run-tsx.ts';

/**
 * `clients/typescript/examples/first-hour.ts`, the integrator's first hour, as the README runs it:
 * the Jawa Timur operator's token against a running API whose cycle is open for self-assessment.
 * Its 412 from the colleague's save, its retry and its replayed submission must happen as printed.
 */

let api: TestApi;
const year = new Date().getUTCFullYear();
const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

beforeAll(async () => {
  api = await startTestApi();
  const admin = await api.token('admin');
  const agency = await api.request('PUT', '/v1/agencies/prov-jawa-timur', {
    token: admin,
    body: { name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' },
  });
  expect(agency.status).toBe(201);
  const cycle = await api.request('POST', '/v1/cycles', {
    token: admin,
    headers: { 'idempotency-key': 'first-hour-cycle' },
    body: {
      year,
      type: 'pemantauan',
      windows: {
        selfAssessment: { opensAt: at(-1), closesAt: at(5) },
        documentAssessment: { opensAt: at(6), closesAt: at(8) },
        appeals: { opensAt: at(9), closesAt: at(11) },
        publication: { at: at(12) },
      },
    },
  });
  expect(cycle.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await api?.stop();
});

describe('clients/typescript/examples/first-hour.ts', () => {
  it('fills and submits the self-assessment, through a stale ETag and a replayed submission, as it says', async () => {
    // Act
    const { code, stdout, stderr } = await runClientExample('first-hour.ts', {
      SPBE_API_URL: api.url,
      SPBE_YEAR: String(year),
      OPERATOR_TOKEN: await api.token('agency', { subject: 'operator-jatim', agencyId: 'prov-jawa-timur' }),
    });

    // Assess: what it printed.
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/412 .*: re-read, ETag "0" → "1"; saving again/);
    expect(stdout).toContain('saved: 47/47 answered, ETag "2"');
    expect(stdout).toContain('Idempotent-Replayed: true');
    expect(stdout).toContain('✓ done: the self-assessment is submitted');

    // Assess: what happened.
    const selfAssessment = await api.request<{ status: string; answeredCount: number; submittedBy: string }>(
      'GET',
      `/v1/cycles/${year}/agencies/prov-jawa-timur/self-assessment`,
      { token: await api.token('admin') },
    );
    expect(selfAssessment.body).toMatchObject({
      status: 'submitted',
      answeredCount: 47,
      submittedBy: 'operator-jatim',
    });
  }, 180_000);
});
