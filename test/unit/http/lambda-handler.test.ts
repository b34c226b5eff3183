import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { assessmentRoutes } from '#shared/api/assessment/routes.ts';
import { cycleRoutes } from '#shared/api/cycles/routes.ts';
import { publicRoutes } from '#shared/api/public/routes.ts';
import { registryRoutes } from '#shared/api/registry/routes.ts';
import { selfAssessmentRoutes } from '#shared/api/self-assessment/routes.ts';
import { defaultRateLimitPolicies } from '#shared/domain/rate-limit.ts';
import type { IdempotencyGuard } from '#shared/http/idempotency-key.ts';
import {
  createLambdaHandler,
  type HttpOptions,
  type LambdaImplementations,
} from '#shared/http/lambda-handler.ts';
import { createLogger } from '#shared/observability/powertools.ts';

/**
 * What a function's HTTP stack demands of its wiring at cold start (a guard for idempotent routes, a
 * CSV reader for CSV routes), and how it answers a request none of its routes serves.
 */

const http: HttpOptions = {
  logger: new Logger({ logLevel: 'SILENT' }),
  corsAllowedOrigins: [],
  clock: { now: () => new Date('2026-03-10T00:00:00Z') },
};
const passThrough: IdempotencyGuard = { run: (_request, _context, execute) => execute() };
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 29_000 } as unknown as Context;

/** Implementations are never reached by these requests: the stack answers before any route runs. */
const noImplementations = <L extends Parameters<typeof createLambdaHandler>[0]>() =>
  ({}) as LambdaImplementations<L>;

const unmatchedEvent = (method: string, path: string) =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method, path }, requestId: 'test', routeKey: '$default' },
  }) as unknown as APIGatewayProxyEventV2;

describe('createLambdaHandler: what a function must be given', () => {
  it('refuses a function with idempotent routes but no idempotency guard', () => {
    expect(() =>
      createLambdaHandler('submissions', selfAssessmentRoutes, noImplementations<'submissions'>(), http),
    ).toThrow('The submissions function has idempotent routes: pass an idempotency guard (its table).');
  });

  it('refuses a function with routes accepting text/csv but no CSV reader', () => {
    expect(() =>
      createLambdaHandler('assessment', assessmentRoutes, noImplementations<'assessment'>(), {
        ...http,
        idempotency: passThrough,
      }),
    ).toThrow('The assessment function has routes that accept text/csv: pass a CSV reader.');
  });

  it('builds a function without CSV routes with no CSV reader', () => {
    expect(
      typeof createLambdaHandler('submissions', selfAssessmentRoutes, noImplementations<'submissions'>(), {
        ...http,
        idempotency: passThrough,
      }),
    ).toBe('function');
  });
});

describe('createLambdaHandler: a request none of its routes serves', () => {
  const answer = async (handler: ReturnType<typeof createLambdaHandler>, method: string, path: string) =>
    (await handler(unmatchedEvent(method, path), context)) as APIGatewayProxyStructuredResultV2;

  it('answers 405 with Allow from every route it knows (the public function: the whole contract)', async () => {
    // Prepare
    const handler = createLambdaHandler('public', publicRoutes, noImplementations<'public'>(), {
      ...http,
      knownRoutes: async () => [
        { method: 'GET', path: '/v1/agencies/{agencyId}' },
        { method: 'PUT', path: '/v1/agencies/{agencyId}' },
      ],
    });

    // Act
    const response = await answer(handler, 'DELETE', '/v1/agencies/prov-bali');

    // Assess
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('GET, HEAD, PUT');
  });

  it('answers from its own routes when it knows no others', async () => {
    // Prepare
    const handler = createLambdaHandler(
      'registry',
      { ...registryRoutes, ...cycleRoutes },
      noImplementations<'registry'>(),
      { ...http, idempotency: passThrough, csv: () => ({ value: {}, csvLines: [] }) },
    );

    // Act
    const ownPath = await answer(handler, 'DELETE', '/v1/agencies/prov-bali');
    const otherPath = await answer(handler, 'GET', '/v1/health');

    // Assess
    expect([ownPath.statusCode, ownPath.headers?.allow]).toEqual([405, 'PUT, GET, HEAD']);
    expect(otherPath.statusCode).toBe(404);
  });
});

describe('createLambdaHandler: what shared caches may keep', () => {
  const framework = { id: 'spbe-2020', name: 'SPBE 2020' };
  const handler = createLambdaHandler(
    'public',
    publicRoutes,
    {
      // The language and file name stand for what the awards page and the open data send.
      getFramework: async () => ({
        status: 200,
        body: framework,
        headers: { 'content-language': 'id', 'content-disposition': 'inline; filename="spbe-2020.json"' },
      }),
      getHealth: async () => ({ status: 200, body: { status: 'ok' } }),
    } as unknown as LambdaImplementations<'public'>,
    http,
  );
  const get = async (routeKey: string, path: string, headers: Record<string, string> = {}) =>
    (await handler(
      {
        ...unmatchedEvent('GET', path),
        routeKey,
        headers,
        ...(path.startsWith('/v1/frameworks/') ? { pathParameters: { frameworkId: 'spbe-2020' } } : {}),
        requestContext: {
          ...unmatchedEvent('GET', path).requestContext,
          http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
          routeKey,
        },
      },
      context,
    )) as APIGatewayProxyStructuredResultV2;
  const frameworkRoute = ['GET /v1/frameworks/{frameworkId}', '/v1/frameworks/spbe-2020'] as const;

  it('lets a route flagged publicCache be kept, with a fingerprint ETag', async () => {
    // Act
    const response = await get(...frameworkRoute);

    // Assess
    expect(publicRoutes.getFramework.publicCache).toBe(true);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['cache-control']).toBe('public, max-age=300');
    expect(response.headers?.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('answers the HEAD route key of a GET route with the GET’s answer (the HTTP server drops its body)', async () => {
    // Act
    const viaGet = await get(...frameworkRoute);
    const viaHead = await get('HEAD /v1/frameworks/{frameworkId}', frameworkRoute[1]);

    // Assess
    expect(viaHead).toEqual(viaGet);
  });

  it('answers 304 without a body to an If-None-Match holding that ETag, weak or among others', async () => {
    // Prepare
    const etag = String((await get(...frameworkRoute)).headers?.etag);

    // Act
    const answers = await Promise.all(
      [etag, `W/${etag}`, `"other", ${etag}`, '*'].map((noneMatch) =>
        get(...frameworkRoute, { 'if-none-match': noneMatch }),
      ),
    );
    const changed = await get(...frameworkRoute, { 'if-none-match': '"other"' });

    // Assess
    for (const answer of answers) {
      expect([answer.statusCode, answer.body, answer.headers?.etag]).toEqual([304, undefined, etag]);
      expect(answer.headers?.['cache-control']).toBe('public, max-age=300');
    }
    expect(changed.statusCode).toBe(200);
  });

  it('sends the representation’s metadata with the 200 only: a 304 has no content type, language or file name', async () => {
    // Prepare
    const full = await get(...frameworkRoute);

    // Act
    const notModified = await get(...frameworkRoute, { 'if-none-match': String(full.headers?.etag) });

    // Assess
    expect(full.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-language': 'id',
      'content-disposition': 'inline; filename="spbe-2020.json"',
    });
    expect(notModified.statusCode).toBe(304);
    expect(Object.keys(notModified.headers ?? {}).filter((name) => name.startsWith('content-'))).toEqual([]);
  });

  it('keeps every other route out of caches: no-store, no ETag, never 304', async () => {
    // Act
    const response = await get('GET /v1/health', '/v1/health', { 'if-none-match': '*' });

    // Assess
    expect(publicRoutes.getHealth).not.toHaveProperty('publicCache');
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['cache-control']).toBe('no-store');
    expect(response.headers).not.toHaveProperty('etag');
  });
});

describe('createLambdaHandler: log lines an on-call finds by the problem’s requestId', () => {
  /** What the logger prints, parsed, while `act` runs. */
  const logLines = async (act: () => Promise<unknown>): Promise<Record<string, unknown>[]> => {
    const lines: string[] = [];
    // Warnings and errors go to stderr.
    const writes = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }),
    );
    try {
      await act();
    } finally {
      for (const write of writes) write.mockRestore();
    }
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  // API Gateway's request id (in every problem document) is not Lambda's (`function_request_id`).
  const gatewayRequestId = 'Xk2fQiTYyQ0EJ3w=';
  const frameworkEvent = {
    ...unmatchedEvent('GET', '/v1/frameworks/spbe-2020'),
    routeKey: 'GET /v1/frameworks/{frameworkId}',
    pathParameters: { frameworkId: 'spbe-2020' },
    requestContext: {
      http: { method: 'GET', path: '/v1/frameworks/spbe-2020', sourceIp: '203.0.113.7' },
      requestId: gatewayRequestId,
      routeKey: 'GET /v1/frameworks/{frameworkId}',
    },
  } as unknown as APIGatewayProxyEventV2;
  const lambdaContext = { ...context, awsRequestId: 'lambda-invocation-1' } as Context;

  it.each([
    ['a refusal by the rate limiter (429)', { allowed: false, remaining: 0, resetSeconds: 30 }, 429],
    ['a rate limiter that cannot answer (its warning)', undefined, 200],
  ])('carries it on %s, logged before any route runs', async (_case, decision, status) => {
    // Prepare
    const logger = createLogger({ logLevel: 'INFO' });
    const handler = createLambdaHandler(
      'public',
      publicRoutes,
      {
        getFramework: async () => ({ status: 200, body: {} }),
      } as unknown as LambdaImplementations<'public'>,
      {
        ...http,
        logger,
        rateLimit: {
          limiter: {
            consume: async () => {
              if (decision === undefined) throw new Error('Rate-limit table throttled');
              return decision;
            },
          },
          policies: defaultRateLimitPolicies,
        },
      },
    );
    let response: APIGatewayProxyStructuredResultV2 | undefined;

    // Act
    const lines = await logLines(async () => {
      response = (await handler(frameworkEvent, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    });

    // Assess
    expect(response?.statusCode).toBe(status);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({
        requestId: gatewayRequestId,
        routeKey: 'GET /v1/frameworks/{frameworkId}',
      });
    }
  });

  it('carries it on the 404 of a path no route serves', async () => {
    // Prepare
    const logger = createLogger({ logLevel: 'INFO' });
    const handler = createLambdaHandler('public', publicRoutes, noImplementations<'public'>(), {
      ...http,
      logger,
    });
    const event = {
      ...unmatchedEvent('GET', '/v1/nowhere'),
      requestContext: {
        http: { method: 'GET', path: '/v1/nowhere' },
        requestId: gatewayRequestId,
        routeKey: '$default',
      },
    } as unknown as APIGatewayProxyEventV2;

    // Act
    const lines = await logLines(() => handler(event, lambdaContext));

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({ message: 'Request rejected', status: 404, requestId: gatewayRequestId }),
    ]);
  });
});
