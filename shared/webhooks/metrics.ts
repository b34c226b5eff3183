import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { webhookMetricNames } from '#shared/domain/webhooks/delivery.ts';
import type { DeliveryMetrics } from '#shared/services/webhooks/ports.ts';

/**
 * Delivery counters as CloudWatch metrics (Powertools, embedded metric format): they feed the alarms.
 * A stalled publication is also logged, naming the year and version the runbook's fix needs.
 */
export const createCloudWatchDeliveryMetrics = (metrics: Metrics, logger: Logger): DeliveryMetrics => ({
  delivered: (latencyMs) => {
    metrics.addMetric(webhookMetricNames.delivered, MetricUnit.Count, 1);
    metrics.addMetric(webhookMetricNames.latency, MetricUnit.Milliseconds, latencyMs);
  },
  failed: () => metrics.addMetric(webhookMetricNames.failed, MetricUnit.Count, 1),
  endpointDisabled: () => metrics.addMetric(webhookMetricNames.endpointsDisabled, MetricUnit.Count, 1),
  publicationUnfinished: (publication, forMs) => {
    metrics.addMetric(webhookMetricNames.unfinished, MetricUnit.Count, 1);
    logger.warn('Award publication unfinished: finish it with POST /v1/cycles/{year}/awards/publish', {
      ...publication,
      unfinishedMinutes: Math.round(forMs / 60_000),
    });
  },
});
