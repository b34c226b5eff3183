import {
  loadConfig,
  requireEventsTable,
  requireIdempotencyTable,
  requireRateLimitTable,
} from '#shared/config.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import { createSelfAssessmentStore } from '#shared/dynamodb/self-assessment-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemClock, systemIds } from '#shared/runtime/system.ts';
import { createSubmissionsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores and the idempotency guard (submission).
const config = loadConfig();
const logger = createLogger();
// One DynamoDB client: the DocumentClient wraps it, the idempotency guard uses it as is.
const dynamodb = functionDynamoDbClient();
const documents = createDocumentClient(dynamodb);
const programme = config.programmeTableName;

export const handler = createSubmissionsHandler({
  selfAssessments: createSelfAssessmentStore(documents, programme),
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
