import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { findFramework } from '#shared/domain/framework/registry.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { checkHealth, type HealthProbe } from '#shared/services/public/health.ts';

const publicCache = { 'cache-control': 'public, max-age=300' } as const;

export interface PublicDependencies {
  readonly http: HttpOptions;
  readonly health: HealthProbe;
  readonly serviceVersion: string;
}

/** Public routes and `/v1/me`: health, the framework, the OpenAPI contract. */
export const createPublicHandler = ({ http, health, serviceVersion }: PublicDependencies) => {
  // Built once per container: the document is a pure function of the route table.
  let openApiDocument: ReturnType<typeof buildOpenApiDocument> | undefined;

  return createLambdaHandler(
    'public',
    {
      getHealth: async (_input, { now }) => ({
        status: 200,
        body: await checkHealth(health, serviceVersion, now),
      }),
      getOpenApi: async () => {
        openApiDocument ??= buildOpenApiDocument({ version: serviceVersion });
        return { status: 200, body: openApiDocument, headers: publicCache };
      },
      getFramework: async ({ params }) => {
        const framework = findFramework(params.frameworkId);
        if (!framework) throw new NotFoundError(`No framework "${params.frameworkId}".`);
        return { status: 200, body: framework, headers: publicCache };
      },
      getMe: async (_input, { identity }) => {
        // The dispatcher guarantees an identity on JWT routes.
        if (!identity) throw new Error('getMe reached without an identity');
        return {
          status: 200,
          body: {
            subject: identity.subject,
            ...(identity.clientId ? { clientId: identity.clientId } : {}),
            role: identity.role,
            ...(identity.agencyId ? { agencyId: identity.agencyId } : {}),
            scopes: [...identity.scopes],
            ...(identity.name ? { name: identity.name } : {}),
            ...(identity.expiresAt ? { tokenExpiresAt: identity.expiresAt.toISOString() } : {}),
          },
        };
      },
    },
    http,
  );
};
