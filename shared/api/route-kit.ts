import { ProblemSchema } from '#shared/api/common/schemas.ts';
import { scope } from './access.ts';

/**
 * What capability route modules share: the documented problem responses and the common access
 * rules. Kept apart from `routes.ts` so modules never import the table they are assembled into.
 */

const problem = (description: string) => ({ description, schema: ProblemSchema });

export const problemResponse = problem;

/**
 * Statuses the HTTP layer answers from a route's flags (400, 429 and 500 on all; 401/403 with a token;
 * 413/415 with a body; 412/428 with If-Match; 409/422 when idempotent) are added to every such route
 * by the OpenAPI generator; list the others a route's logic gives (404, its own 409s …).
 */
export const commonErrorResponses = {
  400: problem('Invalid request: `errors[]` names each invalid field'),
  401: problem('Missing, expired or invalid token'),
  403: problem('The token’s role or scopes do not allow this route'),
  404: problem('Not found, or not visible to this caller'),
  406: problem(
    'Accept allows none of the media types this resource is available in (`available` lists them); `format` overrides Accept',
  ),
  500: problem('Unexpected error; `requestId` identifies it in the logs'),
  409: problem('Conflicts with the current state (window closed, already submitted, duplicate in flight)'),
  412: problem(
    'If-Match does not match the current ETag: re-read and retry. After a stale If-Match, `ETag` names the current version',
  ),
  413: problem('The request body is larger than this route accepts'),
  415: problem('Unsupported Content-Type, charset or Content-Encoding (bodies are uncompressed UTF-8)'),
  422: problem('Idempotency-Key reused with a different request'),
  428: problem('If-Match is required on this write'),
  429: problem(
    'Too many requests from this caller: wait `Retry-After` seconds. (API Gateway’s stage-wide throttle also answers 429, with its own `{"message":"Too Many Requests"}` body and none of these headers.)',
  ),
} as const;

/** The documented problem responses of these statuses, typed by status. */
export const errors = <const S extends readonly (keyof typeof commonErrorResponses)[]>(...statuses: S) =>
  Object.fromEntries(statuses.map((status) => [status, commonErrorResponses[status]])) as {
    [K in S[number]]: (typeof commonErrorResponses)[K];
  };

export const adminOnly = { kind: 'jwt', roles: ['admin'], scopes: [scope('admin')] } as const;
export const anyCaller = { kind: 'jwt', roles: ['admin', 'assessor', 'agency'], scopes: [] } as const;
export const publicAccess = { kind: 'public' } as const;

export const etag = ['ETag'] as const;
