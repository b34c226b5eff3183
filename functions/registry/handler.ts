import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, requireIdempotencyTable } from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { createRegistryHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start.
const config = loadConfig();
const logger = new Logger();

export const handler = createRegistryHandler({
  config,
  logger,
  documentClient: createDocumentClient(),
  idempotency: createIdempotencyGuard(requireIdempotencyTable(config), undefined, (bytes) =>
    logger.warn('Idempotent response too large to store for replay', { bytes }),
  ),
});
