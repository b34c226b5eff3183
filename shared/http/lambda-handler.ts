import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { corsExposedResponseHeaders } from '#shared/api/access.ts';
import { jsonPointer } from '#shared/api/field-errors.ts';
import { createRouteMatcher, type RouteShape } from '#shared/api/route-matcher.ts';
import {
  type LambdaName,
  publicCacheControl,
  type RouteInput,
  type RouteResponse,
  type RouteSpec,
  routeKeysOf,
} from '#shared/api/route-spec.ts';
// Types only: a function imports the route modules it serves, never the whole table's schemas.
import type { OperationId, routes } from '#shared/api/routes.ts';
import { canonicalJson } from '#shared/domain/audit.ts';
import {
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { invocationTracing, tracer } from '#shared/observability/tracer.ts';
import { type IdempotencyGuard, readIdempotencyKey } from './idempotency-key.ts';
import { type Identity, identityFromClaims, type JwtClaims } from './identity.ts';
import { problemDetails } from './problem-details.ts';
import { type RateLimitSettings, rateLimit } from './rate-limit.ts';
import { type CsvBodyReader, readRequestBody } from './request-body.ts';
import { requestMetrics } from './request-metrics.ts';
import { boundQueryErrors, parseRequestPart, refuseUnreadableQuery } from './validation.ts';

/** What every route implementation may use besides its validated input. */
export interface RequestContext {
  /** Set on every JWT route; undefined on public routes. */
  readonly identity: Identity | undefined;
  readonly requestId: string;
  readonly route: RouteSpec;
  /** The concrete request path, e.g. `/v1/cycles/2026`. */
  readonly path: string;
  readonly logger: Logger;
  readonly lambdaContext: Context;
  /** The server's clock, read once per request: windows, audit times and events agree. */
  readonly now: Date;
}

/** What any implementation returns (the dispatcher's view); each route's own is `RouteResponse<R>`. */
interface AnyRouteResponse {
  readonly status: number;
  readonly body?: unknown;
  /** A non-JSON representation (CSV, HTML), sent as is with the route's own content-type header. */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteImplementation<R extends RouteSpec> = (
  input: RouteInput<R>,
  context: RequestContext,
) => Promise<RouteResponse<R>>;

type OperationsOf<L extends LambdaName> = {
  [K in OperationId]: (typeof routes)[K]['lambda'] extends L ? K : never;
}[OperationId];

/**
 * The routes a function serves, as its capability modules define them (`{ ...registryRoutes,
 * ...cycleRoutes }`): the compiler checks every route naming the function is there.
 */
export type RoutesOf<L extends LambdaName> = {
  readonly [K in OperationsOf<L>]: (typeof routes)[K];
};

/** Every route a function serves must be implemented: the compiler checks this map is complete. */
export type LambdaImplementations<L extends LambdaName> = {
  readonly [K in OperationsOf<L>]: RouteImplementation<(typeof routes)[K]>;
};

/** What every function's HTTP stack needs besides its routes' ports. */
export interface HttpOptions {
  readonly logger: Logger;
  readonly corsAllowedOrigins: readonly string[];
  /** The server's clock. */
  readonly clock: { now(): Date };
  /** Required when the function has routes marked `idempotent` (`idempotency.ts` builds it). */
  readonly idempotency?: IdempotencyGuard;
  /** Required when the function has routes that accept `text/csv` (`csv-body.ts`). */
  readonly csv?: CsvBodyReader;
  /**
   * Every route of the API, for the 404 or 405 (with `Allow`) of a request no route of the function
   * matches: what API Gateway sends its `$default` route (the public function). Read on the first
   * such request.
   * @default - the function's own routes
   */
  readonly knownRoutes?: () => Promise<readonly RouteShape[]>;
  /**
   * First path segments of HTML pages other functions serve (`/awards`), beside this function's own:
   * a browser asking a path under one that no route serves (`/awards/2024/`, as a reader types it)
   * gets its 404 as a page. For the function answering `$default`, which meets those paths.
   * @default - the function's own pages only
   */
  readonly pagePathPrefixes?: readonly string[];
  /**
   * Request, problem and business metrics, flushed once per invocation.
   * @default - none counted (unit tests over in-memory ports)
   */
  readonly metrics?: Metrics;
  /**
   * Per-client rate limits (`shared/http/rate-limit.ts`).
   * @default - no limit and no `RateLimit` headers (unit tests over in-memory ports)
   */
  readonly rateLimit?: RateLimitSettings;
}

type HttpEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;

const claimsOf = (event: HttpEvent): JwtClaims | undefined =>
  'authorizer' in event.requestContext ? event.requestContext.authorizer?.jwt?.claims : undefined;

/** Object-level checks stay in the domain; here only: is this role, with these scopes, let in at all? */
const authenticate = (route: RouteSpec, event: HttpEvent): Identity | undefined => {
  if (route.access.kind === 'public') return undefined;
  const claims = claimsOf(event);
  if (!claims) throw new UnauthorizedError('This route requires a bearer token.');
  const result = identityFromClaims(claims);
  if (!result.ok) throw new ForbiddenError(result.reason);
  const { identity } = result;
  if (!route.access.roles.includes(identity.role)) {
    throw new ForbiddenError(`The role "${identity.role}" may not call ${route.method} ${route.path}.`);
  }
  // Defence in depth: API Gateway's authorizer already enforced these scopes.
  const required = route.access.scopes;
  if (required.length > 0 && !required.some((scope) => identity.scopes.includes(scope))) {
    const ignored = identity.ignoredScopes.filter((held) => required.some((scope) => scope === held));
    throw new ForbiddenError(
      `This route needs one of the scopes ${required.join(', ')}.${
        ignored.length > 0
          ? ` The token's ${ignored.join(', ')} does not count: the role "${identity.role}" may not hold it.`
          : ''
      }`,
    );
  }
  return identity;
};

/**
 * Paths an unmatched request most likely meant, each with what to change: without a trailing slash
 * (`/awards/2024/`, as a reader types a page), and with `/v1` once (`/v1/v1/me`: a client whose base
 * URL ends in `/v1`, as the README's `B=…/v1` does, in front of paths that begin with `/v1`).
 */
const likelyMeant = (path: string): readonly { readonly path: string; readonly change: string }[] => {
  const trimmed = path.replace(/\/+$/, '');
  const once = (candidate: string) => candidate.replace(/^(\/v1)+(?=\/v1(\/|$))/, '');
  return [
    { path: trimmed, change: 'without the trailing slash' },
    {
      path: once(path),
      change:
        'with /v1 once (a client’s base URL is the API’s address without /v1, such as https://api.example)',
    },
    { path: once(trimmed), change: 'with /v1 once and without the trailing slash' },
  ].filter((candidate) => candidate.path !== '' && candidate.path !== path);
};

/**
 * A request no route of the function serves: 405 with `Allow` when the path exists with other methods,
 * else 404, naming the route it most likely meant (`likelyMeant`) when one serves it.
 */
const unmatched = (
  match: ReturnType<ReturnType<typeof createRouteMatcher>>,
  method: string,
  path: string,
  meant?: { readonly path: string; readonly change: string },
) => {
  if (match.kind === 'method-not-allowed') {
    return new MethodNotAllowedError(
      `${method} is not supported on ${path}; use ${match.allowed.join(', ')}.`,
      {
        headers: { allow: match.allowed.join(', ') },
      },
    );
  }
  if (meant !== undefined) {
    return new NotFoundError(`No route ${method} ${path}. Did you mean ${meant.path}, ${meant.change}?`);
  }
  return new NotFoundError(`No route ${method} ${path}. The API is described at /v1/openapi.json.`);
};

/**
 * A route without a query schema takes no query: a parameter sent anyway (a typo such as `?limt=`,
 * a filter the route does not have) is refused rather than silently ignored. Routes with a schema
 * refuse unknown parameters through it (strict objects).
 */
const refuseQuery = (query: Readonly<Record<string, string | undefined>> | undefined): undefined => {
  const names = Object.keys(query ?? {});
  if (names.length === 0) return undefined;
  const { shown, more } = boundQueryErrors(names);
  throw new ValidationError(
    `This route takes no query parameters; got ${shown.map((name) => JSON.stringify(name)).join(', ')}${more > 0 ? `, and ${more} more` : ''}.`,
    {
      errors: shown.map((name) => ({
        pointer: jsonPointer('query', [name]),
        detail: 'Unknown query parameter',
      })),
    },
  );
};

/** `If-None-Match` holds this ETag (or `*`): RFC 9110 §13.1.2 compares weakly, so W/ is ignored. */
const noneMatch = (header: string | undefined, etag: string): boolean =>
  (header ?? '').split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });

/**
 * The HTTP answer of a route's response. A response declared with a text media type goes as is (bytes
 * — compressed text — base64-encoded, as API Gateway takes them). A `publicCache` route's 200 may be
 * kept by shared caches; it gets a strong ETag over the bytes it sends (JSON, CSV, a page, a script;
 * unless the route set one), and a matching `If-None-Match` gets 304 without a body: caches, portals
 * and browsers revalidate for the price of a header. Every other answer is `no-store`.
 */
const toHttpResponse = (
  response: AnyRouteResponse,
  route: RouteSpec,
  requestHeaders: Readonly<Record<string, string | undefined>>,
): APIGatewayProxyStructuredResultV2 => {
  const cacheable = route.publicCache === true && response.status === 200;
  const headers: Record<string, string> = {
    'cache-control': cacheable ? publicCacheControl : 'no-store',
    ...response.headers,
  };
  /** 304 instead of the representation while the caller holds its fingerprint (a public read's ETag). */
  const unchanged = (bytes: string | Uint8Array): APIGatewayProxyStructuredResultV2 | undefined => {
    if (!cacheable) return undefined;
    headers.etag ??= `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
    if (!noneMatch(requestHeaders['if-none-match'], headers.etag)) return undefined;
    // A 304 has no representation, so none of its metadata (RFC 9110 §15.4.5): the cache keeps the
    // type, language and file name it stored with the 200 (and the document declares none on 304).
    const {
      'content-type': _type,
      'content-language': _language,
      'content-disposition': _disposition,
      ...rest
    } = headers;
    return { statusCode: 304, headers: rest };
  };
  const mediaType = route.responses[response.status]?.mediaType;
  if (mediaType !== undefined && response.body !== undefined) {
    const { body } = response;
    const binary = body instanceof Uint8Array;
    const notModified = unchanged(binary ? body : String(body));
    if (notModified) return notModified;
    return {
      statusCode: response.status,
      headers: { 'content-type': `${mediaType}; charset=utf-8`, ...headers },
      body: binary ? Buffer.from(body).toString('base64') : String(body),
      isBase64Encoded: binary,
    };
  }
  const body = response.text ?? (response.body === undefined ? undefined : JSON.stringify(response.body));
  if (body === undefined) return { statusCode: response.status, headers };
  if (response.text === undefined) headers['content-type'] ??= 'application/json; charset=utf-8';
  return unchanged(body) ?? { statusCode: response.status, headers, body };
};

/**
 * A route's own Content-Security-Policy (an HTML page: the docs) replaces the API's default, which
 * lets an HTML response load nothing at all, on that route's answers only. Header names are
 * compared without case, so that exactly one policy is sent.
 */
const routeContentSecurityPolicy = (
  routesByKey: ReadonlyMap<string, RouteSpec>,
): MiddlewareObj<HttpEvent, APIGatewayProxyResultV2> => ({
  after: async (request) => {
    const policy = routesByKey.get(request.event.routeKey)?.contentSecurityPolicy;
    const { response } = request;
    if (policy === undefined || typeof response !== 'object' || response === null) return;
    const headers = Object.fromEntries(
      Object.entries(response.headers ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    );
    request.response = { ...response, headers: { ...headers, 'content-security-policy': policy } };
  },
});

/**
 * API Gateway's request id (the `requestId` of every problem document, which is not Lambda's
 * `function_request_id`) and the route key on every log line of the request, from its first: the
 * runbook finds a quoted request by it, and the rate limiter's refusal or warning and an unmatched
 * path's 404 are logged before the dispatcher runs. Cleared with the other keys after each invocation.
 */
const requestLogKeys = (logger: Logger): MiddlewareObj<HttpEvent, APIGatewayProxyResultV2> => ({
  before: async ({ event }) => {
    logger.appendKeys({ routeKey: event.routeKey, requestId: event.requestContext?.requestId });
  },
});

type AnyImplementation = (input: RouteInput<RouteSpec>, context: RequestContext) => Promise<AnyRouteResponse>;

/**
 * Builds the Lambda handler of one function: shared middleware first (header normalisation,
 * logger with request id, security headers, CORS, problem+json errors), then a dispatcher that finds
 * the route by API Gateway's `routeKey`, authenticates, validates path, query and body with the
 * route's zod schemas, and calls the route's implementation.
 */
/**
 * The helmet defaults, less two headers this API has no value for: no reporting endpoint is run, and
 * the middleware would otherwise send `Reporting-Endpoints` (every answer) and `Report-To` (pages)
 * with empty values. middy 6.4's typings lack `reportingEndpoints`, which its code reads; a
 * non-literal object passes it through the declared parameter type without a cast.
 */
const securityHeaderOptions: NonNullable<Parameters<typeof httpSecurityHeaders>[0]> & {
  readonly reportingEndpoints: false;
} = { reportingEndpoints: false, reportTo: false };

export const createLambdaHandler = <L extends LambdaName>(
  lambda: L,
  served: RoutesOf<L>,
  implementations: LambdaImplementations<L>,
  options: HttpOptions,
) => {
  const byOperation = implementations as unknown as Readonly<Record<string, AnyImplementation | undefined>>;
  const { logger } = options;
  const ownRoutes = (Object.values(served) as RouteSpec[]).filter((route) => route.lambda === lambda);
  // A GET route answers its HEAD route key too, with the GET's whole answer: the HTTP server in
  // front (API Gateway, or Node locally) sends a HEAD's header fields without the content.
  const routesByKey: ReadonlyMap<string, RouteSpec> = new Map(
    ownRoutes.flatMap((route) => routeKeysOf(route).map((key) => [key, route] as const)),
  );
  if (ownRoutes.some((route) => route.idempotent === true) && !options.idempotency) {
    throw new Error(`The ${lambda} function has idempotent routes: pass an idempotency guard (its table).`);
  }
  if (ownRoutes.some((route) => route.bodyContentTypes?.includes('text/csv')) && !options.csv) {
    throw new Error(`The ${lambda} function has routes that accept text/csv: pass a CSV reader.`);
  }
  const ownMatcher = createRouteMatcher(ownRoutes);
  let knownMatcher: Promise<ReturnType<typeof createRouteMatcher>> | undefined;
  const match = async (method: string, path: string) => {
    if (!options.knownRoutes) return ownMatcher(method, path);
    const known = options.knownRoutes;
    knownMatcher ??= known().then(createRouteMatcher, (error: unknown) => {
      knownMatcher = undefined;
      throw error;
    });
    return (await knownMatcher)(method, path);
  };

  const dispatch = async (event: HttpEvent, lambdaContext: Context): Promise<APIGatewayProxyResultV2> => {
    const route = routesByKey.get(event.routeKey);
    const implementation = route ? byOperation[route.operationId] : undefined;
    if (!route || !implementation) {
      const { method } = event.requestContext.http;
      const found = await match(method, event.rawPath);
      let meant: { readonly path: string; readonly change: string } | undefined;
      if (found.kind === 'not-found') {
        for (const candidate of likelyMeant(event.rawPath)) {
          if ((await match(method, candidate.path)).kind === 'matched') {
            meant = candidate;
            break;
          }
        }
      }
      throw unmatched(found, method, event.rawPath, meant);
    }
    tracer?.putAnnotation('routeKey', event.routeKey);
    const identity = authenticate(route, event);
    if (identity) {
      logger.appendKeys({ caller: identity.subject, role: identity.role, agencyId: identity.agencyId });
    }
    const headers = event.headers ?? {};
    const body = readRequestBody(route, event, options.csv);
    if (route.query) refuseUnreadableQuery(route.query, event.rawQueryString);
    const input = {
      params: route.params ? parseRequestPart('params', route.params, event.pathParameters ?? {}) : undefined,
      query: route.query
        ? parseRequestPart('query', route.query, event.queryStringParameters ?? {})
        : refuseQuery(event.queryStringParameters),
      body: route.body && body ? parseRequestPart('body', route.body, body.value) : undefined,
      bodyMediaType: body?.mediaType,
      csvLines: body?.csvLines,
      headers,
    };
    const execute = () =>
      implementation(input, {
        identity,
        requestId: event.requestContext.requestId,
        route,
        path: event.rawPath,
        logger,
        lambdaContext,
        now: options.clock.now(),
      });
    const idempotencyKey = route.idempotent ? readIdempotencyKey(headers) : undefined;
    if (idempotencyKey === undefined || !options.idempotency)
      return toHttpResponse(await execute(), route, headers);
    const response = await options.idempotency.run(
      {
        subject: identity?.subject ?? 'anonymous',
        role: identity?.role,
        agencyId: identity?.agencyId,
        routeKey: event.routeKey,
        key: idempotencyKey,
        path: event.rawPath,
        // The same JSON document in other whitespace or key order is the same request.
        body: body?.mediaType === 'application/json' ? canonicalJson(body.value) : (event.body ?? ''),
      },
      lambdaContext,
      execute,
      route.idempotencyClaim ?? 'before',
    );
    return toHttpResponse(response, route, headers);
  };

  const handler = middy<HttpEvent, APIGatewayProxyResultV2>()
    // None outside Lambda (tests, the local runtime); never the response: it may hold secrets.
    .use(invocationTracing<HttpEvent, APIGatewayProxyResultV2>())
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestLogKeys(logger));
  // Outermost of what follows, so that it flushes after everything else has counted.
  if (options.metrics) handler.use(logMetrics(options.metrics, { captureColdStartMetric: true }));
  handler
    // Before the security headers, so that its `after` runs after theirs and has the last word.
    .use(routeContentSecurityPolicy(routesByKey))
    .use(httpSecurityHeaders(securityHeaderOptions))
    .use(
      httpCors({
        origins: [...options.corsAllowedOrigins],
        exposeHeaders: corsExposedResponseHeaders.join(', '),
      }),
    );
  // Both before the problem-details middleware: their `onError` then sees the answer it made.
  if (options.metrics) handler.use(requestMetrics(options.metrics, routesByKey));
  if (options.rateLimit) {
    handler.use(
      rateLimit({
        ...options.rateLimit,
        clock: options.clock,
        logger,
        metrics: options.metrics,
        routesByKey,
      }),
    );
  }
  const htmlRoutes = [...routesByKey].filter(([, route]) => route.responses[200]?.mediaType === 'text/html');
  const htmlRouteKeys = new Set(htmlRoutes.map(([key]) => key));
  // Only the function answering unmatched paths (`$default`: public) meets them; /v1 has no pages.
  const htmlPathPrefixes = [
    ...new Set([
      ...htmlRoutes
        .map(([, route]) => `/${route.path.split('/')[1] ?? ''}`)
        .filter((prefix) => prefix !== '/v1'),
      ...(options.pagePathPrefixes ?? []),
    ]),
  ];
  return handler.use(problemDetails(logger, { htmlRouteKeys, htmlPathPrefixes })).handler(dispatch);
};
