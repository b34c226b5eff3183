import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { CycleListSchema, CycleSchema } from '#shared/api/cycles/schemas.ts';
import type { Role } from '#shared/domain/roles.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  type CycleCreateBody,
  closedCycle,
  currentYear,
  expectFieldProblem,
  expectProblem,
  expectStatus,
  hostileNames,
  openCycle,
  pointersOf,
  shiftYears,
  windowsFrom,
} from './support.ts';

/** Evaluation cycles over HTTP: creation (validation, conflicts, idempotency), reads and phases. */

type Cycle = z.output<typeof CycleSchema>;
type CycleList = z.output<typeof CycleListSchema>;
type Category = NonNullable<CycleCreateBody['awardRules']>['categories'][number];

const year = currentYear();

let api: TestApi;
let admin: string;

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
});

afterAll(async () => {
  await api?.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}, token = admin) =>
  api.request<Cycle>('POST', '/v1/cycles', { token, body, headers });

describe('POST /v1/cycles', () => {
  it('opens a cycle: 201, Location, ETag, defaults filled in and the current phase', async () => {
    // Prepare
    const body = openCycle(year);
    const before = Date.now();

    // Act
    const response = await post({ year, type: body.type, windows: body.windows });

    // Assess
    const cycle = expectStatus(response, 201);
    expect(response.headers.get('location')).toMatch(new RegExp(`/v1/cycles/${year}$`));
    expect(response.headers.get('etag')).toBe(`"${cycle.version}"`);
    expect(cycle).toMatchObject({
      year,
      frameworkId: 'spbe-2020',
      type: 'pemantauan',
      predicateBasis: 'exact',
      windows: body.windows,
      createdBy: 'test-admin',
      phase: { current: 'selfAssessment', windowOpen: true },
    });
    expect(cycle.awardRules.categories.length).toBeGreaterThan(0);
    expect(Date.parse(cycle.phase.serverTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(cycle.phase.serverTime)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('answers the same year again with 409, leaving the first cycle as it was', async () => {
    // Prepare
    const original = expectStatus(
      await api.request<Cycle>('GET', `/v1/cycles/${year}`, { token: admin }),
      200,
    );

    // Act
    const response = await post({ ...openCycle(year), predicateBasis: 'rounded' });

    // Assess
    const problem = expectProblem(response, 409);
    expect(problem.detail).toContain(String(year));
    const after = expectStatus(await api.request<Cycle>('GET', `/v1/cycles/${year}`, { token: admin }), 200);
    expect(after.predicateBasis).toBe('exact');
    expect(after.version).toBe(original.version);
  });

  it('keeps award rules and the predicate basis given', async () => {
    // Prepare
    const body: CycleCreateBody = {
      year: year + 3,
      type: 'evaluasi',
      windows: shiftYears(windowsFrom(-1, 31, { interview: true }), 3),
      predicateBasis: 'rounded',
      awardRules: {
        id: 'rules-test',
        frameworkId: 'spbe-2020',
        nameId: 'Penghargaan Uji',
        nameEn: 'Test award',
        categories: [
          {
            id: 'best-index',
            nameId: 'Indeks terbaik',
            nameEn: 'Best index',
            measure: 'index',
            groups: [['provinsi'], ['kabupaten', 'kota']],
            winnersPerGroup: 3,
          },
        ],
      },
    };

    // Act
    const cycle = expectStatus(await post(body), 201);

    // Assess
    expect(cycle).toMatchObject({ type: 'evaluasi', predicateBasis: 'rounded', awardRules: body.awardRules });
  });

  describe('windows', () => {
    const day = 24 * 60 * 60 * 1000;
    const iso = (days: number) => new Date(Date.now() + days * day).toISOString();
    // Self-assessment days 10–41, documents 42–61, (interview 62–71), appeals 72–86, publication 91.
    const windows = windowsFrom(10);

    it.each([
      [
        'a document assessment that opens before the self-assessment closes',
        'pemantauan',
        { ...windows, documentAssessment: { opensAt: iso(20), closesAt: iso(60) } },
        '/body/windows/documentAssessment',
      ],
      [
        'appeals before the document assessment',
        'pemantauan',
        { ...windows, appeals: { opensAt: iso(1), closesAt: iso(5) } },
        '/body/windows/appeals',
      ],
      [
        'a publication before the appeals close',
        'pemantauan',
        { ...windows, publication: { at: iso(80) } },
        '/body/windows/publication',
      ],
      [
        'an interview assessment overlapping the document assessment',
        'evaluasi',
        { ...windows, interviewAssessment: { opensAt: iso(50), closesAt: iso(70) } },
        '/body/windows/interviewAssessment',
      ],
      [
        'a self-assessment that closes before it opens',
        'pemantauan',
        { ...windows, selfAssessment: { opensAt: iso(30), closesAt: iso(10) } },
        '/body/windows/selfAssessment/closesAt',
      ],
      [
        'an Evaluasi cycle without an interview window',
        'evaluasi',
        windows,
        '/body/windows/interviewAssessment',
      ],
      [
        'a Pemantauan cycle with an interview window',
        'pemantauan',
        windowsFrom(10, 31, { interview: true }),
        '/body/windows/interviewAssessment',
      ],
    ])('rejects %s (%s) with 400 naming the window', async (_name, type, badWindows, pointer) => {
      // Act
      const response = await post({ year: year + 10, type, windows: badWindows });

      // Assess
      const problem = expectProblem(response, 400);
      expect(pointersOf(problem).some((candidate) => candidate.startsWith(pointer))).toBe(true);
      expectProblem(await api.request('GET', `/v1/cycles/${year + 10}`, { token: admin }), 404);
    });

    it('accepts an Evaluasi cycle with its interview window', async () => {
      // Act
      const cycle = expectStatus(
        await post({
          year: year + 11,
          type: 'evaluasi',
          windows: shiftYears(windowsFrom(10, 31, { interview: true }), 11),
        }),
        201,
      );

      // Assess
      expect(cycle).toMatchObject({ type: 'evaluasi', phase: { current: 'not-started', windowOpen: false } });
      expect(cycle.windows.interviewAssessment).toBeDefined();
    });
  });

  it.each([
    ['a year before 2018', { ...openCycle(2017) }, '/body/year'],
    ['an unknown type', { ...openCycle(year + 10), type: 'audit' }, '/body/type'],
    [
      'an unknown predicate basis',
      { ...openCycle(year + 10), predicateBasis: 'ceil' },
      '/body/predicateBasis',
    ],
    ['an unknown field', { ...openCycle(year + 10), budget: 1000 }, '/body/budget'],
    [
      'a window without its end',
      {
        ...openCycle(year + 10),
        windows: { ...windowsFrom(1), appeals: { opensAt: new Date().toISOString() } },
      },
      '/body/windows/appeals/closesAt',
    ],
    [
      'a time without an offset',
      { ...openCycle(year + 10), windows: { ...windowsFrom(1), publication: { at: '2030-01-01T00:00:00' } } },
      '/body/windows/publication/at',
    ],
  ])('rejects %s with 400 naming the field', async (_name, body, pointer) => {
    expectFieldProblem(await post(body), 400, pointer);
    expectProblem(await api.request('GET', `/v1/cycles/${year + 10}`, { token: admin }), 404);
  });

  describe('award rule names', () => {
    const rules = (names: { rules?: string; category?: string }) => ({
      id: 'rules-hidden',
      frameworkId: 'spbe-2020',
      nameId: names.rules ?? 'Penghargaan Uji',
      nameEn: 'Test award',
      categories: [
        {
          id: 'best-index',
          nameId: 'Indeks terbaik',
          nameEn: names.category ?? 'Best index',
          measure: 'index',
          groups: [['provinsi']],
          winnersPerGroup: 3,
        },
      ],
    });

    it.each(hostileNames)(
      'refuses %s in nameId and a category’s nameEn, naming both',
      async (_name, text, detail) => {
        // Act
        const response = await post({
          ...openCycle(year + 10),
          awardRules: rules({ rules: text, category: text }),
        });

        // Assess
        const problem = expectProblem(response, 400);
        expect(problem.errors).toEqual([
          { pointer: '/body/awardRules/nameId', detail: expect.stringContaining(detail) },
          { pointer: '/body/awardRules/categories/0/nameEn', detail: expect.stringContaining(detail) },
        ]);
        expectProblem(await api.request('GET', `/v1/cycles/${year + 10}`, { token: admin }), 404);
      },
    );
  });

  it('rejects a framework it does not know, naming frameworkId', async () => {
    // Act
    const response = await post({ ...openCycle(year + 10), frameworkId: 'spbe-1999' });

    // Assess
    const problem = expectProblem(response, 400);
    expect(`${pointersOf(problem).join(' ')} ${problem.detail ?? ''}`).toContain('frameworkId');
  });
});

describe('Idempotency-Key on POST /v1/cycles', () => {
  it('replays the first response for the same key and body, and creates one cycle', async () => {
    // Prepare
    const body = closedCycle(year - 1);
    const headers = { 'idempotency-key': 'cycle-previous-year' };

    // Act
    const first = await post(body, headers);
    const second = await post(body, headers);

    // Assess: a retry is not a conflict with the cycle it created
    expectStatus(first, 201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    const list = expectStatus(await api.request<CycleList>('GET', '/v1/cycles', { token: admin }), 200);
    expect(list.items.filter((cycle) => cycle.year === year - 1)).toHaveLength(1);
  });

  it('treats the same JSON in other whitespace and key order as the same request (replay, not 422)', async () => {
    // Prepare: one body, sent once as is and once with its keys reversed and pretty-printed
    const body = closedCycle(year - 6);
    const headers = { 'idempotency-key': 'cycle-reordered', 'content-type': 'application/json' };
    const first = await api.request<Cycle>('POST', '/v1/cycles', { token: admin, body, headers });
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);

    // Act
    const second = await api.request<Cycle>('POST', '/v1/cycles', {
      token: admin,
      rawBody: reordered,
      headers,
    });

    // Assess
    expectStatus(first, 201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('answers the same key with another body with 422', async () => {
    // Act
    const response = await post(closedCycle(year - 2), { 'idempotency-key': 'cycle-previous-year' });

    // Assess
    expectProblem(response, 422);
    expectProblem(await api.request('GET', `/v1/cycles/${year - 2}`, { token: admin }), 404);
  });

  it('scopes keys to the caller: another admin may use the same key', async () => {
    // Prepare
    const otherAdmin = await api.token('admin', { subject: 'another-admin' });

    // Act
    const response = await post(
      closedCycle(year - 2),
      { 'idempotency-key': 'cycle-previous-year' },
      otherAdmin,
    );

    // Assess
    expect(expectStatus(response, 201)).toMatchObject({ year: year - 2, createdBy: 'another-admin' });
  });

  it('answers concurrent duplicates with the one result or 409, never a second cycle', async () => {
    // Prepare
    const body = closedCycle(year - 3);
    const headers = { 'idempotency-key': 'cycle-race' };

    // Act
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(body, headers)));

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const response of created) expect(response.body).toEqual(created[0]?.body);
    const list = expectStatus(await api.request<CycleList>('GET', '/v1/cycles', { token: admin }), 200);
    expect(list.items.filter((cycle) => cycle.year === year - 3)).toHaveLength(1);
  });

  it('rejects an empty key with 400', async () => {
    // Act + Assess: fetch trims the value, so the header arrives empty
    expectProblem(await post(closedCycle(year - 4), { 'idempotency-key': ' ' }), 400);
  });
});

describe('GET /v1/cycles/{year}', () => {
  it.each(['admin', 'assessor', 'agency'] as const)('is readable by a %s, with ETag', async (role: Role) => {
    // Act
    const response = await api.request<Cycle>('GET', `/v1/cycles/${year}`, { token: await api.token(role) });

    // Assess
    const cycle = expectStatus(response, 200);
    expect(cycle.year).toBe(year);
    expect(response.headers.get('etag')).toBe(`"${cycle.version}"`);
  });

  it('answers an unknown year with 404', async () => {
    expectProblem(await api.request('GET', '/v1/cycles/2099', { token: admin }), 404);
  });

  it('reports the phase from the server clock', async () => {
    // Prepare: a cycle whose self-assessment closed 10 days ago (the document assessment runs now),
    // one whose windows have not started, and one between the self-assessment and the next window
    // (windows belong to their cycle's year: the timetable running now is next year's cycle's)
    const notStarted = year + 20;
    const between = year + 1;
    expectStatus(
      await post({ year: notStarted, type: 'pemantauan', windows: shiftYears(windowsFrom(5), 20) }),
      201,
    );
    const gap = windowsFrom(-20, 10);
    expectStatus(
      await post({
        year: between,
        type: 'pemantauan',
        windows: {
          ...gap,
          documentAssessment: {
            opensAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
            closesAt: gap.documentAssessment.closesAt,
          },
        },
      }),
      201,
    );

    // Act
    const read = async (y: number) =>
      expectStatus(await api.request<Cycle>('GET', `/v1/cycles/${y}`, { token: admin }), 200).phase;

    // Assess
    expect(await read(year - 1)).toMatchObject({ current: 'documentAssessment', windowOpen: true });
    expect(await read(notStarted)).toMatchObject({ current: 'not-started', windowOpen: false });
    expect(await read(between)).toMatchObject({ current: 'selfAssessment', windowOpen: false });
  });
});

describe('GET /v1/cycles/{year}/audit', () => {
  type AuditPage = {
    items: {
      action: string;
      actor: { subject: string; role: string };
      route: string;
      changes: { field: string }[];
    }[];
    nextCursor?: string;
  };

  it('is the cycle’s own trail, newest first: who opened it and who rescheduled it, with before and after', async () => {
    // Prepare: a cycle opened, then its self-assessment deadline extended by another admin.
    const auditYear = year + 30;
    const body = { year: auditYear, type: 'pemantauan' as const, windows: shiftYears(windowsFrom(5), 30) };
    const created = expectStatus(await post(body), 201);
    const other = await api.token('admin', { subject: 'admin-kedua' });
    const extended = {
      ...body.windows,
      selfAssessment: {
        opensAt: body.windows.selfAssessment.opensAt,
        closesAt: new Date(Date.parse(body.windows.selfAssessment.closesAt) + 3_600_000).toISOString(),
      },
    };
    expectStatus(
      await api.request('PUT', `/v1/cycles/${auditYear}/windows`, {
        token: other,
        body: extended,
        headers: { 'if-match': `"${created.version}"` },
      }),
      200,
    );

    // Act
    const response = await api.request<AuditPage>('GET', `/v1/cycles/${auditYear}/audit`, { token: admin });

    // Assess
    const page = expectStatus(response, 200);
    expect(page.items.map((record) => [record.action, record.actor.subject, record.route])).toEqual([
      ['cycle.rescheduled', 'admin-kedua', 'PUT /v1/cycles/{year}/windows'],
      ['cycle.created', 'test-admin', 'POST /v1/cycles'],
    ]);
    expect(page.items[0]?.changes.map((change) => change.field)).toEqual(['windows']);
  });

  it('answers a year without a cycle with 404 naming it, and refuses other roles', async () => {
    expect(
      expectProblem(await api.request('GET', '/v1/cycles/2099/audit', { token: admin }), 404).detail,
    ).toBe('No cycle for 2099.');
    expectProblem(
      await api.request('GET', `/v1/cycles/${year}/audit`, { token: await api.token('agency') }),
      403,
    );
  });
});

describe('GET /v1/cycles', () => {
  it('lists every cycle, newest year first', async () => {
    // Act
    const list = expectStatus(
      await api.request<CycleList>('GET', '/v1/cycles', { token: await api.token('assessor') }),
      200,
    );

    // Assess
    const years = list.items.map((cycle) => cycle.year);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(years).toEqual(expect.arrayContaining([year, year - 1, year - 2, year - 3]));
  });
});

describe('hardening: what a cycle may hold and show', () => {
  it('shows who opened a cycle to admins only', async () => {
    // Act
    const asAdmin = expectStatus(
      await api.request<Cycle>('GET', `/v1/cycles/${year}`, { token: admin }),
      200,
    );
    const others = await Promise.all(
      (['assessor', 'agency'] as const).map(async (role) => {
        const token = await api.token(role);
        const one = expectStatus(await api.request<Cycle>('GET', `/v1/cycles/${year}`, { token }), 200);
        const list = expectStatus(await api.request<CycleList>('GET', '/v1/cycles', { token }), 200);
        return [one, ...list.items];
      }),
    );

    // Assess
    expect(asAdmin.createdBy).toBe('test-admin');
    for (const cycle of others.flat()) expect(cycle).not.toHaveProperty('createdBy');
  });

  it.each([
    [
      'a category id used twice',
      (categories: Category[]) => [categories[0], { ...categories[0], nameEn: 'Again' }],
      '/body/awardRules/categories/1/id',
    ],
    [
      'an unknown minimum predicate',
      (categories: Category[]) => [{ ...categories[0], eligibility: { minPredicate: 'luar-biasa' } }],
      '/body/awardRules/categories/0/eligibility/minPredicate',
    ],
    [
      'a domain the framework lacks',
      (categories: Category[]) => [{ ...categories[0], measure: 'domain-9' }],
      '/body/awardRules/categories/0/measure',
    ],
    [
      'a group in two pools',
      (categories: Category[]) => [{ ...categories[0], groups: [['provinsi'], ['kota', 'provinsi']] }],
      '/body/awardRules/categories/0/groups/1/1',
    ],
  ])('refuses award rules with %s, naming the field', async (_name, edit, pointer) => {
    // Prepare
    const categories: Category[] = [
      {
        id: 'layanan',
        nameId: 'Penerapan Layanan SPBE',
        nameEn: 'SPBE services',
        measure: 'domain-4',
        groups: [['provinsi'], ['kota']],
        winnersPerGroup: 1,
      },
    ];
    const body: CycleCreateBody = {
      ...openCycle(year + 2),
      awardRules: {
        id: 'rules-bad',
        frameworkId: 'spbe-2020',
        nameId: 'Penghargaan',
        nameEn: 'Award',
        categories: edit(categories) as Category[],
      },
    };

    // Act
    const response = await post(body);

    // Assess: refused, nothing stored
    expectFieldProblem(response, 400, pointer);
    expectProblem(await api.request('GET', `/v1/cycles/${year + 2}`, { token: admin }), 404);
  });

  it('refuses windows that cannot belong to the cycle: a 2094 cycle with this year’s windows', async () => {
    // Act
    const response = await post({ year: 2094, type: 'pemantauan', windows: windowsFrom(-1) });

    // Assess: every window is named
    const problem = expectProblem(response, 400);
    expect(pointersOf(problem)).toEqual(
      expect.arrayContaining([
        '/body/windows/selfAssessment/opensAt',
        '/body/windows/documentAssessment/closesAt',
        '/body/windows/appeals/opensAt',
        '/body/windows/publication/at',
      ]),
    );
    expectProblem(await api.request('GET', '/v1/cycles/2094', { token: admin }), 404);
  });
});
