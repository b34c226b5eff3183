import {
  loadConfig,
  requireEventsTable,
  requireIdempotencyTable,
  requireRateLimitTable,
} from '#shared/config.ts';
import { createAwardStore } from '#shared/dynamodb/award-store.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createRankingStore } from '#shared/dynamodb/ranking-store.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import { createResultStore } from '#shared/dynamodb/result-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemClock, systemIds } from '#shared/runtime/system.ts';
import { createAwardsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores and the idempotency guard (publish honours Idempotency-Key).
const config = loadConfig();
const logger = createLogger();
// One DynamoDB client: the DocumentClient wraps it, the idempotency guard uses it as is.
const dynamodb = functionDynamoDbClient();
const documents = createDocumentClient(dynamodb);
const programme = config.programmeTableName;

export const handler = createAwardsHandler({
  cycles: createCycleStore(documents, programme),
  rankings: createRankingStore(documents, programme),
  results: createResultStore(documents, programme),
  awards: createAwardStore(documents, programme),
  writes: createWritePath(documents, { programme, events: requireEventsTable(config) }),
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
    idempotency: createIdempotencyGuard(requireIdempotencyTable(config), dynamodb, (bytes) =>
      logger.warn('Idempotent response too large to store for replay', { bytes }),
    ),
  },
});
