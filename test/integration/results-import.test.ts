import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { ResultSchema, ResultsImportReportSchema } from '#shared/api/results/schemas.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  createCycle,
  currentYear,
  ensureAgency,
  expectFieldProblem,
  expectProblem,
  expectStatus,
  jawaBarat,
  jawaTimur,
  shiftYears,
  windowsFrom,
} from './support.ts';

/**
 * The import of past results over HTTP on DynamoDB Local, when it meets results already stored: a
 * retry of the same file completes it, a row that differs from a stored result refuses the whole
 * import (409 naming it), and a cycle that has not started takes none.
 */

type Report = z.output<typeof ResultsImportReportSchema>;
type Result = z.output<typeof ResultSchema>;

const framework = getFramework('spbe-2020');
const lastYear = currentYear() - 1;
const nextYear = currentYear() + 1;
const levels = (level: Level, changed: Readonly<Record<number, Level>> = {}) =>
  framework.indicators.map((indicator) => changed[indicator.no] ?? level);
const row = (agencyId: string, rowLevels: Level[], reference = `Laporan Evaluasi SPBE ${lastYear}`) => ({
  agencyId,
  levels: rowLevels,
  reference,
});

let api: TestApi;
let admin: string;
let sequence = 0;

const importInto = (year: number, results: ReturnType<typeof row>[]) =>
  api.request<Report>('POST', `/v1/cycles/${year}/results/import`, {
    token: admin,
    headers: { 'idempotency-key': `results-import-${++sequence}` },
    body: { results },
  });

const resultOf = (year: number, agencyId: string) =>
  api.request<Result>('GET', `/v1/cycles/${year}/agencies/${agencyId}/result`, { token: admin });

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
  await ensureAgency(api, admin, 'prov-jawa-timur', jawaTimur);
  await ensureAgency(api, admin, 'prov-jawa-barat', jawaBarat);
  await ensureAgency(api, admin, 'prov-bali', { name: 'Pemerintah Provinsi Bali', group: 'provinsi' });
  // Last year's cycle, every window past; next year's, starting on 1 February in Jakarta time.
  await createCycle(api, admin, {
    year: lastYear,
    type: 'pemantauan',
    windows: shiftYears(windowsFrom(-100), -1),
    predicateBasis: 'exact',
  });
  const date = (monthDay: string) => `${nextYear}-${monthDay}T00:00:00+07:00`;
  await createCycle(api, admin, {
    year: nextYear,
    type: 'pemantauan',
    windows: {
      selfAssessment: { opensAt: date('02-01'), closesAt: date('03-31') },
      documentAssessment: { opensAt: date('04-01'), closesAt: date('04-30') },
      appeals: { opensAt: date('06-01'), closesAt: date('06-15') },
      publication: { at: date('07-01') },
    },
    predicateBasis: 'exact',
  });
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('importing results where some are stored already', () => {
  it('completes a file cut short: sent again, the rows already imported are unchanged and the rest imported', async () => {
    // Prepare: the file's first row made it before the failure
    expectStatus(await importInto(lastYear, [row('prov-jawa-timur', levels(4))]), 200);

    // Act: the whole file again
    const report = expectStatus(
      await importInto(lastYear, [row('prov-jawa-timur', levels(4)), row('prov-jawa-barat', levels(3))]),
      200,
    );

    // Assess
    expect(report).toEqual({ received: 2, imported: 1, unchanged: 1 });
    expect(expectStatus(await resultOf(lastYear, 'prov-jawa-barat'), 200).result.version).toBe(1);
  });

  it('refuses the whole import when a row differs from the stored result: 409 naming the row, the agency and both indices; nothing written', async () => {
    // Act: Bali is new; Jawa Timur's levels were corrected at indicator 5
    const response = await importInto(lastYear, [
      row('prov-bali', levels(3)),
      row('prov-jawa-timur', levels(4, { 5: 5 })),
    ]);

    // Assess
    const problem = expectFieldProblem(response, 409, '/body/results/1/levels');
    expect(problem.errors).toHaveLength(1);
    expect(problem.errors?.[0]?.detail).toMatch(
      /^"prov-jawa-timur" has a final result in the \d{4} cycle \(version 1, index 4\.00\) and this row differs at 1 indicator: 5 \(stored 4, row 5\); it would give index 4\.\d\d; .*upheld appeal$/,
    );
    expect(problem.detail).toContain('nothing was imported');
    expectProblem(await resultOf(lastYear, 'prov-bali'), 404);
    const stored = expectStatus(await resultOf(lastYear, 'prov-jawa-timur'), 200);
    expect(stored.result).toMatchObject({ version: 1, inputs: { levels: levels(4) } });
  });

  it('refuses an import into a cycle that has not started: 409 quoting its start as the admin wrote it', async () => {
    // Act
    const response = await importInto(nextYear, [row('prov-bali', levels(3))]);

    // Assess
    const problem = expectProblem(response, 409);
    expect(problem.detail).toContain(
      `The ${nextYear} cycle has not started: it starts when its self-assessment window opens, at ${nextYear}-02-01T00:00:00+07:00`,
    );
    expect(problem.window).toEqual({
      opensAt: `${nextYear}-02-01T00:00:00+07:00`,
      closesAt: `${nextYear}-03-31T00:00:00+07:00`,
    });
    expectProblem(await resultOf(nextYear, 'prov-bali'), 404);
  });

  it('takes a file sent again after an upheld appeal changed one of its results: that row unchanged, version 2 standing', async () => {
    // Prepare: this year's cycle, its appeals window open now; Jawa Timur imported, then its appeal upheld
    const year = currentYear();
    const day = 86_400_000;
    const at = (days: number) => new Date(Date.now() + days * day).toISOString();
    await createCycle(api, admin, {
      year,
      type: 'pemantauan',
      windows: {
        selfAssessment: { opensAt: at(-10), closesAt: at(-8) },
        documentAssessment: { opensAt: at(-7), closesAt: at(-5) },
        appeals: { opensAt: at(-1), closesAt: at(5) },
        publication: { at: at(6) },
      },
      predicateBasis: 'exact',
    });
    const file = [row('prov-jawa-timur', levels(4)), row('prov-jawa-barat', levels(3))];
    expectStatus(await importInto(year, [file[0] as ReturnType<typeof row>]), 200);
    const operator = await api.token('agency', { subject: 'operator-jatim', agencyId: 'prov-jawa-timur' });
    const base = `/v1/cycles/${year}/agencies/prov-jawa-timur`;
    const filed = expectStatus(
      await api.request<{ appealId: string }>('POST', `${base}/appeals`, {
        token: operator,
        body: {
          indicators: [{ indicatorNo: 5, justification: 'Dokumen arsitektur SPBE telah ditetapkan.' }],
        },
      }),
      201,
    );
    expectStatus(
      await api.request('PUT', `${base}/appeals/${filed.appealId}/decision`, {
        token: admin,
        body: { decisions: [{ indicatorNo: 5, upheld: true, level: 5, reason: 'Dokumen sah' }] },
      }),
      200,
    );

    // Act: the whole file again
    const report = expectStatus(await importInto(year, file), 200);

    // Assess
    expect(report).toEqual({ received: 2, imported: 1, unchanged: 1 });
    const standing = expectStatus(await resultOf(year, 'prov-jawa-timur'), 200);
    expect(standing.result).toMatchObject({ version: 2, inputs: { levels: levels(4, { 5: 5 }) } });
    expect(expectStatus(await resultOf(year, 'prov-jawa-barat'), 200).result.version).toBe(1);
  });
});
