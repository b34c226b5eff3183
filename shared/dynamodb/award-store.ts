import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AwardDecision } from '#shared/domain/awards/decisions.ts';
import type { AwardPublication, AwardRecord } from '#shared/domain/awards/publication.ts';
import type {
  AwardPointer,
  AwardPublicationSummary,
  AwardStateChange,
  AwardStore,
} from '#shared/services/awards/ports.ts';
import { batchGetAll } from './batch.ts';
import { translateStorageError } from './errors.ts';
import { awardKeys, type ItemKey, rankingKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

/** Storage attributes that are not part of a record. */
const storageAttributes = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'entity']);

const recordOf = <T>(item: Readonly<Record<string, unknown>>): T =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !storageAttributes.has(name))) as T;

/** The pointer moves only from the version before (absent for the first publication). */
const pointerCondition = (previousVersion: number | null) =>
  previousVersion === null
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : {
        ConditionExpression: '#version = :previous',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':previous': previousVersion },
      };

const awardItem = (award: AwardRecord) => ({
  ...awardKeys.award(award.year, award.publicationVersion, award.awardId),
  ...awardKeys.byAgency(award.agencyId, award.year, award.publicationVersion, award.awardId),
  entity: 'Award',
  ...award,
});

/** Pure: the audited award writes, each with the condition that makes it safe. */
export const awardActions = (tableName: string, change: AwardStateChange): TransactAction[] => {
  switch (change.kind) {
    case 'award.decision':
      return [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...awardKeys.decision(change.decision.year, change.decision.number),
              entity: 'AwardDecision',
              ...change.decision,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ];
    case 'award.claim': {
      const { publication } = change;
      return [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...awardKeys.publication(publication.year, publication.version),
              ...awardKeys.unfinished(publication.startedAt, publication.year, publication.version),
              entity: 'AwardPublication',
              ...publication,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          ConditionCheck: {
            TableName: tableName,
            Key: awardKeys.published(publication.year),
            ...pointerCondition(publication.previousVersion),
          },
        },
        {
          // No decision recorded since the draft was read: it would not be in what is published.
          ConditionCheck: {
            TableName: tableName,
            Key: awardKeys.decision(publication.year, publication.decisionsThrough + 1),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          // The published ranking is still the run the draft drew from: one published meanwhile
          // would leave these awards on the ranking it replaced.
          ConditionCheck: {
            TableName: tableName,
            Key: rankingKeys.published(publication.year),
            ConditionExpression: 'runId = :run',
            ExpressionAttributeValues: { ':run': publication.rankingRunId },
          },
        },
      ];
    }
    case 'award.recipient':
      return [
        ...change.awards.map(
          (award): TransactAction => ({
            Put: {
              TableName: tableName,
              Item: awardItem(award),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          }),
        ),
        {
          Put: {
            TableName: tableName,
            Item: {
              ...awardKeys.recipient(change.year, change.version, change.agencyId),
              entity: 'AwardRecipient',
              year: change.year,
              version: change.version,
              agencyId: change.agencyId,
              awards: change.awards.map((award) => award.awardId),
              awarded: [...change.awarded],
              withdrawn: [...change.withdrawn],
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ];
    case 'award.publish': {
      const { publication } = change;
      return [
        {
          // The awards are already in the item (the claim): only the status and the time change,
          // and it leaves the index of unfinished publications.
          Update: {
            TableName: tableName,
            Key: awardKeys.publication(publication.year, publication.version),
            UpdateExpression: 'SET #status = :published, publishedAt = :at REMOVE GSI1PK, GSI1SK',
            ConditionExpression: '#status = :publishing',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':published': 'published',
              ':publishing': 'publishing',
              ':at': publication.publishedAt,
            },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: {
              ...awardKeys.published(publication.year),
              entity: 'AwardPointer',
              version: publication.version,
              publishedAt: publication.publishedAt,
              sha256: publication.sha256,
            },
            ...pointerCondition(publication.previousVersion),
          },
        },
      ];
    }
  }
};

/** The write path's builders of award changes (`createWritePath`). */
export const awardWrites = {
  'award.decision': awardActions,
  'award.claim': awardActions,
  'award.recipient': awardActions,
  'award.publish': awardActions,
} as const satisfies StateActionBuilders;

/** What `listAwardPublications` reads: every attribute of a version but its awards, and the pointer's. */
const summaryAttributes = [
  'SK',
  'year',
  'version',
  'status',
  'reason',
  'note',
  'previousVersion',
  'previousSha256',
  'rulesId',
  'frameworkId',
  'rulesNameId',
  'rulesNameEn',
  'categories',
  'rankingRunId',
  'inputsSha256',
  'decisionsThrough',
  'awardCount',
  'recipientCount',
  'requestedBy',
  'startedAt',
  'publishedAt',
  'sha256',
] as const;
const summaryProjection = {
  ProjectionExpression: summaryAttributes.map((_name, index) => `#a${index}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(summaryAttributes.map((name, index) => [`#a${index}`, name])),
};

const pointerOf = (item: Readonly<Record<string, unknown>>): AwardPointer => ({
  version: item.version as number,
  publishedAt: item.publishedAt as string,
  sha256: item.sha256 as string,
});

export const createAwardStore = (client: DynamoDBDocumentClient, tableName: string): AwardStore => {
  const get = async (key: ItemKey) =>
    (
      await client
        .send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))
        .catch(translateStorageError)
    ).Item;

  /** Every item of a key condition, all pages: consistent on the table, eventually on an index. */
  const queryAll = async (input: {
    readonly IndexName?: string;
    readonly KeyConditionExpression: string;
    readonly ExpressionAttributeValues: Record<string, unknown>;
    readonly ExpressionAttributeNames?: Record<string, string>;
    readonly ProjectionExpression?: string;
    readonly ScanIndexForward?: boolean;
  }) => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            ...input,
            ...(input.IndexName ? {} : { ConsistentRead: true }),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        )
        .catch(translateStorageError);
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  const inPartition = (year: number, prefix: string) =>
    queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': awardKeys.partition(year), ':prefix': prefix },
    });

  return {
    decision: async (year, number) => {
      const item = await get(awardKeys.decision(year, number));
      return item ? recordOf<AwardDecision>(item) : undefined;
    },

    decisions: async (year) =>
      (await inPartition(year, awardKeys.decisionPrefix)).map((item) => recordOf<AwardDecision>(item)),

    publications: async (year) => {
      const items = await queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: {
          ':pk': awardKeys.partition(year),
          ':prefix': awardKeys.publicationsPrefix,
        },
        ...summaryProjection,
      });
      const pointerItem = items.find((item) => item.SK === awardKeys.published(year).SK);
      return {
        pointer: pointerItem ? pointerOf(pointerItem) : undefined,
        versions: items
          .filter((item) => item !== pointerItem)
          .map((item) => recordOf<AwardPublicationSummary>(item))
          .sort((a, b) => a.version - b.version),
      };
    },

    publication: async (year, version) => {
      const item = await get(awardKeys.publication(year, version));
      return item ? recordOf<AwardPublication>(item) : undefined;
    },

    pointer: async (year) => {
      const item = await get(awardKeys.published(year));
      return item ? pointerOf(item) : undefined;
    },

    pointers: async (years) => {
      const items = await batchGetAll(
        client,
        tableName,
        years.map((year) => awardKeys.published(year)),
      );
      return new Map(
        items.map((item): [number, AwardPointer] => [Number(String(item.PK).split('#')[1]), pointerOf(item)]),
      );
    },

    awards: async (year, version) =>
      (await inPartition(year, awardKeys.versionAwardsPrefix(version))).map((item) =>
        recordOf<AwardRecord>(item),
      ),

    allAwards: async (year) =>
      (await inPartition(year, awardKeys.awardPrefix)).map((item) => recordOf<AwardRecord>(item)),

    awardsAt: async (refs) =>
      refs.length === 0
        ? []
        : (
            await batchGetAll(
              client,
              tableName,
              refs.map(({ year, version, awardId }) => awardKeys.award(year, version, awardId)),
            )
          ).map((item) => recordOf<AwardRecord>(item)),

    awardVersions: async (year, awardId, versions) =>
      (
        await batchGetAll(
          client,
          tableName,
          versions.map((version) => awardKeys.award(year, version, awardId)),
        )
      ).map((item) => recordOf<AwardRecord>(item)),

    recipients: async (year, version) =>
      new Set(
        (
          await queryAll({
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: {
              ':pk': awardKeys.partition(year),
              ':prefix': awardKeys.recipientPrefix(version),
            },
            ProjectionExpression: 'agencyId',
          })
        ).map((item) => String(item.agencyId)),
      ),

    unfinished: async (startedBy) =>
      (
        await queryAll({
          IndexName: 'GSI1',
          // The sort key starts with the claim's time: every key of a claim at or before `startedBy`
          // sorts below `startedBy` followed by '#~' ('#' and then the year's digits, all below '~').
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :below',
          ExpressionAttributeValues: { ':pk': awardKeys.unfinishedPartition, ':below': `${startedBy}#~` },
          ExpressionAttributeNames: { '#year': 'year', '#version': 'version' },
          ProjectionExpression: '#year, #version, startedAt',
        })
      ).map((item) => ({
        year: item.year as number,
        version: item.version as number,
        startedAt: item.startedAt as string,
      })),

    agencyAwards: async (agencyId) =>
      (
        await queryAll({
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': awardKeys.agencyPartition(agencyId) },
          ScanIndexForward: false,
        })
      ).map((item) => recordOf<AwardRecord>(item)),
  };
};
