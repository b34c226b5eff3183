import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CycleSchema, defaultAssessorLoadCap } from '#shared/api/cycles/schemas.ts';
import type { CycleRecord, CycleStateChange, CycleStore } from '#shared/services/cycles/ports.ts';
import { translateStorageError, versionCondition } from './errors.ts';
import { recordFromItem } from './items.ts';
import { awardKeys, cycleKeys, rankingKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

const StoredCycleSchema = CycleSchema.omit({ phase: true });

export const cycleFromItem = (item: Record<string, unknown>): CycleRecord => {
  const cycle = recordFromItem(StoredCycleSchema, item) as CycleRecord;
  // Cycles opened before the load cap existed carry none: they get the default.
  return cycle.assessorLoadCap === undefined ? { ...cycle, assessorLoadCap: defaultAssessorLoadCap } : cycle;
};

/**
 * Pure: a new cycle (once per year), the same cycle rescheduled at the version read, the check that
 * a cycle is still at the version a decision was made on, or the check that neither its ranking nor
 * its awards are published (no pointer item exists yet).
 */
export const cycleActions = (tableName: string, change: CycleStateChange): TransactAction[] => {
  if (change.kind === 'cycle.unchanged') {
    return [
      {
        ConditionCheck: {
          TableName: tableName,
          Key: cycleKeys.cycle(change.year),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': change.version },
        },
      },
    ];
  }
  if (change.kind === 'cycle.unpublished') {
    return [rankingKeys.published(change.year), awardKeys.published(change.year)].map((key) => ({
      ConditionCheck: { TableName: tableName, Key: key, ConditionExpression: 'attribute_not_exists(PK)' },
    }));
  }
  return [cycleWrite(tableName, change)];
};

/** The write path's builders of cycle changes and checks (`createWritePath`). */
export const cycleWrites = {
  cycle: cycleActions,
  'cycle.windows': cycleActions,
  'cycle.unchanged': cycleActions,
  'cycle.unpublished': cycleActions,
} as const satisfies StateActionBuilders;

const cycleWrite = (
  tableName: string,
  change: Extract<CycleStateChange, { kind: 'cycle' | 'cycle.windows' }>,
): TransactAction => ({
  Put: {
    TableName: tableName,
    Item: {
      ...cycleKeys.cycle(change.cycle.year),
      ...cycleKeys.list(change.cycle.year),
      entity: 'Cycle',
      ...change.cycle,
    },
    ...versionCondition(change.kind === 'cycle' ? undefined : change.expectedVersion),
  },
});

export const createCycleStore = (client: DynamoDBDocumentClient, tableName: string): CycleStore => ({
  get: async (year) => {
    const result = await client
      .send(new GetCommand({ TableName: tableName, Key: cycleKeys.cycle(year), ConsistentRead: true }))
      .catch(translateStorageError);
    return result.Item ? cycleFromItem(result.Item) : undefined;
  },

  list: async () => {
    // One item per year: a single page covers centuries of cycles.
    const result = await client
      .send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': cycleKeys.listPartition },
          ScanIndexForward: false,
        }),
      )
      .catch(translateStorageError);
    return (result.Items ?? []).map(cycleFromItem);
  },
});
