import type * as z from 'zod';
import type { Role } from '#shared/domain/roles.ts';
import type { Scope } from './access.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The Lambda functions that serve routes. Each is one entry file `functions/<name>/handler.ts`
 * serving the routes that name it, so related routes share warm containers (and one bundle holding
 * only what they use) while unrelated ones scale and fail apart. Routes are *written* per capability
 * module (`shared/api/<capability>/routes.ts`); which function serves a route is a deployment choice
 * made on the route.
 */
export const lambdaNames = [
  'public',
  'registry',
  'submissions',
  'assessment',
  'results',
  'rankings',
  'webhooks',
  'awards',
] as const;
export type LambdaName = (typeof lambdaNames)[number];

export type RouteAccess =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'jwt';
      /** Roles the Lambda admits; another role gets 403. */
      readonly roles: readonly Role[];
      /** Scopes API Gateway's authorizer admits (any one). Empty: any valid token. */
      readonly scopes: readonly Scope[];
    };

/**
 * Response headers a route sets itself and documents; the OpenAPI generator holds each one's schema
 * (`shared/api/openapi.ts`). Headers every response may carry (CORS, rate limits) and those a
 * route's flags imply (idempotent replays) are added by the generator.
 */
export type ResponseHeaderName = 'ETag' | 'Location' | 'Content-Disposition' | 'Content-Language';

/** Media types of the responses that are not JSON: the docs page and its assets. */
export type TextMediaType = 'text/html' | 'text/css' | 'text/javascript';

export interface ResponseSpec {
  readonly description: string;
  /** JSON responses: the body's schema. Text responses: a string schema stating the size limit. */
  readonly schema?: z.ZodType;
  /** Response headers worth documenting, e.g. ETag. */
  readonly headers?: readonly ResponseHeaderName[];
  /**
   * A body that is not JSON: sent as is (text, or bytes when the route compresses it) with this
   * media type, and documented as a string of it.
   */
  readonly mediaType?: TextMediaType;
  /**
   * The same resource in another representation, chosen by content negotiation (the open data as
   * CSV beside its JSON): documented beside the JSON, sent by the route as `text`.
   */
  readonly alternative?: { readonly mediaType: 'text/csv'; readonly schema: z.ZodType };
}

export type BodyContentType = 'application/json' | 'text/csv';

export interface RouteSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway route path, parameters in braces: `/v1/cycles/{year}`. */
  readonly path: string;
  /** The function that serves it. */
  readonly lambda: LambdaName;
  readonly access: RouteAccess;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Media types the body may have; default `application/json`. CSV bodies are parsed by the route. */
  readonly bodyContentTypes?: readonly BodyContentType[];
  /**
   * How a `text/csv` body becomes the JSON the `body` schema validates: its rows (objects keyed by
   * the header line, empty cells left out) under this field. One schema then validates both forms.
   */
  readonly csvRowsField?: string;
  /**
   * The schema of each row under `csvRowsField`. The route validates rows one by one (to report
   * every bad row, with its CSV line), so `body` checks only the envelope; the OpenAPI document
   * publishes the rows with this schema.
   */
  readonly rowSchema?: z.ZodType;
  /**
   * The body may be left out (nothing sent, no Content-Type needed): it then reads as `{}`. Only for
   * a body whose every field has a default, so a bare POST does what the docs say it does.
   */
  readonly bodyOptional?: true;
  /** Body size limit in bytes; default `defaultMaxBodyBytes`. */
  readonly maxBodyBytes?: number;
  /** Writes guarded by optimistic concurrency: `If-Match` required (428 without, 412 when stale). */
  readonly requiresIfMatch?: boolean;
  /**
   * Writes that honour `If-Match` when sent (412 when stale) without requiring it on every request:
   * a PUT that creates (updating an existing resource still needs it), a submission.
   */
  readonly optionalIfMatch?: boolean;
  /** POST routes that honour `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /**
   * Where an idempotent route claims its key (`shared/http/idempotency.ts`): `with-change` in the
   * transaction of the one change it commits (a round trip fewer, and a duplicate changes nothing);
   * by default in a record of its own before the route runs. Only for routes whose success commits
   * at most one change through the write path and has no other side effect before it.
   */
  readonly idempotencyClaim?: 'with-change';
  /**
   * The Content-Security-Policy of an HTML page, replacing the API's default (which lets an HTML
   * response load nothing at all). Only pages set it, with only what they need.
   */
  readonly contentSecurityPolicy?: string;
  /**
   * A public read shared caches may keep: its 200 goes with `Cache-Control: public, max-age=300`
   * (every other answer `no-store`), and a JSON or CSV 200 with a strong ETag — the route's own
   * (a version) or a fingerprint of its bytes — and 304 without a body on a matching
   * `If-None-Match`. The HTTP layer does it and the OpenAPI document declares it, from this flag.
   */
  readonly publicCache?: true;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

export const defaultMaxBodyBytes = 256 * 1024;

/** The Cache-Control of a `publicCache` route's 200: shared caches may keep it five minutes. */
export const publicCacheControl = 'public, max-age=300';

/** Longest `Idempotency-Key` accepted (the key is stored with the replay record). */
export const idempotencyKeyMaxChars = 255;

export const routeKeyOf = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/**
 * The route key of the HEAD route the stack deploys beside a GET route (API Gateway matches HEAD to
 * no GET route of its own), answered by the GET's implementation: RFC 9110 §9.3.2. Undefined for
 * other methods.
 */
export const headRouteKeyOf = (route: Pick<RouteSpec, 'method' | 'path'>): string | undefined =>
  route.method === 'GET' ? `HEAD ${route.path}` : undefined;

/** Every route key API Gateway sends a route's requests with: its own, and HEAD's for a GET route. */
export const routeKeysOf = (route: Pick<RouteSpec, 'method' | 'path'>): readonly string[] => {
  const head = headRouteKeyOf(route);
  return head === undefined ? [routeKeyOf(route)] : [routeKeyOf(route), head];
};

/** Identity helper that keeps the literal types of a route for typed implementations. */
export const defineRoute = <const R extends RouteSpec>(route: R): R => route;

type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Statuses a route implementation returns; errors are thrown and become problem+json. */
type SuccessStatus = 200 | 201 | 202 | 204 | 304;

/** Response bodies are read, never changed: domain data with readonly arrays fits them as is. */
type DeepReadonly<T> = T extends (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * A documented schema makes the body required and typed; without one (e.g. 204) it is free. A text
 * response is its text, or its bytes when the route has compressed them (`content-encoding`). A
 * response without a schema may send `text` instead (content negotiated by the route, e.g. CSV).
 */
type BodyOf<Response> = Response extends { readonly mediaType: TextMediaType }
  ? { readonly body: string | Uint8Array }
  : Response extends { readonly schema: infer Schema extends z.ZodType; readonly alternative: object }
    ? { readonly body: DeepReadonly<z.input<Schema>> } | { readonly text: string }
    : Response extends { readonly schema: infer Schema extends z.ZodType }
      ? { readonly body: DeepReadonly<z.input<Schema>> }
      : { readonly body?: unknown; readonly text?: string };

/**
 * What a route implementation returns, typed from its documented responses: one of its 2xx/304
 * statuses with a body the status's zod schema accepts. A view that drifts from the contract fails
 * to compile.
 */
export type RouteResponse<R extends RouteSpec> = {
  [Status in keyof R['responses'] & SuccessStatus]: {
    readonly status: Status;
    readonly headers?: Readonly<Record<string, string>>;
  } & BodyOf<R['responses'][Status]>;
}[keyof R['responses'] & SuccessStatus];

/** What a route implementation receives once middleware has authenticated and validated. */
export interface RouteInput<R extends RouteSpec> {
  readonly params: OutputOf<R['params']>;
  readonly query: OutputOf<R['query']>;
  readonly body: OutputOf<R['body']>;
  /** The body's media type as read (lower-case), when the route takes a body. */
  readonly bodyMediaType: BodyContentType | undefined;
  /** For CSV bodies: the line on which each row ends (header = line 1). */
  readonly csvLines: readonly number[] | undefined;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}
