import { connect } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createLocalIdentityProvider,
  type LocalIdentityProvider,
  localAudience,
  localIssuer,
} from '#local/auth.ts';
import { type LambdaHandler, type LocalApi, type ResponseLine, startLocalApi } from '#local/server.ts';
import {
  type LambdaName,
  lambdaNames,
  type RouteAccess,
  type RouteSpec,
  routeKeyOf,
} from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';
import { fillPath, type Problem, samplePathValues } from './support.ts';

/**
 * The API Gateway stand-in on its own, in front of counting fake handlers: what reaches a Lambda,
 * and what the JWT authorizer emulation stops before it.
 */

type Event = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;
type JwtRoute = RouteSpec & { readonly access: Extract<RouteAccess, { kind: 'jwt' }> };

const calls = Object.fromEntries(lambdaNames.map((name) => [name, [] as Event[]])) as Record<
  LambdaName,
  Event[]
>;
const callCount = () => lambdaNames.reduce((sum, capability) => sum + calls[capability].length, 0);

const fakeHandler =
  (capability: LambdaName): LambdaHandler =>
  async (event) => {
    calls[capability].push(event);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capability }),
    };
  };

const sample = samplePathValues;

const jwtRoutes = routeList.filter((route): route is JwtRoute => route.access.kind === 'jwt');
const publicRoutes = routeList.filter((route) => route.access.kind === 'public');

let idp: LocalIdentityProvider;
let otherIdp: LocalIdentityProvider;
let api: LocalApi;

const send = async (route: RouteSpec, authorization?: string) => {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const response = await fetch(`${api.url}${fillPath(route.path, sample)}`, {
    method: route.method,
    headers,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (text ? JSON.parse(text) : undefined) as unknown,
  };
};

/** A token the authorizer should accept for this route: its first role, carrying its scopes. */
const validToken = (route: JwtRoute, provider: LocalIdentityProvider = idp) => {
  const role = route.access.roles[0] ?? 'admin';
  return provider.mint({
    subject: 'user-1',
    role,
    ...(role === 'agency' ? { agencyId: sample.agencyId } : {}),
    scopes: [...route.access.scopes],
    name: 'Test User',
  });
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Changes the payload (another subject, role admin, admin scope) and keeps the original signature. */
const tamper = (token: string): string => {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return [
    header,
    base64url({ ...claims, sub: 'someone-else', 'custom:role': 'admin', scope: 'spbe/admin' }),
    signature,
  ].join('.');
};

const unsigned = (token: string): string => {
  const [, payload] = token.split('.');
  return [base64url({ alg: 'none', typ: 'JWT' }), payload, ''].join('.');
};

const epochSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  idp = await createLocalIdentityProvider();
  otherIdp = await createLocalIdentityProvider();
  api = await startLocalApi({
    port: 0,
    identityProvider: idp,
    handlers: Object.fromEntries(lambdaNames.map((name) => [name, fakeHandler(name)])) as Record<
      LambdaName,
      LambdaHandler
    >,
  });
});

afterAll(async () => {
  await api?.close();
});

beforeEach(() => {
  for (const capability of lambdaNames) calls[capability].length = 0;
});

const invalidTokens: readonly (readonly [string, (route: JwtRoute) => Promise<string | undefined>])[] = [
  ['no Authorization header', async () => undefined],
  ['an empty bearer token', async () => 'Bearer '],
  ['a token that is not a JWT', async () => 'Bearer not-a-jwt'],
  [
    'an expired token',
    async (route) =>
      `Bearer ${await idp.mint({ subject: 'user-1', role: 'admin', scopes: [...route.access.scopes], expiresIn: epochSeconds() - 60 })}`,
  ],
  [
    'a token not valid yet (nbf)',
    async (route) =>
      `Bearer ${await idp.mint({ subject: 'user-1', role: 'admin', scopes: [...route.access.scopes], notBefore: epochSeconds() + 600 })}`,
  ],
  [
    'a token for another audience',
    async (route) =>
      `Bearer ${await idp.mint({ subject: 'user-1', role: 'admin', scopes: [...route.access.scopes], audience: 'another-api' })}`,
  ],
  [
    'a token from another issuer',
    async (route) =>
      `Bearer ${await idp.mint({ subject: 'user-1', role: 'admin', scopes: [...route.access.scopes], issuer: 'https://evil.example' })}`,
  ],
  [
    'a tampered token (payload changed, signature kept)',
    async (route) => `Bearer ${tamper(await validToken(route))}`,
  ],
  ['an unsigned token (alg none)', async (route) => `Bearer ${unsigned(await validToken(route))}`],
  ['a token signed by another key', async (route) => `Bearer ${await validToken(route, otherIdp)}`],
];

describe('JWT authorizer emulation', () => {
  describe.each(jwtRoutes.map((route) => [routeKeyOf(route), route] as const))('%s', (_key, route) => {
    it.each(invalidTokens.map(([name, make]) => [name, make] as const))(
      'answers %s with 401 problem+json and never calls the handler',
      async (_name, makeAuthorization) => {
        // Prepare
        const authorization = await makeAuthorization(route);

        // Act
        const response = await send(route, authorization);

        // Assess
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        const problem = response.body as Problem;
        expect(problem).toMatchObject({
          type: '/problems/unauthorized',
          status: 401,
          instance: fillPath(route.path, sample),
          requestId: response.headers.get('apigw-requestid'),
        });
        expect(problem.detail).toEqual(expect.any(String));
        expect(callCount()).toBe(0);
      },
    );

    // Routes open to any valid token list no scopes: nothing to lack there.
    if (route.access.scopes.length > 0) {
      it('answers a valid token lacking every route scope with 403 and never calls the handler', async () => {
        // Prepare: a valid token of an allowed role, but with an unrelated scope only
        const role = route.access.roles[0] ?? 'admin';
        const token = await idp.mint({
          subject: 'user-1',
          role,
          ...(role === 'agency' ? { agencyId: sample.agencyId } : {}),
          scopes: ['spbe/unrelated'],
        });

        // Act
        const response = await send(route, `Bearer ${token}`);

        // Assess
        expect(response.status).toBe(403);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
        expect((response.body as Problem).detail).toContain(route.access.scopes[0]);
        expect(callCount()).toBe(0);
      });
    }

    it('passes a valid token to its capability handler with flattened claims, route key and path parameters', async () => {
      // Prepare
      const token = await validToken(route);

      // Act
      const response = await send(route, `Bearer ${token}`);

      // Assess
      expect(response.status).toBe(200);
      expect(callCount()).toBe(1);
      const [event] = calls[route.lambda] as [APIGatewayProxyEventV2WithJWTAuthorizer];
      expect(event.routeKey).toBe(routeKeyOf(route));
      expect(event.requestContext.routeKey).toBe(routeKeyOf(route));
      expect(event.rawPath).toBe(fillPath(route.path, sample));
      const expectedParameters = Object.fromEntries(
        [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, sample[name as keyof typeof sample]]),
      );
      expect(event.pathParameters ?? {}).toEqual(expectedParameters);
      const { claims, scopes } = event.requestContext.authorizer.jwt;
      for (const value of Object.values(claims)) expect(typeof value).toBe('string');
      expect(claims).toMatchObject({
        sub: 'user-1',
        iss: localIssuer,
        aud: localAudience,
        'custom:role': route.access.roles[0],
        scope: route.access.scopes.join(' '),
        exp: expect.stringMatching(/^\d+$/),
      });
      expect(scopes).toEqual([...route.access.scopes]);
    });
  });

  it.each(publicRoutes.map((route) => [routeKeyOf(route), route] as const))(
    'lets %s through without a token and without authorizer context',
    async (_key, route) => {
      // Act
      const response = await send(route);

      // Assess
      expect(response.status).toBe(200);
      expect(callCount()).toBe(1);
      const [event] = calls[route.lambda] as [APIGatewayProxyEventV2];
      expect(event.routeKey).toBe(routeKeyOf(route));
      expect('authorizer' in event.requestContext).toBe(false);
    },
  );

  describe.each(
    jwtRoutes.filter((route) => route.method === 'GET').map((route) => [route.path, route] as const),
  )('HEAD %s', (_path, route) => {
    const head = (authorization?: string) =>
      fetch(`${api.url}${fillPath(route.path, sample)}`, {
        method: 'HEAD',
        headers: authorization ? { authorization } : {},
      });

    it('asks for a token as GET does and never calls the handler without one', async () => {
      // Act
      const response = await head();

      // Assess
      expect([response.status, response.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
      expect(callCount()).toBe(0);
    });

    it('passes a valid token to the GET’s handler under the HEAD route key', async () => {
      // Act
      const response = await head(`Bearer ${await validToken(route)}`);

      // Assess
      expect([response.status, await response.text()]).toEqual([200, '']);
      const [event] = calls[route.lambda] as [APIGatewayProxyEventV2WithJWTAuthorizer];
      expect([event.routeKey, event.requestContext.http.method]).toEqual([`HEAD ${route.path}`, 'HEAD']);
      expect(event.requestContext.authorizer.jwt.scopes).toEqual([...route.access.scopes]);
    });
  });

  it('decodes percent-encoded path parameters as API Gateway does', async () => {
    // Prepare
    const token = await idp.mint({ subject: 'admin-1', role: 'admin', scopes: ['spbe/admin'] });

    // Act
    const response = await fetch(`${api.url}/v1/agencies/prov%2Djawa%2Dtimur/audit`, {
      headers: { authorization: `Bearer ${token}` },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(calls.registry[0]?.pathParameters).toEqual({ agencyId: 'prov-jawa-timur' });
  });

  it.each([
    ['GET', '/v1/nothing-here'],
    ['DELETE', '/v1/health'],
    ['POST', '/v1/cycles/2026'],
    ['GET', '/v1/health/'],
    ['HEAD', '/v1/nothing-here'],
    ['HEAD', '/v1/cycles/2026/agencies/prov-bali/self-assessment/submit'],
  ])(
    'sends %s %s, which no route matches, to the public function as $default without a token',
    async (method, path) => {
      // Prepare
      const before = calls.public.length;

      // Act
      await fetch(`${api.url}${path}`, { method, headers: { authorization: 'Bearer not-even-a-jwt' } });

      // Assess: as deployed, the $default route has no authorizer and targets the public function
      expect(calls.public).toHaveLength(before + 1);
      expect(calls.public.at(-1)).toMatchObject({ routeKey: '$default', rawPath: path });
      expect(calls.public.at(-1)?.requestContext).not.toHaveProperty('authorizer');
    },
  );

  it('answers a path with broken percent-encoding with 400 problem+json, not a 500', async () => {
    const response = await fetch(`${api.url}/v1/agencies/%E0%A4%A`);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('covers every JWT route of the table', () => {
    // Assess: the table is the source; a route without access rules would slip through the loops above.
    expect(jwtRoutes.length + publicRoutes.length).toBe(routeList.length);
    expect(jwtRoutes.length).toBeGreaterThan(0);
  });
});

describe('CORS at the gateway (API Gateway answers preflights and decorates its own answers)', () => {
  const portal = 'https://portal.spbe.example';
  let corsApi: LocalApi;

  beforeAll(async () => {
    corsApi = await startLocalApi({
      port: 0,
      identityProvider: idp,
      corsAllowedOrigins: [portal],
      handlers: Object.fromEntries(lambdaNames.map((name) => [name, fakeHandler(name)])) as Record<
        LambdaName,
        LambdaHandler
      >,
    });
  });

  afterAll(async () => {
    await corsApi?.close();
  });

  const preflight = (origin: string) =>
    fetch(`${corsApi.url}/v1/cycles/2026/agencies/prov-bali/self-assessment/indicators/1`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, content-type, if-match',
      },
    });

  it('answers a preflight from an allowed origin with the methods and headers a write needs', async () => {
    // Act
    const response = await preflight(portal);

    // Assess
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(portal);
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toContain('PUT');
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'if-match',
        'idempotency-key',
        'if-none-match',
      ]),
    );
    expect(callCount()).toBe(0);
  });

  it('lets a portal revalidate a public read with If-None-Match (not a CORS-safelisted header)', async () => {
    // Act
    const response = await fetch(`${corsApi.url}/v1/agencies/prov-bali`, {
      method: 'OPTIONS',
      headers: {
        origin: portal,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
    });

    // Assess
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toContain('if-none-match');
  });

  it('lets a portal read past caches with Cache-Control: no-cache, as docs/webhooks.md advises', async () => {
    // Act
    const response = await fetch(`${corsApi.url}/v1/awards/apd-2026-layanan-provinsi-1`, {
      method: 'OPTIONS',
      headers: {
        origin: portal,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'cache-control',
      },
    });

    // Assess
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toContain('cache-control');
  });

  it('gives a preflight from another origin no CORS headers', async () => {
    const response = await preflight('https://elsewhere.example');

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(callCount()).toBe(0);
  });

  it.each([
    ['401 for no token', {}, 401],
    ['403 for a token lacking the route’s scope', { scopes: ['spbe/webhooks.manage'] }, 403],
  ])(
    'lets the allowed origin read the gateway’s own %s (a portal must see it to sign in again)',
    async (_name, overrides, status) => {
      // Prepare
      const token =
        status === 401
          ? undefined
          : await idp.mint({ subject: 'user-1', role: 'admin', scopes: [], ...overrides });

      // Act
      const response = await fetch(`${corsApi.url}/v1/agencies?limit=1`, {
        headers: { origin: portal, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });

      // Assess
      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBe(portal);
      expect(response.headers.get('access-control-expose-headers')?.split(',')).toContain('www-authenticate');
      expect(response.headers.get('vary')?.toLowerCase()).toContain('origin');
      expect(callCount()).toBe(0);
    },
  );

  it('gives the gateway’s answers to another origin no CORS headers', async () => {
    const response = await fetch(`${corsApi.url}/v1/agencies?limit=1`, {
      headers: { origin: 'https://elsewhere.example' },
    });

    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the request line npm start prints for each answer', () => {
  let loggedApi: LocalApi;
  const lines: ResponseLine[] = [];

  beforeAll(async () => {
    loggedApi = await startLocalApi({
      port: 0,
      identityProvider: idp,
      handlers: Object.fromEntries(lambdaNames.map((name) => [name, fakeHandler(name)])) as Record<
        LambdaName,
        LambdaHandler
      >,
      onResponse: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await loggedApi?.close();
  });

  /** Sends a request line as is (fetch would normalise the target), and waits for its answer. */
  const sendTarget = (target: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(new URL(loggedApi.url).port), '127.0.0.1');
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.on('data', () => undefined);
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: ${new URL(loggedApi.url).host}\r\nConnection: close\r\n\r\n`,
      );
    });

  it.each([
    ['a path', '/v1/health?access_token=QS1'],
    ['a target that is not a path', '*?access_token=QS2'],
    ['a target in absolute form', 'http://127.0.0.1/v1/health?access_token=QS3'],
  ])('never carries the query string of %s (a client may put a credential there)', async (_case, target) => {
    // Prepare
    lines.length = 0;

    // Act
    await sendTarget(target);

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]?.path).not.toMatch(/QS\d/);
    expect(lines[0]?.path).toBe(target.replace(/^http:\/\/[^/]+/, '').replace(/[?#].*$/s, ''));
  });
});
