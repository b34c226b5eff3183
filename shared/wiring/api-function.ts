import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AppConfig, loadConfig, requireRateLimitTable } from '#shared/config.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import type { HttpOptions } from '#shared/http/lambda-handler.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemClock } from '#shared/runtime/system.ts';

/**
 * What every API function builds once per container, at cold start, before its own stores: the
 * configuration, the redacting logger, its one DynamoDB client (traced; the DocumentClient wraps it,
 * the idempotency guard and the rate limiter share it) and the HTTP options every dispatcher takes
 * — CORS, the clock, metrics and the per-client rate limit. Each function adds what only its routes
 * need (the CSV reader, the idempotency guard: `idempotency.ts` beside this file), so that a function
 * without them does not bundle them.
 */
export interface ApiFunctionBase {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly dynamodb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly programme: string;
  readonly http: HttpOptions;
}

export const apiFunctionBase = (): ApiFunctionBase => {
  const config = loadConfig();
  const logger = createLogger();
  const dynamodb = functionDynamoDbClient();
  const documents = createDocumentClient(dynamodb);
  return {
    config,
    logger,
    dynamodb,
    documents,
    programme: config.programmeTableName,
    http: {
      logger,
      corsAllowedOrigins: config.corsAllowedOrigins,
      clock: systemClock,
      metrics: createMetrics(),
      rateLimit: {
        limiter: createDynamoDbRateLimiter(documents, requireRateLimitTable(config)),
        policies: config.rateLimitPolicies,
      },
    },
  };
};
