import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyPersistenceLayerError,
  IdempotencyRecordStatus,
  IdempotencyValidationError,
  makeIdempotent,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { ConflictError, IdempotencyKeyReuseError, ServiceUnavailableError } from '#shared/domain/errors.ts';
import { type TransactionClaim, withTransactionClaim } from '#shared/runtime/transaction-claim.ts';
import type { IdempotencyGuard, IdempotentRequest, StoredResponse } from './idempotency-key.ts';

export type {
  IdempotencyClaim,
  IdempotencyGuard,
  IdempotentRequest,
  StoredResponse,
} from './idempotency-key.ts';
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

type RecordData = Parameters<DynamoDBPersistenceLayer['saveInProgress']>[0];
type IdempotencyRecord = Awaited<ReturnType<DynamoDBPersistenceLayer['getRecord']>>;

/**
 * Powertools' DynamoDB persistence layer, which can also build a request's in-progress record
 * without sending it: a `with-change` route's transaction carries it. Powertools still computes
 * everything in it (the key with its prefix, the payload hash, both expiries), so the item is
 * exactly the one its own flow would have put.
 */
class ClaimablePersistenceLayer extends DynamoDBPersistenceLayer {
  readonly #capturing = new Map<string, (record: IdempotencyRecord) => void>();

  async inProgressRecord(data: RecordData, remainingMs: number): Promise<IdempotencyRecord> {
    const key = this.getHashedIdempotencyKey(data);
    let captured: IdempotencyRecord | undefined;
    // saveInProgress calls _putRecord before its first await: set, capture and clear in one turn.
    this.#capturing.set(key, (record) => {
      captured = record;
    });
    try {
      await this.saveInProgress(data, remainingMs);
    } finally {
      this.#capturing.delete(key);
    }
    if (!captured) throw new Error('The idempotency record to claim was not built');
    return captured;
  }

  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const capture = this.#capturing.get(record.idempotencyKey);
    if (capture) return capture(record);
    return super._putRecord(record);
  }
}

const attributes = { key: 'id', ...PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS } as const;

/** The in-progress record as a transaction action, with the condition Powertools' own put has. */
const claimOf = (tableName: string, record: IdempotencyRecord): TransactionClaim => {
  const now = Date.now();
  return {
    committed: false,
    put: {
      TableName: tableName,
      Item: {
        [attributes.key]: record.idempotencyKey,
        [attributes.expiryAttr]: record.expiryTimestamp,
        [attributes.statusAttr]: IdempotencyRecordStatus.INPROGRESS,
        ...(record.inProgressExpiryTimestamp === undefined
          ? {}
          : { [attributes.inProgressExpiryAttr]: record.inProgressExpiryTimestamp }),
        ...(record.payloadHash === undefined ? {} : { [attributes.validationKeyAttr]: record.payloadHash }),
      },
      // A new key or an expired record only. Unlike Powertools' own claim, not one left in progress
      // by an invocation that timed out: this claim exists only once its change committed, so an
      // in-progress record means the change was made and only its answer was lost — making the
      // change again would do it twice (a second ranking run, a second appeal).
      ConditionExpression: 'attribute_not_exists(#id) OR #expiry < :now',
      ExpressionAttributeNames: {
        '#id': attributes.key,
        '#expiry': attributes.expiryAttr,
      },
      ExpressionAttributeValues: {
        ':now': now / 1000,
      },
    },
  };
};

/**
 * The answer as the idempotency record keeps it: its body as JSON text. Powertools stores what it is
 * given as a DynamoDB map, which keeps no member order, so a replay came back with the same members
 * in another order — equal as JSON, not byte for byte, which a client that hashes or compares the
 * receipt it was given would notice. Text keeps the bytes.
 */
interface KeptResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly bodyJson?: string;
}

const kept = (response: StoredResponse): KeptResponse => ({
  status: response.status,
  ...(response.headers === undefined ? {} : { headers: response.headers }),
  ...(response.body === undefined ? {} : { bodyJson: JSON.stringify(response.body) }),
});

/** The answer again; a record written before answers were kept as text is its own answer. */
const restored = (record: KeptResponse | StoredResponse): StoredResponse => {
  if (!('bodyJson' in record) || typeof record.bodyJson !== 'string') return record as StoredResponse;
  const { bodyJson, ...rest } = record;
  return { ...rest, body: JSON.parse(bodyJson) as unknown };
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
  const persistenceStore = new ClaimablePersistenceLayer({ tableName, awsSdkV3Client: client });
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
  // makeIdempotent configures the layer on each call; the `with-change` flow uses it directly.
  persistenceStore.configure({ config });
  const replayOf = (record: IdempotencyRecord): StoredResponse => {
    const response = restored(record.getResponse() as unknown as KeptResponse);
    return {
      ...response,
      headers: {
        ...(response.headers ?? {}),
        'idempotent-replayed': 'true',
        'idempotency-key-expires': new Date((record.expiryTimestamp ?? 0) * 1000).toISOString(),
      },
    };
  };
  const sizeOf = (response: StoredResponse) => Buffer.byteLength(JSON.stringify(response));
  /** A failure of the records themselves, reported as Powertools' own flow reports it (503). */
  const stored = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      const known =
        error instanceof IdempotencyItemNotFoundError ||
        error instanceof IdempotencyItemAlreadyExistsError ||
        error instanceof IdempotencyValidationError;
      if (known) throw error;
      throw new IdempotencyPersistenceLayerError('Idempotency records are unavailable', { cause: error });
    }
  };

  /**
   * After a `with-change` request failed before its change committed: was it a duplicate? The
   * record of the key answers — a completed request is replayed, one still running gets 409, a
   * different request under the same key 422 — and without one the request's own error stands.
   */
  const settleFailure = async (request: RecordData, error: unknown): Promise<StoredResponse> => {
    let existing: IdempotencyRecord;
    try {
      existing = await stored(() => persistenceStore.getRecord(request));
    } catch (lookup) {
      if (lookup instanceof IdempotencyItemNotFoundError) throw error;
      throw lookup;
    }
    const status = existing.getStatus();
    if (status === IdempotencyRecordStatus.COMPLETED) return replayOf(existing);
    const running =
      status === IdempotencyRecordStatus.INPROGRESS &&
      (existing.inProgressExpiryTimestamp === undefined || existing.inProgressExpiryTimestamp > Date.now());
    if (running) throw new IdempotencyAlreadyInProgressError('Still running');
    if (status === IdempotencyRecordStatus.INPROGRESS) {
      // Claimed in the change's transaction: the change was made, by a request that died before
      // storing its answer (a timeout). Running the route again could make it twice.
      throw new ConflictError(
        'The first request with this Idempotency-Key made its change, but its answer was lost (the request ended before answering). Read the resource to see the change; a new request needs a new key.',
        { cause: error },
      );
    }
    throw error;
  };

  /**
   * The `with-change` flow: the claim rides in the route's transaction (the write path adds it to
   * the first one it sends), then one update stores the response. A route that committed no change
   * (nothing to do) claims the key with Powertools' put instead.
   */
  const runWithChange = async (
    request: RecordData,
    context: Context,
    execute: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> => {
    const claim = claimOf(
      tableName,
      await stored(() => persistenceStore.inProgressRecord(request, context.getRemainingTimeInMillis())),
    );
    let response: StoredResponse;
    try {
      response = await withTransactionClaim(claim, execute);
    } catch (error) {
      // The change committed and the route failed after it: free the key, as Powertools does.
      if (claim.committed) {
        await stored(() => persistenceStore.deleteRecord(request));
        throw error;
      }
      return settleFailure(request, error);
    }
    const bytes = sizeOf(response);
    if (bytes > maxStoredResponseBytes) {
      if (claim.committed) await stored(() => persistenceStore.deleteRecord(request));
      onUnstorable(bytes);
      return response;
    }
    if (!claim.committed) {
      try {
        await stored(() => persistenceStore.saveInProgress(request, context.getRemainingTimeInMillis()));
      } catch (error) {
        if (error instanceof IdempotencyItemAlreadyExistsError) return settleFailure(request, error);
        throw error;
      }
    }
    await stored(() => persistenceStore.saveSuccess(request, kept(response) as unknown as RecordData));
    return response;
  };

  const guarded = makeIdempotent(
    async (_request: IdempotentRequest, execute: () => Promise<StoredResponse>) => execute(),
    { persistenceStore, config, dataIndexArgument: 0 },
  );
  return {
    run: async (request, context, execute, claim = 'before') => {
      config.registerLambdaContext(context);
      try {
        if (claim === 'with-change') {
          return await runWithChange(request as unknown as RecordData, context, execute);
        }
        // Powertools stores what the function returns and hands it back (through `responseHook`,
        // which adds the replay headers) on a replay: the kept form both times, restored here.
        const answer = await guarded(request, async () => {
          const response = await execute();
          const bytes = sizeOf(response);
          // Thrown so that Powertools removes its in-progress record instead of failing to save it.
          if (bytes > maxStoredResponseBytes) throw new UnstorableResponse(response, bytes);
          return kept(response) as unknown as StoredResponse;
        });
        return restored(answer);
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
        if (
          error instanceof IdempotencyAlreadyInProgressError ||
          error instanceof IdempotencyItemAlreadyExistsError
        ) {
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
