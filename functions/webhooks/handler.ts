import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig, requireEventsTable, requireIdempotencyTable } from '#shared/config.ts';
import { createDocumentClient, functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { systemClock, systemIds, systemSecrets } from '#shared/runtime/system.ts';
import { loadWebhookConfig } from '#shared/webhooks/config.ts';
import { createDnsResolver } from '#shared/webhooks/dns-resolver.ts';
import { createWebhooksHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start.
const config = loadConfig();
const webhookConfig = loadWebhookConfig();
const logger = new Logger();

export const handler = createWebhooksHandler({
  ...createDynamoDbPorts(createDocumentClient(), {
    programme: config.programmeTableName,
    events: requireEventsTable(config),
  }),
  ids: systemIds,
  secrets: systemSecrets,
  resolver: createDnsResolver(),
  urlPolicy: { allowLoopbackHttp: webhookConfig.allowLoopbackHttp },
  http: {
    logger,
    corsAllowedOrigins: config.corsAllowedOrigins,
    clock: systemClock,
    idempotency: createIdempotencyGuard(requireIdempotencyTable(config), functionDynamoDbClient(), (bytes) =>
      logger.warn('Idempotent response too large to store for replay', { bytes }),
    ),
  },
});
