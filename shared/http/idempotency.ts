import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConflictError, IdempotencyKeyReuseError, ServiceUnavailableError } from '#shared/domain/errors.ts';
import type { IdempotencyGuard, IdempotentRequest, StoredResponse } from './idempotency-key.ts';

export type { IdempotencyGuard, IdempotentRequest, StoredResponse } from './idempotency-key.ts';
export { idempotencyHeader, readIdempotencyKey } from './idempotency-key.ts';

/**
 * `Idempotency-Key` on POST routes, with Stripe's semantics, on Powertools for AWS Lambda's
 * idempotency utility: the first response is stored and replayed for 24 h; the same key with a
 * different request → 422; a duplicate while the first is still running → 409. Keys are scoped to
 * the caller and the route: two clients may use the same key without seeing each other's responses.
 * Failed requests (thrown errors) are not stored, so a client may retry them with the same key.
 * Only functions with idempotent routes import this module (the dispatcher needs only
 * `idempotency-key.ts`).
 */

const replayWindowSeconds = 24 * 60 * 60;

/**
 * DynamoDB items hold at most 400 KB. A response too large to store is still returned to the
 * client; it is just not replayable (a retry with the same key runs again, and conditional writes
 * make that safe). Routes keep idempotent responses small so this stays the exception.
 */
const maxStoredResponseBytes = 300 * 1024;

class UnstorableResponse extends Error {
  constructor(
    readonly response: StoredResponse,
    readonly bytes: number,
  ) {
    super(`Response of ${bytes} bytes is too large to store for replay`);
  }
}

/**
 * The guard over the idempotency table, through the function's one DynamoDB client (the one its
 * DocumentClient wraps): one client, one connection pool, one credential resolution per container.
 */
export const createIdempotencyGuard = (
  tableName: string,
  client: DynamoDBClient,
  onUnstorable: (bytes: number) => void = () => undefined,
): IdempotencyGuard => {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[subject, role, agencyId, routeKey, key]',
    payloadValidationJmesPath: '[path, body]',
    expiresAfterSeconds: replayWindowSeconds,
    throwOnNoIdempotencyKey: true,
    responseHook: (response, record) =>
      ({
        ...(response as object),
        headers: {
          ...((response as unknown as StoredResponse).headers ?? {}),
          'idempotent-replayed': 'true',
          'idempotency-key-expires': new Date((record.expiryTimestamp ?? 0) * 1000).toISOString(),
        },
      }) as typeof response,
  });
  const guarded = makeIdempotent(
    async (_request: IdempotentRequest, execute: () => Promise<StoredResponse>) => execute(),
    { persistenceStore, config, dataIndexArgument: 0 },
  );
  return {
    run: async (request, context, execute) => {
      config.registerLambdaContext(context);
      try {
        return await guarded(request, async () => {
          const response = await execute();
          const bytes = Buffer.byteLength(JSON.stringify(response));
          // Thrown so that Powertools removes its in-progress record instead of failing to save it.
          if (bytes > maxStoredResponseBytes) throw new UnstorableResponse(response, bytes);
          return response;
        });
      } catch (error) {
        if (error instanceof UnstorableResponse) {
          onUnstorable(error.bytes);
          return error.response;
        }
        if (error instanceof IdempotencyValidationError) {
          throw new IdempotencyKeyReuseError(
            'This Idempotency-Key was already used with a different request; use a new key for a new request.',
            { cause: error },
          );
        }
        if (error instanceof IdempotencyAlreadyInProgressError) {
          throw new ConflictError(
            'A request with this Idempotency-Key is still being processed; retry shortly.',
            {
              cause: error,
              headers: { 'retry-after': '1' },
            },
          );
        }
        if (error instanceof IdempotencyPersistenceLayerError) {
          throw new ServiceUnavailableError('Idempotency records are unavailable; retry shortly.', {
            cause: error,
            headers: { 'retry-after': '1' },
          });
        }
        throw error;
      }
    },
  };
};
