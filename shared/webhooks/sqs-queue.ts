import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage, DeliveryQueue } from '#shared/services/webhooks/ports.ts';

/** SQS delays a message by 15 minutes at most; longer waits go through the due index and the sweep. */
const sqsMaxDelaySeconds = 900;
/** SQS takes 10 messages and 256 KiB per batch; first attempts carry their (< 20 KB) event. */
const batchMessages = 10;
const batchBytes = 200_000;

/**
 * The delivery queue in AWS: each attempt is one SQS message, delayed until its attempt is due; the
 * delivery function consumes them, so a slow endpoint only ever holds its own message.
 */
export const createSqsDeliveryQueue = (client: SQSClient, queueUrl: string): DeliveryQueue => {
  const sendBatch = async (entries: { Id: string; MessageBody: string; DelaySeconds: number }[]) => {
    let pending = entries;
    // A batch can partly fail (throttling); send the failed entries again, then give up loudly.
    for (let round = 0; pending.length > 0; round += 1) {
      const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
      pending = pending.filter((entry) => failed.has(entry.Id));
      if (pending.length > 0 && round === 2) {
        throw new Error(`SQS refused ${pending.length} delivery messages: ${JSON.stringify(result.Failed)}`);
      }
    }
  };

  return {
    maxDelayMs: sqsMaxDelaySeconds * 1000,
    send: async (messages) => {
      let batch: { Id: string; MessageBody: string; DelaySeconds: number }[] = [];
      let bytes = 0;
      const batches: (typeof batch)[] = [];
      messages.forEach(({ message, delayMs }, index) => {
        const body = JSON.stringify(message satisfies DeliveryMessage);
        if (batch.length === batchMessages || bytes + body.length > batchBytes) {
          batches.push(batch);
          batch = [];
          bytes = 0;
        }
        batch.push({
          Id: String(index),
          MessageBody: body,
          DelaySeconds: Math.min(sqsMaxDelaySeconds, Math.max(0, Math.ceil(delayMs / 1000))),
        });
        bytes += body.length;
      });
      if (batch.length > 0) batches.push(batch);
      await Promise.all(batches.map(sendBatch));
    },
  };
};
