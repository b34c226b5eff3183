import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { nationalRoster } from '#local/seed/roster.ts';
import { seedDemoData } from '#local/seed/seed.ts';
import type { OperationId } from '#shared/api/routes.ts';
import { routes } from '#shared/api/routes.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';

/**
 * The served responses match the OpenAPI contract: each body parses with the very zod schema the
 * route table documents, and parsing drops nothing (no undeclared field reaches a client). Runs on
 * the demo data `npm start` seeds, so it also proves the seed is what the API expects.
 */

let api: TestApi;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  api = await startTestApi({
    beforeServe: async (dynamodb) => {
      const seeded = await seedDemoData({
        ports: createDynamoDbPorts(createDocumentClient(dynamodb.client), dynamodb.tables),
        ids: systemIds,
      });
      expect(seeded).toBe(true);
    },
  });
  // The whole national demo (638 agencies, two past cycles with results and published rankings): a
  // minute on a quiet 2-core machine, more while other suites share it.
}, 300_000);

afterAll(async () => {
  await api?.stop();
});

const expectContract = (operationId: OperationId, status: number, body: unknown) => {
  const responses = routes[operationId].responses as Readonly<Record<number, { schema?: z.ZodType }>>;
  const schema = responses[status]?.schema;
  if (!schema) throw new Error(`${operationId} documents no schema for ${status}`);
  const parsed = schema.safeParse(body);
  expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
  // zod strips undeclared keys: equality proves the response carries nothing the contract omits.
  expect(parsed.data).toEqual(body);
};

describe('responses follow the documented schemas (demo data)', () => {
  it('the seed registered the whole national roster', async () => {
    const admin = await api.token('admin');
    const page = await api.request<{ items: unknown[] }>('GET', '/v1/agencies?group=provinsi&limit=200', {
      token: admin,
    });
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(
      nationalRoster.filter((agency) => agency.group === 'provinsi').length,
    );
    expectContract('listAgencies', 200, page.body);
  });

  it.each([
    ['getHealth', '/v1/health'],
    ['getFramework', '/v1/frameworks/spbe-2020'],
    ['getAgency', '/v1/agencies/prov-jawa-timur'],
  ] as const)('%s (public)', async (operationId, path) => {
    const response = await api.request('GET', path);
    expect(response.status).toBe(200);
    expectContract(operationId, 200, response.body);
  });

  it.each([
    ['getMe', '/v1/me', 'agency'],
    ['getCycle', `/v1/cycles/${year}`, 'agency'],
    ['listCycles', '/v1/cycles', 'admin'],
    ['getSelfAssessment', `/v1/cycles/${year}/agencies/prov-jawa-timur/self-assessment`, 'agency'],
    ['getSelfAssessment', `/v1/cycles/${year}/agencies/kab-banyuwangi/self-assessment`, 'admin'],
    ['getAgencyCycleAudit', `/v1/cycles/${year}/agencies/kab-banyuwangi/audit`, 'admin'],
    ['getCycleAudit', `/v1/cycles/${year}/audit`, 'admin'],
    ['getAgencyAudit', '/v1/agencies/prov-jawa-timur/audit', 'admin'],
  ] as const)('%s %s', async (operationId, path, role) => {
    const response = await api.request('GET', path, { token: await api.token(role) });
    expect(response.status).toBe(200);
    expectContract(operationId, 200, response.body);
  });

  it.each([
    ['getRankings', `/v1/cycles/${year - 1}/rankings?limit=200`],
    ['getRankings', `/v1/cycles/${year - 1}/rankings?scope=provinsi&measure=domain-4`],
    ['getRankings', `/v1/cycles/${year - 1}/rankings?measure=improvement`],
    ['getAgencyRankings', '/v1/agencies/prov-jawa-timur/rankings'],
  ] as const)('%s %s (public: the seed published the past cycles’ rankings)', async (operationId, path) => {
    const response = await api.request<{ items: unknown[] }>('GET', path);
    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeGreaterThan(0);
    expectContract(operationId, 200, response.body);
  });

  it.each([
    ['getCycleAwards', `/v1/cycles/${year - 2}/awards`],
    ['getAward', `/v1/awards/apd-${year - 2}-layanan-provinsi-1`],
  ] as const)(
    '%s %s (public: the seed published the older past cycle’s awards)',
    async (operationId, path) => {
      const response = await api.request('GET', path);
      expect(response.status).toBe(200);
      expectContract(operationId, 200, response.body);
    },
  );

  it('the older past cycle’s awards are published, the newer one’s draft is ready to publish', async () => {
    // Prepare
    const admin = await api.token('admin');

    // Act
    const published = await api.request<{
      categories: { id: string; pools: { awards: { agency: { id: string } }[] }[] }[];
    }>('GET', `/v1/cycles/${year - 2}/awards`);
    const agencyId = published.body.categories[0]?.pools[1]?.awards[0]?.agency.id ?? '';
    const agency = await api.request('GET', `/v1/agencies/${agencyId}/awards`);
    const draft = await api.request<{
      publishable: boolean;
      categories: { pools: { winners: unknown[] }[] }[];
    }>('GET', `/v1/cycles/${year - 1}/awards/draft`, { token: admin });
    const decisions = await api.request('GET', `/v1/cycles/${year - 1}/awards/decisions`, { token: admin });
    const page = await api.request('GET', `/awards/${year - 2}`);

    // Assess: the finished cycle has a winner in all six categories for every pool
    expectContract('getAgencyAwards', 200, agency.body);
    expectContract('getAwardDraft', 200, draft.body);
    expectContract('listAwardDecisions', 200, decisions.body);
    expect(draft.body.publishable).toBe(true);
    expect(draft.body.categories).toHaveLength(6);
    expect(
      draft.body.categories.every((category) => category.pools.every((pool) => pool.winners.length > 0)),
    ).toBe(true);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<svg id="national-chart"');
    // The demo's revision withdrew one city award: the page keeps its row, its record says so
    expect(page.text).toContain('Revisi (pencabutan)');
    const withdrawnId = /<h2 id="withdrawn-heading">[\s\S]*?<tr id="([^"]+)">/.exec(page.text)?.[1] ?? '';
    expect(withdrawnId).toMatch(new RegExp(`^apd-${year - 2}-[a-z-]+-kota-1$`));
    const record = await api.request<{ status: string; withdrawnInVersion: number }>(
      'GET',
      `/v1/awards/${withdrawnId}`,
    );
    expect(record.body).toMatchObject({ status: 'withdrawn', withdrawnInVersion: 2 });
  });

  it('the public ranking covers the whole roster, previous ranks included', async () => {
    const response = await api.request<{ total: number; items: { previousRank: number | null }[] }>(
      'GET',
      `/v1/cycles/${year - 1}/rankings?limit=200`,
    );
    expect(response.body.total).toBe(nationalRoster.length);
    expect(response.body.items.every((item) => item.previousRank !== null)).toBe(true);
  });

  it('the seeded submitted self-assessment is complete and frozen', async () => {
    const admin = await api.token('admin');
    const response = await api.request<{
      status: string;
      answeredCount: number;
      provisional: { complete: boolean };
    }>('GET', `/v1/cycles/${year}/agencies/kab-banyuwangi/self-assessment`, { token: admin });
    expect(response.body).toMatchObject({
      status: 'submitted',
      answeredCount: 47,
      provisional: { complete: true },
    });
  });
});

describe('cursors', () => {
  const encode = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

  it('follows nextCursor through the whole roster of a group', async () => {
    const admin = await api.token('admin');
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor?: string } } =
        await api.request('GET', `/v1/agencies?group=kota&limit=40${cursor ? `&cursor=${cursor}` : ''}`, {
          token: admin,
        });
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual(
      nationalRoster
        .filter((agency) => agency.group === 'kota')
        .map((agency) => agency.id)
        .sort(),
    );
  });

  it.each([
    ['/v1/agencies', { GSI2PK: 'AGENCIES' }],
    ['/v1/agencies?group=kota', { GSI1PK: 'AGENCIES#GROUP#kota', GSI1SK: 'zzz' }],
    [
      '/v1/agencies?group=kota',
      { PK: 'AGENCY#x', SK: 'PROFILE', GSI1PK: 'AGENCIES#GROUP#kabupaten', GSI1SK: 'x' },
    ],
    ['/v1/agencies/prov-jawa-timur/audit', { PK: 'AGENCY#prov-jawa-timur' }],
    ['/v1/agencies/prov-jawa-timur/audit', { PK: 'AGENCY#prov-jawa-timur', SK: 5 }],
    ['/v1/agencies/prov-jawa-timur/audit', { PK: 'AGENCY#prov-jawa-timur', SK: 'PROFILE' }],
    ['/v1/agencies', 'not-base64-json'],
  ])('a forged cursor on %s is a 400 naming /query/cursor, never a 500', async (path, key) => {
    const admin = await api.token('admin');
    const cursor = typeof key === 'string' ? key : encode(key);
    const separator = path.includes('?') ? '&' : '?';
    const response = await api.request<{ errors?: { pointer: string }[] }>(
      'GET',
      `${path}${separator}cursor=${cursor}`,
      {
        token: admin,
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.pointer).toBe('/query/cursor');
  });
});
