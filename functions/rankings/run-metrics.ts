import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricNames } from '#shared/domain/metrics.ts';
import type { RankingWorkerResult } from './worker.ts';

/** The duration a published run's report states (`durationMs`), if it states one. */
const reportedDurationMs = (report: unknown): number | undefined => {
  const duration = (report as { readonly durationMs?: unknown } | null | undefined)?.durationMs;
  return typeof duration === 'number' && Number.isFinite(duration) ? duration : undefined;
};

/**
 * The worker with its CloudWatch metrics: a published run counts `RankingRunsPublished` and its
 * `RankingRunDuration` (over every invocation of the run), a run that confirmed the published
 * ranking (`unchanged`) `RankingRunsConfirmed`, a failed invocation `RankingRunFailures`
 * (the alarm's signal; Lambda retries it and at last dead-letters it). `npm run rankings` runs the
 * worker without this: no CloudWatch there.
 */
export const withRunMetrics =
  <Event, Context>(
    worker: (event: Event, context: Context) => Promise<RankingWorkerResult>,
    metrics: Pick<Metrics, 'addMetric'>,
  ) =>
  async (event: Event, context: Context): Promise<RankingWorkerResult> => {
    let result: RankingWorkerResult;
    try {
      result = await worker(event, context);
    } catch (error) {
      metrics.addMetric(metricNames.rankingRunFailures, MetricUnit.Count, 1);
      throw error;
    }
    const durationMs = result.outcome === 'published' ? reportedDurationMs(result.report) : undefined;
    if (durationMs !== undefined) {
      metrics.addMetric(metricNames.rankingRunsPublished, MetricUnit.Count, 1);
      metrics.addMetric(metricNames.rankingRunDuration, MetricUnit.Milliseconds, durationMs);
    }
    // Counted when the run answers `unchanged`, a retry of an invocation whose answer was lost
    // included: that retry is the only answer such a run gives.
    if (result.outcome === 'unchanged')
      metrics.addMetric(metricNames.rankingRunsConfirmed, MetricUnit.Count, 1);
    return result;
  };
