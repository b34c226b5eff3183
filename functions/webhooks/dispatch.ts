import type { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DomainEvent } from '#shared/domain/events.ts';
import type { AttemptResult, WebhookDispatcher } from '#shared/services/webhooks/dispatcher.ts';
import type { DeliveryMessage } from '#shared/services/webhooks/ports.ts';

/**
 * The dispatcher's three triggers, as thin adapters from Lambda event shapes to the dispatcher
 * service: the events table's stream (fan-out), the delivery queue (one attempt per message) and
 * the schedule (the sweep). `npm start` drives the same functions from its in-process stream
 * poller, timer queue and sweep timer.
 */

/** The event source mapping's filter, repeated here: INSERTs of outbox events only. */
export const isOutboxInsert = (record: DynamoDBRecord): boolean =>
  record.eventName === 'INSERT' && record.dynamodb?.NewImage?.entity?.S === 'Event';

/** The domain event a stream record carries (the item minus its keys). */
export const eventOfRecord = (record: DynamoDBRecord): DomainEvent => {
  const item = unmarshall((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>);
  return {
    id: item.id,
    type: item.type,
    occurredAt: item.occurredAt,
    subject: item.subject ?? {},
    data: item.data ?? {},
  };
};

/**
 * New outbox events → the first attempt of each delivery, queued. A failure throws: the event
 * source retries the batch (bisecting it), and queued duplicates are dropped by the attempt's
 * conditional write.
 */
export const createStreamHandler =
  (dispatcher: Pick<WebhookDispatcher, 'fanOut'>, logger: Logger) =>
  async (event: DynamoDBStreamEvent): Promise<void> => {
    const events = event.Records.filter(isOutboxInsert).map(eventOfRecord);
    if (events.length === 0) return;
    // Logged as well as thrown: the runtime's own line of a thrown error is plain text, which the
    // runbook's `filter level = "ERROR"` does not find, and it names no event.
    const queued = await dispatcher.fanOut(events).catch((error: unknown) => {
      logger.error('Webhook fan-out failed', {
        eventIds: events.map((each) => each.id),
        error: error as Error,
      });
      throw error;
    });
    logger.info('Webhook fan-out', { events: events.length, queued });
  };

const isDeliveryMessage = (value: unknown): value is DeliveryMessage => {
  const message = value as Partial<DeliveryMessage> | null;
  return (
    typeof message?.agencyId === 'string' &&
    typeof message.endpointId === 'string' &&
    typeof message.eventId === 'string' &&
    typeof message.attempt === 'number' &&
    (message.trigger === 'scheduled' || message.trigger === 'redelivery')
  );
};

/** What the log says about an attempt: ids, status, timing — never the URL (it may hold a token) or a key. */
export const attemptLog = (message: DeliveryMessage, result: AttemptResult) =>
  result.kind === 'skipped'
    ? {
        eventId: message.eventId,
        endpointId: message.endpointId,
        attempt: message.attempt,
        skipped: result.reason,
      }
    : result.kind === 'held'
      ? {
          eventId: message.eventId,
          endpointId: message.endpointId,
          attempt: message.attempt,
          heldFor: `award publication ${result.publication.version} of ${result.publication.year}`,
          holds: (message.held ?? 0) + 1,
          nextLookMs: result.delayMs,
        }
      : {
          eventId: message.eventId,
          endpointId: message.endpointId,
          attempt: message.attempt,
          trigger: message.trigger,
          verdict: result.verdict.kind,
          status: result.delivery.status,
          ...(result.outcome.kind === 'response'
            ? { statusCode: result.outcome.status }
            : { errorClass: result.outcome.errorClass, detail: result.outcome.detail }),
          latencyMs: Math.round(result.outcome.latencyMs),
          ...(result.delivery.nextAttemptAt ? { nextAttemptAt: result.delivery.nextAttemptAt } : {}),
        };

/**
 * Queue messages → attempts, all of a batch at once (read together, then each POSTed and recorded on
 * its own: a hanging endpoint holds only its own). Only a storage failure fails a message (SQS
 * retries it, then dead-letters it); a failed POST is a recorded attempt with its retry scheduled,
 * not an error.
 */
export const createQueueHandler =
  (
    dispatcher: Pick<WebhookDispatcher, 'attemptMany'>,
    logger: Logger,
    afterBatch: () => void = () => undefined,
  ) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batch: { messageId: string; message: DeliveryMessage }[] = [];
    for (const record of event.Records) {
      let message: unknown;
      try {
        message = JSON.parse(record.body);
      } catch {
        message = undefined;
      }
      // Retrying cannot fix a malformed message: log it loudly and let it go.
      if (isDeliveryMessage(message)) batch.push({ messageId: record.messageId, message });
      else logger.error('Malformed delivery message', { messageId: record.messageId });
    }
    const failures: { itemIdentifier: string }[] = [];
    try {
      const results = await dispatcher.attemptMany(batch.map(({ message }) => message));
      results.forEach((result, index) => {
        const { messageId, message } = batch[index] as (typeof batch)[number];
        if (result.status === 'fulfilled') {
          logger.info('Webhook attempt', attemptLog(message, result.value));
        } else {
          logger.error('Webhook attempt failed to complete', {
            error: result.reason as Error,
            eventId: message.eventId,
          });
          failures.push({ itemIdentifier: messageId });
        }
      });
    } catch (error) {
      // The batch's read failed: every message is tried again.
      logger.error('Webhook attempts could not start', { error: error as Error });
      failures.push(...batch.map(({ messageId }) => ({ itemIdentifier: messageId })));
    }
    afterBatch();
    return { batchItemFailures: failures };
  };

/**
 * The scheduled sweep: queues retries and redeliveries that fall due within the next minute, and
 * reports award publications stalled for 10 minutes (their alarm's metric).
 */
export const createSweepHandler =
  (dispatcher: Pick<WebhookDispatcher, 'sweep' | 'watchPublications'>, logger: Logger) =>
  async (): Promise<{ queued: number; stalledPublications: number }> => {
    const [queued, stalledPublications] = await Promise.all([
      dispatcher.sweep(),
      dispatcher.watchPublications(),
    ]).catch((error: unknown) => {
      logger.error('Webhook sweep failed', { error: error as Error });
      throw error;
    });
    if (queued > 0) logger.info('Webhook sweep', { queued });
    return { queued, stalledPublications };
  };
