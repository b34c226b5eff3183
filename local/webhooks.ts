import type { LookupFunction } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { createStreamHandler } from '#functions/webhooks/dispatch.ts';
import { createWebhooksHandler } from '#functions/webhooks/routes.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { idempotencyTable } from '#shared/dynamodb/table-definitions.ts';
import { createIdempotencyGuard } from '#shared/http/idempotency.ts';
import { systemClock, systemIds, systemSecrets } from '#shared/runtime/system.ts';
import {
  createWebhookDispatcher,
  type DispatcherOptions,
  type WebhookDispatcher,
} from '#shared/services/webhooks/dispatcher.ts';
import type { AddressResolver, DeliveryMessage, DeliveryQueue } from '#shared/services/webhooks/ports.ts';
import { createHttpSender } from '#shared/webhooks/http-sender.ts';
import { type DynamoDbLocal, localCredentials, localRegion } from './dynamodb-local.ts';

/**
 * The webhook dispatcher of `npm start` and the tests: the same dispatcher the AWS functions run,
 * driven in-process.
 *
 * - **Trigger: the events table's stream**, read with the Streams API (DynamoDB Local implements it),
 *   its records filtered like the event source mapping's filter and passed to the very stream
 *   handler the Lambda runs. Chosen over polling the events-by-day index (a transaction committed
 *   late can carry an earlier `occurredAt` than events already seen, so a cursor on it can skip
 *   one) and over hooking the write path (it would miss events written by other processes, such
 *   as the seed): the stream is what AWS uses, so what is tested here is what runs there.
 * - **Queue: timers in this process** with a concurrency limit (one hanging endpoint holds one
 *   lane), delaying up to 15 minutes like SQS; longer waits go through the due index and the sweep.
 * - **Sweep: a timer**, every second by default (once a minute in AWS).
 */

export interface LocalWebhookOptions extends Pick<DispatcherOptions, 'schedule' | 'disableFailingAfterMs'> {
  /** Delivery timeout per attempt; default 15 s. */
  readonly timeoutMs?: number;
  /** DNS for deliveries (tests stub it; every answer is still checked before connecting). */
  readonly lookup?: LookupFunction;
  /** DNS for registration checks (tests stub it); default the system resolver. */
  readonly resolver?: AddressResolver;
  readonly pollIntervalMs?: number;
  readonly sweepIntervalMs?: number;
  /** Attempts in flight at once; default 64. */
  readonly concurrency?: number;
  /** One line per attempt (npm start prints them). */
  readonly onAttempt?: (line: string) => void;
}

export interface LocalDispatcher {
  readonly dispatcher: WebhookDispatcher;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Streams API record in the shape Lambda's event source mapping hands to the function. */
const lambdaRecord = (record: StreamRecord): DynamoDBRecord =>
  ({
    eventID: record.eventID,
    eventName: record.eventName,
    eventSource: record.eventSource,
    eventVersion: record.eventVersion,
    awsRegion: record.awsRegion,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime
        ? Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
    },
  }) as DynamoDBRecord;

/** Timers standing in for SQS: messages wait their delay, then run at most `concurrency` at a time. */
const createTimerQueue = (run: (message: DeliveryMessage) => Promise<void>, concurrency: number) => {
  const ready: DeliveryMessage[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let active = 0;
  let stopped = false;
  const pump = () => {
    while (!stopped && active < concurrency && ready.length > 0) {
      const message = ready.shift() as DeliveryMessage;
      active += 1;
      void run(message).finally(() => {
        active -= 1;
        pump();
      });
    }
  };
  const queue: DeliveryQueue = {
    maxDelayMs: 15 * 60_000,
    send: async (messages) => {
      for (const { message, delayMs } of messages) {
        if (delayMs <= 0) {
          ready.push(message);
          continue;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          ready.push(message);
          pump();
        }, delayMs);
        timers.add(timer);
      }
      pump();
    },
  };
  return {
    queue,
    stop: () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
};

/**
 * Follows every shard of the events table's stream from its oldest record until stopped, handing
 * each batch of records to `handle` (a failed batch is handed over again, as the event source
 * mapping retries).
 *
 * DynamoDB Local numbers stream records with a counter that transactions spanning a stream-less
 * table (the programme table) advance too, so a shard can start past the sequence number a
 * TRIM_HORIZON iterator expects: it answers TrimmedDataAccessException. We then take a new iterator
 * after the last record read (or at the horizon again), which is what a consumer does in AWS when
 * an iterator is trimmed or expires.
 */
const pollStream = async (
  dynamodb: DynamoDbLocal,
  handle: (records: DynamoDBRecord[]) => Promise<void>,
  pollIntervalMs: number,
  isStopped: () => boolean,
  logger: Logger,
) => {
  const streams = new DynamoDBStreamsClient({
    endpoint: dynamodb.endpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  const table = await dynamodb.client.send(new DescribeTableCommand({ TableName: dynamodb.tables.events }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`The events table ${dynamodb.tables.events} has no stream`);
  const iterators = new Map<string, string>();
  const lastRead = new Map<string, string>();
  const finished = new Set<string>();
  const iteratorFor = async (shardId: string) => {
    const last = lastRead.get(shardId);
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(last === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: last }),
      }),
    );
    if (ShardIterator) iterators.set(shardId, ShardIterator);
  };
  const discover = async () => {
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || iterators.has(shardId) || finished.has(shardId)) continue;
      // Children after their parent (its records come first), as Lambda reads them.
      if (shard.ParentShardId && iterators.has(shard.ParentShardId)) continue;
      await iteratorFor(shardId);
    }
  };
  const readShard = async (shardId: string, iterator: string): Promise<number> => {
    let result: GetRecordsCommandOutput;
    try {
      result = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      await iteratorFor(shardId);
      return 0;
    }
    const records = result.Records ?? [];
    if (records.length > 0) {
      await handle(records.map(lambdaRecord));
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) lastRead.set(shardId, last);
    }
    if (result.NextShardIterator) iterators.set(shardId, result.NextShardIterator);
    else {
      iterators.delete(shardId);
      finished.add(shardId);
    }
    return records.length;
  };
  try {
    while (!isStopped()) {
      let received = 0;
      try {
        if (iterators.size === 0) await discover();
        for (const [shardId, iterator] of [...iterators]) received += await readShard(shardId, iterator);
        if (received === 0) await discover();
      } catch (error) {
        // The batch stays unread (its iterator was not advanced): it is handed over again.
        if (!isStopped()) logger.error('Webhook stream polling failed; retrying', { error: error as Error });
      }
      if (received === 0) await sleep(pollIntervalMs);
    }
  } finally {
    streams.destroy();
  }
};

/** Starts the in-process dispatcher over a DynamoDB Local instance. */
export const startLocalDispatcher = (
  dynamodb: DynamoDbLocal,
  options: LocalWebhookOptions = {},
): LocalDispatcher => {
  const logger = new Logger({ serviceName: 'spbe-webhooks-local' });
  const ports = createDynamoDbPorts(createDocumentClient(dynamodb.client), dynamodb.tables);
  let stopped = false;
  let runAttempt: (message: DeliveryMessage) => Promise<void> = async () => undefined;
  const timers = createTimerQueue((message) => runAttempt(message), options.concurrency ?? 64);
  const dispatcher = createWebhookDispatcher(
    {
      ...ports,
      queue: timers.queue,
      sender: createHttpSender({
        allowLoopbackHttp: true,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      }),
      ids: systemIds,
      clock: systemClock,
      metrics: {
        delivered: () => undefined,
        // CloudWatch metrics in AWS; here a log line (POWERTOOLS_LOG_LEVEL=INFO shows it).
        failed: (reason) => logger.info('Webhook delivery failed for good', { reason }),
        endpointDisabled: (reason) => logger.info('Webhook endpoint disabled', { reason }),
      },
      random: Math.random,
    },
    {
      ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
      ...(options.disableFailingAfterMs === undefined
        ? {}
        : { disableFailingAfterMs: options.disableFailingAfterMs }),
    },
  );
  runAttempt = async (message) => {
    try {
      const result = await dispatcher.attempt(message);
      if (result.kind === 'attempted') {
        const { outcome } = result;
        options.onAttempt?.(
          `${message.eventId} → ${message.endpointId} attempt ${message.attempt}: ${outcome.kind === 'response' ? outcome.status : outcome.errorClass} (${Math.round(outcome.latencyMs)} ms)${result.delivery.nextAttemptAt ? `, next ${result.delivery.nextAttemptAt}` : ''}`,
        );
      }
    } catch (error) {
      logger.error('Webhook attempt failed to complete', { error: error as Error, eventId: message.eventId });
    }
  };
  const streamHandler = createStreamHandler(dispatcher, logger);
  const polling = pollStream(
    dynamodb,
    (records) => streamHandler({ Records: records }),
    options.pollIntervalMs ?? 100,
    () => stopped,
    logger,
  ).catch((error: unknown) => {
    logger.error('The events stream poller could not start', { error: error as Error });
  });
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping || stopped) return;
    sweeping = true;
    dispatcher
      .sweep()
      .catch((error: unknown) => logger.error('Webhook sweep failed', { error: error as Error }))
      .finally(() => {
        sweeping = false;
      });
  }, options.sweepIntervalMs ?? 1_000);

  return {
    dispatcher,
    stop: async () => {
      stopped = true;
      clearInterval(sweeper);
      timers.stop();
      await polling;
    },
  };
};

/**
 * The webhooks function's handler with a registration resolver of the caller's choosing (tests stub
 * DNS). The same factory and wiring as `functions/webhooks/handler.ts`; only the resolver differs.
 */
export const createLocalWebhooksHandler = (dynamodb: DynamoDbLocal, resolver: AddressResolver) => {
  const logger = new Logger();
  return createWebhooksHandler({
    ...createDynamoDbPorts(createDocumentClient(dynamodb.client), dynamodb.tables),
    ids: systemIds,
    secrets: systemSecrets,
    resolver,
    urlPolicy: { allowLoopbackHttp: true },
    http: {
      logger,
      corsAllowedOrigins: [],
      clock: systemClock,
      idempotency: createIdempotencyGuard(
        dynamodb.tableNames[idempotencyTable.constructId] ?? idempotencyTable.localTableName,
        dynamodb.client,
      ),
    },
  });
};
