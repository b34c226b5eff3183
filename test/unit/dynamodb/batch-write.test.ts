import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { batchGetAll, batchWriteAll } from '#shared/dynamodb/batch.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';

/**
 * DynamoDB Local never throttles, so it never answers a batch with `UnprocessedItems`: the answers a
 * throttled table gives are injected here (aws-sdk-client-mock).
 */

const documentClient = createDocumentClient();
const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const table = 'programme';
const itemsNumbered = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ PK: 'RANK#2025#run', SK: `N#${index}`, rank: index + 1 }));
const putsOf = (items: readonly Record<string, unknown>[]) =>
  items.map((item) => ({ PutRequest: { Item: item } }));
const sentItems = (call: number): unknown[] =>
  (dynamo.commandCalls(BatchWriteCommand)[call]?.args[0].input.RequestItems?.[table] ?? []).map(
    (request) => request.PutRequest?.Item,
  );

describe('batchWriteAll', () => {
  it('writes 25 items a call', async () => {
    // Prepare
    dynamo
      .on(BatchWriteCommand)
      .resolves({ UnprocessedItems: {}, ConsumedCapacity: [{ CapacityUnits: 25 }] });
    const items = itemsNumbered(60);

    // Act
    const result = await batchWriteAll(documentClient, table, items, { sleep: async () => {} });

    // Assess
    expect(
      dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[table]?.length),
    ).toEqual([25, 25, 10]);
    expect(result).toEqual({ items: 60, capacity: 75 });
  });

  it('re-sends only the unprocessed items, after a backoff that doubles with full jitter', async () => {
    // Prepare: the first answer leaves 3 items, the second 1, the third none.
    const items = itemsNumbered(10);
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [table]: putsOf(items.slice(7)) } })
      .resolvesOnce({ UnprocessedItems: { [table]: putsOf(items.slice(9)) } })
      .resolves({ UnprocessedItems: {} });
    const sleeps: number[] = [];

    // Act
    await batchWriteAll(documentClient, table, items, {
      baseDelayMs: 100,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    // Assess
    expect(sentItems(0)).toEqual(items);
    expect(sentItems(1)).toEqual(items.slice(7));
    expect(sentItems(2)).toEqual(items.slice(9));
    // random × base × 2^(attempt − 2): 0.5 × 100, then 0.5 × 200.
    expect(sleeps).toEqual([50, 100]);
  });

  it('jitter spreads the waits of concurrent writers over [0, base × 2^n)', async () => {
    // Prepare
    const items = itemsNumbered(1);
    const waits: number[] = [];
    for (const random of [0, 0.25, 0.999]) {
      dynamo.reset();
      dynamo
        .on(BatchWriteCommand)
        .resolvesOnce({ UnprocessedItems: { [table]: putsOf(items) } })
        .resolves({ UnprocessedItems: {} });

      // Act
      await batchWriteAll(documentClient, table, items, {
        baseDelayMs: 80,
        random: () => random,
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
    }

    // Assess
    expect(waits).toEqual([0, 20, 79.92]);
  });

  it('gives up with a clear error when the table stays throttled, never looping forever', async () => {
    // Prepare
    const items = itemsNumbered(3);
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: { [table]: putsOf(items) } });

    // Act
    const write = batchWriteAll(documentClient, table, items, { maxAttempts: 4, sleep: async () => {} });

    // Assess
    await expect(write).rejects.toThrow('3 items stayed unprocessed after 4 attempts (sustained throttling)');
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(4);
  });
});

describe('batchGetAll', () => {
  it('asks again for the unprocessed keys until every item is read', async () => {
    // Prepare
    const keys = Array.from({ length: 3 }, (_, index) => ({ PK: `AGENCY#a${index}`, SK: 'PROFILE' }));
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [table]: [{ ...keys[0], name: 'A0' }] },
        UnprocessedKeys: { [table]: { Keys: keys.slice(1) } },
      })
      .resolves({
        Responses: { [table]: keys.slice(1).map((key, index) => ({ ...key, name: `A${index + 1}` })) },
      });

    // Act
    const items = await batchGetAll(documentClient, table, keys);

    // Assess
    expect(items.map((item) => item.name)).toEqual(['A0', 'A1', 'A2']);
    expect(dynamo.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.[table]?.Keys).toEqual(
      keys.slice(1),
    );
  });
});
