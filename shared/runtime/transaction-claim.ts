import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A write that must commit in the same transaction as the change a request makes: the claim of
 * the request's `Idempotency-Key` on routes marked `idempotencyClaim: 'with-change'`. The
 * idempotency guard (`shared/http/idempotency.ts`) opens the scope around the route; the audited
 * write path (`shared/dynamodb/write-path.ts`) adds the claim to the first transaction it sends in
 * that scope. The key is then taken exactly when the change is made — a duplicate request's
 * transaction fails on the claim and changes nothing — and the request saves one round trip (no
 * record written before the route runs). A request scope, not a parameter: services build their
 * change sets without knowing about HTTP retries.
 */

export interface TransactionClaim {
  /** The item to put and its condition, in DocumentClient form. */
  readonly put: {
    readonly TableName: string;
    readonly Item: Readonly<Record<string, unknown>>;
    readonly ConditionExpression: string;
    readonly ExpressionAttributeNames: Readonly<Record<string, string>>;
    readonly ExpressionAttributeValues: Readonly<Record<string, unknown>>;
  };
  /** Set by the write path once a transaction carrying the claim has committed. */
  committed: boolean;
}

const scope = new AsyncLocalStorage<TransactionClaim>();

/** Runs `work` with `claim` pending: the first transaction committed within it carries the claim. */
export const withTransactionClaim = <T>(claim: TransactionClaim, work: () => Promise<T>): Promise<T> =>
  scope.run(claim, work);

/** The claim the current request's next transaction must carry: none, or one not committed yet. */
export const pendingTransactionClaim = (): TransactionClaim | undefined => {
  const claim = scope.getStore();
  return claim && !claim.committed ? claim : undefined;
};
