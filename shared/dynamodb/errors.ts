import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { ConflictError, foreignCursorError, ServiceUnavailableError } from '#shared/domain/errors.ts';

/**
 * DynamoDB failures as the API reports them. The SDK already retried throttles with backoff; what
 * reaches us is sustained overload (503 + Retry-After) or a lost race (409, retry).
 */

/** The cancellation reason code of each action of a cancelled transaction, in order. */
export const cancellationReasons = (error: unknown): readonly (string | undefined)[] | undefined =>
  error instanceof TransactionCanceledException
    ? (error.CancellationReasons ?? []).map((reason) => reason.Code)
    : undefined;

/** True when a conditional write (plain or inside a transaction) failed its condition. */
export const isConditionFailure = (error: unknown, actionIndex?: number): boolean => {
  if (error instanceof ConditionalCheckFailedException) return true;
  const reasons = cancellationReasons(error);
  if (!reasons) return false;
  return actionIndex === undefined
    ? reasons.includes('ConditionalCheckFailed')
    : reasons[actionIndex] === 'ConditionalCheckFailed';
};

const throttled = (error: unknown): boolean => {
  if (
    error instanceof ProvisionedThroughputExceededException ||
    error instanceof ThrottlingException ||
    error instanceof RequestLimitExceeded
  ) {
    return true;
  }
  const reasons = cancellationReasons(error);
  return (
    reasons?.some((code) => code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded') ?? false
  );
};

const conflicted = (error: unknown): boolean =>
  error instanceof TransactionConflictException ||
  (cancellationReasons(error)?.includes('TransactionConflict') ?? false);

/** A call that stalled past the client's timeouts on every attempt (`dynamoDbTimeouts`). */
const timedOut = (error: unknown): boolean => error instanceof Error && error.name === 'TimeoutError';

/**
 * Node's codes of a connection that failed (refused, reset, no route, no DNS answer): the SDK retried
 * them as transient, so what reaches us is a database out of reach for the moment, as a stalled one is.
 */
const connectionFailureCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const unreachable = (error: unknown): boolean =>
  error instanceof Error && connectionFailureCodes.has(String((error as NodeJS.ErrnoException).code));

/**
 * The error of a call abandoned at its own budget (`abortSignal`) says so, for the log line an
 * on-call reads ("did not answer within 2000 ms" rather than the SDK's bare "Request aborted");
 * any other error is returned unchanged.
 */
export const abandonedAfter = (error: unknown, budgetMs: number, what: string): unknown =>
  error instanceof Error && error.name === 'AbortError'
    ? new Error(`${what} did not answer within ${budgetMs} ms.`, { cause: error })
    : error;

/** Rethrows a storage failure as the API error a client can act on; anything else unchanged. */
export const translateStorageError = (error: unknown): never => {
  if (timedOut(error)) {
    throw new ServiceUnavailableError('The database did not answer in time; retry in a moment.', {
      cause: error,
      headers: { 'retry-after': '1' },
    });
  }
  if (unreachable(error)) {
    throw new ServiceUnavailableError('The database could not be reached; retry in a moment.', {
      cause: error,
      headers: { 'retry-after': '1' },
    });
  }
  if (throttled(error)) {
    throw new ServiceUnavailableError('The database is busy; retry in a moment.', {
      cause: error,
      headers: { 'retry-after': '1' },
    });
  }
  if (conflicted(error)) {
    throw new ConflictError('Another change to the same record was in progress; retry the request.', {
      cause: error,
      headers: { 'retry-after': '1' },
    });
  }
  throw error;
};

/**
 * The condition of a versioned record's Put: a create must find no item, an update the version the
 * caller read. Shared by every record written under optimistic concurrency.
 */
export const versionCondition = (expectedVersion: number | undefined) =>
  expectedVersion === undefined
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : {
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };

/** Opaque pagination cursors: the LastEvaluatedKey, base64url-encoded. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;

const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  return undefined;
};

/**
 * Decodes a cursor and checks it is a start key this very query could have returned: exactly the
 * expected string attributes, each passing its check. Anything else (forged, truncated, from another
 * listing) is a 400 naming `/query/cursor` — DynamoDB would otherwise reject it as a server error.
 */
export const decodeCursorFor = (
  cursor: string | undefined,
  expected: Readonly<Record<string, (value: string) => boolean>>,
): Record<string, string> | undefined => {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor);
  const names = Object.keys(expected);
  const valid =
    key !== undefined &&
    Object.keys(key).length === names.length &&
    names.every((name) => {
      const value = key[name];
      return typeof value === 'string' && expected[name]?.(value) === true;
    });
  if (!valid) {
    throw foreignCursorError();
  }
  return key as Record<string, string>;
};
