import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  options: { readonly projection?: string } = {},
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
