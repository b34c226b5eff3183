import {
  loadConfig,
  requireEventsTable,
  requireIdempotencyTable,
  requireRateLimitTable,
} from '#shared/config.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import { createWebhookDeliveryStore } from '#shared/dynamodb/webhook-delivery-store.ts';
import { createWebhookEndpointStore } from '#shared/dynamodb/webhook-endpoint-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemClock, systemIds, systemSecrets } from '#shared/runtime/system.ts';
import { loadWebhookConfig } from '#shared/webhooks/config.ts';
import { createDnsResolver } from '#shared/webhooks/dns-resolver.ts';
import { createWebhooksHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores, the DNS check of endpoint URLs and the idempotency guard.
const config = loadConfig();
const webhookConfig = loadWebhookConfig();
const logger = createLogger();
// One DynamoDB client: the DocumentClient wraps it, the idempotency guard uses it as is.
const dynamodb = functionDynamoDbClient();
const documents = createDocumentClient(dynamodb);
const tables = { programme: config.programmeTableName, events: requireEventsTable(config) };

export const handler = createWebhooksHandler({
  agencies: createAgencyStore(documents, tables.programme),
  webhookEndpoints: createWebhookEndpointStore(documents, tables.programme),
  webhookDeliveries: createWebhookDeliveryStore(documents, tables),
  writes: createWritePath(documents, tables),
  ids: systemIds,
  secrets: systemSecrets,
  resolver: createDnsResolver(),
  urlPolicy: { allowLoopbackHttp: webhookConfig.allowLoopbackHttp },
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
