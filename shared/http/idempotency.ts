import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import {
  ConflictError,
  IdempotencyKeyReuseError,
  ServiceUnavailableError,
  ValidationError,
} from '#shared/domain/errors.ts';
import type { Role } from '#shared/domain/roles.ts';

/**
 * `Idempotency-Key` on POST routes, with Stripe's semantics, on Powertools for AWS Lambda's
 * idempotency utility: the first response is stored and replayed for 24 h; the same key with a
 * different request → 422; a duplicate while the first is still running → 409. Keys are scoped to
 * the caller and the route: two clients may use the same key without seeing each other's responses.
 * Failed requests (thrown errors) are not stored, so a client may retry them with the same key.
 */

export const idempotencyHeader = 'idempotency-key';
const replayWindowSeconds = 24 * 60 * 60;
const maxKeyLength = 255;

/**
 * What identifies a request (who sends it, on which route, with which key) and what must be the
 * same for a replay (path and body). The caller is its subject, role and agency, not the subject
 * alone: replays skip every check of the route, so a subject re-bound to another agency or role
 * must not be handed what it received as the first.
 */
export interface IdempotentRequest {
  readonly subject: string;
  readonly role: Role | undefined;
  readonly agencyId: string | undefined;
  readonly routeKey: string;
  readonly key: string;
  readonly path: string;
  readonly body: string;
}

export interface StoredResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

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

export interface IdempotencyGuard {
  run(
    request: IdempotentRequest,
    context: Context,
    execute: () => Promise<StoredResponse>,
  ): Promise<StoredResponse>;
}

export const readIdempotencyKey = (
  headers: Readonly<Record<string, string | undefined>>,
): string | undefined => {
  const key = headers[idempotencyHeader];
  if (key === undefined) return undefined;
  if (key.trim().length === 0 || key.length > maxKeyLength) {
    throw new ValidationError(`The Idempotency-Key header must be 1–${maxKeyLength} characters.`, {
      errors: [{ pointer: '/headers/idempotency-key', detail: `1–${maxKeyLength} characters` }],
    });
  }
  return key;
};

/**
 * `client` is the function's one DynamoDB client (`functionDynamoDbClient()`), so that the records'
 * calls share its connections and are counted with the function's other calls.
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
