import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateStorageError } from './errors.ts';
import type { ItemKey } from './keys.ts';

/** BatchGetItem's limit of keys per call. */
const keysPerBatch = 100;

/**
 * Reads many items of one table by key, 100 keys a call, re-asking for `UnprocessedKeys` (they only
 * appear under throttling; the SDK already backed off). Items come back in no particular order.
 */
export const batchGetAll = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  options: {
    readonly projection?: string;
    /** Expression attribute names the projection uses (`#name`), for names DynamoDB reserves. */
    readonly names?: Readonly<Record<string, string>>;
  } = {},
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += keysPerBatch) {
    let pending: Record<string, unknown>[] = keys
      .slice(start, start + keysPerBatch)
      .map((key) => ({ ...key }));
    while (pending.length > 0) {
      const result = await client
        .send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: pending,
                ConsistentRead: true,
                ...(options.projection ? { ProjectionExpression: options.projection } : {}),
                ...(options.names ? { ExpressionAttributeNames: { ...options.names } } : {}),
              },
            },
          }),
        )
        .catch(translateStorageError);
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return items;
};

/** BatchWriteItem's limit of items per call. */
const itemsPerBatchWrite = 25;

export interface BatchWriteOptions {
  /** Attempts per batch before giving up (the SDK's own retries come on top). */
  readonly maxAttempts?: number;
  /** First backoff; doubles per attempt, with full jitter. */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Puts many items, 25 a call, re-sending `UnprocessedItems` (what DynamoDB returns under throttling
 * instead of an error) with exponential backoff and full jitter, so a throttled bulk write slows down
 * instead of failing or hammering the table. For write-once items only (no conditions exist in a
 * batch). Returns the items written and the write capacity consumed.
 */
export const batchWriteAll = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  options: BatchWriteOptions = {},
): Promise<{ items: number; capacity: number }> => {
  const maxAttempts = options.maxAttempts ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let capacity = 0;
  for (let start = 0; start < items.length; start += itemsPerBatchWrite) {
    let pending = items
      .slice(start, start + itemsPerBatchWrite)
      .map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new Error(
          `${pending.length} ${pending.length === 1 ? 'item' : 'items'} stayed unprocessed after ${maxAttempts} attempts (sustained throttling)`,
        );
      }
      if (attempt > 1) await sleep(random() * baseDelayMs * 2 ** (attempt - 2));
      const result = await client
        .send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending }, ReturnConsumedCapacity: 'TOTAL' }),
        )
        .catch(translateStorageError);
      capacity += (result.ConsumedCapacity ?? []).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      pending = (result.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
      );
    }
  }
  return { items: items.length, capacity };
};
