import * as z from 'zod';
import { HealthSchema, MeSchema, ProblemSchema } from '../schemas/common.ts';
import { type RouteSpec, defineRoute, routeKeyOf } from './route-spec.ts';

/**
 * The one route table. The CDK stack creates an API Gateway route per entry (with the JWT
 * authorizer and scopes for non-public ones) pointing at the entry's capability function; the local
 * runtime matches requests against it; each capability handler dispatches on its route keys; the
 * OpenAPI document is generated from it. Adding a route is adding an entry here and its
 * implementation in `functions/<capability>/`.
 */

const problem = (description: string) => ({ description, schema: ProblemSchema });

export const commonErrorResponses = {
  400: problem('Invalid request: `errors[]` names each invalid field'),
  401: problem('Missing, expired or invalid token'),
  403: problem('The token’s role or scopes do not allow this route'),
  404: problem('Not found, or not visible to this caller'),
  500: problem('Unexpected error; `requestId` identifies it in the logs'),
} as const;

export const routes = {
  getHealth: defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    capability: 'public',
    access: { kind: 'public' },
    summary: 'Liveness and readiness: checks that every table answers',
    tags: ['Public'],
    responses: { 200: { description: 'Healthy', schema: HealthSchema }, 503: problem('A table does not answer') },
  }),
  getOpenApi: defineRoute({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    capability: 'public',
    access: { kind: 'public' },
    summary: 'This API’s OpenAPI 3.1 document — the contract',
    tags: ['Public'],
    responses: { 200: { description: 'OpenAPI document' } },
  }),
  getMe: defineRoute({
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    capability: 'public',
    access: { kind: 'jwt', roles: ['admin', 'assessor', 'agency'], scopes: [] },
    summary: 'The caller’s role, agency and scopes as the API understands them',
    description: 'What a portal integrator checks first: any valid token may call it.',
    tags: ['Identity'],
    responses: { 200: { description: 'The caller', schema: MeSchema }, 401: commonErrorResponses[401] },
  }),
} as const satisfies Record<string, RouteSpec>;

export type OperationId = keyof typeof routes;

export const routeList: readonly RouteSpec[] = Object.values(routes);

export const routesByKey: ReadonlyMap<string, RouteSpec> = new Map(routeList.map((r) => [routeKeyOf(r), r]));

/** Empty response schema helper for 204 routes. */
export const NoContent = z.undefined();
