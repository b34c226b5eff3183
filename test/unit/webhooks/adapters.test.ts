import { Logger } from '@aws-lambda-powertools/logger';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  createQueueHandler,
  createStreamHandler,
  createSweepHandler,
  eventOfRecord,
  isOutboxInsert,
} from '#functions/webhooks/dispatch.ts';
import type { DomainEvent } from '#shared/domain/events.ts';
import type { AttemptResult } from '#shared/services/webhooks/dispatcher.ts';
import type { DeliveryMessage } from '#shared/services/webhooks/ports.ts';
import { createSqsDeliveryQueue } from '#shared/webhooks/sqs-queue.ts';

/** The dispatcher's Lambda adapters and the SQS queue, without AWS (SDK mocked). */

const logger = new Logger({ logLevel: 'CRITICAL' });

const message = (attempt: number): DeliveryMessage => ({
  agencyId: 'prov-jawa-timur',
  endpointId: 'whe_1',
  eventId: `evt_${attempt}`,
  attempt,
  trigger: 'scheduled',
});

describe('the SQS delivery queue', () => {
  it('sends batches of ten, delays rounded up to seconds and capped at SQS’s 15 minutes', async () => {
    // Prepare
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = createSqsDeliveryQueue(
      new SQSClient({ region: 'ap-southeast-3' }),
      'https://sqs.example/queue',
    );

    // Act
    await queue.send(
      Array.from({ length: 23 }, (_, index) => ({
        message: message(index + 1),
        delayMs: index === 0 ? 1_500 : index === 1 ? 3_600_000 : 0,
      })),
    );

    // Assess
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(batches.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(batches[0]?.slice(0, 3).map((entry) => entry.DelaySeconds)).toEqual([2, 900, 0]);
    expect(JSON.parse(batches[0]?.[0]?.MessageBody ?? '{}')).toEqual(message(1));
    expect(queue.maxDelayMs).toBe(900_000);
  });

  it('sends entries SQS refused again, and fails loudly when they keep failing', async () => {
    const sqs = mockClient(SQSClient);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'ThrottlingException', SenderFault: false }] })
      .resolves({ Failed: [] });
    const queue = createSqsDeliveryQueue(
      new SQSClient({ region: 'ap-southeast-3' }),
      'https://sqs.example/queue',
    );

    await queue.send([message(1), message(2)].map((m) => ({ message: m, delayMs: 0 })));

    const calls = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.map((entry) => entry.Id));
    expect(calls).toEqual([['0', '1'], ['1']]);

    sqs.reset();
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    await expect(queue.send([{ message: message(1), delayMs: 0 }])).rejects.toThrow(
      /SQS refused 1 delivery messages/,
    );
  });
});

const streamRecord = (eventName: 'INSERT' | 'MODIFY', item: Record<string, unknown>): DynamoDBRecord => ({
  eventName,
  dynamodb: { NewImage: marshall(item) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] },
});

describe('the stream handler', () => {
  const event: DomainEvent = {
    id: 'evt_1',
    type: 'award.published',
    occurredAt: '2026-12-01T00:00:00.000Z',
    subject: { year: 2026, agencyId: 'prov-jawa-timur' },
    data: { link: '/v1/awards' },
  };

  it('fans out INSERTs of outbox events only, as the event source mapping’s filter does', async () => {
    // Prepare
    const fannedOut: DomainEvent[][] = [];
    const handler = createStreamHandler(
      {
        fanOut: async (events) => {
          fannedOut.push([...events]);
          return events.length;
        },
      },
      logger,
    );
    const records = [
      streamRecord('INSERT', {
        PK: 'EVENT#evt_1',
        SK: 'EVENT',
        entity: 'Event',
        GSI1PK: 'EVENTS#2026-12-01',
        ...event,
      }),
      streamRecord('MODIFY', { PK: 'EVENT#evt_1', SK: 'EVENT', entity: 'Event', ...event }),
      streamRecord('INSERT', { PK: 'ENDPOINT#whe_1', SK: 'DELIVERY#evt_1', entity: 'WebhookDelivery' }),
    ];

    // Act
    await handler({ Records: records });

    // Assess
    expect(records.map(isOutboxInsert)).toEqual([true, false, false]);
    expect(fannedOut).toEqual([[event]]);
    expect(eventOfRecord(records[0] as DynamoDBRecord)).toEqual(event);
  });
});

describe('the fan-out and sweep handlers', () => {
  /** A logger recording its ERROR lines (the runbook's `filter level = "ERROR"` finds these). */
  const errorLines = () => {
    const lines: { message: string; extra: unknown }[] = [];
    const recording = {
      info: () => undefined,
      error: (message: string, extra?: unknown) => lines.push({ message, extra }),
    } as unknown as Logger;
    return { lines, recording };
  };

  it('logs the stream batch’s event ids and the error at ERROR, and throws for the event source to retry', async () => {
    // Prepare
    const { lines, recording } = errorLines();
    const handler = createStreamHandler(
      {
        fanOut: async () => {
          throw new Error('Throughput exceeded reading subscribers');
        },
      },
      recording,
    );
    const record = streamRecord('INSERT', { PK: 'EVENT#evt_9', SK: 'EVENT', entity: 'Event', id: 'evt_9' });

    // Act / Assess
    await expect(handler({ Records: [record] })).rejects.toThrow('Throughput exceeded reading subscribers');
    expect(lines).toEqual([
      {
        message: 'Webhook fan-out failed',
        extra: {
          eventIds: ['evt_9'],
          error: expect.objectContaining({ message: 'Throughput exceeded reading subscribers' }),
        },
      },
    ]);
  });

  it('logs a failed sweep at ERROR and throws (Scheduler retries it)', async () => {
    // Prepare
    const { lines, recording } = errorLines();
    const handler = createSweepHandler(
      {
        sweep: async () => {
          throw new Error('Throttled');
        },
        watchPublications: async () => 0,
      },
      recording,
    );

    // Act / Assess
    await expect(handler()).rejects.toThrow('Throttled');
    expect(lines).toEqual([
      {
        message: 'Webhook sweep failed',
        extra: { error: expect.objectContaining({ message: 'Throttled' }) },
      },
    ]);
  });

  it('also watches for stalled award publications, every run, and answers both counts', async () => {
    // Prepare
    const { lines, recording } = errorLines();
    let watched = 0;
    const handler = createSweepHandler(
      {
        sweep: async () => 3,
        watchPublications: async () => {
          watched += 1;
          return 1;
        },
      },
      recording,
    );

    // Act
    const first = await handler();
    const second = await handler();

    // Assess
    expect([first, second]).toEqual([
      { queued: 3, stalledPublications: 1 },
      { queued: 3, stalledPublications: 1 },
    ]);
    expect(watched).toBe(2);
    expect(lines).toEqual([]);
  });
});

describe('the delivery queue handler', () => {
  const sqsRecord = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;

  it('reports only the messages whose attempt failed to complete; a malformed one is dropped', async () => {
    const attempted: DeliveryMessage[] = [];
    const handler = createQueueHandler(
      {
        attemptMany: async (messages) => {
          attempted.push(...messages);
          return messages.map(
            (m): PromiseSettledResult<AttemptResult> =>
              m.attempt === 2
                ? { status: 'rejected', reason: new Error('DynamoDB is busy') }
                : { status: 'fulfilled', value: { kind: 'skipped', reason: 'duplicate' } },
          );
        },
      },
      logger,
    );

    const response = await handler({
      Records: [
        sqsRecord('m1', JSON.stringify(message(1))),
        sqsRecord('m2', JSON.stringify(message(2))),
        sqsRecord('m3', 'not json'),
        sqsRecord('m4', JSON.stringify({ hello: 'world' })),
      ],
    });

    expect(attempted.map((m) => m.attempt)).toEqual([1, 2]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });

  it('fails every message when the batch’s read fails', async () => {
    const handler = createQueueHandler(
      {
        attemptMany: async () => {
          throw new Error('storage down');
        },
      },
      logger,
    );

    const response = await handler({
      Records: [sqsRecord('a', JSON.stringify(message(1))), sqsRecord('b', JSON.stringify(message(1)))],
    });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }]);
  });
});
