import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { AssessmentSchema, StageScoreSchema } from '#shared/api/assessment/schemas.ts';
import type { CycleSchema } from '#shared/api/cycles/schemas.ts';
import type {
  AppealSchema,
  CycleProgressSchema,
  CycleResultSummaryPageSchema,
  ResultBundleSchema,
  ResultSchema,
  ResultVersionsSchema,
} from '#shared/api/results/schemas.ts';
import { canonicalJson } from '#shared/domain/audit.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Framework, Level } from '#shared/domain/framework/types.ts';
import { computeResult } from '#shared/domain/results.ts';
import { scoreAssessment } from '#shared/domain/scoring/score.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { resultKeys } from '#shared/dynamodb/keys.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { currentYear, expectFieldProblem, expectProblem, expectStatus } from './support.ts';

/**
 * A whole external assessment over HTTP on DynamoDB Local: five agencies self-assess and submit,
 * two assessors score the documents and the interview (some indicators carried forward), the review
 * validates, results finalize and verify, an appeal is decided. The cycle is moved through its
 * phases the way the review team does: by rescheduling its windows (PUT /v1/cycles/{year}/windows).
 */

type Assessment = z.output<typeof AssessmentSchema>;
type StageScore = z.output<typeof StageScoreSchema>;
type Cycle = z.output<typeof CycleSchema>;
type Result = z.output<typeof ResultSchema>;

const year = currentYear();
const framework = getFramework('spbe-2020');
const indicators = framework.indicators.map((indicator) => indicator.no);
const day = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * day).toISOString();

const phases = [
  'selfAssessment',
  'documentAssessment',
  'interviewAssessment',
  'appeals',
  'publication',
] as const;
type Phase = (typeof phases)[number];

/** Windows of an Evaluasi cycle in which `phase` is open now: earlier ones past, later ones ahead. */
const windowsWhere = (phase: Phase) => {
  const current = phases.indexOf(phase);
  const window = (position: number) => {
    const offset = position - current;
    if (offset === 0) return { opensAt: at(-1), closesAt: at(5) };
    return offset < 0
      ? { opensAt: at(-1 - 3 * -offset), closesAt: at(-3 * -offset) }
      : { opensAt: at(5 + 3 * offset - 2), closesAt: at(5 + 3 * offset) };
  };
  return {
    selfAssessment: window(0),
    documentAssessment: window(1),
    interviewAssessment: window(2),
    appeals: window(3),
    publication: { at: phase === 'publication' ? at(-0.5) : window(4).opensAt },
  };
};

const agencies = [
  { id: 'prov-jawa-timur', name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' },
  { id: 'prov-jawa-barat', name: 'Pemerintah Provinsi Jawa Barat', group: 'provinsi' },
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
] as const;

/** Assessor 1 belongs to Jawa Barat, assessor 2 to Kemenkeu: neither may assess their own. */
const panels: Readonly<Record<string, readonly string[]>> = {
  'prov-jawa-timur': ['asesor-1', 'asesor-2'],
  'kota-surabaya': ['asesor-1', 'asesor-2'],
  'kab-banyuwangi': ['asesor-1', 'asesor-2'],
  'prov-jawa-barat': ['asesor-2'],
  kemenkeu: ['asesor-1'],
};

/** Deterministic levels per agency and stage, so the expected results are computed independently. */
const levelOf = (agencyId: string, no: number, salt: number): Level =>
  (((agencyId.length * 7 + no * 13 + salt * 5) % 5) + 1) as Level;

let api: TestApi;
let admin: string;
let cycleVersion = 0;
const assessorToken: Record<string, string> = {};

const reschedule = async (phase: Phase) => {
  const response = await api.request<Cycle>('PUT', `/v1/cycles/${year}/windows`, {
    token: admin,
    body: windowsWhere(phase),
    headers: { 'if-match': `"${cycleVersion}"` },
  });
  cycleVersion = expectStatus(response, 200).version;
};

const assessmentOf = async (agencyId: string, token = admin) =>
  expectStatus(
    await api.request<Assessment>('GET', `/v1/cycles/${year}/agencies/${agencyId}/assessment`, { token }),
    200,
  );

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
  for (const { id, ...body } of agencies) {
    expectStatus(await api.request('PUT', `/v1/agencies/${id}`, { token: admin, body }), 201);
  }
  const created = await api.request<Cycle>('POST', '/v1/cycles', {
    token: admin,
    body: { year, type: 'evaluasi', windows: windowsWhere('selfAssessment') },
  });
  cycleVersion = expectStatus(created, 201).version;
  for (const [subject, affiliations] of [
    ['asesor-1', ['prov-jawa-barat']],
    ['asesor-2', ['kemenkeu']],
    ['asesor-3', ['prov-jawa-timur']],
  ] as const) {
    expectStatus(
      await api.request('PUT', `/v1/assessors/${subject}`, {
        token: admin,
        body: { name: `Asesor ${subject}`, affiliations },
      }),
      201,
    );
    assessorToken[subject] = await api.token('assessor', { subject });
  }
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('a whole external assessment, five agencies and two assessors', () => {
  it('1. agencies self-assess and submit all 47 answers with evidence', async () => {
    for (const agency of agencies) {
      const token = await api.token('agency', { subject: `operator-${agency.id}`, agencyId: agency.id });
      const path = `/v1/cycles/${year}/agencies/${agency.id}/self-assessment`;
      const answers = indicators.map((no) => ({
        indicatorNo: no,
        level: levelOf(agency.id, no, 0),
        explanation: `Penjelasan indikator ${no}`,
        evidence: [
          { title: `Data dukung ${no}`, url: `https://${agency.id}.go.id/spbe/${no}.pdf` },
          { title: `Tangkapan layar ${no}`, url: `https://${agency.id}.go.id/spbe/${no}.png` },
        ],
      }));
      const saved = expectStatus(
        await api.request<{ version: number }>('PUT', path, {
          token,
          body: { answers },
          headers: { 'if-match': '"0"' },
        }),
        200,
      );
      expectStatus(
        await api.request('POST', `${path}/submit`, { token, headers: { 'if-match': `"${saved.version}"` } }),
        200,
      );
    }
  });

  it('2. the review team assigns panels; conflicts of interest are refused with the rule', async () => {
    // Act: conflicts first (assessor 1 on their own agency; assessor 3 on a kota of their province)
    const own = await api.request('POST', `/v1/cycles/${year}/assignments`, {
      token: admin,
      body: { assignments: [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-1' }] },
    });
    const province = await api.request('POST', `/v1/cycles/${year}/assignments`, {
      token: admin,
      body: { assignments: [{ agencyId: 'kota-surabaya', assessor: 'asesor-3' }] },
    });
    const csv = [
      'agencyId,assessor',
      ...Object.entries(panels).flatMap(([agencyId, members]) =>
        members.map((member) => `${agencyId},${member}`),
      ),
    ].join('\n');
    const assigned = await api.request('POST', `/v1/cycles/${year}/assignments`, {
      token: admin,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });

    // Assess
    expect(expectFieldProblem(own, 409, '/body/assignments/0').detail).toContain('own-agency');
    expect(JSON.stringify(expectProblem(province, 409))).toContain('province of kota-surabaya');
    expect(expectStatus(assigned, 200)).toEqual({ received: 8, assigned: 8, unchanged: 0 });
    const mine = expectStatus(
      await api.request<{ items: { agencyId: string; agencyName: string; selfAssessmentStatus: string }[] }>(
        'GET',
        `/v1/assessors/me/assignments?year=${year}`,
        {
          token: assessorToken['asesor-2'],
        },
      ),
      200,
    );
    expect(mine.items.map((item) => item.agencyId).sort()).toEqual([
      'kab-banyuwangi',
      'kota-surabaya',
      'prov-jawa-barat',
      'prov-jawa-timur',
    ]);
    // Each with its agency's name and where its self-assessment stands (all five submitted in step 1)
    expect(mine.items.find((item) => item.agencyId === 'kota-surabaya')).toMatchObject({
      agencyName: 'Pemerintah Kota Surabaya',
      selfAssessmentStatus: 'submitted',
    });
  });

  it('2b. an affiliation added later that conflicts with a panel seat in progress is refused (409 naming it)', async () => {
    // Prepare: asesor-2 sits on Kota Surabaya's panel; the admin learns they now work for it
    const read = await api.request<{ affiliations: string[] }>('GET', '/v1/assessors/asesor-2', {
      token: admin,
    });
    const profile = expectStatus(read, 200);

    // Act
    const joined = await api.request('PUT', '/v1/assessors/asesor-2', {
      token: admin,
      body: { name: 'Asesor 2', affiliations: [...profile.affiliations, 'kota-surabaya'] },
      headers: { 'if-match': read.headers.get('etag') ?? '' },
    });

    // Assess: refused, the profile unchanged
    const problem = expectFieldProblem(joined, 409, `/body/affiliations/${profile.affiliations.length}`);
    expect(JSON.stringify(problem)).toContain('assignment to kota-surabaya');
    const after = await api.request('GET', '/v1/assessors/asesor-2', { token: admin });
    expect(after.headers.get('etag')).toBe(read.headers.get('etag'));
  });

  it('2c. an agency with a panel gets its result by finalizing, never by an import of past results (409 naming the row)', async () => {
    const levels = indicators.map(() => 3);
    const response = await api.request('POST', `/v1/cycles/${year}/results/import`, {
      token: admin,
      headers: { 'idempotency-key': `import-assessed-${year}` },
      body: { results: [{ agencyId: 'kemenkeu', levels, reference: 'Laporan yang keliru' }] },
    });
    expectFieldProblem(response, 409, '/body/results/0/agencyId');
    expectProblem(
      await api.request('GET', `/v1/cycles/${year}/agencies/kemenkeu/result`, { token: admin }),
      404,
    );

    // The other way round: an agency whose result was imported first gets no panel
    expectStatus(
      await api.request('PUT', '/v1/agencies/prov-bali', {
        token: admin,
        body: { name: 'Pemerintah Provinsi Bali', group: 'provinsi' },
      }),
      201,
    );
    expectStatus(
      await api.request('POST', `/v1/cycles/${year}/results/import`, {
        token: admin,
        headers: { 'idempotency-key': `import-bali-${year}` },
        body: { results: [{ agencyId: 'prov-bali', levels, reference: 'Laporan yang diimpor' }] },
      }),
      200,
    );
    const late = await api.request('POST', `/v1/cycles/${year}/assignments`, {
      token: admin,
      headers: { 'idempotency-key': `assign-bali-${year}` },
      body: { assignments: [{ agencyId: 'prov-bali', assessor: 'asesor-1' }] },
    });
    expect(expectFieldProblem(late, 409, '/body/assignments/0').detail).toContain('has-result');
  });

  it('3. an assessor sees only the agencies assigned to them: the rest answer 404', async () => {
    expectProblem(
      await api.request('GET', `/v1/cycles/${year}/agencies/prov-jawa-barat/assessment`, {
        token: assessorToken['asesor-1'],
      }),
      404,
    );
    expectProblem(
      await api.request('GET', `/v1/cycles/${year}/agencies/kota-surabaya/assessment`, {
        token: assessorToken['asesor-3'],
      }),
      404,
    );
    const seen = await assessmentOf('kemenkeu', assessorToken['asesor-1']);
    expect(seen.indicators[0]?.selfAssessed?.evidence).toHaveLength(2);
  });

  it('4. the panels score every indicator at the documents (outside the window: 409)', async () => {
    const early = await api.request('PUT', `/v1/cycles/${year}/agencies/kemenkeu/assessments/dokumen`, {
      token: assessorToken['asesor-1'],
      body: { scores: [{ indicatorNo: 1, expectedVersion: 0, level: 3 }] },
    });
    expectProblem(early, 409);

    await reschedule('documentAssessment');
    for (const [agencyId, members] of Object.entries(panels)) {
      // The first member scores the odd indicators, the last one the even ones.
      for (const [position, member] of members.entries()) {
        const mine = indicators.filter((no) => members.length === 1 || no % 2 === position % 2);
        const response = await api.request<Assessment>(
          'PUT',
          `/v1/cycles/${year}/agencies/${agencyId}/assessments/dokumen`,
          {
            token: assessorToken[member],
            body: {
              scores: mine.map((no) => ({
                indicatorNo: no,
                expectedVersion: 0,
                level: levelOf(agencyId, no, 1),
                note: `Diverifikasi dari data dukung ${no}`,
                evidenceUsed: [0],
              })),
            },
          },
        );
        expectStatus(response, 200);
      }
    }
    expect((await assessmentOf('prov-jawa-timur')).indicators.every((indicator) => indicator.standing)).toBe(
      true,
    );
  });

  it('5. a correction needs a reason (400; the original stays readable); two members from one version: one 2xx, one 412', async () => {
    const path = `/v1/cycles/${year}/agencies/prov-jawa-timur/assessments/dokumen/indicators/3`;
    const noReason = await api.request('PUT', path, {
      token: assessorToken['asesor-1'],
      body: { level: 5 },
      headers: { 'if-match': '"1"' },
    });
    expectFieldProblem(noReason, 400, '/body/reason');
    const versions = expectStatus(
      await api.request<{ items: StageScore[] }>('GET', `${path}/versions`, {
        token: assessorToken['asesor-2'],
      }),
      200,
    );
    expect(versions.items.map((score) => [score.version, score.level])).toEqual([
      [1, levelOf('prov-jawa-timur', 3, 1)],
    ]);

    const [first, second] = await Promise.all(
      ['asesor-1', 'asesor-2'].map((member) =>
        api.request<StageScore>('PUT', path, {
          token: assessorToken[member],
          body: { level: 4, note: `Koreksi oleh ${member}`, reason: 'Bukti tambahan diperiksa ulang' },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    expect([first?.status, second?.status].sort()).toEqual([200, 412]);
    const after = expectStatus(
      await api.request<{ items: StageScore[] }>('GET', `${path}/versions`, { token: admin }),
      200,
    );
    expect(after.items.map((score) => score.version)).toEqual([1, 2]);
    expect(after.items[1]).toMatchObject({ level: 4, reason: 'Bukti tambahan diperiksa ulang' });
  });

  it('6. the interview re-scores some indicators; the others are carried forward', async () => {
    await reschedule('interviewAssessment');
    for (const [agencyId, members] of Object.entries(panels)) {
      const member = members[0] as string;
      const response = await api.request<Assessment>(
        'PUT',
        `/v1/cycles/${year}/agencies/${agencyId}/assessments/interviu`,
        {
          token: assessorToken[member],
          body: {
            scores: indicators
              .filter((no) => no <= 10)
              .map((no) => ({ indicatorNo: no, expectedVersion: 0, level: levelOf(agencyId, no, 2) })),
          },
        },
      );
      const assessment = expectStatus(response, 200);
      expect(assessment.indicators[0]?.stages[1]).toMatchObject({ stage: 'interviu', carriedForward: false });
      expect(assessment.indicators[20]?.stages[1]).toMatchObject({
        carriedForward: true,
        score: { stage: 'dokumen' },
      });
    }
  });

  it('7. the review validates; results finalize with the engine’s index on the validated levels, recomputable from the bundle', async () => {
    for (const { id } of agencies) {
      const missing = await api.request('POST', `/v1/cycles/${year}/agencies/${id}/result/finalize`, {
        token: admin,
      });
      expect(expectProblem(missing, 409)).toMatchObject({ missing: indicators });

      const reviewed = await api.request<Assessment>('PUT', `/v1/cycles/${year}/agencies/${id}/reviews`, {
        token: admin,
        body: { reviews: indicators.map((no) => ({ indicatorNo: no, valid: true, expectedVersion: 0 })) },
      });
      expect(expectStatus(reviewed, 200).missingValidScores).toEqual([]);

      const finalized = expectStatus(
        await api.request<Result>('POST', `/v1/cycles/${year}/agencies/${id}/result/finalize`, {
          token: admin,
        }),
        201,
      );
      const validated = indicators.map((no) => {
        if (no <= 10) return levelOf(id, no, 2);
        if (id === 'prov-jawa-timur' && no === 3) return 4;
        return levelOf(id, no, 1);
      });
      const expected = scoreAssessment(
        framework,
        new Map(validated.map((level, index) => [index + 1, level])),
      );
      expect(finalized.result.inputs.levels).toEqual(validated);
      expect(finalized.result.computed.score.index).toEqual(expected.index);
      expect(finalized.result.computed.score.predicate).toEqual(expected.predicate);

      const bundle = expectStatus(
        await api.request<z.output<typeof ResultBundleSchema>>(
          'GET',
          `/v1/cycles/${year}/agencies/${id}/result/bundle`,
          {
            token: admin,
          },
        ),
        200,
      );
      expect(canonicalJson(computeResult(bundle.framework as Framework, bundle.result.inputs))).toBe(
        canonicalJson(bundle.result.computed),
      );
      expect(bundle.verification.valid).toBe(true);
    }
  });

  it('7b. the review team lists the cycle’s final results: by group then agency, one group, a page at a time', async () => {
    type Page = z.output<typeof CycleResultSummaryPageSchema>;
    const list = async (query: string) =>
      expectStatus(
        await api.request<Page>('GET', `/v1/cycles/${year}/results${query}`, { token: admin }),
        200,
      );

    const all = await list('');
    expect(all.items.map((item) => `${item.group}/${item.agencyId}`)).toEqual([
      'kabupaten/kab-banyuwangi',
      'kementerian/kemenkeu',
      'kota/kota-surabaya',
      'provinsi/prov-bali', // imported in 2c
      'provinsi/prov-jawa-barat',
      'provinsi/prov-jawa-timur',
    ]);
    const jatim = expectStatus(
      await api.request<Result>('GET', `/v1/cycles/${year}/agencies/prov-jawa-timur/result`, {
        token: admin,
      }),
      200,
    );
    expect(all.items.at(-1)).toEqual({
      agencyId: 'prov-jawa-timur',
      agencyName: 'Pemerintah Provinsi Jawa Timur',
      group: 'provinsi',
      version: 1,
      index: jatim.result.computed.score.index,
      predicate: jatim.result.computed.score.predicate,
      complete: jatim.result.computed.score.complete,
      result: `/v1/cycles/${year}/agencies/prov-jawa-timur/result`,
    });
    expect((await list('?group=provinsi')).items.map((item) => item.agencyId)).toEqual([
      'prov-bali',
      'prov-jawa-barat',
      'prov-jawa-timur',
    ]);
    const first = await list('?limit=4');
    const rest = await list(`?limit=4&cursor=${first.nextCursor}`);
    expect([...first.items, ...rest.items]).toEqual(all.items);
    expect(rest.nextCursor).toBeUndefined();

    // A cursor of the whole listing, stopped at a city, is no cursor of the provinces'; and the list is the review team's alone.
    expectProblem(
      await api.request(
        'GET',
        `/v1/cycles/${year}/results?group=provinsi&cursor=${(await list('?limit=3')).nextCursor}`,
        {
          token: admin,
        },
      ),
      400,
    );
    const operator = await api.token('agency', { subject: 'operator-jatim', agencyId: 'prov-jawa-timur' });
    expectProblem(await api.request('GET', `/v1/cycles/${year}/results`, { token: operator }), 403);
    expectProblem(await api.request('GET', `/v1/cycles/${year + 5}/results`, { token: admin }), 404);
  });

  it('8. agencies read their result from the appeals window; appeals only in their window; an upheld appeal is a new, chained version', async () => {
    const operator = await api.token('agency', {
      subject: 'operator-kota-surabaya',
      agencyId: 'kota-surabaya',
    });
    const base = `/v1/cycles/${year}/agencies/kota-surabaya`;
    // Its own agency learns when, not that there is no result (result.finalized has told it there is).
    const early = expectProblem(await api.request('GET', `${base}/result`, { token: operator }), 404);
    expect(early.detail).toMatch(
      /readable by kota-surabaya’s operators from the opening of the cycle’s appeals window, \d{4}-/,
    );
    const stranger = await api.token('agency', { subject: 'operator-jatim', agencyId: 'prov-jawa-timur' });
    const hidden = expectProblem(await api.request('GET', `${base}/result`, { token: stranger }), 404);
    expect(hidden.detail).toBe(`No final result of agency "kota-surabaya" in the ${year} cycle.`);
    const appeal = {
      indicators: [
        { indicatorNo: 30, justification: 'Audit TIK 2026 telah selesai dan laporannya terlampir.' },
      ],
    };
    expectProblem(await api.request('POST', `${base}/appeals`, { token: operator, body: appeal }), 409);

    await reschedule('appeals');
    // The appeals window open, the agency reads what it may contest (the public: from publication)
    expect(
      expectStatus(
        await api.request<{ result: { version: number } }>('GET', `${base}/result`, { token: operator }),
        200,
      ).result.version,
    ).toBe(1);
    expectProblem(await api.request('GET', `${base}/result`, { token: stranger }), 404);
    const filing = await api.request<z.output<typeof AppealSchema>>('POST', `${base}/appeals`, {
      token: operator,
      body: appeal,
    });
    const filed = expectStatus(filing, 201);
    // Its Location reads the appeal alone, for the agency (before publication too) and not for another
    const location = filing.headers.get('location') ?? '';
    expect(location).toBe(`${base}/appeals/${filed.appealId}`);
    expect(expectStatus(await api.request('GET', location, { token: operator }), 200)).toEqual(filed);
    expectProblem(await api.request('GET', location, { token: stranger }), 404);
    // The review team sees the open appeal beside the result it contests.
    const contested = expectStatus(
      await api.request<z.output<typeof CycleResultSummaryPageSchema>>(
        'GET',
        `/v1/cycles/${year}/results?group=kota`,
        { token: admin },
      ),
      200,
    );
    expect(contested.items).toEqual([
      expect.objectContaining({ agencyId: 'kota-surabaya', version: 1, openAppealId: filed.appealId }),
    ]);
    // The review team finds it in the cycle's queue of open appeals; an operator may not list it
    const queue = `/v1/cycles/${year}/appeals`;
    const open = expectStatus(
      await api.request<{ items: z.output<typeof AppealSchema>[] }>('GET', `${queue}?status=open`, {
        token: admin,
      }),
      200,
    );
    expect(open.items).toEqual([filed]);
    expectProblem(await api.request('GET', queue, { token: operator }), 403);
    // The cycle's progress counts it: six final results, one under appeal, in Kota's group
    const progress = expectStatus(
      await api.request<z.output<typeof CycleProgressSchema>>('GET', `/v1/cycles/${year}/progress`, {
        token: admin,
      }),
      200,
    );
    expect(progress.phase).toEqual({ current: 'appeals', windowOpen: true });
    expect(progress.totals).toMatchObject({
      results: { final: 6, missing: progress.totals.agencies - 6, withOpenAppeal: 1 },
      appeals: { open: 1, decided: 0 },
    });
    const { notStarted, draft, submitted } = progress.totals.selfAssessment;
    expect(notStarted + draft + submitted).toBe(progress.totals.agencies);
    expect(submitted).toBeGreaterThan(0);
    expect(progress.groups.reduce((sum, group) => sum + group.agencies, 0)).toBe(progress.totals.agencies);
    expect(progress.groups.find((group) => group.group === 'kota')?.results.withOpenAppeal).toBe(1);
    expectProblem(await api.request('GET', `/v1/cycles/${year}/progress`, { token: operator }), 403);
    const decided = await api.request<z.output<typeof AppealSchema>>(
      'PUT',
      `${base}/appeals/${filed.appealId}/decision`,
      {
        token: admin,
        body: { decisions: [{ indicatorNo: 30, upheld: true, level: 5, reason: 'Laporan audit sah' }] },
      },
    );
    expect(expectStatus(decided, 200)).toMatchObject({ status: 'decided', newResultVersion: 2 });
    // The same PUT retried (its response lost) answers the same appeal; it makes no version 3
    const retried = await api.request('PUT', `${base}/appeals/${filed.appealId}/decision`, {
      token: admin,
      body: { decisions: [{ indicatorNo: 30, upheld: true, level: 5, reason: 'Laporan audit sah' }] },
    });
    expect(expectStatus(retried, 200)).toEqual(expectStatus(decided, 200));
    const closed = expectStatus(
      await api.request<{ items: z.output<typeof AppealSchema>[] }>('GET', `${queue}?status=decided`, {
        token: admin,
      }),
      200,
    );
    expect(closed.items.map((item) => [item.appealId, item.status])).toEqual([[filed.appealId, 'decided']]);
    expectStatus(
      await api.request<{ items: unknown[] }>('GET', `${queue}?status=open`, { token: admin }),
      200,
    );

    await reschedule('publication');
    const result = expectStatus(await api.request<Result>('GET', `${base}/result`, { token: operator }), 200);
    expect(result.result).toMatchObject({
      version: 2,
      inputs: { sources: expect.arrayContaining([{ kind: 'appeal', appealId: filed.appealId }]) },
    });
    const chain = expectStatus(
      await api.request<z.output<typeof ResultVersionsSchema>>('GET', `${base}/result/versions`, {
        token: operator,
      }),
      200,
    );
    expect(chain.items.map((version) => version.version)).toEqual([1, 2]);
    expect(chain.items[1]?.previousSha256).toBe(chain.items[0]?.sha256);
    expect(chain.items[0]?.inputs.levels[29]).not.toBe(5);
    expect(chain.verification).toEqual({ valid: true, problems: [] });
  });

  it('9. tampering with a stored input makes verification fail', async () => {
    // Act: change one stored level of version 1 behind the API's back
    const client = createDocumentClient(api.runtime.dynamodb.client);
    const key = resultKeys.version(year, 'kota-surabaya', 1);
    const stored = await client.send(
      new GetCommand({ TableName: api.runtime.dynamodb.tables.programme, Key: key }),
    );
    const level = (stored.Item as { inputs: { levels: Level[] } } | undefined)?.inputs.levels[0];
    await client.send(
      new UpdateCommand({
        TableName: api.runtime.dynamodb.tables.programme,
        Key: key,
        UpdateExpression: 'SET inputs.levels[0] = :level',
        ExpressionAttributeValues: { ':level': level === 1 ? 2 : 1 },
      }),
    );

    // Assess
    const chain = expectStatus(
      await api.request<z.output<typeof ResultVersionsSchema>>(
        'GET',
        `/v1/cycles/${year}/agencies/kota-surabaya/result/versions`,
        { token: admin },
      ),
      200,
    );
    expect(chain.verification.valid).toBe(false);
    expect(chain.verification.problems).toContain('version 1: its hash does not match its content');
  });
});
