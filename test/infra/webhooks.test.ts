import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { webhookMetricNames, webhookMetricNamespace } from '../../shared/domain/webhooks/delivery.ts';
import { deliveryQueueSetting, loopbackDevSetting } from '../../shared/webhooks/config.ts';
import { type Synthesized, synthesize } from './synth.ts';
import {
  asArray,
  type LambdaFunctionJson,
  referencedLogicalIds,
  resourcesOfType,
  statementsOfRole,
} from './template-helpers.ts';

/**
 * Webhook delivery in the template: the events stream triggers the dispatcher (INSERTs of outbox
 * events only), the delivery queue feeds the delivery function, the sweep runs every minute, and
 * one dead-letter queue and three alarms watch it all.
 */

let synth: Synthesized;
let ids: {
  dispatcher: string;
  delivery: string;
  deliveryQueue: string;
  deadLetterQueue: string;
  eventsTable: string;
};

beforeAll(() => {
  synth = synthesize();
  const { webhookDispatch, webhookDispatcherFunction, webhookDeliveryFunction, tables } = synth.stack;
  const events = tables.get('EventsTable');
  if (events === undefined) throw new Error('No events table');
  ids = {
    dispatcher: synth.logicalIdOf(webhookDispatcherFunction.function),
    delivery: synth.logicalIdOf(webhookDeliveryFunction.function),
    deliveryQueue: synth.logicalIdOf(webhookDispatch.deliveryQueue),
    deadLetterQueue: synth.logicalIdOf(webhookDispatch.deadLetterQueue),
    eventsTable: synth.logicalIdOf(events),
  };
}, 180_000);

describe('webhook dispatch', () => {
  it('the events stream invokes the dispatcher for INSERTs of outbox events only, from the oldest record, with retries and a dead-letter queue', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.dispatcher },
      EventSourceArn: { 'Fn::GetAtt': [ids.eventsTable, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] } } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { entity: { S: ['Event'] } } },
            }),
          },
        ],
      },
    });
  });

  it('the delivery queue feeds the delivery function, reporting failed messages one by one', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.delivery },
      EventSourceArn: { 'Fn::GetAtt': [ids.deliveryQueue, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 50 },
    });
  });

  it('both queues are encrypted and refuse plain HTTP; the delivery queue dead-letters after five receives', () => {
    const queues = synth.template.toJSON().Resources as Record<
      string,
      { Properties: Record<string, unknown> }
    >;
    expect(queues[ids.deliveryQueue]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      // Six times the delivery function's 60 s: a message is never handed out while still in work.
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(queues[ids.deadLetterQueue]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    for (const queue of [ids.deliveryQueue, ids.deadLetterQueue]) {
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('sweeps every minute with {"sweep": true}, a retry policy and the dead-letter queue', () => {
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [ids.dispatcher, 'Arn'] },
        Input: '{"sweep":true}',
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] } },
      },
    });
  });

  it('alarms on dead letters, on deliveries that failed for good (the delivery function’s metric), on fan-out lag and on award events held past 10 minutes', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.deadLetterQueue, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: webhookMetricNamespace,
      MetricName: webhookMetricNames.failed,
      // Powertools adds the service dimension: it must be the delivery function's service name.
      Dimensions: [{ Name: 'service', Value: 'spbe-webhook-delivery' }],
      Statistic: 'Sum',
      Threshold: 0,
    });
    // An award publication cut off half-way: the dispatcher's sweep counts it, whatever it wrote
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: webhookMetricNamespace,
      MetricName: webhookMetricNames.unfinished,
      Dimensions: [{ Name: 'service', Value: 'spbe-webhook-dispatcher' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const delivery = resourcesOfType<LambdaFunctionJson>(synth.template, 'AWS::Lambda::Function').find(
      ([id]) => id === ids.delivery,
    );
    expect(delivery?.[1].Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME).toBe(
      'spbe-webhook-delivery',
    );
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.dispatcher } }],
      Threshold: 300_000,
    });
  });

  it('reads the stream of the events table only, with no account-wide stream access', () => {
    const role = synth.logicalIdOf(synth.stack.webhookDispatcherFunction.role);
    const streamStatements = statementsOfRole(synth.template, role).filter((statement) =>
      asArray(statement.Action).includes('dynamodb:DescribeStream'),
    );
    expect(streamStatements).toHaveLength(1);
    expect([...asArray(streamStatements[0]?.Action ?? [])].sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(JSON.stringify(streamStatements[0]?.Resource)).toContain('/stream/*');
    expect([...referencedLogicalIds(streamStatements[0]?.Resource)]).toEqual([ids.eventsTable]);
  });

  it('both dispatch functions know the delivery queue; they alone may send to it', () => {
    for (const fn of [ids.dispatcher, ids.delivery]) {
      const json = resourcesOfType<LambdaFunctionJson>(synth.template, 'AWS::Lambda::Function').find(
        ([id]) => id === fn,
      );
      expect(json?.[1].Properties.Environment?.Variables?.[deliveryQueueSetting]).toEqual({
        Ref: ids.deliveryQueue,
      });
    }
    const senders = resourcesOfType<{
      PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
      Roles: unknown[];
    }>(synth.template, 'AWS::IAM::Policy')
      .filter(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.some(
          (statement) =>
            asArray(statement.Action).includes('sqs:SendMessage') &&
            referencedLogicalIds(statement.Resource).has(ids.deliveryQueue),
        ),
      )
      .flatMap(([, policy]) => [...referencedLogicalIds(policy.Properties.Roles)])
      .sort();
    expect(senders).toEqual(
      [
        synth.logicalIdOf(synth.stack.webhookDispatcherFunction.role),
        synth.logicalIdOf(synth.stack.webhookDeliveryFunction.role),
      ].sort(),
    );
  });
});

describe('the development setting', () => {
  it(`no function of the stack sets ${loopbackDevSetting} (http://127.0.0.1 receivers are for local use only)`, () => {
    const functions = resourcesOfType<LambdaFunctionJson>(synth.template, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [logicalId, fn] of functions) {
      expect({ logicalId, variables: Object.keys(fn.Properties.Environment?.Variables ?? {}) }).not.toEqual(
        expect.objectContaining({ variables: expect.arrayContaining([loopbackDevSetting]) }),
      );
    }
    expect(JSON.stringify(synth.template.toJSON())).not.toContain(loopbackDevSetting);
  });
});
