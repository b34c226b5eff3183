import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
} from 'aws-lambda';
import ipaddr from 'ipaddr.js';
import type { RouteSpec } from '#shared/api/route-spec.ts';
import { TooManyRequestsError } from '#shared/domain/errors.ts';
import { metricNames } from '#shared/domain/metrics.ts';
import type {
  RateLimitClass,
  RateLimitDecision,
  RateLimiter,
  RateLimitPolicies,
  RateLimitPolicy,
} from '#shared/domain/rate-limit.ts';

/**
 * Per-client rate limits in the function layer (API Gateway HTTP APIs have no usage plans; the
 * stage's throttle caps all clients together). Each request is counted once, before any other work,
 * against the budget of its route class:
 * - `public` routes (and unknown paths): per source address — IPv4 as is, IPv6 by its /64 prefix,
 *   which one subscriber holds whole, so rotating addresses inside it gains nothing;
 * - routes with a token: per token subject and client id, `read` for GET and `write` for the rest.
 * Over the limit: 429 problem+json with `Retry-After`. Every answer below 500 carries `RateLimit` and
 * `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers, structured-field form, as the OpenAPI
 * document declares): `"write";q=120;w=60` and `"write";r=57;t=42`.
 *
 * A limiter that cannot answer (its table throttled or unreachable) lets the request through
 * without the headers, logs a warning and counts `RateLimiterUnavailable`: the limit protects the
 * API's capacity, and refusing every caller because the counter is unavailable would turn a degraded
 * limiter into an outage. The stage-wide throttle still caps the total meanwhile.
 */

type HttpEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;

export interface RateLimitSettings {
  readonly limiter: RateLimiter;
  readonly policies: RateLimitPolicies;
}

export interface RateLimitOptions extends RateLimitSettings {
  readonly clock: { now(): Date };
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** The function's own routes by route key (not the whole table: each function bundles only its own). */
  readonly routesByKey: ReadonlyMap<string, Pick<RouteSpec, 'access' | 'method'>>;
}

/** The budget a route draws on; unknown paths (the `$default` route) count as public. */
export const rateLimitClassOf = (route: Pick<RouteSpec, 'access' | 'method'> | undefined): RateLimitClass => {
  if (route === undefined || route.access.kind === 'public') return 'public';
  return route.method === 'GET' ? 'read' : 'write';
};

/** An address as counted: IPv4 (IPv4-mapped IPv6 too) whole, IPv6 by its /64. */
export const addressBucket = (sourceIp: string): string => {
  if (!ipaddr.isValid(sourceIp)) return sourceIp;
  const parsed = ipaddr.parse(sourceIp);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  return `${ipv6.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
};

/** Whose budget a request draws on: the token's subject and client, or else the source address. */
export const callerKeyOf = (event: HttpEvent): string => {
  const claims =
    'authorizer' in event.requestContext ? event.requestContext.authorizer?.jwt?.claims : undefined;
  const subject = claims?.sub;
  if (subject !== undefined && String(subject).length > 0) {
    return `token:${String(subject)}:${String(claims?.client_id ?? claims?.azp ?? '')}`;
  }
  return `address:${addressBucket(event.requestContext?.http?.sourceIp ?? 'unknown')}`;
};

/** `RateLimit-Policy` of a policy: `"write";q=120;w=60`. */
export const rateLimitPolicyHeader = (policy: RateLimitPolicy): string =>
  `"${policy.name}";q=${policy.quota};w=${policy.windowSeconds}`;

/** `RateLimit` after a decision: `"write";r=57;t=42`. */
export const rateLimitHeader = (policy: RateLimitPolicy, decision: RateLimitDecision): string =>
  `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`;

interface Counted {
  readonly policy: RateLimitPolicy;
  readonly decision: RateLimitDecision;
}

/** The middleware. Register it after CORS and before the problem-details middleware. */
export const rateLimit = (options: RateLimitOptions): MiddlewareObj<HttpEvent, APIGatewayProxyResultV2> => {
  const counted = new WeakMap<HttpEvent, Counted>();

  const addHeaders = async (request: { event: HttpEvent; response: APIGatewayProxyResultV2 | null }) => {
    const applied = counted.get(request.event);
    const { response } = request;
    if (applied === undefined || typeof response !== 'object' || response === null) return;
    if ((response.statusCode ?? 200) >= 500) return;
    request.response = {
      ...response,
      headers: {
        ...response.headers,
        ratelimit: rateLimitHeader(applied.policy, applied.decision),
        'ratelimit-policy': rateLimitPolicyHeader(applied.policy),
      },
    };
  };

  return {
    before: async (request) => {
      const { event } = request;
      const policy = options.policies[rateLimitClassOf(options.routesByKey.get(event.routeKey))];
      let decision: RateLimitDecision;
      try {
        decision = await options.limiter.consume({
          callerKey: callerKeyOf(event),
          policy,
          now: options.clock.now(),
        });
      } catch (error) {
        options.logger.warn('Rate limiter unavailable: request let through unlimited', {
          error: error as Error,
          policy: policy.name,
        });
        options.metrics?.addMetric(metricNames.rateLimiterUnavailable, MetricUnit.Count, 1);
        return;
      }
      counted.set(event, { policy, decision });
      if (!decision.allowed) {
        throw new TooManyRequestsError(
          `Too many requests: this caller may send ${policy.quota} ${policy.name} requests per ` +
            `${policy.windowSeconds} s; retry after ${decision.resetSeconds} ${decision.resetSeconds === 1 ? 'second' : 'seconds'}.`,
          { headers: { 'retry-after': String(decision.resetSeconds) } },
        );
      }
    },
    after: addHeaders,
    onError: addHeaders,
  };
};
