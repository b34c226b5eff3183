import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { AuditPageSchema } from '#shared/api/common/schemas.ts';
import type { BulkAnswersWriteSchema, SelfAssessmentSchema } from '#shared/api/self-assessment/schemas.ts';
import { getFramework, type Level, scoreAssessment } from '#shared/domain/index.ts';
import { type ApiResponse, startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  closedCycle,
  controlTexts,
  createCycle,
  currentYear,
  ensureAgency,
  expectFieldProblem,
  expectProblem,
  expectStatus,
  hostileNames,
  jawaBarat,
  jawaTimur,
  openCycle,
  type Problem,
} from './support.ts';

/**
 * The self-assessment (penilaian mandiri) of the demo Pemprov Jawa Timur operator, end to end:
 * optimistic concurrency, validation that leaves the stored draft alone, the 47 answers in bulk and
 * one at a time, the provisional result against the scoring engine, and an idempotent submission.
 *
 * One database, tests in order: each builds on the draft the previous ones left.
 */

type SelfAssessment = z.output<typeof SelfAssessmentSchema>;
type AuditPage = z.output<typeof AuditPageSchema>;
type BulkAnswers = z.input<typeof BulkAnswersWriteSchema>;
type SubmitProblem = Problem & { readonly unanswered?: readonly number[] };

const agencyId = 'prov-jawa-timur';
const year = currentYear();
const closedYear = year - 1;
const basePath = (y: number = year) => `/v1/cycles/${y}/agencies/${agencyId}/self-assessment`;
const indicatorPath = (no: number | string, y: number = year) => `${basePath(y)}/indicators/${no}`;
const allIndicators = Array.from({ length: 47 }, (_, index) => index + 1);

/** A level for every indicator that is not all the same, so that weights matter. */
const patternLevel = (no: number): Level => (((no * 7) % 5) + 1) as Level;

const evidence = {
  title: 'Peraturan Gubernur Jawa Timur tentang Arsitektur SPBE',
  url: 'https://jatimprov.go.id/spbe/pergub-arsitektur.pdf',
  mediaType: 'application/pdf',
  sha256: 'a'.repeat(64),
} as const;

let api: TestApi;
let admin: string;
let operator: string;
/** The levels this test has saved, by indicator: what the API must have stored. */
const saved = new Map<number, Level>();

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
  operator = await api.token('agency', { subject: 'operator-jatim', name: 'Operator Diskominfo Jatim' });
  await ensureAgency(api, admin, agencyId, jawaTimur);
  await createCycle(api, admin, openCycle(year));
  await createCycle(api, admin, closedCycle(closedYear));
});

afterAll(async () => {
  await api?.stop();
});

const read = async (y: number = year, token: string = operator) => {
  const response = await api.request<SelfAssessment>('GET', basePath(y), { token });
  const body = expectStatus(response, 200);
  const etag = response.headers.get('etag');
  expect(etag).toBe(`"${body.version}"`);
  return { body, etag: etag ?? '' };
};

const saveBulk = (body: unknown, etag?: string, token: string = operator) =>
  api.request<SelfAssessment>('PUT', basePath(), {
    token,
    body,
    headers: etag === undefined ? {} : { 'if-match': etag },
  });

const saveOne = (no: number | string, body: unknown, etag?: string) =>
  api.request<SelfAssessment>('PUT', indicatorPath(no), {
    token: operator,
    body,
    headers: etag === undefined ? {} : { 'if-match': etag },
  });

const submit = (headers: Record<string, string> = {}, y: number = year) =>
  api.request<SelfAssessment>('POST', `${basePath(y)}/submit`, { token: operator, headers });

const auditTrail = async () => {
  const response = await api.request<AuditPage>(
    'GET',
    `/v1/cycles/${year}/agencies/${agencyId}/audit?limit=200`,
    {
      token: admin,
    },
  );
  return expectStatus(response, 200).items;
};

/** The provisional result the scoring engine gives for the levels saved so far. */
const expectProvisionalOfSavedLevels = (draft: SelfAssessment) => {
  const expected = scoreAssessment(getFramework('spbe-2020'), Object.fromEntries(saved), {
    predicateBasis: 'exact',
  });
  expect(draft.provisional).toMatchObject({
    frameworkId: 'spbe-2020',
    predicateBasis: 'exact',
    index: expected.index,
    predicate: expected.predicate,
    unanswered: [...expected.unanswered],
    complete: expected.complete,
  });
  expect(draft.provisional.domains.map(({ no, weight, index }) => ({ no, weight, index }))).toEqual(
    expected.domains.map(({ no, weight, index }) => ({ no, weight, index })),
  );
  expect(draft.unanswered).toEqual([...expected.unanswered]);
  expect(draft.answeredCount).toBe(saved.size);
  expect(Object.fromEntries(draft.answers.map((answer) => [answer.indicatorNo, answer.level]))).toEqual(
    Object.fromEntries(saved),
  );
};

describe('a new draft', () => {
  it('reads as version 0 with ETag "0", nothing answered, the window open and a provisional index of 0', async () => {
    // Act
    const { body, etag } = await read();

    // Assess
    expect(etag).toBe('"0"');
    expect(body).toMatchObject({
      year,
      agencyId,
      status: 'draft',
      version: 0,
      answers: [],
      answeredCount: 0,
    });
    expect(body.unanswered).toEqual(allIndicators);
    expect(body.window.open).toBe(true);
    expect(Date.parse(body.window.opensAt)).toBeLessThan(Date.now());
    expect(Date.parse(body.window.closesAt)).toBeGreaterThan(Date.now());
    expect(body.submittedAt).toBeUndefined();
    expectProvisionalOfSavedLevels(body);
  });

  it('may be read by an admin', async () => {
    const { body } = await read(year, admin);
    expect(body.agencyId).toBe(agencyId);
  });

  it.each([
    ['PUT …/self-assessment', () => saveBulk({ answers: [{ indicatorNo: 1, level: 3 }] })],
    ['PUT …/indicators/1', () => saveOne(1, { level: 3 })],
  ])('refuses %s without If-Match: 428', async (_name, send) => {
    // Act
    const problem = expectProblem(await send(), 428);

    // Assess
    expect(problem.type).toBe('/problems/precondition-required');
    expect((await read()).etag).toBe('"0"');
  });

  it.each([
    ['a version that does not exist yet', '"3"'],
    ['a weak ETag of another version', 'W/"1"'],

    ['something that is not an ETag', 'version-0'],
  ])('refuses a save with If-Match of %s: 412', async (_name, ifMatch) => {
    // Act
    const bulk = await saveBulk({ answers: [{ indicatorNo: 1, level: 3 }] }, ifMatch);
    const one = await saveOne(1, { level: 3 }, ifMatch);

    // Assess
    expectProblem(bulk, 412);
    expectProblem(one, 412);
    expect((await read()).body).toMatchObject({ version: 0, answers: [] });
  });
});

describe('If-Match uses the strong comparison (RFC 9110 §13.1.1)', () => {
  it('refuses a weak ETag even of the current version: 412, nothing saved', async () => {
    // Prepare: another agency, so that a wrongly accepted save cannot disturb the Jawa Timur draft
    await ensureAgency(api, admin, 'prov-bali', { name: 'Pemerintah Provinsi Bali', group: 'provinsi' });
    const bali = await api.token('agency', { agencyId: 'prov-bali', subject: 'operator-bali' });
    const path = `/v1/cycles/${year}/agencies/prov-bali/self-assessment`;

    // Act
    const response = await api.request('PUT', `${path}/indicators/1`, {
      token: bali,
      body: { level: 3 },
      headers: { 'if-match': 'W/"0"' },
    });

    // Assess
    expectProblem(response, 412);
    const after = expectStatus(await api.request<SelfAssessment>('GET', path, { token: bali }), 200);
    expect(after).toMatchObject({ version: 0, answers: [] });
  });
});

describe('saving answers', () => {
  it('saves ten answers in one bulk save: version +1, each answer with penjelasan, evidence, time and author', async () => {
    // Prepare
    const answers = allIndicators.slice(0, 10).map((no) => ({
      indicatorNo: no,
      level: patternLevel(no),
      explanation: `Penjelasan indikator ${no}`,
      ...(no === 1 ? { evidence: [evidence] } : {}),
    }));
    const before = Date.now();

    // Act
    const response = await saveBulk({ answers } satisfies BulkAnswers, '"0"');

    // Assess
    const draft = expectStatus(response, 200);
    for (const answer of answers) saved.set(answer.indicatorNo, answer.level);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(draft.version).toBe(1);
    expect(draft.status).toBe('draft');
    const first = draft.answers.find((answer) => answer.indicatorNo === 1);
    expect(first).toMatchObject({
      level: patternLevel(1),
      explanation: 'Penjelasan indikator 1',
      evidence: [evidence],
      updatedBy: 'operator-jatim',
    });
    expect(Date.parse(first?.updatedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(draft.answers.find((answer) => answer.indicatorNo === 2)).toMatchObject({ evidence: [] });
    expectProvisionalOfSavedLevels(draft);
    expect((await read()).body).toEqual(draft);
  });

  it('re-saving an unchanged answer with evidence keeps the version and writes no audit record', async () => {
    // Prepare: indicator 1 was saved with evidence above; DynamoDB returns its map keys in its own order
    const { etag } = await read();
    const auditBefore = (await auditTrail()).length;

    // Act
    const response = await saveOne(
      1,
      { level: patternLevel(1), explanation: 'Penjelasan indikator 1', evidence: [evidence] },
      etag,
    );

    // Assess
    expectStatus(response, 200);
    expect(response.headers.get('etag')).toBe(etag);
    expect(await auditTrail()).toHaveLength(auditBefore);
  });

  it('refuses to submit while indicators are unanswered: 409 listing them, nothing submitted', async () => {
    // Act
    const problem = expectProblem(await submit(), 409) as SubmitProblem;

    // Assess
    expect(problem.unanswered).toEqual(allIndicators.slice(10));
    expect(problem.detail).toMatch(/unanswered|answer/i);
    expect((await read()).body).toMatchObject({ status: 'draft', version: 1 });
  });
});

describe('bad input leaves the stored draft unchanged', () => {
  let trailBefore = 0;

  beforeAll(async () => {
    trailBefore = (await auditTrail()).length;
  });
  const tooLong = 'x'.repeat(4001);
  // Strings the WHATWG URL parser refuses: they once made the schema itself throw (500).
  const unparseableUrls = ['x', 'https://', '//a.go.id/x', 'https://a.go.id:70000/x'];
  const cases: readonly (readonly [string, 'bulk' | number | string, unknown, string])[] = [
    ...unparseableUrls.flatMap(
      (url) =>
        [
          [
            `an evidence URL the URL parser refuses: ${url}`,
            1,
            { level: 3, evidence: [{ title: 't', url }] },
            '/body/evidence/0/url',
          ],
          [
            `an evidence URL the URL parser refuses: ${url} (bulk)`,
            'bulk',
            { answers: [{ indicatorNo: 1, level: 3, evidence: [{ title: 't', url }] }] },
            '/body/answers/0/evidence/0/url',
          ],
        ] as const,
    ),
    [
      'the same evidence document twice',
      1,
      { level: 3, evidence: [evidence, { ...evidence, title: 'Salinan' }] },
      '/body/evidence/1/url',
    ],
    ...hostileNames.map(
      ([name, title]) =>
        [
          `an evidence title of ${name}`,
          1,
          { level: 3, evidence: [{ ...evidence, title }] },
          '/body/evidence/0/title',
        ] as const,
    ),
    ...controlTexts.map(
      ([name, explanation]) =>
        [
          `an explanation with ${name} (bulk)`,
          'bulk',
          { answers: [{ indicatorNo: 1, level: 3, explanation }] },
          '/body/answers/0/explanation',
        ] as const,
    ),
    ['level 0 (bulk)', 'bulk', { answers: [{ indicatorNo: 1, level: 0 }] }, '/body/answers/0/level'],
    [
      'level 6 (bulk, second answer)',
      'bulk',
      {
        answers: [
          { indicatorNo: 1, level: 5 },
          { indicatorNo: 2, level: 6 },
        ],
      },
      '/body/answers/1/level',
    ],
    ['level 0 (one indicator)', 1, { level: 0 }, '/body/level'],
    ['level 6 (one indicator)', 1, { level: 6 }, '/body/level'],
    ['a fractional level', 1, { level: 2.5 }, '/body/level'],
    ['a level given as text', 1, { level: '3' }, '/body/level'],
    ['a missing level', 1, { explanation: 'Tanpa tingkat' }, '/body/level'],
    ['indicator 48 in the path', 48, { level: 3 }, '/params/no'],
    ['indicator "x" in the path', 'x', { level: 3 }, '/params/no'],
    [
      'indicator 48 in the body',
      'bulk',
      { answers: [{ indicatorNo: 48, level: 3 }] },
      '/body/answers/0/indicatorNo',
    ],
    [
      'indicator 0 in the body',
      'bulk',
      { answers: [{ indicatorNo: 0, level: 3 }] },
      '/body/answers/0/indicatorNo',
    ],
    [
      'the same indicator twice',
      'bulk',
      {
        answers: [
          { indicatorNo: 3, level: 3 },
          { indicatorNo: 3, level: 4 },
        ],
      },
      '/body/answers/1/indicatorNo',
    ],
    ['no answers', 'bulk', { answers: [] }, '/body/answers'],
    [
      'an unknown top-level field',
      'bulk',
      { answers: [{ indicatorNo: 1, level: 3 }], submit: true },
      '/body/submit',
    ],
    [
      'an unknown answer field',
      'bulk',
      { answers: [{ indicatorNo: 1, level: 3, score: 100 }] },
      '/body/answers/0/score',
    ],
    ['indicatorNo in a one-indicator body', 1, { indicatorNo: 1, level: 3 }, '/body/indicatorNo'],
    ['an explanation over 4000 characters', 1, { level: 3, explanation: tooLong }, '/body/explanation'],
    [
      'an explanation over 4000 characters (bulk)',
      'bulk',
      { answers: [{ indicatorNo: 1, level: 3, explanation: tooLong }] },
      '/body/answers/0/explanation',
    ],
    [
      'an http:// evidence URL',
      1,
      { level: 3, evidence: [{ ...evidence, url: 'http://jatimprov.go.id/a.pdf' }] },
      '/body/evidence/0/url',
    ],
    [
      'a javascript: evidence URL',
      1,
      { level: 3, evidence: [{ ...evidence, url: 'javascript:alert(1)' }] },
      '/body/evidence/0/url',
    ],
    [
      'an ftp:// evidence URL (bulk)',
      'bulk',
      {
        answers: [
          { indicatorNo: 1, level: 3, evidence: [{ title: 'x', url: 'ftp://jatimprov.go.id/a.pdf' }] },
        ],
      },
      '/body/answers/0/evidence/0/url',
    ],
    [
      'evidence without a title',
      1,
      { level: 3, evidence: [{ url: evidence.url }] },
      '/body/evidence/0/title',
    ],
    [
      'a malformed SHA-256',
      1,
      { level: 3, evidence: [{ ...evidence, sha256: 'ABC' }] },
      '/body/evidence/0/sha256',
    ],
    [
      'eleven evidence items',
      1,
      { level: 3, evidence: Array.from({ length: 11 }, () => evidence) },
      '/body/evidence',
    ],
  ];

  it.each(cases)('%s → 400 naming the field', async (_name, target, body, pointer) => {
    // Prepare: the current ETag, so that only the body can be wrong
    const before = await read();

    // Act
    const response =
      target === 'bulk' ? await saveBulk(body, before.etag) : await saveOne(target, body, before.etag);

    // Assess
    const problem = expectFieldProblem(response as ApiResponse<unknown>, 400, pointer);
    expect(problem.instance).toBe(target === 'bulk' ? basePath() : indicatorPath(target));
    const after = await read();
    expect(after.etag).toBe(before.etag);
    expect(after.body).toEqual(before.body);
  });

  it('a body over the route limit → 413, nothing stored', async () => {
    // Prepare
    const before = await read();

    // Act
    const response = await api.request('PUT', basePath(), {
      token: operator,
      rawBody: JSON.stringify({
        answers: [{ indicatorNo: 1, level: 3, explanation: 'x'.repeat(1024 * 1024) }],
      }),
      headers: { 'content-type': 'application/json', 'if-match': before.etag },
    });

    // Assess
    expectProblem(response, 413);
    expect((await read()).body).toEqual(before.body);
  });

  it('wrote no audit record for any of the refused requests', async () => {
    expect(await auditTrail()).toHaveLength(trailBefore);
  });
});

describe('concurrent saves with the same If-Match', () => {
  it('20 bulk saves: exactly one succeeds, 19 get 412, and the draft holds the winner’s answers only', async () => {
    // Prepare: each writer saves indicators 11–15 with its own penjelasan and levels
    const before = await read();
    const writers = Array.from({ length: 20 }, (_, writer) => ({
      answers: [11, 12, 13, 14, 15].map((no) => ({
        indicatorNo: no,
        level: (((writer + no) % 5) + 1) as Level,
        explanation: `writer ${writer}`,
      })),
    }));

    // Act
    const responses = await Promise.all(writers.map((body) => saveBulk(body, before.etag)));

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(19);
    for (const response of responses.filter((r) => r.status === 412)) expectProblem(response, 412);
    const winnerIndex = statuses.indexOf(200);
    const winner = writers[winnerIndex];
    if (!winner) throw new Error('no winner');
    for (const answer of winner.answers) saved.set(answer.indicatorNo, answer.level);

    const after = await read();
    expect(after.body.version).toBe(before.body.version + 1);
    const stored = after.body.answers.filter(
      (answer) => answer.indicatorNo >= 11 && answer.indicatorNo <= 15,
    );
    expect(
      stored.map(({ indicatorNo, level, explanation }) => ({ indicatorNo, level, explanation })),
    ).toEqual(winner.answers);
    expect(after.body).toEqual(responses[winnerIndex]?.body);
    // The answers saved before the race are untouched.
    expect(after.body.answers.filter((answer) => answer.indicatorNo <= 10)).toEqual(
      before.body.answers.filter((answer) => answer.indicatorNo <= 10),
    );
  });

  it('20 saves of one indicator: exactly one succeeds, the others get 412', async () => {
    // Prepare
    const before = await read();

    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        saveOne(16, { level: (writer % 5) + 1, explanation: `writer ${writer}` }, before.etag),
      ),
    );

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(19);
    const winner = statuses.indexOf(200);
    saved.set(16, ((winner % 5) + 1) as Level);
    const after = await read();
    expect(after.body.version).toBe(before.body.version + 1);
    expect(after.body.answers.find((answer) => answer.indicatorNo === 16)).toMatchObject({
      level: (winner % 5) + 1,
      explanation: `writer ${winner}`,
    });
  });

  it('a 412 carries the current ETag, and a retry with it succeeds', async () => {
    // Prepare
    const current = await read();

    // Act
    const stale = await saveOne(17, { level: 2 }, `"${current.body.version - 1}"`);
    const retry = await saveOne(17, { level: patternLevel(17) }, stale.headers.get('etag') ?? current.etag);

    // Assess
    expectProblem(stale, 412);
    expect(stale.headers.get('etag')).toBe(current.etag);
    expect(expectStatus(retry, 200).version).toBe(current.body.version + 1);
    saved.set(17, patternLevel(17));
  });

  it('10 identical saves at once (a double click): all answer 200 with the one version written', async () => {
    // Prepare
    const before = await read();
    const trailBefore = (await auditTrail()).length;
    const body = { level: patternLevel(18), explanation: 'Satu klik, dua permintaan' };

    // Act
    const responses = await Promise.all(Array.from({ length: 10 }, () => saveOne(18, body, before.etag)));

    // Assess: nothing was lost, so none is told to re-read; one version and one audit record
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((response) => response.headers.get('etag')))).toEqual(
      new Set([`"${before.body.version + 1}"`]),
    );
    expect((await read()).body.version).toBe(before.body.version + 1);
    expect(await auditTrail()).toHaveLength(trailBefore + 1);
    saved.set(18, patternLevel(18));
  });
});

describe('filling all 47 and submitting', () => {
  it('saves the remaining indicators one at a time, each save +1 version', async () => {
    // Prepare
    let { etag, body } = await read();
    const remaining = allIndicators.filter((no) => !saved.has(no));
    expect(remaining.length).toBeGreaterThan(0);

    // Act + Assess
    for (const no of remaining) {
      const response = await saveOne(
        no,
        { level: patternLevel(no), explanation: `Penjelasan indikator ${no}` },
        etag,
      );
      const draft = expectStatus(response, 200);
      expect(draft.version).toBe(body.version + 1);
      saved.set(no, patternLevel(no));
      etag = response.headers.get('etag') ?? '';
      body = draft;
    }
    expect(body.answeredCount).toBe(47);
    expect(body.unanswered).toEqual([]);
  });

  it('reads a provisional index, domain indices and predicate equal to the scoring engine’s', async () => {
    // Act
    const { body } = await read();

    // Assess
    expect(saved.size).toBe(47);
    expect(body.provisional.complete).toBe(true);
    expectProvisionalOfSavedLevels(body);
  });

  it('refuses a submit with a stale If-Match: 412, still a draft', async () => {
    // Prepare
    const { body } = await read();

    // Act
    const response = await submit({ 'if-match': `"${body.version - 1}"` });

    // Assess
    expectProblem(response, 412);
    expect((await read()).body.status).toBe('draft');
  });

  it('submits once for one Idempotency-Key sent twice: identical responses, one submission in the audit trail', async () => {
    // Prepare
    const { body: draft, etag } = await read();
    const headers = { 'idempotency-key': 'jatim-submit-1', 'if-match': etag };

    // Act
    const first = await submit(headers);
    const second = await submit(headers);

    // Assess
    const submitted = expectStatus(first, 200);
    expect(submitted).toMatchObject({
      status: 'submitted',
      version: draft.version + 1,
      submittedBy: 'operator-jatim',
    });
    expect(Date.parse(submitted.submittedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(first.headers.get('etag')).toBe(`"${draft.version + 1}"`);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    // The receipt leaves the answers out (they stay readable with GET) so that replays stay small.
    expect(submitted).not.toHaveProperty('answers');
    expect(first.headers.get('location')).toBe(basePath());
    expect(submitted).toMatchObject({ answeredCount: 47, unanswered: [] });
    expect((await read()).body.answers).toEqual(draft.answers);
    expectProvisionalOfSavedLevels({ ...submitted, answers: draft.answers });

    const submissions = (await auditTrail()).filter((record) => record.action.includes('submit'));
    expect(submissions).toHaveLength(1);
    expect(submissions[0]).toMatchObject({ actor: { subject: 'operator-jatim', role: 'agency', agencyId } });
  });

  it('answers the same key on another path with 422', async () => {
    // Act
    const response = await submit({ 'idempotency-key': 'jatim-submit-1' }, closedYear);

    // Assess
    expectProblem(response, 422);
  });

  it('never replays a receipt to its subject re-bound to another agency: the request runs as that agency', async () => {
    // Prepare: the subject that submitted Jawa Timur with this key, now an operator of Jawa Barat
    await ensureAgency(api, admin, 'prov-jawa-barat', jawaBarat);
    const rebound = await api.token('agency', { subject: 'operator-jatim', agencyId: 'prov-jawa-barat' });
    const headers = { 'idempotency-key': 'jatim-submit-1' };

    // Act
    const toJatim = await api.request('POST', `${basePath()}/submit`, { token: rebound, headers });
    const toJabar = await api.request(
      'POST',
      `/v1/cycles/${year}/agencies/prov-jawa-barat/self-assessment/submit`,
      { token: rebound, headers },
    );

    // Assess: Jawa Timur's receipt is not Jawa Barat's to see (404, as for any other agency's data),
    expectProblem(toJatim, 404);
    expect(toJatim.headers.get('idempotent-replayed')).toBeNull();
    // and Jawa Barat's own submit runs (and finds nothing answered) instead of a key-reuse 422.
    const problem = expectProblem(toJabar, 409) as SubmitProblem;
    expect(problem.unanswered).toEqual(allIndicators);
  });

  it('freezes the answers: saves and a new submit get 409, the submission unchanged', async () => {
    // Prepare
    const before = await read();

    // Act
    const bulk = await saveBulk({ answers: [{ indicatorNo: 1, level: 1 }] }, before.etag);
    const one = await saveOne(1, { level: 1 }, before.etag);
    const again = await submit({ 'idempotency-key': 'jatim-submit-2' });

    // Assess
    expectProblem(bulk, 409);
    expectProblem(one, 409);
    expectProblem(again, 409);
    const after = await read();
    expect(after.body).toEqual(before.body);
    expect(after.body.status).toBe('submitted');
    expect((await auditTrail()).filter((record) => record.action.includes('submit'))).toHaveLength(1);
  });

  it('is readable by an admin as submitted', async () => {
    const { body } = await read(year, admin);
    expect(body).toMatchObject({ status: 'submitted', answeredCount: 47 });
  });
});

describe('the audit trail', () => {
  it('records who saved what, with before and after, newest first', async () => {
    // Act
    const trail = await auditTrail();

    // Assess
    expect(trail.length).toBeGreaterThan(2);
    const times = trail.map((record) => Date.parse(record.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const record of trail) {
      expect(record.requestId.length).toBeGreaterThan(0);
      expect(record.route.length).toBeGreaterThan(0);
    }
    // Indicator 17 was saved once, by the operator: its record says what it was before (nothing) and after.
    const firstSave = trail.find(
      (record) =>
        record.actor.subject === 'operator-jatim' &&
        record.target.includes('17') &&
        record.changes.some(
          (change) => change.after !== undefined && (change.before === undefined || change.before === null),
        ),
    );
    expect(firstSave).toMatchObject({ actor: { role: 'agency', agencyId } });
  });
});

describe('windows and existence', () => {
  it('reads a draft of a cycle whose window has closed, marked closed', async () => {
    const { body } = await read(closedYear);
    expect(body).toMatchObject({ status: 'draft', version: 0, window: { open: false } });
  });

  it.each([
    [
      'a bulk save',
      () =>
        api.request('PUT', basePath(closedYear), {
          token: operator,
          body: { answers: [{ indicatorNo: 1, level: 3 }] },
          headers: { 'if-match': '"0"' },
        }),
    ],
    [
      'a one-indicator save',
      () =>
        api.request('PUT', indicatorPath(1, closedYear), {
          token: operator,
          body: { level: 3 },
          headers: { 'if-match': '"0"' },
        }),
    ],
    ['a submit', () => submit({}, closedYear)],
  ])('refuses %s after the window closed: 409 naming the window', async (_name, send) => {
    // Act
    const problem = expectProblem(await send(), 409);

    // Assess
    expect(problem.detail).toMatch(/window/i);
    expect((await read(closedYear)).body).toMatchObject({ version: 0, answers: [] });
  });

  it.each([
    ['a cycle that does not exist', `/v1/cycles/2099/agencies/${agencyId}/self-assessment`],
    ['an agency that does not exist', `/v1/cycles/${year}/agencies/prov-tidak-ada/self-assessment`],
  ])('answers %s with 404', async (_name, path) => {
    expectProblem(await api.request('GET', path, { token: admin }), 404);
  });

  it('answers an operator whose own agency is not registered with 404', async () => {
    // Prepare
    const token = await api.token('agency', { agencyId: 'prov-tidak-ada' });

    // Act + Assess
    expectProblem(
      await api.request('GET', `/v1/cycles/${year}/agencies/prov-tidak-ada/self-assessment`, { token }),
      404,
    );
  });

  it('refuses a save to a cycle that does not exist with 404', async () => {
    const response = await api.request('PUT', indicatorPath(1, 2099), {
      token: operator,
      body: { level: 3 },
      headers: { 'if-match': '"0"' },
    });
    expectProblem(response, 404);
  });
});

describe('the review team’s overview of a cycle', () => {
  type Overview = {
    items: {
      agencyId: string;
      status: string;
      version: number;
      answeredCount: number;
      indicatorCount: number;
      updatedAt: string;
      submittedAt?: string;
    }[];
    nextCursor?: string;
  };
  const overviewIds = ['prov-uji-ikhtisar-a', 'prov-uji-ikhtisar-b'];
  const list = (query = '', token = admin, y = year) =>
    api.request<Overview>('GET', `/v1/cycles/${y}/self-assessments${query}`, { token });

  beforeAll(async () => {
    // Two more agencies with a draft of one answer each, beside Jawa Timur's submission.
    for (const [index, id] of overviewIds.entries()) {
      await ensureAgency(api, admin, id, { name: `Pemerintah Provinsi Uji ${index}`, group: 'provinsi' });
      const token = await api.token('agency', { agencyId: id, subject: `operator-${id}` });
      const saved = await api.request(
        'PUT',
        `/v1/cycles/${year}/agencies/${id}/self-assessment/indicators/${index + 1}`,
        {
          token,
          body: { level: 2 },
          headers: { 'if-match': '"0"' },
        },
      );
      expectStatus(saved, 200);
    }
  });

  it('lists drafts first, then submissions, each by agency, with how far each got', async () => {
    // Act
    const body = expectStatus(await list(), 200);

    // Assess
    const statuses = body.items.map((item) => item.status);
    expect(statuses).toEqual([...statuses].sort());
    const drafts = body.items.filter((item) => item.status === 'draft').map((item) => item.agencyId);
    expect(drafts).toEqual([...drafts].sort());
    expect(body.items).toEqual(
      expect.arrayContaining([
        {
          agencyId: 'prov-uji-ikhtisar-a',
          status: 'draft',
          version: 1,
          answeredCount: 1,
          indicatorCount: 47,
          updatedAt: expect.any(String),
        },
        expect.objectContaining({
          agencyId,
          status: 'submitted',
          answeredCount: 47,
          indicatorCount: 47,
          submittedAt: expect.any(String),
        }),
      ]),
    );
  });

  it('filters by status and pages with the cursor it returns', async () => {
    // Act
    const submitted = expectStatus(await list('?status=submitted'), 200);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = expectStatus(await list(`?status=draft&limit=1${cursor ? `&cursor=${cursor}` : ''}`), 200);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((item) => item.agencyId));
      cursor = page.nextCursor;
    } while (cursor);

    // Assess
    expect(submitted.items.every((item) => item.status === 'submitted')).toBe(true);
    expect(submitted.items.map((item) => item.agencyId)).toContain(agencyId);
    const drafts = expectStatus(await list('?status=draft'), 200).items.map((item) => item.agencyId);
    expect(seen).toEqual(drafts);
    expect(drafts).toEqual(expect.arrayContaining(overviewIds));
    expect(drafts).not.toContain(agencyId);
  });

  it('refuses another listing’s cursor and an unknown status (400 naming each), an operator (403) and a year without a cycle (404)', async () => {
    // Prepare
    const first = expectStatus(await list('?status=draft&limit=1'), 200);

    // Act + Assess
    expectFieldProblem(await list(`?status=submitted&cursor=${first.nextCursor}`), 400, '/query/cursor');
    expectFieldProblem(await list('?status=final'), 400, '/query/status');
    expectProblem(await list('', operator), 403);
    expectProblem(await list('', admin, 2093), 404);
  });
});
