import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { webhookMetricNames } from '#shared/domain/webhooks/delivery.ts';
import type { DeliveryMetrics } from '#shared/services/webhooks/ports.ts';

/** Delivery counters as CloudWatch metrics (Powertools, embedded metric format): they feed the alarms. */
export const createCloudWatchDeliveryMetrics = (metrics: Metrics): DeliveryMetrics => ({
  delivered: (latencyMs) => {
    metrics.addMetric(webhookMetricNames.delivered, MetricUnit.Count, 1);
    metrics.addMetric(webhookMetricNames.latency, MetricUnit.Milliseconds, latencyMs);
  },
  failed: () => metrics.addMetric(webhookMetricNames.failed, MetricUnit.Count, 1),
  endpointDisabled: () => metrics.addMetric(webhookMetricNames.endpointsDisabled, MetricUnit.Count, 1),
  publicationStalled: () => metrics.addMetric(webhookMetricNames.stalled, MetricUnit.Count, 1),
});
