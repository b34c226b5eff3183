import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { IndicatorAnswerSchema } from '#shared/api/self-assessment/schemas.ts';
import type {
  SelfAssessmentHeader,
  SelfAssessmentStateChange,
  SelfAssessmentStore,
} from '#shared/services/self-assessment/ports.ts';
import { agencyFromItem } from './agency-store.ts';
import { type CycleCacheOptions, createCycleCache } from './cycle-cache.ts';
import { cycleFromItem } from './cycle-store.ts';
import { translateStorageError } from './errors.ts';
import { queryIndexPage } from './index-page.ts';
import { recordFromItem } from './items.ts';
import { agencyKeys, cycleAgencyPartition, cycleKeys, type ItemKey, selfAssessmentKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

const headerFromItem = (item: Record<string, unknown>): SelfAssessmentHeader => ({
  status: item.status as SelfAssessmentHeader['status'],
  version: item.version as number,
  answeredCount: item.answeredCount as number,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
  ...(item.submittedAt
    ? { submittedAt: item.submittedAt as string, submittedBy: item.submittedBy as string }
    : {}),
});

/** The header's condition: a new draft must not exist yet; an existing one must be this version and a draft. */
const headerCondition = (expectedVersion: number) =>
  expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : {
        ConditionExpression: 'version = :expected AND #status = :draft',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':expected': expectedVersion, ':draft': 'draft' },
      };

/** Pure: the actions of a save (header first: its condition guards the answers) or a submission. */
export const selfAssessmentActions = (
  tableName: string,
  change: SelfAssessmentStateChange,
): TransactAction[] => {
  const { year, agencyId } = change;
  if (change.kind === 'self-assessment.submission') {
    const { header } = change;
    return [
      {
        Update: {
          TableName: tableName,
          Key: selfAssessmentKeys.header(year, agencyId),
          UpdateExpression:
            'SET #status = :submitted, version = :next, updatedAt = :at, submittedAt = :at, submittedBy = :by, GSI2SK = :gsi2sk',
          ConditionExpression: 'version = :expected AND #status = :draft AND answeredCount = :required',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':submitted': 'submitted',
            ':draft': 'draft',
            ':next': header.version,
            ':expected': change.expectedVersion,
            ':required': change.requiredAnswers,
            ':at': header.submittedAt,
            ':by': header.submittedBy,
            ':gsi2sk': selfAssessmentKeys.byStatus(year, 'submitted', agencyId).GSI2SK,
          },
        },
      },
    ];
  }
  return [
    {
      Put: {
        TableName: tableName,
        Item: {
          ...selfAssessmentKeys.header(year, agencyId),
          ...selfAssessmentKeys.byStatus(year, change.header.status, agencyId),
          entity: 'SelfAssessment',
          year,
          agencyId,
          ...change.header,
        },
        ...headerCondition(change.expectedVersion),
      },
    },
    ...change.answers.map(
      (answer): TransactAction => ({
        Put: {
          TableName: tableName,
          Item: {
            ...selfAssessmentKeys.answer(year, agencyId, answer.indicatorNo),
            entity: 'SelfAssessmentAnswer',
            year,
            agencyId,
            ...answer,
          },
        },
      }),
    ),
  ];
};

/** The write path's builders of self-assessment changes (`createWritePath`). */
export const selfAssessmentWrites = {
  'self-assessment.answers': selfAssessmentActions,
  'self-assessment.submission': selfAssessmentActions,
} as const satisfies StateActionBuilders;

export const createSelfAssessmentStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
  cacheOptions: CycleCacheOptions = {},
): SelfAssessmentStore => {
  const getItem = async (key: ItemKey) =>
    (
      await client
        .send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))
        .catch(translateStorageError)
    ).Item;
  const cycle = createCycleCache(async (year) => {
    const item = await getItem(cycleKeys.cycle(year));
    return item ? cycleFromItem(item) : undefined;
  }, cacheOptions);
  return {
    cycle,

    agency: async (agencyId) => {
      const item = await getItem(agencyKeys.profile(agencyId));
      return item ? agencyFromItem(item) : undefined;
    },

    context: async (year, agencyId) => {
      const result = await client
        .send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: [cycleKeys.cycle(year), agencyKeys.profile(agencyId)],
                ConsistentRead: true,
              },
            },
          }),
        )
        .catch(translateStorageError);
      // Two small keys never exceed BatchGet limits; UnprocessedKeys only appear under throttling.
      if (Object.keys(result.UnprocessedKeys ?? {}).length > 0) {
        return translateStorageError(Object.assign(new Error('Throttled'), { name: 'ThrottlingException' }));
      }
      const items = result.Responses?.[tableName] ?? [];
      const cycleItem = items.find((item) => item.SK === 'CYCLE');
      const agencyItem = items.find((item) => item.SK === 'PROFILE');
      return {
        cycle: cycleItem ? cycleFromItem(cycleItem) : undefined,
        agency: agencyItem ? agencyFromItem(agencyItem) : undefined,
      };
    },

    load: async (year, agencyId) => {
      // Header and the 47 answers share one partition and the SELF prefix: one Query reads them all.
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const result = await client
          .send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'PK = :pk AND begins_with(SK, :self)',
              ExpressionAttributeValues: { ':pk': cycleAgencyPartition(year, agencyId), ':self': 'SELF' },
              ConsistentRead: true,
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          )
          .catch(translateStorageError);
        items.push(...(result.Items ?? []));
        startKey = result.LastEvaluatedKey;
      } while (startKey);
      const headerItem = items.find((item) => item.SK === 'SELF');
      const answers = new Map(
        items
          .filter((item) => String(item.SK).startsWith(selfAssessmentKeys.answerPrefix))
          .map((item) => [item.indicatorNo as number, recordFromItem(IndicatorAnswerSchema, item)]),
      );
      return { header: headerItem ? headerFromItem(headerItem) : undefined, answers };
    },

    listByCycle: async (year, { status, limit, cursor }) => {
      // Every header carries GSI2 (`CYCLE#<year>#SELF`, `<status>#<agencyId>`): drafts sort before
      // submissions, each by agency; a status is a prefix of the sort key.
      const { GSI2PK: partition } = selfAssessmentKeys.byStatus(year, 'draft', '');
      const prefix = status === undefined ? '' : `${status}#`;
      const page = await queryIndexPage(client, tableName, {
        index: 'GSI2',
        partition,
        prefix,
        limit,
        cursor,
        tableKey: {
          PK: (value) => value.startsWith(`CYCLE#${year}#AGENCY#`),
          SK: (value) => value === 'SELF',
        },
      });
      return {
        items: page.items.map((item) => ({
          agencyId: item.agencyId as string,
          ...headerFromItem(item),
        })),
        nextCursor: page.nextCursor,
      };
    },
  };
};
