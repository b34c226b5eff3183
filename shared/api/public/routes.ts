import * as z from 'zod';
import { HealthSchema, MeSchema } from '#shared/api/common/schemas.ts';
import {
  anyCaller,
  commonErrorResponses,
  errors,
  problemResponse,
  publicAccess,
} from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec, type TextMediaType } from '#shared/api/route-spec.ts';
import { docsContentSecurityPolicy } from './docs.ts';
import {
  FrameworkParamsSchema,
  FrameworkSchema,
  OpenApiDocumentSchema,
  ProblemTypeParamsSchema,
} from './schemas.ts';

/** A text response of at most `maxChars` characters: what the docs page's routes send. */
const text = <const M extends TextMediaType>(description: string, mediaType: M, maxChars: number) =>
  ({ description, mediaType, schema: z.string().max(maxChars) }) as const;

/** The problem type pages are plain HTML: nothing to load but their empty icon. */
export const problemPagesContentSecurityPolicy = [
  "default-src 'none'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const docsRoute = {
  lambda: 'public',
  access: publicAccess,
  tags: ['Docs'],
} as const;

/** Public reads and the caller's own identity: health, the contract and its docs page, the framework, `/me`. */
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
    publicCache: true,
    method: 'GET',
    path: '/v1/openapi.json',
    lambda: 'public',
    access: publicAccess,
    summary: 'This API’s OpenAPI 3.1 document — the contract',
    tags: ['Public'],
    responses: { 200: { description: 'OpenAPI document', schema: OpenApiDocumentSchema } },
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
    publicCache: true,
    method: 'GET',
    path: '/v1/frameworks/{frameworkId}',
    lambda: 'public',
    access: publicAccess,
    summary: 'An SPBE framework version: domains, aspects, 47 indicators, weights, levels, predicate bands',
    tags: ['Public'],
    params: FrameworkParamsSchema,
    responses: { 200: { description: 'The framework', schema: FrameworkSchema }, ...errors(400, 404) },
  }),
  getDocs: defineRoute({
    ...docsRoute,
    operationId: 'getDocs',
    publicCache: true,
    method: 'GET',
    path: '/docs',
    summary: 'This reference: Swagger UI over the served document, from the API itself (no CDN)',
    description:
      'An HTML page with its own Content-Security-Policy: it loads only its script, stylesheet and initializer from `/docs/…` and the document from `/v1/openapi.json`.',
    contentSecurityPolicy: docsContentSecurityPolicy,
    responses: { 200: text('The page', 'text/html', 4096) },
  }),
  getDocsScript: defineRoute({
    ...docsRoute,
    operationId: 'getDocsScript',
    publicCache: true,
    method: 'GET',
    path: '/docs/swagger-ui-bundle.js',
    summary: 'The docs page’s script (swagger-ui-dist), gzip-compressed when the client accepts it',
    responses: { 200: text('Swagger UI', 'text/javascript', 4 * 1024 * 1024) },
  }),
  getDocsStylesheet: defineRoute({
    ...docsRoute,
    operationId: 'getDocsStylesheet',
    publicCache: true,
    method: 'GET',
    path: '/docs/swagger-ui.css',
    summary: 'The docs page’s stylesheet (swagger-ui-dist), gzip-compressed when the client accepts it',
    responses: { 200: text('Swagger UI’s styles', 'text/css', 1024 * 1024) },
  }),
  getDocsInitializer: defineRoute({
    ...docsRoute,
    operationId: 'getDocsInitializer',
    publicCache: true,
    method: 'GET',
    path: '/docs/swagger-initializer.js',
    summary: 'The docs page’s initializer: starts Swagger UI on /v1/openapi.json, validator off',
    responses: { 200: text('The initializer', 'text/javascript', 4096) },
  }),
  listProblemTypes: defineRoute({
    ...docsRoute,
    operationId: 'listProblemTypes',
    publicCache: true,
    method: 'GET',
    path: '/problems',
    summary: 'Every problem type the API answers with: an HTML page linking each one’s page',
    contentSecurityPolicy: problemPagesContentSecurityPolicy,
    responses: { 200: text('The page', 'text/html', 64 * 1024) },
  }),
  getProblemType: defineRoute({
    ...docsRoute,
    operationId: 'getProblemType',
    publicCache: true,
    method: 'GET',
    path: '/problems/{slug}',
    summary: 'What one problem type means and what to do about it: the page its `type` URI names',
    description:
      'Every problem document’s `type` is a relative URI such as `/problems/validation-failed`; resolved against the API’s address it leads here (RFC 9457 §3.1.1). An HTML page: the status, the title, when the API answers with it, what to do next, and whether retrying can help.',
    params: ProblemTypeParamsSchema,
    contentSecurityPolicy: problemPagesContentSecurityPolicy,
    responses: { 200: text('The page', 'text/html', 16 * 1024), ...errors(400, 404) },
  }),
} as const satisfies Record<string, RouteSpec>;
