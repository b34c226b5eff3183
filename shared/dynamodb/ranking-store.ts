import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { RankingRunSchema } from '#shared/api/rankings/schemas.ts';
import type { CycleRecord } from '#shared/services/cycles/ports.ts';
import type {
  AgencyPositionsRecord,
  PublishedRun,
  RankingInput,
  RankingLease,
  RankingPageRecord,
  RankingRunRecord,
  RankingStateChange,
  RankingStore,
} from '#shared/services/rankings/ports.ts';
import { type BatchWriteOptions, batchGetAll, batchWriteAll } from './batch.ts';
import { cycleFromItem } from './cycle-store.ts';
import { translateStorageError } from './errors.ts';
import { recordFromItem } from './items.ts';
import { cycleKeys, type ItemKey, rankingKeys, resultKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

const runItem = (run: RankingRunRecord) => ({
  ...rankingKeys.run(run.year, run.runId),
  entity: 'RankingRun',
  ...run,
});

const leaseCondition = {
  // Times compared here, never TTL (which deletes up to days late): a lapsed lease is free.
  ConditionExpression: 'attribute_not_exists(PK) OR leaseUntil < :now OR runId = :me',
};

/**
 * Pure: the audited ranking writes — a run's start (with the lease), its publication, and its
 * confirmation of the published run (an identical result: the pointer checked, not moved).
 */
export const rankingActions = (tableName: string, change: RankingStateChange): TransactAction[] => {
  if (change.kind === 'ranking.start') {
    const { run } = change;
    return [
      { Put: { TableName: tableName, Item: runItem(run), ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Put: {
          TableName: tableName,
          Item: {
            ...rankingKeys.lease(run.year),
            entity: 'RankingLease',
            runId: run.runId,
            leaseUntil: change.leaseUntil,
          },
          ...leaseCondition,
          ExpressionAttributeValues: { ':now': change.now, ':me': run.runId },
        },
      },
    ];
  }
  const { run } = change;
  const finished: TransactAction = {
    Put: {
      TableName: tableName,
      Item: runItem(run),
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':running': 'running' },
    },
  };
  const leaseReleased: TransactAction = {
    Delete: {
      TableName: tableName,
      Key: rankingKeys.lease(run.year),
      ConditionExpression: 'runId = :me',
      ExpressionAttributeValues: { ':me': run.runId },
    },
  };
  if (change.kind === 'ranking.confirm') {
    return [
      finished,
      {
        // Confirmed only while the pointer still names that run with these very hashes: it is not
        // written, so readers, caches and subscribers see nothing happen.
        ConditionCheck: {
          TableName: tableName,
          Key: rankingKeys.published(run.year),
          ConditionExpression: 'runId = :confirmed AND inputsSha256 = :inputs AND entriesSha256 = :entries',
          ExpressionAttributeValues: {
            ':confirmed': change.confirmedRunId,
            ':inputs': change.inputsSha256,
            ':entries': change.entriesSha256,
          },
        },
      },
      leaseReleased,
    ];
  }
  const hashes = run.report?.entriesSha256
    ? { inputsSha256: run.report.inputsSha256, entriesSha256: run.report.entriesSha256 }
    : {};
  return [
    finished,
    {
      Put: {
        TableName: tableName,
        Item: {
          ...rankingKeys.published(run.year),
          entity: 'RankingPointer',
          runId: run.runId,
          publishedAt: change.publishedAt,
          // What the next run compares its own result with: identical, it confirms and publishes nothing.
          ...hashes,
        },
        // The pointer moves only from the run it pointed at when this run began publishing.
        ...(change.previousRunId === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: 'runId = :previous',
              ExpressionAttributeValues: { ':previous': change.previousRunId },
            }),
      },
    },
    leaseReleased,
  ];
};

/** The write path's builders of ranking run changes (`createWritePath`). */
export const rankingWrites = {
  'ranking.start': rankingActions,
  'ranking.publish': rankingActions,
  'ranking.confirm': rankingActions,
} as const satisfies StateActionBuilders;

const runFromItem = (item: Record<string, unknown>): RankingRunRecord =>
  recordFromItem(RankingRunSchema, item);

const publishedFromItem = (item: Record<string, unknown>): PublishedRun => ({
  runId: item.runId as string,
  publishedAt: item.publishedAt as string,
  ...(typeof item.inputsSha256 === 'string' ? { inputsSha256: item.inputsSha256 } : {}),
  ...(typeof item.entriesSha256 === 'string' ? { entriesSha256: item.entriesSha256 } : {}),
});

const pageFromItem = (item: Record<string, unknown>): RankingPageRecord => ({
  year: item.year as number,
  runId: item.runId as string,
  scope: item.scope as RankingPageRecord['scope'],
  measure: item.measure as string,
  page: item.page as number,
  pages: item.pages as number,
  total: item.total as number,
  rows: item.rows as RankingPageRecord['rows'],
});

const positionsFromItem = (item: Record<string, unknown>): AgencyPositionsRecord => ({
  year: item.year as number,
  runId: item.runId as string,
  agencyId: item.agencyId as string,
  positions: item.positions as AgencyPositionsRecord['positions'],
  ...(item.rankRange ? { rankRange: item.rankRange as AgencyPositionsRecord['rankRange'] } : {}),
});

/** The item of a run's derived, write-once record: a ranking page or one agency's positions. */
export const derivedRankingItem = (entry: Parameters<RankingStore['writeItems']>[0][number]) =>
  entry.kind === 'page'
    ? {
        ...rankingKeys.page(
          entry.page.year,
          entry.page.runId,
          entry.page.scope,
          entry.page.measure,
          entry.page.page,
        ),
        entity: 'RankingPage',
        ...entry.page,
      }
    : {
        ...rankingKeys.positions(entry.positions.agencyId, entry.positions.year, entry.positions.runId),
        entity: 'AgencyRankingPositions',
        ...entry.positions,
      };

export const createRankingStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
  batchOptions: BatchWriteOptions = {},
): RankingStore => {
  const get = async (key: ItemKey) =>
    (
      await client
        .send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))
        .catch(translateStorageError)
    ).Item;

  const queryAll = async (
    input: {
      IndexName?: string;
      KeyConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
    },
    consistent = true,
  ) => {
    const items: Record<string, unknown>[] = [];
    let capacity = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            ...input,
            ...(input.IndexName ? {} : { ConsistentRead: consistent }),
            ReturnConsumedCapacity: 'TOTAL',
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        )
        .catch(translateStorageError);
      items.push(...(page.Items ?? []));
      capacity += page.ConsumedCapacity?.CapacityUnits ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { items, capacity };
  };

  return {
    results: async (year) => {
      const { items, capacity } = await queryAll({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': resultKeys.cycleResultsPartition(year) },
      });
      const results: RankingInput[] = items.map((item) => ({
        agencyId: item.agencyId as string,
        agencyName: item.agencyName as string,
        group: item.group as RankingInput['group'],
        version: item.version as number,
        sha256: item.sha256 as string,
        summary: item.summary as RankingInput['summary'],
      }));
      return { results, stats: { items: items.length, capacity } };
    },

    hasResults: async (year) => {
      const page = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': resultKeys.cycleResultsPartition(year) },
            ProjectionExpression: 'PK',
            Limit: 1,
          }),
        )
        .catch(translateStorageError);
      return (page.Items ?? []).length > 0;
    },

    run: async (year, runId) => {
      const item = await get(rankingKeys.run(year, runId));
      return item ? runFromItem(item) : undefined;
    },

    runs: async (year) =>
      (
        await queryAll({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': rankingKeys.partition(year), ':prefix': rankingKeys.runPrefix },
        })
      ).items.map(runFromItem),

    lease: async (year) => {
      const item = await get(rankingKeys.lease(year));
      return item ? { runId: item.runId as string, until: item.leaseUntil as string } : undefined;
    },

    published: async (year) => {
      const item = await get(rankingKeys.published(year));
      return item ? publishedFromItem(item) : undefined;
    },

    publishedMany: async (years) => {
      const items = await batchGetAll(
        client,
        tableName,
        years.map((year) => rankingKeys.published(year)),
      );
      return new Map(
        items.map((item): [number, PublishedRun] => [
          Number(String(item.PK).split('#')[1]),
          publishedFromItem(item),
        ]),
      );
    },

    acquireLease: async (year, runId, until, now): Promise<RankingLease | undefined> => {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...rankingKeys.lease(year), entity: 'RankingLease', runId, leaseUntil: until },
            ...leaseCondition,
            ExpressionAttributeValues: { ':now': now, ':me': runId },
          }),
        );
        return undefined;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) return translateStorageError(error);
        const item = await get(rankingKeys.lease(year));
        return { runId: String(item?.runId ?? '(released)'), until: String(item?.leaseUntil ?? now) };
      }
    },

    releaseLease: async (year, runId) => {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: rankingKeys.lease(year),
            ConditionExpression: 'runId = :me',
            ExpressionAttributeValues: { ':me': runId },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) translateStorageError(error);
      }
    },

    checkpoint: async (run) => {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: runItem(run),
            // A finished run is final: a late checkpoint of a resumed twin never rewrites it.
            ConditionExpression: 'attribute_exists(PK) AND NOT (#status IN (:published, :unchanged))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':published': 'published', ':unchanged': 'unchanged' },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        return translateStorageError(error);
      }
    },

    writeItems: (items) => batchWriteAll(client, tableName, items.map(derivedRankingItem), batchOptions),

    page: async (year, runId, scope, measure, page) => {
      const item = await get(rankingKeys.page(year, runId, scope, measure, page));
      return item ? pageFromItem(item) : undefined;
    },

    pages: async (year, runId, scope, measure) =>
      (
        await queryAll({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: {
            ':pk': rankingKeys.pagePartition(year, runId),
            ':prefix': rankingKeys.pagePrefix(scope, measure),
          },
        })
      ).items.map(pageFromItem),

    allPages: async (year, runId) =>
      (
        await queryAll({
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': rankingKeys.pagePartition(year, runId) },
        })
      ).items.map(pageFromItem),

    read: async (year, request) => {
      const keys: ItemKey[] = [cycleKeys.cycle(year)];
      if (request.published) keys.push(rankingKeys.published(year));
      if (request.runId !== undefined) keys.push(rankingKeys.run(year, request.runId));
      const { pages } = request;
      for (const number of new Set(pages?.numbers ?? [])) {
        if (pages) keys.push(rankingKeys.page(year, pages.runId, pages.scope, pages.measure, number));
      }
      const items = await batchGetAll(client, tableName, keys);
      const find = (key: ItemKey) => items.find((item) => item.PK === key.PK && item.SK === key.SK);
      const cycleItem = find(cycleKeys.cycle(year));
      const pointer = request.published ? find(rankingKeys.published(year)) : undefined;
      const runItem = request.runId === undefined ? undefined : find(rankingKeys.run(year, request.runId));
      return {
        cycle: cycleItem ? cycleFromItem(cycleItem) : undefined,
        ...(request.published ? { published: pointer ? publishedFromItem(pointer) : undefined } : {}),
        ...(request.runId === undefined ? {} : { run: runItem ? runFromItem(runItem) : undefined }),
        pages: items
          .filter((item) => item.entity === 'RankingPage')
          .map(pageFromItem)
          .sort((a, b) => a.page - b.page),
      };
    },

    publications: async (years) => {
      const unique = [...new Set(years)];
      const items = await batchGetAll(
        client,
        tableName,
        unique.flatMap((year) => [cycleKeys.cycle(year), rankingKeys.published(year)]),
      );
      const result = new Map<number, { cycle: CycleRecord; published: PublishedRun | undefined }>();
      for (const year of unique) {
        const cycleItem = items.find((item) => item.PK === cycleKeys.cycle(year).PK && item.SK === 'CYCLE');
        if (!cycleItem) continue;
        const pointer = items.find(
          (item) => item.PK === rankingKeys.published(year).PK && item.SK === 'PUBLISHED',
        );
        result.set(year, {
          cycle: cycleFromItem(cycleItem),
          published: pointer ? publishedFromItem(pointer) : undefined,
        });
      }
      return result;
    },

    positions: async (agencyId) =>
      (
        await queryAll(
          {
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: {
              ':pk': `AGENCY#${agencyId}`,
              ':prefix': rankingKeys.positionsPrefix,
            },
          },
          false,
        )
      ).items.map(positionsFromItem),
  };
};
