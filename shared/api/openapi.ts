import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type * as z from 'zod';
import { resourceServerIdentifier, scopeDescriptions, scopeNames } from './access.ts';
import { routeList } from './routes.ts';

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const bearerScheme = 'bearerAuth';

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
  registry.registerComponent('securitySchemes', bearerScheme, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `OAuth2 access token. Scopes: ${scopeNames
      .map((name) => `\`${resourceServerIdentifier}/${name}\` (${scopeDescriptions[name]})`)
      .join(
        '; ',
      )}. Claims \`custom:role\` (admin | assessor | agency) and \`custom:agency_id\` (agency operators).`,
  });
  for (const route of routeList) {
    const bodyTypes = route.bodyContentTypes ?? ['application/json'];
    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [...route.tags],
      ...(route.access.kind === 'jwt'
        ? {
            security: [{ [bearerScheme]: [...route.access.scopes] }],
            'x-roles': [...route.access.roles],
          }
        : { security: [] }),
      request: {
        ...(route.params ? { params: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
        ...(route.body
          ? {
              body: {
                required: true,
                content: Object.fromEntries(
                  bodyTypes.map((type) => [
                    type,
                    type === 'text/csv'
                      ? { schema: { type: 'string' as const, description: 'CSV with a header line' } }
                      : { schema: route.body as z.ZodType },
                  ]),
                ),
              },
            }
          : {}),
      },
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => {
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
