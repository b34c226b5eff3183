import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  metricNames,
  metricNamespace,
  problemTypeDimension,
  serviceDimension,
} from '../../shared/domain/metrics.ts';
import { pascalCase } from '../naming.ts';

/** A function watched for errors and throttles (and, for API functions, its own metrics). */
export interface WatchedFunction {
  /** Short name for construct ids and widget labels: `public`, `ranking-run` … */
  readonly name: string;
  readonly function: IFunction;
  /** Its Powertools service name: the `service` dimension of its metrics. */
  readonly serviceName: string;
  /** Serves API routes (counts requests, problems and rate-limit failures). */
  readonly api: boolean;
}

/**
 * Properties of {@link Operations}.
 */
export interface OperationsProps {
  /** Deployment stage, for the dashboard's name. */
  readonly stage: string;
  /** The HTTP API (its `ApiId` dimension). */
  readonly httpApiId: string;
  readonly functions: readonly WatchedFunction[];
  /** Every table, by a short name (`programme`, `rate-limit` …). */
  readonly tables: ReadonlyMap<string, ITableV2>;
  /** Dead-letter queues, by a short name; their alarms belong to the constructs that own them. */
  readonly deadLetterQueues: ReadonlyMap<string, IQueue>;
  /** Alarms other constructs made (dead letters, failed deliveries …): notified and shown, not duplicated. */
  readonly existingAlarms: readonly cloudwatch.Alarm[];
  /** Service name of the ranking run (its failure and duration metrics). */
  readonly rankingRunServiceName: string;
  /** Service name of the webhook delivery function (its delivery metrics). */
  readonly webhookDeliveryServiceName: string;
  /** The webhook dispatcher's service name: its sweep counts stalled award publications. */
  readonly webhookDispatcherServiceName: string;
  /** Service names of the functions whose routes count submissions and finalized results. */
  readonly submissionsServiceName: string;
  readonly resultsServiceName: string;
  /**
   * SNS topic every alarm notifies (the operations team's channel).
   * @default - alarms only show in CloudWatch and on the dashboard
   */
  readonly alarmTopicArn?: string;
  /**
   * Share of API requests answered 5xx that raises the alarm, in percent.
   * @default 5
   */
  readonly serverErrorRatePercent?: number;
}

const fiveMinutes = Duration.minutes(5);

/** CloudWatch math allows at most ten metrics in one alarm. */
const maxMetricsPerAlarm = 10;

/**
 * Operations in one place: the alarms not owned by a feature's construct (the API's 5xx rate, every
 * function's errors and throttles, every table's throttling, failed ranking runs, an unavailable rate
 * limiter), one SNS action on every alarm of the stack (those above and the ones passed in), and a
 * CloudWatch dashboard with the key widgets. docs/operations.md says what each alarm means and what
 * to do about it.
 */
export class Operations extends Construct {
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarmTopic: sns.ITopic | undefined;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const apiFunctions = props.functions.filter((fn) => fn.api);
    if (apiFunctions.length > maxMetricsPerAlarm) {
      throw new Error(
        `Operations: ${apiFunctions.length} API functions, but one alarm can sum at most ${maxMetricsPerAlarm} ` +
          'metrics; split the rate-limiter alarm in two.',
      );
    }
    const errorRate = props.serverErrorRatePercent ?? 5;
    if (!(errorRate > 0 && errorRate < 100)) {
      throw new Error(`Operations: serverErrorRatePercent must be between 0 and 100, got ${errorRate}.`);
    }

    const apiMetric = (metricName: string, statistic: string = cloudwatch.Stats.SUM) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.httpApiId },
        statistic,
        period: fiveMinutes,
      });
    const ownMetric = (metricName: string, serviceName: string, statistic: string = cloudwatch.Stats.SUM) =>
      new cloudwatch.Metric({
        namespace: metricNamespace,
        metricName,
        dimensionsMap: { [serviceDimension]: serviceName },
        statistic,
        period: fiveMinutes,
      });

    const alarms: cloudwatch.Alarm[] = [];
    const alarm = (alarmId: string, options: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      alarms.push(created);
      return created;
    };

    // The API: a share of 5xx, not a count — a busy deadline day must not page for its size alone.
    // Fewer than 20 requests in five minutes never alarm: two failures of three are noise, not an outage.
    alarm('ApiServerErrorRateAlarm', {
      alarmDescription:
        `More than ${errorRate} % of API requests answered 5xx in two of three 5-minute periods (at least 20 ` +
        'requests). See docs/operations.md: find the requestId in the function logs.',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
        usingMetrics: { errors: apiMetric('5xx'), requests: apiMetric('Count') },
        label: 'API 5xx (% of requests)',
        period: fiveMinutes,
      }),
      threshold: errorRate,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    for (const watched of props.functions) {
      const name = pascalCase(watched.name);
      alarm(`${name}ErrorsAlarm`, {
        alarmDescription:
          `The ${watched.name} function failed (unhandled error or timeout): an API function's answers are ` +
          'already problem+json, so this is a crash, a timeout or a failed background invocation.',
        metric: watched.function.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      alarm(`${name}ThrottlesAlarm`, {
        alarmDescription: `Lambda throttled the ${watched.name} function: the account's (or a reserved) concurrency is used up.`,
        metric: watched.function.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    for (const [tableName, table] of props.tables) {
      alarm(`${pascalCase(tableName)}TableThrottlesAlarm`, {
        alarmDescription:
          `DynamoDB throttled reads or writes on the ${tableName} table (on-demand tables throttle past their ` +
          'peak or per-partition limits): clients see 503 with Retry-After, or the rate limiter fails open.',
        metric: new cloudwatch.MathExpression({
          // Throttle events are published only when they happen; a plain sum is missing wherever one
          // of the two is (a table throttled on writes alone), and missing data never alarms.
          expression: 'FILL(reads, 0) + FILL(writes, 0)',
          usingMetrics: {
            reads: table.metric('ReadThrottleEvents', {
              period: fiveMinutes,
              statistic: cloudwatch.Stats.SUM,
            }),
            writes: table.metric('WriteThrottleEvents', {
              period: fiveMinutes,
              statistic: cloudwatch.Stats.SUM,
            }),
          },
          label: `${tableName} throttle events`,
          period: fiveMinutes,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    // The ranking run: an invocation that failed (its dead-letter alarm fires later, after the retries).
    alarm('RankingRunFailuresAlarm', {
      alarmDescription:
        'A ranking run invocation failed; Lambda retries it twice, then dead-letters it. Read the ranking run ' +
        'function’s log for the runId; see docs/operations.md, "Re-running a ranking".',
      metric: ownMetric(metricNames.rankingRunFailures, props.rankingRunServiceName),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    // The per-client limiter failing open: requests go through unlimited meanwhile.
    const limiterFailures = Object.fromEntries(
      apiFunctions.map((fn, index) => [
        `f${index}`,
        ownMetric(metricNames.rateLimiterUnavailable, fn.serviceName),
      ]),
    );
    alarm('RateLimiterUnavailableAlarm', {
      alarmDescription:
        'The per-client rate limiter could not reach its table in two 5-minute periods running: requests go ' +
        'through unlimited (only the stage throttle holds). Check the rate-limit table’s throttles and the ' +
        'functions’ warnings.',
      metric: new cloudwatch.MathExpression({
        // Only a failing function publishes the metric: the others' missing datapoints count as 0.
        expression:
          Object.keys(limiterFailures)
            .map((id) => `FILL(${id}, 0)`)
            .join(' + ') || '0',
        usingMetrics: limiterFailures,
        label: 'Rate limiter unavailable',
        period: fiveMinutes,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
    });
    this.alarms = alarms;

    this.alarmTopic =
      props.alarmTopicArn === undefined
        ? undefined
        : sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    if (this.alarmTopic !== undefined) {
      const action = new cloudwatchActions.SnsAction(this.alarmTopic);
      for (const each of [...alarms, ...props.existingAlarms]) each.addAlarmAction(action);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `SpbeAwardApi-${props.stage}`,
      defaultInterval: Duration.hours(24),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const perApiFunction = (metricName: string) =>
      apiFunctions.map((fn) => ownMetric(metricName, fn.serviceName).with({ label: fn.name }));
    const search = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${metricNamespace},${serviceDimension},${problemTypeDimension}} MetricName="${metricName}"', 'Sum', 300)`,
        label,
        period: fiveMinutes,
      });

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...alarms, ...props.existingAlarms],
        width: 24,
        height: 4,
      }),
    );
    this.dashboard.addWidgets(
      graph('API requests and errors', [
        apiMetric('Count').with({ label: 'requests' }),
        apiMetric('4xx').with({ label: '4xx' }),
        apiMetric('5xx').with({ label: '5xx' }),
      ]),
      graph('API latency (ms)', [
        apiMetric('Latency', 'p50').with({ label: 'p50' }),
        apiMetric('Latency', 'p99').with({ label: 'p99' }),
        apiMetric('IntegrationLatency', 'p99').with({ label: 'integration p99' }),
      ]),
      graph('Problem answers by type', [search(metricNames.problems, '')]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        props.functions.map((fn) => fn.function.metricErrors({ period: fiveMinutes, label: fn.name })),
      ),
      graph(
        'Function throttles',
        props.functions.map((fn) => fn.function.metricThrottles({ period: fiveMinutes, label: fn.name })),
      ),
      graph(
        'API function duration p99 (ms)',
        apiFunctions.map((fn) =>
          fn.function.metricDuration({ period: fiveMinutes, statistic: 'p99', label: fn.name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'DynamoDB throttle events',
        [...props.tables].flatMap(([name, table]) => [
          table.metric('ReadThrottleEvents', {
            period: fiveMinutes,
            statistic: 'Sum',
            label: `${name} reads`,
          }),
          table.metric('WriteThrottleEvents', {
            period: fiveMinutes,
            statistic: 'Sum',
            label: `${name} writes`,
          }),
        ]),
      ),
      graph(
        'DynamoDB consumed capacity',
        [...props.tables].flatMap(([name, table]) => [
          table.metric('ConsumedReadCapacityUnits', {
            period: fiveMinutes,
            statistic: 'Sum',
            label: `${name} read`,
          }),
          table.metric('ConsumedWriteCapacityUnits', {
            period: fiveMinutes,
            statistic: 'Sum',
            label: `${name} write`,
          }),
        ]),
      ),
      graph('Rate limiting', [
        ...perApiFunction(metricNames.rateLimiterUnavailable).map((metric) =>
          metric.with({ label: `limiter unavailable: ${metric.label}` }),
        ),
        new cloudwatch.MathExpression({
          expression: `SEARCH('{${metricNamespace},${serviceDimension},${problemTypeDimension}} MetricName="${metricNames.problems}" ${problemTypeDimension}="too-many-requests"', 'Sum', 300)`,
          label: '429',
          period: fiveMinutes,
        }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Programme', [
        ownMetric(metricNames.selfAssessmentsSubmitted, props.submissionsServiceName).with({
          label: 'self-assessments submitted',
        }),
        ownMetric(metricNames.resultsFinalized, props.resultsServiceName).with({
          label: 'results finalized',
        }),
      ]),
      graph('Webhook deliveries', [
        ownMetric(metricNames.deliveriesSucceeded, props.webhookDeliveryServiceName).with({
          label: 'succeeded',
        }),
        ownMetric(metricNames.deliveriesFailed, props.webhookDeliveryServiceName).with({
          label: 'failed for good',
        }),
        ownMetric(metricNames.endpointsDisabled, props.webhookDeliveryServiceName).with({
          label: 'endpoints disabled',
        }),
        ownMetric(metricNames.awardPublicationsStalled, props.webhookDispatcherServiceName).with({
          label: 'award publications unfinished > 10 min',
        }),
      ]),
      new cloudwatch.GraphWidget({
        title: 'Ranking runs',
        width: 8,
        height: 6,
        left: [
          ownMetric(metricNames.rankingRunsPublished, props.rankingRunServiceName).with({
            label: 'published',
          }),
          ownMetric(metricNames.rankingRunsConfirmed, props.rankingRunServiceName).with({
            label: 'confirmed (unchanged)',
          }),
          ownMetric(metricNames.rankingRunFailures, props.rankingRunServiceName).with({
            label: 'failed invocations',
          }),
        ],
        right: [
          ownMetric(
            metricNames.rankingRunDuration,
            props.rankingRunServiceName,
            cloudwatch.Stats.MAXIMUM,
          ).with({
            label: 'duration (ms)',
          }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Dead-letter queues (visible messages)',
        [...props.deadLetterQueues].map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: name,
          }),
        ),
        24,
      ),
    );
  }
}
