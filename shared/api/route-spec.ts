import type * as z from 'zod';
import type { Role, Scope } from './access.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Lambda functions are grouped by capability: each capability is one function (one entry file
 * `functions/<capability>/handler.ts`) serving several routes, so related routes share warm
 * containers while unrelated ones scale and fail apart.
 */
export const capabilities = ['public', 'registry', 'submissions'] as const;
export type Capability = (typeof capabilities)[number];

export type RouteAccess =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'jwt';
      /** Roles the Lambda admits; another role gets 403. */
      readonly roles: readonly Role[];
      /** Scopes API Gateway's authorizer admits (any one). Empty: any valid token. */
      readonly scopes: readonly Scope[];
    };

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Response headers worth documenting, e.g. ETag. */
  readonly headers?: readonly string[];
}

export type BodyContentType = 'application/json' | 'text/csv';

export interface RouteSpec {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway route path, parameters in braces: `/v1/cycles/{year}`. */
  readonly path: string;
  readonly capability: Capability;
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
  /** Body size limit in bytes; default `defaultMaxBodyBytes`. */
  readonly maxBodyBytes?: number;
  /** Writes guarded by optimistic concurrency: `If-Match` required (428 without, 412 when stale). */
  readonly requiresIfMatch?: boolean;
  /** POST routes that honour `Idempotency-Key`. */
  readonly idempotent?: boolean;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

export const defaultMaxBodyBytes = 256 * 1024;

export const routeKeyOf = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/** Identity helper that keeps the literal types of a route for typed implementations. */
export const defineRoute = <const R extends RouteSpec>(route: R): R => route;

type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

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
