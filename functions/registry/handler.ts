import {
  loadConfig,
  requireEventsTable,
  requireIdempotencyTable,
  requireRateLimitTable,
} from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemClock, systemIds } from '#shared/runtime/system.ts';
import { createRegistryHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start.
const config = loadConfig();
const logger = createLogger();
const documents = createDocumentClient();

export const handler = createRegistryHandler({
  ...createDynamoDbPorts(documents, {
    programme: config.programmeTableName,
    events: requireEventsTable(config),
  }),
  ids: systemIds,
  http: {
    logger,
    corsAllowedOrigins: config.corsAllowedOrigins,
    clock: systemClock,
    metrics: createMetrics(),
    rateLimit: {
      limiter: createDynamoDbRateLimiter(documents, requireRateLimitTable(config)),
      policies: config.rateLimitPolicies,
    },
    idempotency: createIdempotencyGuard(requireIdempotencyTable(config), undefined, (bytes) =>
      logger.warn('Idempotent response too large to store for replay', { bytes }),
    ),
  },
});
