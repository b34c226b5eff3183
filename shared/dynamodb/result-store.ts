import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppealSchema } from '#shared/api/results/schemas.ts';
import { type ResultInputs, type ResultVersion, resultSummary } from '#shared/domain/results.ts';
import type {
  AppealRecord,
  CurrentResult,
  ResultStateChange,
  ResultStore,
} from '#shared/services/results/ports.ts';
import { batchGetAll } from './batch.ts';
import { cycleFromItem } from './cycle-store.ts';
import { translateStorageError } from './errors.ts';
import { queryIndexPage } from './index-page.ts';
import { recordFromItem } from './items.ts';
import { appealKeys, assessmentKeys, cycleAgencyPartition, cycleKeys, resultKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

/**
 * The current-result item: which version stands and its summary — small on purpose, because the
 * ranking run reads one per agency (100,000 of them must not mean gigabytes); the version items
 * hold the rest.
 */
export const currentResultItem = (
  change: {
    readonly year: number;
    readonly agencyId: string;
    readonly agencyName: string;
    readonly group: string;
  },
  result: ResultVersion,
) => ({
  ...resultKeys.current(change.year, change.agencyId),
  ...resultKeys.byCycle(change.year, change.group, change.agencyId),
  ...resultKeys.byAgency(change.agencyId, change.year),
  entity: 'Result',
  year: change.year,
  agencyId: change.agencyId,
  agencyName: change.agencyName,
  group: change.group,
  version: result.version,
  sha256: result.sha256,
  summary: resultSummary(result),
});

const putNew = (tableName: string, item: Record<string, unknown>): TransactAction => ({
  Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' },
});

const versionItem = (result: ResultVersion) => ({
  ...resultKeys.version(result.year, result.agencyId, result.version),
  entity: 'ResultVersion',
  ...result,
});

const appealItem = (appeal: AppealRecord) => ({
  ...appealKeys.appeal(appeal.year, appeal.agencyId, appeal.appealId),
  ...appealKeys.byCycle(appeal.year, appeal.status, appeal.filedAt, appeal.agencyId),
  entity: 'Appeal',
  ...appeal,
});

/** Pure: the actions of one result state change (see the conditions on `ResultStateChange`). */
export const resultActions = (tableName: string, change: ResultStateChange): TransactAction[] => {
  switch (change.kind) {
    case 'result.finalize':
      return [
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.head(change.year, change.agencyId),
            UpdateExpression: 'SET finalizedAt = :at',
            // Finalized on exactly the scores and reviews it read: a score or review written since
            // moved the revision.
            ConditionExpression: 'revision = :revision AND attribute_not_exists(finalizedAt)',
            ExpressionAttributeValues: { ':at': change.result.finalizedAt, ':revision': change.revision },
          },
        },
        putNew(tableName, versionItem(change.result)),
        putNew(tableName, currentResultItem(change, change.result)),
      ];
    case 'result.import':
      return [
        putNew(tableName, versionItem(change.result)),
        putNew(tableName, currentResultItem(change, change.result)),
        // No assessment: the import checked on a read, and a panel assigned meanwhile would stand
        // beside this final result (the assignment checks this result's absence the same way).
        {
          ConditionCheck: {
            TableName: tableName,
            Key: assessmentKeys.head(change.year, change.agencyId),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ];
    case 'appeal.file':
      return [
        putNew(tableName, appealItem(change.appeal)),
        {
          Update: {
            TableName: tableName,
            Key: resultKeys.current(change.appeal.year, change.appeal.agencyId),
            UpdateExpression: 'SET openAppealId = :appeal',
            ConditionExpression: 'attribute_not_exists(openAppealId) AND version = :version',
            ExpressionAttributeValues: {
              ':appeal': change.appeal.appealId,
              ':version': change.appeal.resultVersion,
            },
          },
        },
      ];
    case 'appeal.decide': {
      const { appeal } = change;
      const decided: TransactAction = {
        Put: {
          TableName: tableName,
          Item: appealItem(appeal),
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        },
      };
      const guard = {
        ConditionExpression: 'openAppealId = :appeal AND version = :version',
        ExpressionAttributeValues: { ':appeal': appeal.appealId, ':version': change.appealedVersion },
      };
      if (!change.newResult) {
        return [
          decided,
          {
            Update: {
              TableName: tableName,
              Key: resultKeys.current(appeal.year, appeal.agencyId),
              UpdateExpression: 'REMOVE openAppealId',
              ...guard,
            },
          },
        ];
      }
      return [
        decided,
        putNew(tableName, versionItem(change.newResult)),
        {
          Put: {
            TableName: tableName,
            // A new current item without `openAppealId`: the appeal is closed with it.
            Item: currentResultItem(change, change.newResult),
            ...guard,
          },
        },
      ];
    }
  }
};

/** The write path's builders of result and appeal changes (`createWritePath`). */
export const resultWrites = {
  'result.finalize': resultActions,
  'result.import': resultActions,
  'appeal.file': resultActions,
  'appeal.decide': resultActions,
} as const satisfies StateActionBuilders;

export const currentFromItem = (item: Record<string, unknown>): CurrentResult => ({
  year: item.year as number,
  agencyId: item.agencyId as string,
  agencyName: item.agencyName as string,
  group: item.group as CurrentResult['group'],
  version: item.version as number,
  sha256: item.sha256 as string,
  summary: item.summary as CurrentResult['summary'],
  ...(item.openAppealId ? { openAppealId: item.openAppealId as string } : {}),
});

const versionFromItem = (item: Record<string, unknown>): ResultVersion => {
  const { PK: _pk, SK: _sk, entity: _entity, ...version } = item;
  return version as unknown as ResultVersion;
};

export const createResultStore = (client: DynamoDBDocumentClient, tableName: string): ResultStore => {
  const queryPrefix = async (year: number, agencyId: string, prefix: string) => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: { ':pk': cycleAgencyPartition(year, agencyId), ':prefix': prefix },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        )
        .catch(translateStorageError);
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  return {
    current: async (year, agencyId) => {
      const result = await client
        .send(
          new GetCommand({
            TableName: tableName,
            Key: resultKeys.current(year, agencyId),
            ConsistentRead: true,
          }),
        )
        .catch(translateStorageError);
      return result.Item ? currentFromItem(result.Item) : undefined;
    },
    listByCycle: async (year, { group, limit, cursor }) => {
      // The ranking run's partition (GSI1 `CYCLE#<year>#RESULTS`, sorted `<group>#<agencyId>`), a page.
      const page = await queryIndexPage(client, tableName, {
        index: 'GSI1',
        partition: resultKeys.cycleResultsPartition(year),
        prefix: group === undefined ? '' : `${group}#`,
        limit,
        cursor,
        tableKey: {
          PK: (value) => value.startsWith(`CYCLE#${year}#AGENCY#`),
          SK: (value) => value === resultKeys.current(year, '').SK,
        },
      });
      return { items: page.items.map(currentFromItem), nextCursor: page.nextCursor };
    },
    currentWithCycle: async (year, agencyId) => {
      const items = await batchGetAll(client, tableName, [
        cycleKeys.cycle(year),
        resultKeys.current(year, agencyId),
      ]);
      const cycleItem = items.find((item) => item.SK === 'CYCLE');
      const currentItem = items.find((item) => item.SK === resultKeys.current(year, agencyId).SK);
      return {
        cycle: cycleItem ? cycleFromItem(cycleItem) : undefined,
        current: currentItem ? currentFromItem(currentItem) : undefined,
      };
    },
    load: async (year, agencyId) => {
      // RESULT#CURRENT and RESULT#V#… share the prefix: the current result and the chain in one Query.
      const items = await queryPrefix(year, agencyId, resultKeys.prefix);
      const currentItemFound = items.find((item) => item.SK === resultKeys.current(year, agencyId).SK);
      return {
        current: currentItemFound ? currentFromItem(currentItemFound) : undefined,
        versions: items
          .filter((item) => String(item.SK).startsWith(resultKeys.versionPrefix))
          .map(versionFromItem),
      };
    },
    appeals: async (year, agencyId) =>
      (await queryPrefix(year, agencyId, appealKeys.prefix)).map((item) =>
        recordFromItem(AppealSchema, item),
      ),
    appealsByCycle: async (year, { status, limit, cursor }) => {
      // Every appeal carries GSI1 (`CYCLE#<year>#APPEALS`, `<status>#<filedAt>#<agencyId>`):
      // decided before open, each by filing time; a status is a prefix of the sort key.
      const { GSI1PK: partition } = appealKeys.byCycle(year, 'open', '', '');
      const page = await queryIndexPage(client, tableName, {
        index: 'GSI1',
        partition,
        prefix: status === undefined ? '' : `${status}#`,
        limit,
        cursor,
        tableKey: {
          PK: (value) => value.startsWith(`CYCLE#${year}#AGENCY#`),
          SK: (value) => value.startsWith(appealKeys.prefix),
        },
      });
      return {
        items: page.items.map((item) => recordFromItem(AppealSchema, item)),
        nextCursor: page.nextCursor,
      };
    },
    existingWithCycle: async (year, agencyIds) => {
      // Current results are small (the ranking run reads one per agency): read whole beside the
      // cycle, with each agency's assessment head (its panel), whose id is in its partition key.
      const agencies = [...new Set(agencyIds)];
      const items = await batchGetAll(client, tableName, [
        cycleKeys.cycle(year),
        ...agencies.flatMap((agencyId) => [
          resultKeys.current(year, agencyId),
          assessmentKeys.head(year, agencyId),
        ]),
      ]);
      const cycleItem = items.find((item) => item.SK === 'CYCLE');
      const agencyOf = new Map(agencies.map((agencyId) => [cycleAgencyPartition(year, agencyId), agencyId]));
      const currentSortKey = resultKeys.current(year, '').SK;
      const existing = new Map<string, CurrentResult>();
      for (const item of items) {
        if (item.SK === currentSortKey && agencyOf.has(item.PK as string)) {
          const current = currentFromItem(item);
          existing.set(current.agencyId, current);
        }
      }
      const assessed = new Set(
        items
          .filter((item) => item.SK === assessmentKeys.head(year, '').SK)
          .map((item) => agencyOf.get(item.PK as string))
          .filter((agencyId): agencyId is string => agencyId !== undefined),
      );
      return { cycle: cycleItem ? cycleFromItem(cycleItem) : undefined, existing, assessed };
    },
    versionInputs: async (year, wanted) => {
      const keys = wanted.map(({ agencyId, version }) => resultKeys.version(year, agencyId, version));
      // The inputs alone: a version's computation is four fifths of its size. (Capacity is charged
      // on the whole item all the same; the transfer and the parsing are not.)
      const items = await batchGetAll(client, tableName, keys, {
        projection: '#agencyId, #version, #inputs',
        names: { '#agencyId': 'agencyId', '#version': 'version', '#inputs': 'inputs' },
      });
      return items.map((item) => ({
        agencyId: item.agencyId as string,
        version: item.version as number,
        inputs: item.inputs as ResultInputs,
      }));
    },
    existing: async (year, agencyIds) => {
      const keys = [...new Set(agencyIds)].map((agencyId) => resultKeys.current(year, agencyId));
      const items = await batchGetAll(client, tableName, keys, { projection: 'agencyId' });
      return new Set(items.map((item) => item.agencyId as string));
    },
  };
};
