import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaNames } from '../../shared/api/route-spec.ts';
import { metricNames, metricNamespace } from '../../shared/domain/metrics.ts';
import { type Synthesized, synthesize } from './synth.ts';
import { type LambdaFunctionJson, referencedLogicalIds, resourcesOfType } from './template-helpers.ts';

/**
 * Operations in the template: every alarm (its metric, threshold and SNS action), the dashboard, the
 * stage-wide throttle and the per-client limits, all from stack settings (CDK context).
 */

const topicArn = 'arn:aws:sns:ap-southeast-3:123456789012:spbe-operations';

interface AlarmJson {
  readonly AlarmDescription: string;
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: readonly { readonly Name: string; readonly Value: unknown }[];
  readonly Statistic?: string;
  readonly Metrics?: readonly {
    readonly Id: string;
    readonly Expression?: string;
    readonly MetricStat?: {
      readonly Metric: {
        readonly MetricName: string;
        readonly Namespace: string;
        readonly Dimensions?: readonly { readonly Name: string; readonly Value: unknown }[];
      };
    };
  }[];
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly AlarmActions?: readonly unknown[];
  readonly TreatMissingData?: string;
}

let synth: Synthesized;
let alarms: Map<string, AlarmJson>;

beforeAll(() => {
  synth = synthesize({
    alarmTopicArn: topicArn,
    apiThrottleRate: '50',
    apiThrottleBurst: '120',
    rateLimits: 'write=30/60',
  });
  alarms = new Map(
    resourcesOfType<AlarmJson>(synth.template, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => [
      id,
      alarm.Properties,
    ]),
  );
}, 180_000);

const alarmOf = (construct: { node: { defaultChild?: unknown } } | object): AlarmJson => {
  const id = synth.logicalIdOf(construct as never);
  const alarm = alarms.get(id);
  if (alarm === undefined) throw new Error(`No alarm ${id}`);
  return alarm;
};

const operationsAlarm = (constructId: string): AlarmJson => {
  const construct = synth.stack.operations.node.tryFindChild(constructId);
  if (construct === undefined) throw new Error(`No alarm construct ${constructId}`);
  return alarmOf(construct);
};

/** The metrics an alarm reads: its single metric, or each metric of its math expression. */
const metricsOf = (alarm: AlarmJson) =>
  alarm.MetricName !== undefined
    ? [{ name: alarm.MetricName, namespace: alarm.Namespace, dimensions: alarm.Dimensions ?? [] }]
    : (alarm.Metrics ?? [])
        .filter((metric) => metric.MetricStat !== undefined)
        .map((metric) => ({
          name: metric.MetricStat?.Metric.MetricName,
          namespace: metric.MetricStat?.Metric.Namespace,
          dimensions: metric.MetricStat?.Metric.Dimensions ?? [],
        }));

const expressionOf = (alarm: AlarmJson) => alarm.Metrics?.find((metric) => metric.Expression)?.Expression;

describe('alarms', () => {
  it('every alarm of the stack notifies the one SNS topic, and none alarms on missing data', () => {
    expect(alarms.size).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect({ id, actions: alarm.AlarmActions }).toEqual({ id, actions: [topicArn] });
      expect({ id, missing: alarm.TreatMissingData }).toEqual({ id, missing: 'notBreaching' });
    }
  });

  it('API 5xx rate: over 5 % of at least 20 requests, in two of three 5-minute periods', () => {
    const alarm = operationsAlarm('ApiServerErrorRateAlarm');
    expect(expressionOf(alarm)).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
    const metrics = metricsOf(alarm);
    expect(metrics.map((metric) => [metric.namespace, metric.name])).toEqual([
      ['AWS/ApiGateway', '5xx'],
      ['AWS/ApiGateway', 'Count'],
    ]);
    for (const metric of metrics) {
      expect(metric.dimensions).toEqual([
        { Name: 'ApiId', Value: { Ref: synth.logicalIdOf(synth.stack.api.httpApi) } },
      ]);
    }
    expect(alarm).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it('every function: errors and throttles above zero in five minutes', () => {
    const functions = resourcesOfType<LambdaFunctionJson>(synth.template, 'AWS::Lambda::Function').map(
      ([id]) => id,
    );
    expect(functions).toHaveLength(lambdaNames.length + 4);
    for (const functionId of functions) {
      for (const metricName of ['Errors', 'Throttles']) {
        const watching = [...alarms.values()].filter(
          (alarm) =>
            alarm.Namespace === 'AWS/Lambda' &&
            alarm.MetricName === metricName &&
            referencedLogicalIds(alarm.Dimensions).has(functionId),
        );
        expect({ functionId, metricName, alarms: watching.length }).toEqual({
          functionId,
          metricName,
          alarms: 1,
        });
        expect(watching[0]).toMatchObject({
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    }
  });

  it('every table: read and write throttle events above zero', () => {
    for (const [constructId, table] of synth.stack.tables) {
      const tableId = synth.logicalIdOf(table);
      const watching = [...alarms.values()].filter((alarm) =>
        metricsOf(alarm).some(
          (metric) =>
            metric.namespace === 'AWS/DynamoDB' && referencedLogicalIds(metric.dimensions).has(tableId),
        ),
      );
      expect({ constructId, alarms: watching.length }).toEqual({ constructId, alarms: 1 });
      // Throttle events are published only when they happen: a table throttled on writes alone has
      // no read datapoint, and `reads + writes` would be missing there, so never alarm. FILL makes it 0.
      expect(expressionOf(watching[0] as AlarmJson)).toBe('FILL(reads, 0) + FILL(writes, 0)');
      expect(metricsOf(watching[0] as AlarmJson).map((metric) => metric.name)).toEqual([
        'ReadThrottleEvents',
        'WriteThrottleEvents',
      ]);
      expect(watching[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('a failed ranking run: the worker’s failure metric, and the existing dead-letter alarm (not a second one)', () => {
    const failures = operationsAlarm('RankingRunFailuresAlarm');
    expect(failures).toMatchObject({
      Namespace: metricNamespace,
      MetricName: metricNames.rankingRunFailures,
      Dimensions: [{ Name: 'service', Value: 'spbe-ranking-run' }],
      Statistic: 'Sum',
      Threshold: 0,
    });
    const rankingQueue = synth.logicalIdOf(
      synth.stack.node.findChild('AnnualRankingRun').node.findChild('DeadLetterQueue'),
    );
    const dlqAlarms = [...alarms.values()].filter(
      (alarm) =>
        alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        referencedLogicalIds(alarm.Dimensions).has(rankingQueue),
    );
    expect(dlqAlarms).toHaveLength(1);
    // A run that timed out every retry still holds the cycle's lease: a new run ("now") would only
    // log "busy", so the alarm sends the operator to the dead-lettered payload, which resumes it.
    expect(dlqAlarms[0]?.AlarmDescription).toContain('requestPayload');
    expect(dlqAlarms[0]?.AlarmDescription).not.toContain('<now');
  });

  it('webhooks: the dead-letter and failed-delivery alarms exist once each, in the one namespace', () => {
    const failed = [...alarms.values()].filter((alarm) => alarm.MetricName === metricNames.deliveriesFailed);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      Namespace: 'SpbeAward',
      Dimensions: [{ Name: 'service', Value: 'spbe-webhook-delivery' }],
      Threshold: 0,
    });
    const webhookQueue = synth.logicalIdOf(synth.stack.webhookDispatch.deadLetterQueue);
    const dlqAlarms = [...alarms.values()].filter(
      (alarm) =>
        alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        referencedLogicalIds(alarm.Dimensions).has(webhookQueue),
    );
    expect(dlqAlarms).toHaveLength(1);
  });

  it('the rate limiter failing open: its metric from every API function, two periods running', () => {
    const alarm = operationsAlarm('RateLimiterUnavailableAlarm');
    const metrics = metricsOf(alarm);
    expect(metrics.map((metric) => metric.name)).toEqual(
      lambdaNames.map(() => metricNames.rateLimiterUnavailable),
    );
    expect(metrics.map((metric) => metric.dimensions)).toEqual(
      lambdaNames.map((capability) => [{ Name: 'service', Value: `spbe-${capability}` }]),
    );
    expect(alarm).toMatchObject({ Threshold: 0, EvaluationPeriods: 2 });
    // Only a failing function publishes the metric: the others' missing datapoints count as 0.
    expect(expressionOf(alarm)).toBe(lambdaNames.map((_, index) => `FILL(f${index}, 0)`).join(' + '));
  });
});

describe('the runbook (docs/operations.md, "Alarms: what they mean and what to do")', () => {
  /** Each row's alarm name as a pattern: `<Function>` and `<Table>` stand for a name, `…` for the owner's rest. */
  const runbookRows = (): { readonly name: string; readonly pattern: RegExp }[] => {
    const runbook = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const section = runbook.slice(runbook.indexOf('## Alarms: what they mean and what to do'));
    return [...section.matchAll(/^\| `([^`]+Alarm)`/gm)].map(([, name = '']) => ({
      name,
      pattern: new RegExp(
        `${name
          .split(/(<[A-Za-z]+>|…)/)
          .map((part) => (/^<[A-Za-z]+>$/.test(part) ? '[A-Za-z]+' : part === '…' ? '[A-Za-z]*' : part))
          .join('')}$`,
      ),
    }));
  };
  /** An alarm's construct path as its logical id spells it, without CDK's hash. */
  const alarmNames = () => [...alarms.keys()].map((id) => id.replace(/[0-9A-F]{8}$/, ''));

  it('says what to do about every alarm of the stack, and names no alarm the stack does not have', () => {
    const rows = runbookRows();
    const names = alarmNames();
    expect(rows.length).toBeGreaterThan(5);
    expect(names.filter((name) => !rows.some((row) => row.pattern.test(name)))).toEqual([]);
    expect(
      rows.filter((row) => !names.some((name) => row.pattern.test(name))).map((row) => row.name),
    ).toEqual([]);
  });
});

describe('dashboard', () => {
  it('shows the alarms, the API, the functions, the tables, rate limiting, the programme, webhooks, rankings and dead letters', () => {
    const dashboards = resourcesOfType<{ DashboardName: string; DashboardBody: unknown }>(
      synth.template,
      'AWS::CloudWatch::Dashboard',
    );
    expect(dashboards).toHaveLength(1);
    const [, dashboard] = dashboards[0] ?? [];
    expect(dashboard?.Properties.DashboardName).toBe('SpbeAwardApi-dev');
    // The body is a Fn::Join of strings and references: its text is what the widgets say.
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const title of [
      'Alarms',
      'API requests and errors',
      'API latency (ms)',
      'Problem answers by type',
      'Function errors',
      'Function throttles',
      'DynamoDB throttle events',
      'Rate limiting',
      'Programme',
      'Webhook deliveries',
      'Ranking runs',
      'Dead-letter queues (visible messages)',
    ]) {
      expect({ title, shown: body.includes(`\\"title\\":\\"${title}\\"`) }).toEqual({ title, shown: true });
    }
    for (const metric of [
      metricNames.selfAssessmentsSubmitted,
      metricNames.resultsFinalized,
      metricNames.deliveriesSucceeded,
      metricNames.rankingRunDuration,
      metricNames.rankingRunsPublished,
      metricNames.rankingRunsConfirmed,
    ]) {
      expect({ metric, shown: body.includes(metric) }).toEqual({ metric, shown: true });
    }
    // Every alarm of the stack is on the status widget.
    for (const id of alarms.keys()) expect({ id, shown: body.includes(id) }).toEqual({ id, shown: true });
  });
});

describe('rate limits from stack settings', () => {
  it('throttles the stage with the given steady rate and burst', () => {
    const [[, stage] = []] = resourcesOfType<{
      DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
    }>(synth.template, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 120,
    });
  });

  it('gives every API function the per-client limits (the given class changed, the others their defaults), and the counter table', () => {
    const counterTable = synth.stack.tables.get('RateLimitTable');
    if (counterTable === undefined) throw new Error('No rate-limit table');
    for (const [capability, fn] of synth.stack.capabilityFunctions) {
      const resource = synth.template.toJSON().Resources[synth.logicalIdOf(fn.function)] as {
        Properties: LambdaFunctionJson;
      };
      expect({ capability, variables: resource.Properties.Environment?.Variables }).toMatchObject({
        capability,
        variables: {
          RATE_LIMITS: 'public=300/60,read=600/60,write=30/60',
          RATE_LIMIT_TABLE_NAME: { Ref: synth.logicalIdOf(counterTable) },
        },
      });
    }
  });
});
