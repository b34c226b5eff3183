import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig, requireEventsTable } from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
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
export const dispatcherFromEnvironment = () => {
  const config = loadConfig();
  const webhookConfig = loadWebhookConfig();
  const metrics = createMetrics();
  const dispatcher = createWebhookDispatcher({
    ...createDynamoDbPorts(createDocumentClient(), {
      programme: config.programmeTableName,
      events: requireEventsTable(config),
    }),
    queue: createSqsDeliveryQueue(traced(new SQSClient({})), requireDeliveryQueueUrl(webhookConfig)),
    sender: createHttpSender({ allowLoopbackHttp: webhookConfig.allowLoopbackHttp }),
    ids: systemIds,
    clock: systemClock,
    metrics: createCloudWatchDeliveryMetrics(metrics),
    random: Math.random,
  });
  return { dispatcher, metrics };
};
