import type { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig, requireEventsTable } from '#shared/config.ts';
import { createAwardStore } from '#shared/dynamodb/award-store.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createWebhookDeliveryStore } from '#shared/dynamodb/webhook-delivery-store.ts';
import {
  createWebhookEndpointStore,
  webhookEndpointWrites,
} from '#shared/dynamodb/webhook-endpoint-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { createMetrics } from '#shared/observability/powertools.ts';
import { traced } from '#shared/observability/tracer.ts';
import { systemClock, systemIds } from '#shared/runtime/system.ts';
import { createWebhookDispatcher } from '#shared/services/webhooks/dispatcher.ts';
import { loadWebhookConfig, requireDeliveryQueueUrl } from '#shared/webhooks/config.ts';
import { createHttpSender } from '#shared/webhooks/http-sender.ts';
import { createCloudWatchDeliveryMetrics } from '#shared/webhooks/metrics.ts';
import { createSqsDeliveryQueue } from '#shared/webhooks/sqs-queue.ts';

/**
 * The dispatcher as the three dispatcher functions (stream, delivery, sweep) build it at cold
 * start: DynamoDB stores, the SQS delivery queue, the SSRF-filtering HTTP client, CloudWatch metrics.
 */
export const dispatcherFromEnvironment = (logger: Logger) => {
  const config = loadConfig();
  const webhookConfig = loadWebhookConfig();
  const metrics = createMetrics();
  const documents = createDocumentClient();
  const tables = { programme: config.programmeTableName, events: requireEventsTable(config) };
  const dispatcher = createWebhookDispatcher({
    // Only the stores delivery uses: no other capability's code in these bundles.
    webhookEndpoints: createWebhookEndpointStore(documents, tables.programme),
    webhookDeliveries: createWebhookDeliveryStore(documents, tables),
    awards: createAwardStore(documents, tables.programme),
    writes: createWritePath(documents, tables, webhookEndpointWrites),
    queue: createSqsDeliveryQueue(traced(new SQSClient({})), requireDeliveryQueueUrl(webhookConfig)),
    sender: createHttpSender({ allowLoopbackHttp: webhookConfig.allowLoopbackHttp }),
    ids: systemIds,
    clock: systemClock,
    metrics: createCloudWatchDeliveryMetrics(metrics, logger),
    random: Math.random,
  });
  return { dispatcher, metrics };
};
