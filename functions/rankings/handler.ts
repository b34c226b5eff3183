import { Logger } from '@aws-lambda-powertools/logger';
import { createLambdaRunLauncher } from '#shared/aws/lambda-launcher.ts';
import {
  ConfigurationError,
  loadConfig,
  requireEventsTable,
  requireIdempotencyTable,
} from '#shared/config.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { systemClock, systemIds } from '#shared/runtime/system.ts';
import { createRankingsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start.
const config = loadConfig();
const logger = new Logger();
if (!config.rankingRunFunctionName) {
  throw new ConfigurationError('Invalid function configuration — RANKING_RUN_FUNCTION_NAME: required');
}

export const handler = createRankingsHandler({
  ...createDynamoDbPorts(createDocumentClient(), {
    programme: config.programmeTableName,
    events: requireEventsTable(config),
  }),
  ids: systemIds,
  launcher: createLambdaRunLauncher(config.rankingRunFunctionName),
  http: {
    logger,
    corsAllowedOrigins: config.corsAllowedOrigins,
    clock: systemClock,
    idempotency: createIdempotencyGuard(requireIdempotencyTable(config), functionDynamoDbClient(), (bytes) =>
      logger.warn('Idempotent response too large to store for replay', { bytes }),
    ),
  },
});
