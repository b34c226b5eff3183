import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Midnight on 1 December, after the assessment window closes. */
export const defaultRankingSchedule = 'cron(0 0 1 12 ? *)';
export const defaultRankingTimeZone = 'Asia/Jakarta';

/**
 * Properties of {@link AnnualRankingRun}.
 */
export interface AnnualRankingRunProps {
  /** The scheduled ranking function (`functions/rankings/scheduled.ts`). */
  readonly function: IFunction;
  /**
   * EventBridge Scheduler expression: `cron(min hour day-of-month month day-of-week year)`, `rate(…)` or
   * `at(…)`.
   * @default 'cron(0 0 1 12 ? *)' (midnight, 1 December)
   */
  readonly schedule?: string;
  /**
   * IANA time zone the expression is read in.
   * @default 'Asia/Jakarta'
   */
  readonly timeZone?: string;
  /**
   * SNS topic the dead-letter alarm notifies (the operations team's channel). The stack leaves it unset
   * and hands the alarm to its `Operations` construct, which wires every alarm to one topic.
   * @default - the alarm only shows in CloudWatch
   */
  readonly alarmTopicArn?: string;
}

/**
 * The annual national ranking run: an EventBridge Scheduler schedule invoking the ranking function with
 * `{}` (it ranks the current year), retried for up to an hour, with every event that still fails landing
 * in one encrypted dead-letter queue watched by an alarm.
 *
 * Scheduler invokes Lambda asynchronously, so it retries only failures to *deliver* the event; a run that
 * throws is retried by Lambda's asynchronous invocation. Both paths end in the same queue, so one alarm
 * covers a ranking that did not happen. Retries re-run the whole ranking: the function must be idempotent.
 */
export class AnnualRankingRun extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AnnualRankingRunProps) {
    super(scope, id);
    const expression = props.schedule ?? defaultRankingSchedule;
    const timeZone = props.timeZone ?? defaultRankingTimeZone;
    validateSchedule(expression, timeZone);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SQS-managed keys: Scheduler and Lambda can write without a key policy to maintain.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The most SQS allows: a failed annual run must still be there after a long weekend.
      retentionPeriod: Duration.days(14),
    });

    const maxEventAge = Duration.hours(1);
    props.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // A role of our own (stable id) that may invoke this one function and write to this one queue.
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invoke the annual ranking run',
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Annual national SPBE ranking run',
      schedule: scheduler.ScheduleExpression.expression(expression, TimeZone.of(timeZone)),
      target: new LambdaInvoke(props.function, {
        role,
        // The slot's scheduled time names the run, so the Scheduler's retries of one slot (and Lambda's
        // retries of its invocation) are one run; the function ranks that time's year.
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
        }),
        retryAttempts: 3,
        maxEventAge,
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    const functionLogicalId = Stack.of(this).getLogicalId(props.function.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason:
        'Invoking versions and aliases of the ranking function only (grantInvoke adds its qualified ARNs).',
    });
    Validations.of(props.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Asynchronous invocations fail to an on-failure destination (EventInvokeConfig → this construct’s dead-letter ' +
        'queue), which carries the error and supersedes a dead-letter config; the rule only looks for the latter.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is the end of the line (the run’s dead-letter queue): its messages wait 14 days for an operator, ' +
        'alerted by its alarm; a further queue behind it would hold nothing an operator reads.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the schedule target and of the function’s asynchronous ' +
        'invocation; cdk-nag only recognises dead-letter queues named in an SQS redrive policy.',
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'The annual ranking run failed (event in its dead-letter queue): read the message, fix the cause, then ' +
        'invoke the ranking function with the failed event as is (the message’s requestPayload; a message ' +
        'Scheduler dead-lettered is the event itself): it resumes that run, lease and all (docs/operations.md, ' +
        '"Re-running a ranking").',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopicArn !== undefined) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
      this.deadLetterAlarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
  }
}

const validateSchedule = (expression: string, timeZone: string): void => {
  const cron = /^cron\((.*)\)$/.exec(expression);
  const fieldCount = cron?.[1]?.trim().split(/\s+/).length;
  const isValid = cron !== null ? fieldCount === 6 : /^(rate|at)\(.+\)$/.test(expression);
  if (!isValid) {
    throw new Error(
      `AnnualRankingRun: schedule "${expression}" is not an EventBridge Scheduler expression; use ` +
        `cron() with six fields (minutes hours day-of-month month day-of-week year), e.g. "${defaultRankingSchedule}", ` +
        'or rate()/at().',
    );
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new Error(
      `AnnualRankingRun: time zone "${timeZone}" is not an IANA time zone; use e.g. "${defaultRankingTimeZone}".`,
    );
  }
};
