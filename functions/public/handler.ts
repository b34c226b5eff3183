import { openApiFileName } from '#shared/api/public/openapi-file.ts';
import { createHealthProbe } from '#shared/dynamodb/health-probe.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { bundledOpenApiDocument } from './openapi-document.ts';
import { createPublicHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start.
const base = apiFunctionBase();
const { config, logger, documents } = base;

export const handler = createPublicHandler({
  http: base.http,
  serviceVersion: config.serviceVersion,
  // Generated at build time and copied beside the bundle (infra/bundled-files.ts).
  openApiDocument: bundledOpenApiDocument(
    config.openApiDocumentFile ?? new URL(`./${openApiFileName}`, import.meta.url),
    config.serviceVersion,
  ),
  // Every table the API depends on must answer (keys that never exist: half a read unit each).
  health: createHealthProbe(
    documents,
    [
      { name: 'programme', tableName: config.programmeTableName, key: { PK: 'HEALTH', SK: 'HEALTH' } },
      ...(config.eventsTableName
        ? [{ name: 'events', tableName: config.eventsTableName, key: { PK: 'HEALTH', SK: 'HEALTH' } }]
        : []),
      ...(config.idempotencyTableName
        ? [{ name: 'idempotency', tableName: config.idempotencyTableName, key: { id: 'HEALTH' } }]
        : []),
    ],
    (table, error) => logger.warn('Health check failed', { table, error: error as Error }),
  ),
});
