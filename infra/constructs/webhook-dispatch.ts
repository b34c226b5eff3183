import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { webhookMetricNames, webhookMetricNamespace } from '../../shared/domain/webhooks/delivery.ts';

/** One attempt is at most 15 s; ten run side by side per invocation, plus reads and writes. */
export const deliveryTimeout = Duration.seconds(60);

/**
 * Properties of {@link WebhookDispatch}.
 */
export interface WebhookDispatchProps {
  /** The events table: its stream (new images) starts every delivery. */
  readonly eventsTable: TableV2;
  /** Fans new events out and, every minute, sweeps the due index (`functions/webhooks/dispatcher.ts`). */
  readonly dispatcherFunction: lambda.IFunction;
  /** Makes the attempts, one per queued message (`functions/webhooks/deliver.ts`). */
  readonly deliveryFunction: lambda.IFunction;
  /** The delivery function's Powertools service name: the dimension of its metrics. */
  readonly deliveryServiceName: string;
  /** The dispatcher function's Powertools service name: the dimension of its sweep's metric. */
  readonly dispatcherServiceName: string;
  /** Environment variable both functions read the queue URL from. */
  readonly queueUrlVariable: string;
  /**
   * SNS topic the alarms notify. The stack leaves it unset and hands the alarms to its `Operations`
   * construct, which wires every alarm to one topic.
   * @default - the alarms only show in CloudWatch
   */
  readonly alarmTopicArn?: string;
}

/**
 * Durable webhook delivery:
 * - the events table's stream, filtered to INSERTs of outbox events, invokes the dispatcher, which
 *   queues the first attempt of each delivery (at once);
 * - the delivery queue (SQS) holds each attempt until due — a retry up to 15 minutes away is queued
 *   with that delay by the attempt before it; the delivery function consumes it, ten messages at a
 *   time in parallel, so a slow endpoint holds only its own message;
 * - retries further away (30 min … 10 h), redeliveries and lost messages wait in the events table's
 *   sparse due index, which the dispatcher sweeps every minute (EventBridge Scheduler);
 * - whatever cannot be processed (a stream batch, a message received five times, a failed sweep)
 *   lands in one dead-letter queue; alarms watch it, the deliveries that failed for good
 *   (a CloudWatch metric the delivery function emits) and the stream's iterator age.
 */
export class WebhookDispatch extends Construct {
  readonly deliveryQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly sweepSchedule: scheduler.Schedule;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: WebhookDispatchProps) {
    super(scope, id);
    const { eventsTable, dispatcherFunction, deliveryFunction } = props;
    const streamArn = eventsTable.tableStreamArn;
    if (streamArn === undefined) {
      throw new Error(
        'WebhookDispatch: the events table has no stream; give its definition `stream: NEW_IMAGE` ' +
          '(shared/dynamodb/table-definitions.ts).',
      );
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SQS-managed keys: Lambda, SQS redrive and Scheduler write without a key policy to maintain.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The most SQS allows: time to read, fix and redrive after a long weekend.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is the end of the line (webhook dispatch’s dead-letter queue): its messages wait 14 days for an ' +
        'operator to redrive them, alerted by its alarm; a queue behind it would hold nothing an operator reads.',
    });
    Validations.of(dispatcherFunction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked by the events stream (its mapping’s on-failure destination is the dead-letter queue) and by the ' +
        'sweep schedule (its target’s dead-letter queue is the same); never asynchronously by anything else.',
    });
    Validations.of(deliveryFunction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked by the SQS event source, which polls synchronously: a message that fails five times moves to the ' +
        'dead-letter queue by the delivery queue’s redrive policy.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue: of the delivery queue (redrive policy), of the stream ' +
        'event source mapping (on-failure destination) and of the sweep schedule.',
    });

    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for Lambda consumers: six times the function timeout, so a message is never
      // handed to a second worker while the first one still runs it.
      visibilityTimeout: Duration.seconds(deliveryTimeout.toSeconds() * 6),
      // A message that fails five times (storage errors, not failed POSTs) is dead-lettered.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    this.deliveryQueue.grantSendMessages(dispatcherFunction);
    this.deliveryQueue.grantSendMessages(deliveryFunction);
    for (const fn of [dispatcherFunction, deliveryFunction]) {
      if (fn instanceof lambda.Function)
        fn.addEnvironment(props.queueUrlVariable, this.deliveryQueue.queueUrl);
    }

    // The stream: exactly the four read actions on this table's streams, nothing account-wide.
    dispatcherFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [`${eventsTable.tableArn}/stream/*`],
      }),
    );
    const tableLogicalId = Stack.of(this).getLogicalId(eventsTable.node.defaultChild as CfnElement);
    Validations.of(dispatcherFunction.role ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/stream/*]`,
      reason:
        'Stream ARNs carry their creation time; the wildcard covers the streams of the events table only, as ' +
        'the DynamoDB guide’s policy for Lambda stream consumers does.',
    });
    new lambda.EventSourceMapping(this, 'EventsStream', {
      target: dispatcherFunction,
      eventSourceArn: streamArn,
      // From the oldest record kept: a deployment or a paused mapping loses no event.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      // Fan-out only queues messages: a failing batch is split to find the bad record, retried, and after
      // that its pointer goes to the dead-letter queue (the events themselves stay in the table).
      bisectBatchOnError: true,
      retryAttempts: 10,
      maxRecordAge: Duration.days(1),
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual('Event') } } },
        }),
      ],
    });

    const deliverySource = new SqsEventSource(this.deliveryQueue, {
      batchSize: 10,
      // A failed message is retried alone; the others of its batch are done.
      reportBatchItemFailures: true,
      // Enough parallel workers for a national publication; receivers are agencies' own servers.
      maxConcurrency: 50,
    });
    deliveryFunction.addEventSource(deliverySource);
    Validations.of(deliveryFunction).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings take no on-failure destination (only stream and Kafka sources do): failed ' +
        'messages reach the dead-letter queue through the delivery queue’s redrive policy (maxReceiveCount 5).',
    });

    const role = new iam.Role(this, 'SweepSchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invoke the webhook dispatcher sweep',
    });
    this.sweepSchedule = new scheduler.Schedule(this, 'SweepSchedule', {
      description: 'Queue webhook retries and redeliveries that fall due within the next minute',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(dispatcherFunction, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject({ sweep: true }),
        // The next sweep comes a minute later anyway: do not pile up retries of a stale one.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    const functionLogicalId = Stack.of(this).getLogicalId(dispatcherFunction.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: 'Invoking versions and aliases of the dispatcher only (grantInvoke adds its qualified ARNs).',
    });

    const deadLetters = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'Webhook dispatch left something undone (stream batch, delivery message or sweep in the dead-letter ' +
        'queue): read it, fix the cause, then see docs/operations.md, "Webhook redelivery" (only delivery ' +
        'messages can be moved back to their queue; the other two kinds are handled, then deleted).',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const failedDeliveries = new cloudwatch.Alarm(this, 'FailedDeliveriesAlarm', {
      alarmDescription:
        'Webhook deliveries failed for good (schedule spent, 410, endpoint disabled): see the delivery logs ' +
        'of the endpoints; agencies can redeliver once their receivers work.',
      metric: new cloudwatch.Metric({
        namespace: webhookMetricNamespace,
        metricName: webhookMetricNames.failed,
        dimensionsMap: { service: props.deliveryServiceName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(15),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const fanOutLag = new cloudwatch.Alarm(this, 'StreamIteratorAgeAlarm', {
      alarmDescription:
        'Webhook fan-out lags the events stream by more than 5 minutes: first attempts are late.',
      metric: dispatcherFunction.metric('IteratorAge', {
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 300_000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Counted by the sweep (every minute) from the index of unfinished publications, whatever the
    // publication wrote: held award events (`stalled`, the delivery function's) miss one cut off
    // before any recipient with an endpoint was written.
    const stalledPublication = new cloudwatch.Alarm(this, 'StalledAwardPublicationAlarm', {
      alarmDescription:
        'An award publication (or revision) is still unfinished 10 minutes after its claim: it was cut off ' +
        'half-way and nobody has finished it, so neither the public nor the recipients see it. Finish it: ' +
        'POST /v1/cycles/{year}/awards/publish as an admin (the dispatcher log names the year and version). ' +
        'See docs/operations.md, "Alarms".',
      metric: new cloudwatch.Metric({
        namespace: webhookMetricNamespace,
        metricName: webhookMetricNames.unfinished,
        dimensionsMap: { service: props.dispatcherServiceName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms = [deadLetters, failedDeliveries, fanOutLag, stalledPublication];
    if (props.alarmTopicArn !== undefined) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
      for (const alarm of this.alarms) alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
  }
}
