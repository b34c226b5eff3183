import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, PayloadTooLargeError } from '#shared/domain/errors.ts';
import type { DomainEvent } from '#shared/domain/events.ts';
import { pendingTransactionClaim, type TransactionClaim } from '#shared/runtime/transaction-claim.ts';
import type {
  ChangeSet,
  CommitOutcome,
  ManyCommitOutcome,
  StateChange,
  WritePath,
} from '#shared/services/ports.ts';
import { auditAction } from './audit-store.ts';
import { cancellationReasons, translateStorageError } from './errors.ts';
import { eventKeys } from './keys.ts';

/** One action of a `TransactWriteItems` request (DocumentClient form). */
export type TransactAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limits on one transaction. */
export const transactionLimits = { actions: 100, bytes: 4_000_000 } as const;

export interface WritePathTables {
  readonly programme: string;
  readonly events: string;
}

/**
 * Pure: how one kind of state change becomes its actions, each with the condition that makes it safe.
 * `tableName` is the programme table, where state lives; `tables` names both, for the one kind of
 * state kept in the events table (the delivery log's redelivery requests).
 */
export type StateActionBuilder<Kind extends StateChange['kind']> = (
  tableName: string,
  change: Extract<StateChange, { kind: Kind }>,
  tables: WritePathTables,
) => TransactAction[];

/**
 * The kinds of state change a write path can write, each with its store's builder. Each store
 * exports the builders of its own kinds (`selfAssessmentWrites`, …) and each function hands its
 * write path those of the stores it writes through, so that a function does not bundle every other
 * capability's store and schemas; `state-actions.ts` has them all (tests, local tools).
 */
export type StateActionBuilders = { readonly [Kind in StateChange['kind']]?: StateActionBuilder<Kind> };

/**
 * Pure: the actions of one state change, by the builder of its kind. Without `tables`, both tables
 * are `tableName` (a single-table view, for tests of the actions alone).
 */
export const stateActionsWith = (
  builders: StateActionBuilders,
  tableName: string,
  change: StateChange,
  tables: WritePathTables = { programme: tableName, events: tableName },
): TransactAction[] => {
  // TypeScript cannot correlate a union's member with its key's builder; the mapped type pairs them.
  const build = builders[change.kind] as
    | ((tableName: string, change: StateChange, tables: WritePathTables) => TransactAction[])
    | undefined;
  if (build === undefined) {
    throw new Error(
      `This write path has no actions for "${change.kind}" changes: pass its store's builders to createWritePath.`,
    );
  }
  return build(tableName, change, tables);
};

/** Pure: an outbox event, written once (`attribute_not_exists`): its id is stable across deliveries. */
export const eventAction = (tableName: string, event: DomainEvent): TransactAction => ({
  Put: {
    TableName: tableName,
    Item: {
      ...eventKeys.event(event.id),
      ...eventKeys.byDay(event.occurredAt, event.id),
      entity: 'Event',
      ...event,
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

interface PlannedChange {
  readonly actions: TransactAction[];
  /** Which state change owns each action (undefined: an audit record or an event). */
  readonly owners: (StateChange | undefined)[];
  readonly bytes: number;
  readonly keys: string[];
}

const keyOf = (action: TransactAction): string => {
  const operation = action.Put ?? action.Update ?? action.Delete ?? action.ConditionCheck;
  const key = action.Put
    ? { PK: action.Put.Item?.PK, SK: action.Put.Item?.SK }
    : (operation as { Key?: unknown })?.Key;
  return `${operation?.TableName}|${JSON.stringify(key)}`;
};

/**
 * The one audited write path (transactional outbox) on DynamoDB: each change set becomes one
 * `TransactWriteItems` — state items first (each with its condition), then an audit record per
 * change (programme table), then the domain events (events table). All or nothing: an event exists
 * exactly when its change does.
 *
 * Split, documented: `commitMany` (bulk work such as a national roster) packs whole change sets
 * into transactions of at most 100 actions and 4 MB, never splitting a change set and never putting
 * two actions on one item in one transaction (DynamoDB refuses that), in order. Each transaction is
 * atomic; a failed condition stops the run and says how many change sets were written before it.
 */
export const createWritePath = (
  client: DynamoDBDocumentClient,
  tables: WritePathTables,
  builders: StateActionBuilders,
): WritePath => {
  // Audit sort keys carry a sequence: unique per record written by this instance, in write order.
  let auditSequence = 0;

  const plan = (change: ChangeSet): PlannedChange => {
    const actions: TransactAction[] = [];
    const owners: (StateChange | undefined)[] = [];
    for (const state of change.state) {
      for (const action of stateActionsWith(builders, tables.programme, state, tables)) {
        actions.push(action);
        owners.push(state);
      }
    }
    for (const entry of change.audits) {
      auditSequence = (auditSequence + 1) % 1_000_000;
      actions.push(auditAction(tables.programme, entry, auditSequence));
      owners.push(undefined);
    }
    for (const event of change.events) {
      actions.push(eventAction(tables.events, event));
      owners.push(undefined);
    }
    return {
      actions,
      owners,
      // The JSON length over-estimates DynamoDB's own measure, so the guard errs safe.
      bytes: Buffer.byteLength(JSON.stringify(actions)),
      keys: actions.map(keyOf),
    };
  };

  /**
   * Sends one transaction; undefined when it committed, else the state change whose condition
   * failed. `claimIndex`: the position of a request's idempotency claim, whose failure means
   * another request with the same key got there first.
   */
  const send = async (
    actions: readonly TransactAction[],
    owners: readonly (StateChange | undefined)[],
    claimIndex?: number,
  ): Promise<StateChange | undefined> => {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...actions] }));
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      const failedIndex = reasons?.indexOf('ConditionalCheckFailed') ?? -1;
      if (failedIndex >= 0 && failedIndex === claimIndex) {
        throw new ConflictError('A request with this Idempotency-Key was made already.', { cause: error });
      }
      const failed = failedIndex >= 0 ? owners[failedIndex] : undefined;
      // An audit record or event that already exists is a duplicate write, not a lost race: a defect.
      if (failed) return failed;
      return translateStorageError(error);
    }
  };

  /**
   * The change with the request's idempotency claim, when a route claims its key in its change's
   * transaction (`shared/runtime/transaction-claim.ts`): the claim goes last, with its own condition.
   */
  const withClaim = (
    planned: PlannedChange,
    claim: TransactionClaim | undefined,
  ): PlannedChange & { readonly claim?: TransactionClaim; readonly claimIndex?: number } => {
    if (!claim) return planned;
    const action: TransactAction = { Put: { ...claim.put } };
    return {
      actions: [...planned.actions, action],
      owners: [...planned.owners, undefined],
      bytes: planned.bytes + Buffer.byteLength(JSON.stringify(action)),
      keys: [...planned.keys, keyOf(action)],
      claim,
      claimIndex: planned.actions.length,
    };
  };

  const tooLarge = (planned: PlannedChange) =>
    new PayloadTooLargeError(
      planned.actions.length > transactionLimits.actions
        ? `This change needs ${planned.actions.length} writes; one atomic change holds at most ${transactionLimits.actions}. Send fewer items per request.`
        : `This change comes to ${(planned.bytes / 1e6).toFixed(1)} MB with its audit records, over the 4 MB one atomic change can hold. Send fewer items per request.`,
    );

  const fits = (planned: PlannedChange) =>
    planned.actions.length <= transactionLimits.actions && planned.bytes <= transactionLimits.bytes;

  return {
    commit: async (change): Promise<CommitOutcome> => {
      const planned = withClaim(plan(change), pendingTransactionClaim());
      if (!fits(planned)) throw tooLarge(planned);
      const failed = await send(planned.actions, planned.owners, planned.claimIndex);
      if (failed) return { committed: false, failed };
      if (planned.claim) planned.claim.committed = true;
      return { committed: true };
    },

    commitMany: async (changes): Promise<ManyCommitOutcome> => {
      let committed = 0;
      let batch: { planned: PlannedChange; index: number }[] = [];
      let batchActions = 0;
      let batchBytes = 0;
      const batchKeys = new Set<string>();
      const flush = async (): Promise<ManyCommitOutcome | undefined> => {
        if (batch.length === 0) return undefined;
        const failed = await send(
          batch.flatMap(({ planned }) => planned.actions),
          batch.flatMap(({ planned }) => planned.owners),
        );
        if (failed) {
          const index = batch.find(({ planned }) => planned.owners.includes(failed))?.index ?? committed;
          return { committed, failed: { index, change: failed } };
        }
        committed += batch.length;
        batch = [];
        batchActions = 0;
        batchBytes = 0;
        batchKeys.clear();
        return undefined;
      };
      for (const [index, change] of changes.entries()) {
        const planned = plan(change);
        if (!fits(planned)) throw tooLarge(planned);
        const collides = planned.keys.some((key) => batchKeys.has(key));
        if (
          collides ||
          batchActions + planned.actions.length > transactionLimits.actions ||
          batchBytes + planned.bytes > transactionLimits.bytes
        ) {
          const stopped = await flush();
          if (stopped) return stopped;
        }
        batch.push({ planned, index });
        batchActions += planned.actions.length;
        batchBytes += planned.bytes;
        for (const key of planned.keys) batchKeys.add(key);
      }
      return (await flush()) ?? { committed };
    },
  };
};
