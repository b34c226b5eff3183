import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { scope, scopeDescriptions, scopeNames } from './access.ts';
import { commonErrorResponses } from './route-kit.ts';
import {
  defaultMaxBodyBytes,
  idempotencyKeyMaxChars,
  type ResponseSpec,
  type RouteSpec,
} from './route-spec.ts';
import { routeList } from './routes.ts';

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const oauthScheme = 'oauth2';

const etagHeader = (description: string) => z.string().meta({ description, example: '"3"' });

/** The request headers the HTTP layer reads for a route, from its flags. */
const requestHeaders = (route: RouteSpec) => {
  const headers = {
    ...(route.requiresIfMatch
      ? {
          'If-Match': etagHeader(
            'The ETag you last read (a never-saved draft: "0"; `*` is refused): 428 without it, 412 when stale',
          ),
        }
      : route.optionalIfMatch
        ? {
            'If-Match': etagHeader(
              'The ETag you last read; when sent it must match (412 when stale)',
            ).optional(),
          }
        : {}),
    ...(route.idempotent
      ? {
          'Idempotency-Key': z.string().min(1).max(idempotencyKeyMaxChars).optional().meta({
            description:
              'A retry with the same key replays the first response for 24 h (`Idempotent-Replayed: true`); the same key with another request answers 422, one still running 409',
            example: 'submit-2026-prov-jawa-timur-1',
          }),
        }
      : {}),
  };
  return Object.keys(headers).length > 0 ? z.object(headers) : undefined;
};

const kib = (bytes: number) => `${bytes / 1024} KiB`;

/**
 * The problem responses the HTTP layer gives on its own, whatever the route says: 413 over the
 * body limit, 412/428 on If-Match. A route's own documentation of a status wins.
 */
const httpLayerResponses = (route: RouteSpec): Readonly<Record<number, ResponseSpec>> => {
  const responses: Record<number, ResponseSpec> = {};
  if (route.body) {
    const maxBytes = route.maxBodyBytes ?? defaultMaxBodyBytes;
    responses[413] = {
      ...commonErrorResponses[413],
      description: `The request body is larger than this route’s limit of ${maxBytes} bytes (${kib(maxBytes)})`,
    };
  }
  if (route.requiresIfMatch || route.optionalIfMatch) responses[412] = commonErrorResponses[412];
  if (route.requiresIfMatch) responses[428] = commonErrorResponses[428];
  return responses;
};

/**
 * API Gateway admits a token carrying any one of a route's scopes; OpenAPI requires every scope of
 * one requirement object, so each scope is its own alternative.
 */
const securityOf = (route: RouteSpec) => {
  if (route.access.kind === 'public') return [];
  if (route.access.scopes.length === 0) return [{ [oauthScheme]: [] }];
  return route.access.scopes.map((required) => ({ [oauthScheme]: [required] }));
};

/**
 * The body as published. Rows a route validates one by one (`rowSchema`) are published as the
 * items of their field, within the limits the envelope sets.
 */
const publishedBody = (route: RouteSpec): z.ZodType | undefined => {
  const { body, rowSchema, csvRowsField } = route;
  if (!(body instanceof z.ZodObject) || !rowSchema || !csvRowsField) return body;
  const rows = body.shape[csvRowsField];
  if (!(rows instanceof z.ZodArray)) return body;
  const typedRows = rows
    .clone({ ...rows.def, element: rowSchema } as typeof rows.def)
    .meta(rows.meta() ?? {});
  return body.extend({ [csvRowsField]: typedRows }).meta({ description: body.meta()?.description });
};

const responseContent = (status: number, schema: z.ZodType | undefined) => {
  if (!schema) return undefined;
  const mediaType = status >= 400 ? 'application/problem+json' : 'application/json';
  return { [mediaType]: { schema } };
};

/**
 * Builds the OpenAPI 3.1 document from the route table and its zod schemas — the same schemas the
 * handlers validate with, so the contract cannot drift from the code.
 */
export const buildOpenApiDocument = (options: { version: string; serverUrl?: string }): OpenApiDocument => {
  const registry = new OpenAPIRegistry();
  const scopes = Object.fromEntries(scopeNames.map((name) => [scope(name), scopeDescriptions[name]]));
  registry.registerComponent('securitySchemes', oauthScheme, {
    type: 'oauth2',
    description:
      'OAuth2 access tokens (JWT; ID tokens are refused) with claims `custom:role` (admin | assessor | agency) and `custom:agency_id` (agency operators). The URLs are placeholders relative to the deployment’s issuer: the stack’s Cognito user pool domain, or the identity provider it is configured with (`jwtIssuer`). Agency portals and ministry systems use client credentials; people sign in through the authorization code flow.',
    flows: {
      authorizationCode: { authorizationUrl: '/oauth2/authorize', tokenUrl: '/oauth2/token', scopes },
      clientCredentials: { tokenUrl: '/oauth2/token', scopes },
    },
  });
  for (const route of routeList) {
    const bodyTypes = route.bodyContentTypes ?? ['application/json'];
    const headers = requestHeaders(route);
    const body = publishedBody(route);
    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [...route.tags],
      security: securityOf(route),
      ...(route.access.kind === 'jwt' ? { 'x-roles': [...route.access.roles] } : {}),
      request: {
        ...(headers ? { headers } : {}),
        ...(route.params ? { params: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
        ...(body
          ? {
              body: {
                required: true,
                content: Object.fromEntries(
                  bodyTypes.map((type) => [
                    type,
                    type === 'text/csv'
                      ? { schema: { type: 'string' as const, description: 'CSV with a header line' } }
                      : { schema: body },
                  ]),
                ),
              },
            }
          : {}),
      },
      responses: Object.fromEntries(
        Object.entries({ ...httpLayerResponses(route), ...route.responses }).map(([status, response]) => {
          const content = responseContent(Number(status), response.schema);
          return [
            status,
            {
              description: response.description,
              ...(content ? { content } : {}),
              ...(response.headers
                ? {
                    headers: Object.fromEntries(
                      response.headers.map((header) => [header, { schema: { type: 'string' as const } }]),
                    ),
                  }
                : {}),
            },
          ];
        }),
      ),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'SPBE Award API',
      version: options.version,
      description:
        'Runs Indonesia’s SPBE (e-government maturity) evaluation and the Digital Government Award: agency registry, cycles, self-assessments, assessments, results, rankings and awards. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: options.serverUrl ?? '/' }],
  });
};
