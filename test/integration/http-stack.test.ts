import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { HealthSchema, MeSchema } from '#shared/api/common/schemas.ts';
import type { FrameworkSchema } from '#shared/api/public/schemas.ts';
import { defaultMaxBodyBytes } from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';
import type { Role } from '#shared/domain/roles.ts';
import { maxJsonDepth } from '#shared/http/request-body.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { expectFieldProblem, expectProblem, expectStatus, jsonHeaders, pointersOf } from './support.ts';

/** The shared HTTP stack over the full local runtime: body reading, validation, identity, public routes. */

type Health = z.output<typeof HealthSchema>;
type Me = z.output<typeof MeSchema>;
type Framework = z.output<typeof FrameworkSchema>;

interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, { readonly operationId?: string }>>>>;
}

let api: TestApi;
let admin: string;

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
});

afterAll(async () => {
  await api?.stop();
});

const validAgency = { name: 'Pemerintah Provinsi Bali', group: 'provinsi' } as const;

describe('request bodies', () => {
  it('answers malformed JSON with 400 problem+json pointing at /body', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-bali', {
      token: admin,
      rawBody: '{"name": "Pemerintah Provinsi Bali", "group": ',
      headers: jsonHeaders,
    });

    // Assess
    const problem = expectFieldProblem(response, 400, '/body');
    expect(problem.detail).toMatch(/not valid JSON/);
    expect(problem.instance).toBe('/v1/agencies/prov-bali');
    expect(problem.requestId).toBe(response.headers.get('apigw-requestid'));
  });

  it('answers an empty JSON body with 400 naming /body', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-bali', {
      token: admin,
      rawBody: '',
      headers: jsonHeaders,
    });

    // Assess
    expectFieldProblem(response, 400, '/body');
  });

  it('answers a body over the route limit with 413 problem+json stating the limit', async () => {
    // Prepare: valid JSON, just too big for the default limit
    const body = JSON.stringify({ ...validAgency, padding: 'x'.repeat(defaultMaxBodyBytes) });

    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-bali', {
      token: admin,
      rawBody: body,
      headers: jsonHeaders,
    });

    // Assess
    const problem = expectProblem(response, 413);
    expect(problem.type).toBe('/problems/payload-too-large');
    expect(problem.detail).toContain(String(defaultMaxBodyBytes));
  });

  it.each([
    ['text/plain', JSON.stringify(validAgency)],
    ['text/csv', 'name,group\nPemerintah Provinsi Bali,provinsi\n'],
    ['application/x-www-form-urlencoded', 'name=Bali&group=provinsi'],
  ])(
    'answers Content-Type %s on a JSON route with 415 naming the accepted type',
    async (contentType, rawBody) => {
      // Act
      const response = await api.request('PUT', '/v1/agencies/prov-bali', {
        token: admin,
        rawBody,
        headers: { 'content-type': contentType },
      });

      // Assess
      const problem = expectProblem(response, 415);
      expect(problem.detail).toContain('application/json');
      expect(problem.detail).toContain(contentType);
      expect(response.headers.get('accept')).toBe('application/json');
    },
  );

  it('answers a missing Content-Type with 415', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-bali', {
      token: admin,
      rawBody: JSON.stringify(validAgency),
    });

    // Assess
    expectProblem(response, 415);
  });

  it('answers a bare request (no body, no Content-Type) with 400 naming each required field', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-bali', { token: admin });

    // Assess
    const problem = expectProblem(response, 400);
    expect(pointersOf(problem)).toEqual(expect.arrayContaining(['/body/name', '/body/group']));
  });

  it('accepts application/json with a charset parameter', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-bali', {
      token: admin,
      rawBody: JSON.stringify(validAgency),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });

    // Assess
    expectStatus(response, 201);
  });

  it('answers an unknown field with 400 naming its pointer and writes nothing', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-papua', {
      token: admin,
      body: { name: 'Pemerintah Provinsi Papua', group: 'provinsi', colour: 'red' },
    });

    // Assess
    const problem = expectFieldProblem(response, 400, '/body/colour');
    expect(problem.type).toBe('/problems/validation-failed');
    expect((problem.errors ?? []).find((error) => error.pointer === '/body/colour')?.detail).toMatch(
      /colour/,
    );
    expectProblem(await api.request('GET', '/v1/agencies/prov-papua'), 404);
  });

  it('answers a member name sent twice with 400 naming it and writes nothing (no reader may pick another value)', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-papua-tengah', {
      token: admin,
      rawBody: '{"name":"Pemerintah Provinsi Papua Tengah","group":"provinsi","group":"kementerian"}',
      headers: jsonHeaders,
    });

    // Assess
    const problem = expectFieldProblem(response, 400, '/body/group');
    expect(problem.type).toBe('/problems/bad-request');
    expectProblem(await api.request('GET', '/v1/agencies/prov-papua-tengah'), 404);
  });

  it('names every invalid field at once', async () => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-papua', {
      token: admin,
      body: { name: 'P', group: 'negara-bagian' },
    });

    // Assess
    const problem = expectProblem(response, 400);
    expect(problem.errors?.map((error) => error.pointer).sort()).toEqual(['/body/group', '/body/name']);
  });

  it.each([
    ['arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
  ])(
    'answers JSON nested 5,000 levels deep (%s) on an idempotent POST with 400 naming the depth limit',
    async (_name, deep) => {
      // Prepare: the import envelope only checks that `agencies` is an array, so the deep row gets
      // as far as the Idempotency-Key fingerprint of the body.
      const rawBody = `{"agencies":[${deep}]}`;

      // Act
      const response = await api.request('POST', '/v1/agencies/import', {
        token: admin,
        rawBody,
        headers: { ...jsonHeaders, 'idempotency-key': `deep-${_name}` },
      });

      // Assess
      const problem = expectFieldProblem(response, 400, '/body');
      expect(problem.detail).toContain(`${maxJsonDepth} levels`);
    },
  );

  it('answers a JSON body that is not valid UTF-8 with 400 naming /body, and writes nothing', async () => {
    // Prepare: Latin-1 "é" (0xE9) where UTF-8 needs two bytes
    const rawBody = Buffer.concat([
      Buffer.from('{"name":"Pemerintah Provinsi Bal'),
      Buffer.from([0xe9]),
      Buffer.from('","group":"provinsi"}'),
    ]);

    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-latin1', {
      token: admin,
      rawBody,
      headers: jsonHeaders,
    });

    // Assess
    const problem = expectFieldProblem(response, 400, '/body');
    expect(problem.detail).toMatch(/not valid UTF-8/);
    expectProblem(await api.request('GET', '/v1/agencies/prov-latin1'), 404);
  });

  it('answers a CSV upload that is not valid UTF-8 with 400 naming the line, and imports nothing', async () => {
    // Prepare: line 3 holds a lone continuation byte
    const rawBody = Buffer.concat([
      Buffer.from('id,name,group\nbps,Badan Pusat Statistik,lpnk\nbrin,Badan Riset '),
      Buffer.from([0x80]),
      Buffer.from(',lpnk\n'),
    ]);

    // Act
    const response = await api.request('POST', '/v1/agencies/import', {
      token: admin,
      rawBody,
      headers: { 'content-type': 'text/csv' },
    });

    // Assess
    const problem = expectFieldProblem(response, 400, '/body');
    expect(problem.detail).toMatch(/not valid UTF-8.*line 3/);
    expectProblem(await api.request('GET', '/v1/agencies/bps'), 404);
  });

  it('answers a body on a route that takes none with 400', async () => {
    // Act
    const response = await api.request(
      'POST',
      `/v1/cycles/${new Date().getUTCFullYear()}/agencies/prov-jawa-timur/self-assessment/submit`,
      {
        token: await api.token('agency'),
        body: { please: 'submit' },
      },
    );

    // Assess
    expectProblem(response, 400);
  });
});

describe('path and query parameters', () => {
  it.each([
    ['an agency id with capitals', 'GET', '/v1/agencies/Prov_Jawa_Timur', '/params/agencyId'],
    ['a year that is not a number', 'GET', '/v1/cycles/tahun-ini', '/params/year'],
    ['a year before the SPBE evaluations', 'GET', '/v1/cycles/1999', '/params/year'],
    ['a framework id with symbols', 'GET', '/v1/frameworks/SPBE!2020', '/params/frameworkId'],
    [
      'indicator 0',
      'PUT',
      '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment/indicators/0',
      '/params/no',
    ],
    [
      'an indicator number that is not a number',
      'PUT',
      '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment/indicators/dua',
      '/params/no',
    ],
  ])('answers %s with 400 naming its pointer', async (_name, method, path, pointer) => {
    // Prepare: the caller allowed on each route, so the parameters are what fails. (Indicator 48 is
    // well-formed: the cycle's framework bounds it, see self-assessment.test.ts.)
    const token = path.includes('/self-assessment') ? await api.token('agency') : admin;

    // Act
    const response = await api.request(method, path, {
      token,
      ...(method === 'PUT' ? { body: { level: 3 }, headers: { 'if-match': '"0"' } } : {}),
    });

    // Assess
    expectFieldProblem(response, 400, pointer);
  });

  it.each([
    ['limit=0', '/query/limit'],
    ['limit=201', '/query/limit'],
    ['limit=lima', '/query/limit'],
    ['group=negara', '/query/group'],
    ['sort=name', '/query/sort'],
  ])('answers ?%s on the agency list with 400 naming %s', async (query, pointer) => {
    // Act
    const response = await api.request('GET', `/v1/agencies?${query}`, { token: admin });

    // Assess
    expectFieldProblem(response, 400, pointer);
  });
});

describe('query parameters on routes that take none', () => {
  it.each([
    ['GET', '/v1/cycles?foo=1', ['/query/foo']],
    ['GET', '/v1/health?x=y', ['/query/x']],
    ['GET', '/v1/frameworks/spbe-2020?fields=name&expand', ['/query/fields', '/query/expand']],
    ['GET', '/v1/me?a%2Fb=1', ['/query/a~1b']],
  ])('answers %s %s with 400 naming each unknown parameter', async (method, path, pointers) => {
    // Act
    const response = await api.request(method, path, { token: admin });

    // Assess
    const problem = expectProblem(response, 400);
    expect(problem.errors).toEqual(
      pointers.map((pointer) => ({ pointer, detail: 'Unknown query parameter' })),
    );
  });

  it.each([
    ['a route that takes none', '/v1/health'],
    ['a route with a strict query', '/v1/agencies'],
  ])(
    'answers 1,000 unknown parameters on %s with a bounded problem: 20 named, the rest counted',
    async (_kind, path) => {
      // Prepare: a query of 10 KB a client can send for nothing
      const query = Array.from({ length: 1000 }, (_, index) => `p${index}=1`).join('&');

      // Act
      const response = await api.request('GET', `${path}?${query}`, { token: admin });

      // Assess: the answer stays smaller than the request
      const problem = expectProblem(response, 400);
      expect(problem.errors).toHaveLength(20);
      expect(problem.errors?.[0]?.pointer).toBe('/query/p0');
      expect(problem.detail).toContain('and 980 more');
      expect(JSON.stringify(problem).length).toBeLessThan(query.length);
    },
  );

  it('still serves those routes without a query', async () => {
    expectStatus(await api.request('GET', '/v1/health'), 200);
    expectStatus(await api.request('GET', '/v1/cycles', { token: admin }), 200);
  });
});

describe('a query parameter sent twice', () => {
  it.each([
    ['a search', '/v1/agency-directory?q=jawa&q=timur', '/query/q'],
    ['an option', '/v1/cycles/2025/rankings?scope=national&scope=provinsi', '/query/scope'],
    ['a format', '/v1/cycles/2025/rankings/open-data?format=csv&format=json', '/query/format'],
    ['a page size, once empty', '/v1/agencies?limit=5&limit=', '/query/limit'],
  ])(
    'answers %s sent twice with 400 naming it, not the two values joined by a comma',
    async (_kind, path, pointer) => {
      // Act: API Gateway (and the local runtime) hand the function `jawa,timur`, `national,provinsi`
      const response = await api.request('GET', path, { token: admin });

      // Assess
      const problem = expectProblem(response, 400);
      expect(problem.errors).toEqual([{ pointer, detail: 'Sent 2 times: send it once' }]);
      expect(problem.detail).toBe(`Invalid query parameter ${pointer}: sent 2 times: send it once`);
    },
  );

  it('names every parameter sent more than once', async () => {
    // Act
    const response = await api.request('GET', '/v1/agency-directory?group=kota&q=a&group=kota&q=b&q=c');

    // Assess
    const problem = expectProblem(response, 400);
    expect(problem.errors).toEqual([
      { pointer: '/query/group', detail: 'Sent 2 times: send it once' },
      { pointer: '/query/q', detail: 'Sent 3 times: send it once' },
    ]);
  });

  it.each([
    ['a lone percent sign', '/v1/agency-directory?q=100%'],
    ['an escape that is not UTF-8', '/v1/agency-directory?q=%ff'],
    ['a broken escape', '/v1/agency-directory?q=jawa%zz'],
  ])(
    'answers %s in a parameter’s value with 400 naming it, not a search for other words',
    async (_kind, path) => {
      // Act
      const response = await api.request('GET', path);

      // Assess
      const problem = expectProblem(response, 400);
      expect(problem.errors).toEqual([
        {
          pointer: '/query/q',
          detail: 'Not valid percent-encoding: % must start an escape of UTF-8 (send %25 for a % sign)',
        },
      ]);
    },
  );

  it('names a parameter sent twice with a broken escape as one invalid field with both problems', async () => {
    // Act
    const problem = expectProblem(await api.request('GET', '/v1/agency-directory?q=%ff&q=jawa'), 400);

    // Assess
    expect(problem.detail).toBe(
      'Invalid query parameter /query/q: sent 2 times: send it once; not valid percent-encoding: % must start an escape of UTF-8 (send %25 for a % sign)',
    );
    expect(problem.errors).toHaveLength(2);
  });

  it('still reads escapes and + as API Gateway does', async () => {
    // Prepare
    const agency = { name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' } as const;
    expect(
      (await api.request('PUT', '/v1/agencies/prov-jawa-timur', { token: admin, body: agency })).status,
    ).toBe(201);

    // Act: `+` is a space, `%C3%AD` is í (diacritics are ignored)
    const response = await api.request<{ items: { id: string }[] }>(
      'GET',
      '/v1/agency-directory?q=jawa+t%C3%ADmur',
    );

    // Assess
    expect(expectStatus(response, 200).items.map((item) => item.id)).toEqual(['prov-jawa-timur']);
  });

  it('leaves the press page’s ignored parameters alone (a shared link may repeat utm_source)', async () => {
    // Act
    const response = await api.request('GET', '/awards?utm_source=a&utm_source=b&fbclid=100%');

    // Assess
    expect(response.status).toBe(200);
  });
});

describe('GET /v1/health', () => {
  it('answers 200 with every table checked, security headers and no caching', async () => {
    // Act
    const response = await api.request<Health>('GET', '/v1/health');

    // Assess
    const health = expectStatus(response, 200);
    expect(health.status).toBe('ok');
    expect(health.checks.length).toBeGreaterThan(0);
    expect(health.checks.every((check) => check.status === 'ok')).toBe(true);
    expect(Number.isNaN(Date.parse(health.time))).toBe(false);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('GET /v1/me', () => {
  it.each([
    ['admin', { role: 'admin', scopes: ['spbe/admin'] }],
    ['assessor', { role: 'assessor', scopes: ['spbe/assessment.write'] }],
    [
      'agency',
      {
        role: 'agency',
        agencyId: 'prov-jawa-timur',
        scopes: ['spbe/self-assessment.read', 'spbe/self-assessment.write', 'spbe/webhooks.manage'],
      },
    ],
  ] as const)('tells a %s who they are', async (role: Role, expected) => {
    // Prepare
    const token = await api.token(role, { subject: `me-${role}`, name: `Demo ${role}` });

    // Act
    const response = await api.request<Me>('GET', '/v1/me', { token });

    // Assess
    const me = expectStatus(response, 200);
    expect(me).toMatchObject({
      subject: `me-${role}`,
      name: `Demo ${role}`,
      clientId: 'local-portal',
      ...expected,
    });
    expect([...me.scopes].sort()).toEqual([...expected.scopes].sort());
    if (role !== 'agency') expect(me.agencyId).toBeUndefined();
    expect(Date.parse(me.tokenExpiresAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('tells a machine client its client id and scopes', async () => {
    // Prepare
    const token = await api.token('agency', {
      subject: 'client-jatim-portal',
      clientId: 'jatim-portal',
      scopes: ['spbe/self-assessment.read'],
    });

    // Act
    const me = expectStatus(await api.request<Me>('GET', '/v1/me', { token }), 200);

    // Assess
    expect(me).toMatchObject({
      clientId: 'jatim-portal',
      role: 'agency',
      scopes: ['spbe/self-assessment.read'],
    });
  });

  it('answers no token with 401', async () => {
    expectProblem(await api.request('GET', '/v1/me'), 401);
  });

  it('answers an agency token without its agency with 403 naming the claim', async () => {
    // Prepare: the helper adds the agency id; an explicit empty one leaves it out of the token
    const token = await api.token('agency', { agencyId: '' });

    // Act
    const problem = expectProblem(await api.request('GET', '/v1/me', { token }), 403);

    // Assess
    expect(problem.detail).toContain('custom:agency_id');
  });

  it('answers a token with an unknown role with 403 naming the claim', async () => {
    // Prepare: a role the API does not know, as a misconfigured IdP would send it
    const token = await api.token('admin', { role: 'superuser' as string as Role });

    // Act
    const problem = expectProblem(await api.request('GET', '/v1/me', { token }), 403);

    // Assess
    expect(problem.detail).toContain('custom:role');
    expect(problem.detail).toContain('superuser');
  });
});

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route of the table with its operationId', async () => {
    // Act
    const document = expectStatus(await api.request<OpenApiDocument>('GET', '/v1/openapi.json'), 200);

    // Assess
    expect(document.openapi).toMatch(/^3\.1\./);
    const listed = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(
        ([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`,
      ),
    );
    const expected = routeList.map((route) => `${route.method} ${route.path} ${route.operationId}`);
    expect(listed.sort()).toEqual(expected.sort());
  });
});

describe('GET /v1/frameworks/{frameworkId}', () => {
  it('serves spbe-2020: 47 indicators whose weights sum to 100, as do the domains', async () => {
    // Act
    const framework = expectStatus(await api.request<Framework>('GET', '/v1/frameworks/spbe-2020'), 200);

    // Assess
    expect(framework.id).toBe('spbe-2020');
    expect(framework.indicators).toHaveLength(47);
    expect(framework.indicators.map((indicator) => indicator.no)).toEqual(
      Array.from({ length: 47 }, (_, i) => i + 1),
    );
    const sum = (weights: readonly number[]) => weights.reduce((total, weight) => total + weight, 0);
    expect(sum(framework.indicators.map((indicator) => indicator.weight))).toBeCloseTo(100, 9);
    expect(sum(framework.domains.map((domain) => domain.weight))).toBeCloseTo(100, 9);
    expect(sum(framework.aspects.map((aspect) => aspect.weight))).toBeCloseTo(100, 9);
  });

  it('answers an unknown framework with 404 problem+json', async () => {
    // Act
    const problem = expectProblem(await api.request('GET', '/v1/frameworks/spbe-1999'), 404);

    // Assess
    expect(problem.instance).toBe('/v1/frameworks/spbe-1999');
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 and a wrong method with 405, both problem+json', async () => {
    expectProblem(await api.request('GET', '/v1/does-not-exist'), 404);
    expectProblem(await api.request('DELETE', '/v1/health'), 405);
  });
});

describe('requests no route matches ($default, answered by the public function)', () => {
  it('answers an unknown path with 404 problem+json naming it', async () => {
    const response = await api.request<{ type: string; instance: string; detail: string }>(
      'GET',
      '/v1/nothing-here',
    );

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/not-found', instance: '/v1/nothing-here' });
  });

  it('points a path typed with a trailing slash to the route without it', async () => {
    // Act: the awards page as a reader might type it
    const response = await api.request<{ detail: string }>('GET', '/awards/2024/');

    // Assess
    expect(response.status).toBe(404);
    expect(response.body.detail).toBe(
      'No route GET /awards/2024/. Did you mean /awards/2024, without the trailing slash?',
    );
  });

  it.each([
    ['/v1/v1/me', '/v1/me, with /v1 once'],
    ['/v1/v1/cycles/2026/', '/v1/cycles/2026, with /v1 once and without the trailing slash'],
  ])('answers %s, a base URL that ends in /v1, with 404 naming the path meant', async (path, meant) => {
    // Act: the README's B=http://…/v1 given to the typed client, whose paths begin with /v1
    const response = await api.request<{ detail: string }>('GET', path, { token: admin });

    // Assess
    expect(response.status).toBe(404);
    expect(response.body.detail).toContain(`No route GET ${path}. Did you mean ${meant}`);
  });

  it.each([
    ['DELETE', '/v1/health', 'GET, HEAD'],
    ['POST', '/v1/cycles/2026', 'GET, HEAD'],
    ['PATCH', '/v1/agencies/prov-jawa-timur', 'GET, HEAD, PUT'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const response = await api.request<{ type: string }>(method, path);

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort().join(', ')).toBe(allow);
    expect(response.body).toMatchObject({ type: '/problems/method-not-allowed' });
  });

  it('does not tolerate a trailing slash (API Gateway does not)', async () => {
    expect((await api.request('GET', '/v1/health/')).status).toBe(404);
  });

  it('answers HEAD on a path without that route with 404, and on a path with no GET with 405', async () => {
    expect((await api.request('HEAD', '/v1/nothing-here')).status).toBe(404);
    const noGet = await api.request(
      'HEAD',
      '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment/submit',
    );
    expect([noGet.status, noGet.headers.get('allow')]).toEqual([405, 'POST']);
  });
});

describe('HEAD on every GET route (RFC 9110 §9.3.2: the GET’s header fields, no content)', () => {
  /** The header fields a HEAD must repeat from the GET; the rest (date, request id, rate counters) move. */
  const representationHeaders = (headers: Headers) => ({
    contentType: headers.get('content-type'),
    etag: headers.get('etag'),
    cacheControl: headers.get('cache-control'),
    vary: headers.get('vary'),
    nosniff: headers.get('x-content-type-options'),
  });

  beforeAll(async () => {
    expectStatus(
      await api.request('PUT', '/v1/agencies/prov-sulawesi-barat', {
        token: admin,
        body: { name: 'Pemerintah Provinsi Sulawesi Barat', group: 'provinsi' },
      }),
      201,
    );
  });

  it.each(['/v1/agencies/prov-sulawesi-barat', '/v1/frameworks/spbe-2020', '/v1/openapi.json'])(
    'answers HEAD %s as GET does, without a body',
    async (path) => {
      // Act
      const get = await api.request('GET', path);
      const head = await api.request('HEAD', path);

      // Assess
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      expect(representationHeaders(head.headers)).toEqual(representationHeaders(get.headers));
      expect(head.headers.get('ratelimit-policy')).toBe(get.headers.get('ratelimit-policy'));
    },
  );

  it('answers a conditional HEAD with 304 as a conditional GET', async () => {
    // Prepare
    const etag = (await api.request('GET', '/v1/agencies/prov-sulawesi-barat')).headers.get('etag') ?? '';

    // Act
    const head = await api.request('HEAD', '/v1/agencies/prov-sulawesi-barat', {
      headers: { 'if-none-match': etag },
    });

    // Assess
    expect([head.status, head.headers.get('etag')]).toEqual([304, etag]);
  });

  it('asks for a token on a route that needs one, and then answers as GET does', async () => {
    // Act
    const anonymous = await api.request('HEAD', '/v1/me');
    const withToken = await api.request('HEAD', '/v1/me', { token: admin });

    // Assess
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect([withToken.status, withToken.text]).toEqual([200, '']);
    expect(withToken.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers HEAD with the GET’s error status, such as 404 for an unknown agency', async () => {
    const head = await api.request('HEAD', '/v1/agencies/prov-tidak-ada');

    expect([head.status, head.text]).toEqual([404, '']);
    expect(head.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('lists HEAD in Allow beside GET', async () => {
    const response = await api.request('DELETE', '/v1/agencies/prov-jawa-timur');

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'PUT']);
  });
});

/** What the local runtime answers on a raw connection: status, lower-cased headers, body. */
interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A chunked message body (RFC 9112 §7.1) as its bytes, in latin1 so that lengths are byte counts. */
const unchunk = (chunked: string): string => {
  let body = '';
  let rest = chunked;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
};

/** Sends bytes no HTTP client would send on a fresh TCP connection and reads until the server closes it. */
const sendRaw = (bytes: string): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = text.slice(0, headEnd).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      const body = text.slice(headEnd + 4);
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: Buffer.from(
          headers['transfer-encoding'] === 'chunked' ? unchunk(body) : body,
          'latin1',
        ).toString('utf8'),
      });
    });
    socket.write(bytes);
  });

/** Asserts a problem+json answer on a raw connection. */
const expectRawProblem = (answer: RawAnswer, status: number) => {
  expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body) as { status: number; type: string; detail?: string };
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^\/problems\/[a-z0-9-]+$/) });
  return problem;
};

describe('the local runtime on malformed HTTP', () => {
  it.each(['[::1', 'a b'])('answers Host: %s with 400 problem+json naming the header', async (host) => {
    // Act
    const answer = await sendRaw(`GET /v1/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

    // Assess: RFC 9112 §3.2 asks for 400 on an invalid Host; it must never fail the server (500)
    const problem = expectRawProblem(answer, 400);
    expect(problem.detail).toContain('Host');
  });

  it('answers an HTTP/1.1 request without Host with 400 problem+json', async () => {
    expectRawProblem(await sendRaw('GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n'), 400);
  });

  it('still serves a well-formed request whose path alone routes it', async () => {
    // Act
    const answer = await sendRaw('GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n');

    // Assess
    expect(answer.status).toBe(200);
  });

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header line without a colon', 'GET /v1/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'],
  ])('answers %s (refused by Node’s HTTP parser) with 400 problem+json', async (_name, bytes) => {
    expectRawProblem(await sendRaw(bytes), 400);
  });

  it('answers request headers over Node’s limit with 431 problem+json', async () => {
    // Act: Node's default limit for all headers is 16 KB
    const answer = await sendRaw(
      `GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
    );

    // Assess
    expectRawProblem(answer, 431);
  });
});
