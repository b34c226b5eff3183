/**
 * The one catalogue of the API's own CloudWatch metrics: one namespace, every name, and the
 * dimensions each carries. Functions emit them (Powertools Metrics, embedded metric format); the
 * stack's alarms and dashboard read the same names, so the two cannot drift apart.
 *
 * Dimensions are kept few and of low cardinality (each combination is a billed custom metric):
 * `service` (the function's Powertools service name, added by Powertools to every metric) and, on
 * problem responses only, `problemType` (the problem slug: about a dozen values). No route key, caller
 * or agency: those live in the logs and the API's access log, where Logs Insights can group by them.
 */

export const metricNamespace = 'SpbeAward';

/** The dimension Powertools adds to every metric: the function's service name. */
export const serviceDimension = 'service';
/** The slug of a problem response's `type` (`not-found`, `too-many-requests`, `internal-error` …). */
export const problemTypeDimension = 'problemType';

export const metricNames = {
  /** Every API request a function answered (any status). */
  requests: 'Requests',
  /** Every problem+json answer, by `problemType`: 4xx and 5xx alike (the slug tells which). */
  problems: 'ProblemResponses',
  /** Unexpected errors (500): the same requests as `problemType=internal-error`, without the extra dimension. */
  serverErrors: 'ServerErrors',
  /** A self-assessment submitted (not replays of an Idempotency-Key). */
  selfAssessmentsSubmitted: 'SelfAssessmentsSubmitted',
  /** A result finalized by the review team (imports of past results are not counted). */
  resultsFinalized: 'ResultsFinalized',
  /** The per-client limiter could not be asked (its table failed): the request went through unlimited. */
  rateLimiterUnavailable: 'RateLimiterUnavailable',
  /** A ranking run published; its duration over every invocation in `rankingRunDuration`. */
  rankingRunsPublished: 'RankingRunsPublished',
  /**
   * A ranking run that found exactly the published ranking (`unchanged`): it confirmed it and
   * published nothing, so `RankingRunsPublished` does not count it; without this, a yearly run that
   * changed nothing would look on the dashboard like a run that never happened.
   */
  rankingRunsConfirmed: 'RankingRunsConfirmed',
  rankingRunDuration: 'RankingRunDuration',
  /** A ranking run invocation that failed (Lambda retries it, then dead-letters it). */
  rankingRunFailures: 'RankingRunFailures',
  /** Webhook deliveries (the delivery function). */
  deliveriesSucceeded: 'DeliveriesSucceeded',
  deliveryLatency: 'DeliveryLatency',
  /** A delivery that will not be retried any more (schedule spent, 410, endpoint disabled). */
  deliveriesFailed: 'DeliveriesFailed',
  endpointsDisabled: 'EndpointsDisabled',
  /**
   * An award publication still `publishing` 10 minutes after its claim (a publish or revision cut
   * off half-way, and no admin call since to finish it), counted by the dispatcher's sweep every
   * minute, whatever it wrote: right after its claim, or with its recipients' events held.
   */
  awardPublicationsStalled: 'AwardPublicationsStalled',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];
