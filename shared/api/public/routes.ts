import { HealthSchema, MeSchema } from '#shared/api/common/schemas.ts';
import {
  anyCaller,
  commonErrorResponses,
  errors,
  problemResponse,
  publicAccess,
} from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec } from '#shared/api/route-spec.ts';
import { FrameworkParamsSchema, FrameworkSchema } from './schemas.ts';

/** Public reads and the caller's own identity: health, the contract, the framework, `/me`. */
export const publicRoutes = {
  getHealth: defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    lambda: 'public',
    access: publicAccess,
    summary: 'Liveness and readiness: checks that every table answers',
    tags: ['Public'],
    responses: {
      200: { description: 'Healthy', schema: HealthSchema },
      503: problemResponse('A table does not answer'),
    },
  }),
  getOpenApi: defineRoute({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    lambda: 'public',
    access: publicAccess,
    summary: 'This API’s OpenAPI 3.1 document — the contract',
    tags: ['Public'],
    responses: { 200: { description: 'OpenAPI document' } },
  }),
  getMe: defineRoute({
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    lambda: 'public',
    access: anyCaller,
    summary: 'The caller’s role, agency and scopes as the API understands them',
    description: 'What a portal integrator checks first: any valid token may call it.',
    tags: ['Identity'],
    responses: { 200: { description: 'The caller', schema: MeSchema }, 401: commonErrorResponses[401] },
  }),
  getFramework: defineRoute({
    operationId: 'getFramework',
    method: 'GET',
    path: '/v1/frameworks/{frameworkId}',
    lambda: 'public',
    access: publicAccess,
    summary: 'An SPBE framework version: domains, aspects, 47 indicators, weights, levels, predicate bands',
    tags: ['Public'],
    params: FrameworkParamsSchema,
    responses: { 200: { description: 'The framework', schema: FrameworkSchema }, ...errors(400, 404) },
  }),
} as const satisfies Record<string, RouteSpec>;
