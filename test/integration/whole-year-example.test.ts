import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { runClientExample } from '#test/helpers/run-tsx.ts';

/**
 * `clients/typescript/examples/whole-year.ts` as a reader of the README runs it: against a running
 * API, with an admin, an assessor and an operator token, it takes one cycle from its opening to its
 * published awards. Run here against the real local runtime (a small registry instead of the demo
 * roster), then checked through the API: what the example prints must be what happened.
 */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  const admin = await api.token('admin');
  const registry = await api.request('POST', '/v1/agencies/import', {
    token: admin,
    headers: { 'idempotency-key': 'whole-year-registry' },
    body: {
      agencies: [
        { id: 'prov-jawa-timur', name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' },
        { id: 'prov-jawa-barat', name: 'Pemerintah Provinsi Jawa Barat', group: 'provinsi' },
        { id: 'prov-bali', name: 'Pemerintah Provinsi Bali', group: 'provinsi' },
        {
          id: 'kota-surabaya',
          name: 'Pemerintah Kota Surabaya',
          group: 'kota',
          parentProvinceId: 'prov-jawa-timur',
        },
        {
          id: 'kab-banyuwangi',
          name: 'Pemerintah Kabupaten Banyuwangi',
          group: 'kabupaten',
          parentProvinceId: 'prov-jawa-timur',
        },
        { id: 'kemenkeu', name: 'Kementerian Keuangan', group: 'kementerian' },
      ],
    },
  });
  expect(registry.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await api?.stop();
});

describe('clients/typescript/examples/whole-year.ts', () => {
  it('runs a cycle from its opening to its published awards, every webhook verified, as it says', async () => {
    // Prepare
    const year = new Date().getUTCFullYear() + 1;
    const assessorSubject = 'asesor-contoh';

    // Act
    const { code, stdout, stderr } = await runClientExample('whole-year.ts', {
      SPBE_API_URL: api.url,
      SPBE_YEAR: String(year),
      ADMIN_TOKEN: await api.token('admin'),
      ASSESSOR_TOKEN: await api.token('assessor', { subject: assessorSubject }),
      OPERATOR_TOKEN: await api.token('agency', { subject: 'operator-jatim', agencyId: 'prov-jawa-timur' }),
    });

    // Assess: it finished, and says so.
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('5 results imported');
    expect(stdout).toContain('3 provinces with a final result; highest: ');
    expect(stdout).toMatch(
      new RegExp(
        `✓ the ${year} year is done: \\d webhooks received and verified \\(self_assessment\\.submitted, result\\.finalized, appeal\\.decided, ranking\\.published`,
      ),
    );

    // Assess: what it did, read back through the API.
    const admin = await api.token('admin');
    const cycle = await api.request<{ type: string; phase: { current: string } }>(
      'GET',
      `/v1/cycles/${year}`,
      { token: admin },
    );
    expect(cycle.body).toMatchObject({ type: 'evaluasi', phase: { current: 'publication' } });
    const result = await api.request<{
      result: { version: number; inputs: { levels: (number | null)[]; sources: { kind: string }[] } };
    }>('GET', `/v1/cycles/${year}/agencies/prov-jawa-timur/result`, { token: admin });
    // Version 2: the appeal on indicator 30 (no level after the document stage) was upheld with 4.
    expect(result.body.result.version).toBe(2);
    expect(result.body.result.inputs.levels[29]).toBe(4);
    expect(result.body.result.inputs.sources[29]).toMatchObject({ kind: 'appeal' });
    // Indicator 21: the visit stage's 4 stands over the interview's 3 and the self-assessed 5.
    expect(result.body.result.inputs.levels[20]).toBe(4);
    const rankings = await api.request<{ runId: string }>('GET', `/v1/cycles/${year}/rankings`);
    expect(rankings.status).toBe(200);
    const awards = await api.request<{ publication: { version: number; awardCount: number } }>(
      'GET',
      `/v1/cycles/${year}/awards`,
    );
    expect(awards.body.publication.version).toBe(1);
    expect(stdout).toContain(`published version 1: ${awards.body.publication.awardCount} awards`);
    // The receiver stopped with the script; so did its endpoint.
    const endpoints = await api.request<{ items: unknown[] }>(
      'GET',
      '/v1/agencies/prov-jawa-timur/webhook-endpoints',
      {
        token: admin,
      },
    );
    expect(endpoints.body.items).toEqual([]);
  }, 180_000);
});
