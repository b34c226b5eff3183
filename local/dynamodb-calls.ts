import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Which DynamoDB calls a request makes, counted where they are sent: an SDK middleware on the
 * clients the handlers use (`functionDynamoDbClient()` and DynamoDB Local's own client), recording
 * into the async context of the request being served. The local runtime wraps every handler
 * invocation in `recordDynamoDbCalls`; nothing in the deployed code knows about it. Calls made
 * outside a recorded request (the webhook dispatcher, a ranking run started by the API, seeding)
 * are not attributed to any request.
 */

export interface DynamoDbCall {
  /** The API operation: `GetItem`, `Query`, `TransactWriteItems`, … */
  readonly operation: string;
  /** The table it names, when it names one (batch and transaction calls name several: omitted). */
  readonly table?: string;
}

const current = new AsyncLocalStorage<DynamoDbCall[]>();
const middlewareName = 'spbeLocalDynamoDbCallCounter';
const counted = new WeakSet<DynamoDBClient>();

/** `GetItemCommand` → `GetItem`: DocumentClient commands reach the client stack as their low-level command. */
const operationOf = (commandName: unknown): string =>
  typeof commandName === 'string' ? commandName.replace(/Command$/, '') : 'unknown';

/**
 * Adds the counting middleware to a client (once per client). It runs at the `initialize` step, once
 * per `send`: a retry of the same call by the SDK is not another call.
 */
export const countDynamoDbCalls = (client: DynamoDBClient): void => {
  if (counted.has(client)) return;
  counted.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const calls = current.getStore();
      if (calls) {
        const table = (args.input as { TableName?: unknown }).TableName;
        calls.push({
          operation: operationOf(context.commandName),
          ...(typeof table === 'string' ? { table } : {}),
        });
      }
      return next(args);
    },
    { step: 'initialize', name: middlewareName, priority: 'high' },
  );
};

/** Runs `work` and returns what it returned with the DynamoDB calls made in its async context. */
export const recordDynamoDbCalls = async <T>(
  work: () => Promise<T>,
): Promise<{ readonly result: T; readonly calls: readonly DynamoDbCall[] }> => {
  const calls: DynamoDbCall[] = [];
  const result = await current.run(calls, work);
  return { result, calls };
};

/** `GetItem, Query` → `{ GetItem: 1, Query: 1 }` style summary, in call order: `GetItem + Query`. */
export const describeCalls = (calls: readonly DynamoDbCall[]): string =>
  calls.length === 0 ? 'none' : calls.map((call) => call.operation).join(' + ');
