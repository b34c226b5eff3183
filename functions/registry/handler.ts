import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, requireEventsTable, requireIdempotencyTable } from '#shared/config.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { systemClock, systemIds } from '#shared/runtime/system.ts';
import { createRegistryHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start.
const config = loadConfig();
const logger = new Logger();

export const handler = createRegistryHandler({
  ...createDynamoDbPorts(createDocumentClient(), {
    programme: config.programmeTableName,
    events: requireEventsTable(config),
  }),
  ids: systemIds,
  http: {
    logger,
    corsAllowedOrigins: config.corsAllowedOrigins,
    clock: systemClock,
    idempotency: createIdempotencyGuard(requireIdempotencyTable(config), functionDynamoDbClient(), (bytes) =>
      logger.warn('Idempotent response too large to store for replay', { bytes }),
    ),
  },
});
