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
 * - **Queue: timers in this process**, delaying up to 15 minutes like SQS (longer waits go through
 *   the due index and the sweep), handing out batches of ten like SQS to a few lanes at a time (a
 *   hanging endpoint holds one lane; its batch-mates are POSTed and recorded without waiting).
 * - **Sweep: a timer**, every second by default (once a minute in AWS).
 */

export interface LocalWebhookOptions extends Pick<DispatcherOptions, 'schedule' | 'disableFailingAfterMs'> {
  /** Delivery timeout per attempt; default 15 s. */
  readonly timeoutMs?: number;
  /** DNS for deliveries (tests stub it; every answer is still checked before connecting). */
  readonly lookup?: LookupFunction;
  /** DNS for registration checks (tests stub it); default the system resolver. */
  readonly resolver?: AddressResolver;
  /**
   * Wait after an empty poll of the stream, doubling while it stays empty up to 250 ms (Lambda's
   * rate); records bring it back. Default 100 ms.
   */
  readonly pollIntervalMs?: number;
  readonly sweepIntervalMs?: number;
  /** Batches (of up to ten attempts) in flight at once, like concurrent Lambda invocations; default 16. */
  readonly lanes?: number;
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

/** Times a message is tried before it is given up on (SQS: the redrive policy's five receives). */
const maxReceives = 5;

/** Messages handed to one run, as SQS hands up to ten to one Lambda invocation. */
const batchSize = 10;

interface Queued {
  readonly message: DeliveryMessage;
  readonly receives: number;
}

/**
 * Timers standing in for SQS: messages wait their delay, then run in batches of up to ten on at most
 * `lanes` batches at a time; a message whose attempt fails to complete (a storage error) is tried
 * again a second later, five times in all.
 */
const createTimerQueue = (
  /** Runs a batch; answers the messages that failed to complete. */
  run: (messages: readonly DeliveryMessage[]) => Promise<readonly DeliveryMessage[]>,
  lanes: number,
  /** After the last try: what a dead-letter queue would receive. */
  onGiveUp: (message: DeliveryMessage) => void,
) => {
  const ready: Queued[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  const later = (entry: Queued, delayMs: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      ready.push(entry);
      pump();
    }, delayMs);
    timers.add(timer);
  };
  const retry = (entries: readonly Queued[]) => {
    for (const entry of entries) {
      if (entry.receives + 1 >= maxReceives) onGiveUp(entry.message);
      else later({ message: entry.message, receives: entry.receives + 1 }, 1_000);
    }
  };
  const pump = () => {
    while (!stopped && running.size < lanes && ready.length > 0) {
      const entries = ready.splice(0, batchSize);
      const task: Promise<void> = run(entries.map((entry) => entry.message))
        .then(
          (failed) => {
            if (!stopped) retry(entries.filter((entry) => failed.includes(entry.message)));
          },
          () => {
            if (!stopped) retry(entries);
          },
        )
        .finally(() => {
          running.delete(task);
          pump();
        });
      running.add(task);
    }
  };
  const queue: DeliveryQueue = {
    maxDelayMs: 15 * 60_000,
    send: async (messages) => {
      for (const { message, delayMs } of messages) {
        if (delayMs <= 0) ready.push({ message, receives: 0 });
        else later({ message, receives: 0 }, delayMs);
      }
      pump();
    },
  };
  return {
    queue,
    /** Stops taking work and waits for the attempts in flight. */
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
};

/** Lambda polls each shard of a stream four times a second; a quiet local poller slows to that. */
const idlePollMs = 250;

/** How often the local poller looks for new shards besides when one closes. */
const discoveryIntervalMs = 10_000;

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
  let idleWaitMs = pollIntervalMs;
  let discoveredAt = Number.NEGATIVE_INFINITY;
  try {
    while (!isStopped()) {
      let received = 0;
      try {
        const shardsBefore = iterators.size;
        for (const [shardId, iterator] of [...iterators]) received += await readShard(shardId, iterator);
        // New shards appear when one closes (its children follow it); a slow periodic look catches
        // anything else. Describing the stream on every empty poll cost DynamoDB Local as much CPU
        // as the polls themselves.
        if (
          iterators.size === 0 ||
          iterators.size < shardsBefore ||
          performance.now() - discoveredAt >= discoveryIntervalMs
        ) {
          await discover();
          discoveredAt = performance.now();
        }
      } catch (error) {
        // The batch stays unread (its iterator was not advanced): it is handed over again.
        if (!isStopped()) logger.error('Webhook stream polling failed; retrying', { error: error as Error });
      }
      if (received > 0) {
        idleWaitMs = pollIntervalMs;
      } else {
        // Quiet stream: wait longer after each empty poll, up to Lambda's rate (four polls a second
        // per shard); records bring the short interval back. Empty polls are not free for DynamoDB
        // Local: at 20 ms they kept half a core busy.
        await sleep(idleWaitMs);
        idleWaitMs = Math.min(Math.max(idleWaitMs * 2, pollIntervalMs), Math.max(pollIntervalMs, idlePollMs));
      }
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
  let runBatch: (messages: readonly DeliveryMessage[]) => Promise<readonly DeliveryMessage[]> =
    async () => [];
  const timers = createTimerQueue(
    (messages) => runBatch(messages),
    options.lanes ?? 16,
    (message) =>
      logger.error('Webhook attempt given up after five tries (dead letter)', {
        eventId: message.eventId,
        endpointId: message.endpointId,
      }),
  );
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
        // Locally a warning, once a minute as in AWS: an award publication cut off (npm start
        // stopped half-way) is finished by an admin's POST …/awards/publish (or …/revisions).
        publicationUnfinished: (publication, forMs) =>
          logger.warn('Award publication unfinished: finish it with POST /v1/cycles/<year>/awards/publish', {
            ...publication,
            unfinishedMinutes: Math.round(forMs / 60_000),
          }),
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
  runBatch = async (messages) => {
    const results = await dispatcher.attemptMany(messages);
    return messages.filter((message, index) => {
      const result = results[index];
      if (result?.status === 'rejected') {
        logger.warn('Webhook attempt failed to complete; it will be tried again', {
          error: result.reason as Error,
          eventId: message.eventId,
        });
        return true;
      }
      if (result?.value.kind === 'held' && message.held === undefined) {
        const { publication } = result.value;
        options.onAttempt?.(
          `${message.eventId} → ${message.endpointId} waits for award publication ${publication.version} of ${publication.year} to finish`,
        );
      }
      if (result?.value.kind === 'attempted') {
        const { outcome, delivery } = result.value;
        options.onAttempt?.(
          `${message.eventId} → ${message.endpointId} attempt ${message.attempt}: ${outcome.kind === 'response' ? outcome.status : outcome.errorClass} (${Math.round(outcome.latencyMs)} ms)${delivery.nextAttemptAt ? `, next ${delivery.nextAttemptAt}` : ''}`,
        );
      }
      return false;
    });
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
  /** Runs `work` every `intervalMs`, never two at once; `stop` waits for the one under way. */
  const periodically = (intervalMs: number, work: () => Promise<unknown>, failure: string) => {
    let running: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (running || stopped) return;
      running = work()
        .then(
          () => undefined,
          (error: unknown) => logger.error(failure, { error: error as Error }),
        )
        .finally(() => {
          running = undefined;
        });
    }, intervalMs);
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  };
  const sweeper = periodically(options.sweepIntervalMs ?? 1_000, dispatcher.sweep, 'Webhook sweep failed');
  // Stalled award publications: every minute, as the schedule does in AWS (not every second with
  // the sweep: an idle `npm start` would query for them sixty times a minute).
  const watcher = periodically(60_000, dispatcher.watchPublications, 'Award publication watch failed');

  return {
    dispatcher,
    stop: async () => {
      stopped = true;
      // A sweep under way finishes before the caller may stop DynamoDB Local.
      await Promise.all([polling, sweeper.stop(), watcher.stop()]);
      await timers.stop();
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
