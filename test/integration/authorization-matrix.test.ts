import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { type RouteAccess, type RouteSpec, routeKeyOf } from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';
import type { SelfAssessmentSchema } from '#shared/api/self-assessment/schemas.ts';
import { type Role, roles } from '#shared/domain/roles.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  createCycle,
  currentYear,
  ensureAgency,
  expectProblem,
  expectStatus,
  fillPath,
  jawaBarat,
  jawaTimur,
  openCycle,
  samplePathValues,
} from './support.ts';

/**
 * Who may call what, for every route of the one route table: the public, each role the route does
 * not admit, and an agency operator on another agency's data.
 */

type JwtRoute = RouteSpec & { readonly access: Extract<RouteAccess, { kind: 'jwt' }> };
type SelfAssessment = z.output<typeof SelfAssessmentSchema>;

const agencyA = 'prov-jawa-timur';
const agencyB = 'prov-jawa-barat';
const year = currentYear();

const jwtRoutes = routeList.filter((route): route is JwtRoute => route.access.kind === 'jwt');
const agencyRoutes = jwtRoutes.filter(
  (route) => route.path.includes('{agencyId}') && route.access.roles.includes('agency'),
);

/** Agency A's webhook endpoint, registered in `beforeAll` (its id is made by the server). */
let sampleEndpointId = 'whe_00000000000000000000000000';
/** Agency A's appeal in next year's cycle (its appeals window open now), filed in `beforeAll`. */
let sampleAppealId = 'apl_00000000000000000000000000';
const appealYear = year + 1;
const sampleEventId = 'evt_00000000000000000000000000';

/** A request each route would accept from an allowed caller, so only the caller decides the answer. */
/** Final results are read from a published cycle: last year's, with imported results. */
const resultRoutes = new Set(['getResult', 'listResultVersions', 'getResultBundle', 'listAppeals']);

const validRequest = (route: RouteSpec, agencyId: string) => {
  const path = fillPath(route.path, {
    ...samplePathValues,
    year: String(
      resultRoutes.has(route.operationId) ? year - 1 : route.operationId === 'getAppeal' ? appealYear : year,
    ),
    agencyId,
    no: '1',
    endpointId: sampleEndpointId,
    appealId: sampleAppealId,
    eventId: sampleEventId,
  });
  switch (route.operationId) {
    case 'putAssessor':
      return { path: '/v1/assessors/asesor-matriks', body: { name: 'Asesor Matriks', affiliations: [] } };
    case 'createAssignments':
      return { path, body: { assignments: [{ agencyId: agencyA, assessor: 'asesor-matriks' }] } };
    case 'recuse':
      return { path, body: { reason: 'Pernah menjadi konsultan instansi ini.' } };
    case 'removeFromPanel':
      return { path, body: { reason: 'Konflik kepentingan ditemukan setelah penugasan.' } };
    case 'saveStageScores':
      return { path, body: { scores: [{ indicatorNo: 1, expectedVersion: 0, level: 3 }] } };
    case 'saveStageScore':
      return { path, body: { level: 3 }, headers: { 'if-match': '"0"' } };
    case 'saveReviews':
      return { path, body: { reviews: [{ indicatorNo: 1, valid: true, expectedVersion: 0 }] } };
    case 'fileAppeal':
      return {
        path,
        body: {
          indicators: [{ indicatorNo: 1, justification: 'Kebijakan internal sudah ditetapkan lengkap.' }],
        },
      };
    case 'decideAppeal':
      return { path, body: { decisions: [{ indicatorNo: 1, upheld: false, reason: 'Tidak terbukti' }] } };
    case 'importResults':
      return {
        path,
        body: {
          results: [{ agencyId: agencyA, levels: Array.from({ length: 47 }, () => 3), reference: 'Matriks' }],
        },
      };
    case 'putCycleWindows':
      return { path, body: openCycle(year).windows, headers: { 'if-match': '"99"' } };
    case 'saveSelfAssessment':
      return { path, body: { answers: [{ indicatorNo: 1, level: 3 }] }, headers: { 'if-match': '"0"' } };
    case 'saveIndicatorAnswer':
      return { path, body: { level: 3 }, headers: { 'if-match': '"0"' } };
    case 'putAgency':
      return {
        path: '/v1/agencies/prov-matrix',
        body: { name: 'Pemerintah Provinsi Matriks', group: 'provinsi' },
      };
    case 'importAgencies':
      return {
        path,
        body: {
          agencies: [{ id: 'prov-matrix-2', name: 'Pemerintah Provinsi Matriks Dua', group: 'provinsi' }],
        },
      };
    case 'createCycle':
      return { path, body: openCycle(year + 5) };
    // The award draft is drawn from a published ranking: last year's.
    case 'getAwardDraft':
      return { path: fillPath(route.path, { year: String(year - 1) }) };
    // Decision 1 of last year's cycle, recorded in beforeAll.
    case 'getAwardDecision':
      return { path: fillPath(route.path, { year: String(year - 1), number: '1' }) };
    case 'getRankingRun':
    case 'getRankingRunEntries':
      return { path: fillPath(route.path, { year: String(year - 1), runId: rankingRunId }) };
    // Webhooks: a loopback receiver (the local runtime's development setting), no DNS involved.
    case 'createWebhookEndpoint':
      return { path, body: { url: 'http://127.0.0.1:9/matrix', eventTypes: ['award.published'] } };
    case 'updateWebhookEndpoint':
      return { path, body: { description: 'Matriks' }, headers: { 'if-match': '"1"' } };
    case 'rotateWebhookSecret':
      return { path, body: {} };
    case 'redeliverFailedWebhooks':
      return { path, body: { since: '2026-01-01T00:00:00Z' } };
    default:
      return { path };
  }
};

let api: TestApi;
let admin: string;
/** Last year's ranking run, started in beforeAll: the run routes read it. */
let rankingRunId = '';

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
  await ensureAgency(api, admin, agencyA, jawaTimur);
  await ensureAgency(api, admin, agencyB, jawaBarat);
  await createCycle(api, admin, openCycle(year));
  // A published cycle (last year's, all windows past) with results, and an assessor on agency A's panel.
  await createCycle(api, admin, openCycle(year - 1));
  const imported = await api.request('POST', `/v1/cycles/${year - 1}/results/import`, {
    token: admin,
    body: {
      results: [agencyA, agencyB].map((agencyId) => ({
        agencyId,
        levels: Array.from({ length: 47 }, () => 3),
        reference: 'Matriks otorisasi',
      })),
    },
  });
  expectStatus(imported, 200);
  const run = await api.request<{ runId: string }>('POST', `/v1/cycles/${year - 1}/rankings/runs`, {
    token: admin,
  });
  rankingRunId = expectStatus(run, 202).runId;
  await api.runtime.lambda.settle();
  expectStatus(
    await api.request('POST', `/v1/cycles/${year - 1}/awards/decisions`, {
      token: admin,
      body: { category: 'layanan', agencyId: agencyB, action: 'exclude', reason: 'Matriks otorisasi' },
    }),
    201,
  );
  expectStatus(
    await api.request('PUT', '/v1/assessors/test-assessor', {
      token: admin,
      body: { name: 'Asesor Uji', affiliations: [] },
    }),
    201,
  );
  expectStatus(
    await api.request('POST', `/v1/cycles/${year}/assignments`, {
      token: admin,
      body: { assignments: [{ agencyId: agencyA, assessor: 'test-assessor' }] },
    }),
    200,
  );
  const client = await api.request('PUT', '/v1/machine-clients/sample-client', {
    token: admin,
    body: { role: 'agency', agencyId: agencyA, description: 'Sample portal client' },
  });
  expectStatus(client, 201);
  const endpoint = await api.request<{ id: string }>('POST', `/v1/agencies/${agencyA}/webhook-endpoints`, {
    token: admin,
    body: { url: 'http://127.0.0.1:9/sample', eventTypes: ['award.published'] },
  });
  sampleEndpointId = expectStatus(endpoint, 201).id;
  // Next year's cycle with its appeals window open now, agency A's result imported and appealed.
  // Its earlier windows closed minutes ago: they must fall in this year to belong to next year's cycle.
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  await createCycle(api, admin, {
    ...openCycle(appealYear),
    windows: {
      selfAssessment: { opensAt: minutesAgo(30), closesAt: minutesAgo(20) },
      documentAssessment: { opensAt: minutesAgo(20), closesAt: minutesAgo(10) },
      appeals: { opensAt: minutesAgo(10), closesAt: minutesAgo(-60 * 24 * 10) },
      publication: { at: minutesAgo(-60 * 24 * 20) },
    },
  });
  expectStatus(
    await api.request('POST', `/v1/cycles/${appealYear}/results/import`, {
      token: admin,
      body: {
        results: [{ agencyId: agencyA, levels: Array.from({ length: 47 }, () => 3), reference: 'Banding' }],
      },
    }),
    200,
  );
  const appeal = await api.request<{ appealId: string }>(
    'POST',
    `/v1/cycles/${appealYear}/agencies/${agencyA}/appeals`,
    {
      token: await api.token('agency', { agencyId: agencyA }),
      body: {
        indicators: [{ indicatorNo: 1, justification: 'Kebijakan internal sudah ditetapkan lengkap.' }],
      },
    },
  );
  sampleAppealId = expectStatus(appeal, 201).appealId;
});

afterAll(async () => {
  await api?.stop();
});

describe('the public (no token)', () => {
  it.each(jwtRoutes.map((route) => [routeKeyOf(route), route] as const))(
    'gets 401 on %s',
    async (_key, route) => {
      // Prepare
      const { path, body } = validRequest(route, agencyA);

      // Act
      const response = await api.request(route.method, path, body === undefined ? {} : { body });

      // Assess
      expectProblem(response, 401);
    },
  );
});

describe('roles a route does not admit', () => {
  const cases = jwtRoutes.flatMap((route) =>
    roles
      .filter((role) => !route.access.roles.includes(role))
      .map((role) => [role, routeKeyOf(route), route] as const satisfies readonly [Role, string, JwtRoute]),
  );

  it.each(cases)('a %s gets 403 on %s, even carrying the route’s scopes', async (role, _key, route) => {
    // Prepare: the scopes let the token past the authorizer; the Lambda's role check must answer
    const token = await api.token(role, { scopes: [...route.access.scopes] });
    const { path, body, headers } = validRequest(route, agencyA);

    // Act
    const response = await api.request(route.method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
    });

    // Assess
    const problem = expectProblem(response, 403);
    expect(problem.type).toBe('/problems/forbidden');
  });

  it('leaves nothing behind: the routes refused above wrote nothing', async () => {
    // Assess
    expectProblem(await api.request('GET', '/v1/agencies/prov-matrix'), 404);
    expectProblem(await api.request('GET', '/v1/agencies/prov-matrix-2'), 404);
    expectProblem(await api.request('GET', `/v1/cycles/${year + 5}`, { token: admin }), 404);
  });
});

describe('roles a route admits', () => {
  // Reads only, so that these checks change nothing the other tests look at.
  const cases = jwtRoutes
    .filter((route) => route.method === 'GET')
    .flatMap((route) =>
      route.access.roles.map(
        (role) => [role, routeKeyOf(route), route] as const satisfies readonly [Role, string, JwtRoute],
      ),
    );

  it.each(cases)('a %s passes the access checks of %s', async (role, _key, route) => {
    // Prepare
    const token = await api.token(role);
    const { path } = validRequest(route, agencyA);

    // Act
    const response = await api.request(route.method, path, { token });

    // Assess
    expectStatus(response, 200);
  });
});

describe('an agency operator on another agency', () => {
  it.each(agencyRoutes.map((route) => [routeKeyOf(route), route] as const))(
    'gets 404 on %s of agency B, the same answer as for an agency that does not exist',
    async (_key, route) => {
      // Prepare: A's operator; a request that would succeed on A's own data
      const token = await api.token('agency', { agencyId: agencyA });
      const onB = validRequest(route, agencyB);
      const onNobody = validRequest(route, 'prov-tidak-ada');

      // Act
      const forB = await api.request(route.method, onB.path, {
        token,
        ...(onB.body === undefined ? {} : { body: onB.body }),
        ...(onB.headers ? { headers: onB.headers } : {}),
      });
      const forNobody = await api.request(route.method, onNobody.path, {
        token,
        ...(onNobody.body === undefined ? {} : { body: onNobody.body }),
        ...(onNobody.headers ? { headers: onNobody.headers } : {}),
      });

      // Assess: indistinguishable, so B's existence does not leak
      const problemB = expectProblem(forB, 404);
      const problemNobody = expectProblem(forNobody, 404);
      expect({ type: problemB.type, title: problemB.title }).toEqual({
        type: problemNobody.type,
        title: problemNobody.title,
      });
      expect(forB.headers.get('etag')).toBeNull();
      expect(problemB.detail ?? '').not.toContain('Jawa Barat');
    },
  );

  it('leaves agency B’s self-assessment untouched', async () => {
    // Act
    const response = await api.request<SelfAssessment>(
      'GET',
      `/v1/cycles/${year}/agencies/${agencyB}/self-assessment`,
      {
        token: admin,
      },
    );

    // Assess
    const draft = expectStatus(response, 200);
    expect(draft).toMatchObject({
      agencyId: agencyB,
      status: 'draft',
      version: 0,
      answers: [],
      answeredCount: 0,
    });
    expect(response.headers.get('etag')).toBe('"0"');
  });

  it('covers every per-agency route an operator may call', () => {
    expect(agencyRoutes.map((route) => route.operationId).sort()).toEqual(
      [
        'getSelfAssessment',
        'saveIndicatorAnswer',
        'saveSelfAssessment',
        'submitSelfAssessment',
        'getResult',
        'listResultVersions',
        'getResultBundle',
        'fileAppeal',
        'listAppeals',
        'getAppeal',
        'createWebhookEndpoint',
        'listWebhookEndpoints',
        'getWebhookEndpoint',
        'updateWebhookEndpoint',
        'deleteWebhookEndpoint',
        'rotateWebhookSecret',
        'sendWebhookTest',
        'listWebhookDeliveries',
        'getWebhookEndpointAudit',
        'redeliverWebhook',
        'redeliverFailedWebhooks',
      ].sort(),
    );
  });
});

describe('machine clients limited by scopes', () => {
  it('a read-only agency client may read its draft but not save it', async () => {
    // Prepare
    const token = await api.token('agency', {
      clientId: 'jatim-dashboard',
      scopes: ['spbe/self-assessment.read'],
    });
    const path = `/v1/cycles/${year}/agencies/${agencyA}/self-assessment`;

    // Act
    const read = await api.request('GET', path, { token });
    const save = await api.request('PUT', path, {
      token,
      body: { answers: [{ indicatorNo: 1, level: 3 }] },
      headers: { 'if-match': '"0"' },
    });

    // Assess
    expectStatus(read, 200);
    const problem = expectProblem(save, 403);
    expect(problem.detail).toContain('spbe/self-assessment.write');
  });

  it('an operator token carrying spbe/admin gains nothing from it: 403, naming the ignored scope', async () => {
    // Prepare: Cognito issues any scope an app client allows; API Gateway lets this token through
    const token = await api.token('agency', { scopes: ['spbe/admin'] });

    // Act: the own agency's self-assessment, a route that admins (spbe/admin) may also read
    const read = await api.request('GET', `/v1/cycles/${year}/agencies/${agencyA}/self-assessment`, {
      token,
    });
    const me = await api.request('GET', '/v1/me', { token });

    // Assess
    const problem = expectProblem(read, 403);
    expect(problem.detail).toContain('spbe/admin does not count: the role "agency" may not hold it');
    expectStatus(me, 200);
    expect(me.body).toMatchObject({ role: 'agency', scopes: [], ignoredScopes: ['spbe/admin'] });
  });

  it('an admin token without the admin scope cannot reach admin routes', async () => {
    // Prepare
    const token = await api.token('admin', { scopes: ['spbe/self-assessment.read'] });

    // Act + Assess
    expectProblem(await api.request('GET', '/v1/agencies', { token }), 403);
  });
});
