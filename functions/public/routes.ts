import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import type { FunctionDependencies } from '#shared/dependencies.ts';
import { findFramework } from '#shared/domain/framework/registry.ts';
import { NotFoundError, ServiceUnavailableError } from '#shared/errors.ts';
import { createCapabilityHandler } from '#shared/http/capability-handler.ts';

const publicCache = { 'cache-control': 'public, max-age=300' } as const;

/** Public routes and `/v1/me`: health, the framework, the OpenAPI contract. */
export const createPublicHandler = (dependencies: FunctionDependencies) => {
  const { config, documentClient } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  // Built once per container: the document is a pure function of the route table.
  let openApiDocument: ReturnType<typeof buildOpenApiDocument> | undefined;

  const checkTable = async (name: string, tableName: string, key: Record<string, string>) => {
    const started = performance.now();
    try {
      // A GetItem on a key that never exists: proves the table answers, costs half a read unit.
      await documentClient.send(new GetCommand({ TableName: tableName, Key: key }));
      return { name, status: 'ok' as const, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      dependencies.logger.warn('Health check failed', { table: name, error: error as Error });
      return { name, status: 'failed' as const, latencyMs: Math.round(performance.now() - started) };
    }
  };

  return createCapabilityHandler(
    'public',
    {
      getHealth: async () => {
        const checks = await Promise.all([
          checkTable('programme', config.programmeTableName, { PK: 'HEALTH', SK: 'HEALTH' }),
          ...(config.idempotencyTableName
            ? [checkTable('idempotency', config.idempotencyTableName, { id: 'HEALTH' })]
            : []),
        ]);
        if (checks.some((check) => check.status === 'failed')) {
          throw new ServiceUnavailableError('A table does not answer.', { extensions: { checks } });
        }
        return {
          status: 200,
          body: { status: 'ok', checks, version: config.serviceVersion, time: now().toISOString() },
        };
      },
      getOpenApi: async () => {
        openApiDocument ??= buildOpenApiDocument({ version: config.serviceVersion });
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
    { logger: dependencies.logger, corsAllowedOrigins: config.corsAllowedOrigins },
  );
};
