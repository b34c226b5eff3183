import {
  loadConfig,
  requireEventsTable,
  requireIdempotencyTable,
  requireRateLimitTable,
} from '#shared/config.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import {
  createAssessmentStore,
  createAssessorStore,
  createAssignmentStore,
} from '#shared/dynamodb/assessment-store.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import { createSelfAssessmentStore } from '#shared/dynamodb/self-assessment-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { readCsvBody } from '#shared/http/csv-body.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemClock } from '#shared/runtime/system.ts';
import { createAssessmentHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores, the CSV reader (assignments) and the idempotency guard.
const config = loadConfig();
const logger = createLogger();
// One DynamoDB client: the DocumentClient wraps it, the idempotency guard uses it as is.
const dynamodb = functionDynamoDbClient();
const documents = createDocumentClient(dynamodb);
const programme = config.programmeTableName;

export const handler = createAssessmentHandler({
  agencies: createAgencyStore(documents, programme),
  cycles: createCycleStore(documents, programme),
  selfAssessments: createSelfAssessmentStore(documents, programme),
  assessors: createAssessorStore(documents, programme),
  assignments: createAssignmentStore(documents, programme),
  assessments: createAssessmentStore(documents, programme),
  writes: createWritePath(documents, { programme, events: requireEventsTable(config) }),
  http: {
    logger,
    corsAllowedOrigins: config.corsAllowedOrigins,
    clock: systemClock,
    metrics: createMetrics(),
    rateLimit: {
      limiter: createDynamoDbRateLimiter(documents, requireRateLimitTable(config)),
      policies: config.rateLimitPolicies,
    },
    csv: readCsvBody,
    idempotency: createIdempotencyGuard(requireIdempotencyTable(config), dynamodb, (bytes) =>
      logger.warn('Idempotent response too large to store for replay', { bytes }),
    ),
  },
});
