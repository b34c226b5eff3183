import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
} from 'aws-lambda';
import type { RouteSpec } from '#shared/api/route-spec.ts';
import type { OperationId } from '#shared/api/routes.ts';
import { type MetricName, metricNames, problemTypeDimension } from '#shared/domain/metrics.ts';
import { problemFromError } from './problem-details.ts';

type HttpEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;

/**
 * The business events counted where they happen: a successful answer of these operations that was
 * not a replay of an `Idempotency-Key` (a replay runs nothing). Keyed by operation id, so renaming a
 * route breaks the build rather than a metric. Result imports are not counted as finalized: they are
 * past cycles' results recorded again, not the review team's decisions.
 */
export const businessMetricsByOperation: Partial<Readonly<Record<OperationId, MetricName>>> = {
  submitSelfAssessment: metricNames.selfAssessmentsSubmitted,
  finalizeResult: metricNames.resultsFinalized,
};

/** `/problems/not-found` → `not-found`. */
const problemSlug = (type: string): string => type.slice(type.lastIndexOf('/') + 1);

/**
 * Counts every request (`Requests`), every problem answer by its type (`ProblemResponses` with a
 * `problemType` dimension), unexpected errors (`ServerErrors`) and the business events above. Register
 * it before the problem-details middleware, so that its `onError` sees the error that one answered.
 * Flushing is the `logMetrics` middleware's job (once per invocation).
 */
export const requestMetrics = (
  metrics: Metrics,
  /** The function's own routes by route key (each function bundles only its own). */
  routesByKey: ReadonlyMap<string, Pick<RouteSpec, 'operationId'>>,
): MiddlewareObj<HttpEvent, APIGatewayProxyResultV2> => ({
  after: async (request) => {
    metrics.addMetric(metricNames.requests, MetricUnit.Count, 1);
    const { response } = request;
    const structured = typeof response === 'object' && response !== null ? response : undefined;
    const status = structured?.statusCode ?? 200;
    const operationId = routesByKey.get(request.event.routeKey)?.operationId as OperationId | undefined;
    const business = operationId === undefined ? undefined : businessMetricsByOperation[operationId];
    const replayed = structured?.headers?.['idempotent-replayed'] === 'true';
    if (business !== undefined && status >= 200 && status < 300 && !replayed) {
      metrics.addMetric(business, MetricUnit.Count, 1);
    }
  },
  onError: async (request) => {
    metrics.addMetric(metricNames.requests, MetricUnit.Count, 1);
    const { problem } = problemFromError(request.error, {});
    // Unexpected errors only, as the catalogue defines it: a 503 (the database throttled, stalled or
    // out of reach) is counted by its problem type and its own alarms, not as a defect.
    if (problem.status === 500) metrics.addMetric(metricNames.serverErrors, MetricUnit.Count, 1);
    // Its own metric object: the extra dimension must not reach the invocation's other metrics.
    const single = metrics.singleMetric();
    single.addDimension(problemTypeDimension, problemSlug(problem.type));
    single.addMetric(metricNames.problems, MetricUnit.Count, 1);
  },
});
