import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { PayloadTooLargeError } from '../errors.ts';
import type {
  SaveAnswersInput,
  SelfAssessmentHeader,
  SelfAssessmentStore,
  StoredAnswer,
} from '../services/ports.ts';
import { agencyFromItem } from './agency-store.ts';
import { auditPut, listAuditTrail } from './audit-store.ts';
import { cycleFromItem } from './cycle-store.ts';
import { isConditionFailure, translateStorageError } from './errors.ts';
import { agencyKeys, cycleAgencyPartition, cycleKeys, selfAssessmentKeys } from './keys.ts';

const maxTransactionBytes = 4_000_000;

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

const answerFromItem = (item: Record<string, unknown>): StoredAnswer => ({
  indicatorNo: item.indicatorNo as number,
  level: item.level as StoredAnswer['level'],
  explanation: item.explanation as string,
  evidence: item.evidence as StoredAnswer['evidence'],
  updatedAt: item.updatedAt as string,
  updatedBy: item.updatedBy as string,
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

/** Pure: the actions of one save — header first (its condition guards the rest), answers, audits. */
export const saveAnswersActions = (tableName: string, input: SaveAnswersInput) => {
  const { year, agencyId } = input;
  const partition = cycleAgencyPartition(year, agencyId);
  return [
    {
      Put: {
        TableName: tableName,
        Item: {
          ...selfAssessmentKeys.header(year, agencyId),
          ...selfAssessmentKeys.byStatus(year, input.header.status, agencyId),
          entity: 'SelfAssessment',
          year,
          agencyId,
          ...input.header,
        },
        ...headerCondition(input.expectedVersion),
      },
    },
    ...input.answers.map((answer) => ({
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
    })),
    ...input.audits.map((audit, sequence) => auditPut(tableName, partition, audit, sequence)),
  ];
};

export const createSelfAssessmentStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): SelfAssessmentStore => ({
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
        .map((item) => [item.indicatorNo as number, answerFromItem(item)]),
    );
    return { header: headerItem ? headerFromItem(headerItem) : undefined, answers };
  },

  saveAnswers: async (input) => {
    const actions = saveAnswersActions(tableName, input);
    // DynamoDB refuses a transaction over 4 MB with a validation error; refuse it first, in words the
    // operator can act on. The JSON length over-estimates DynamoDB's own measure, so this errs safe.
    const bytes = Buffer.byteLength(JSON.stringify(actions));
    if (bytes > maxTransactionBytes) {
      throw new PayloadTooLargeError(
        `These ${input.answers.length} answers and their audit records come to ${(bytes / 1e6).toFixed(1)} MB, over the 4 MB one atomic save can hold. Save fewer indicators per request.`,
      );
    }
    try {
      await client.send(new TransactWriteCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      if (isConditionFailure(error, 0)) return false;
      return translateStorageError(error);
    }
  },

  submit: async ({ year, agencyId, expectedVersion, requiredAnswers, header, audit }) => {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
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
                  ':expected': expectedVersion,
                  ':required': requiredAnswers,
                  ':at': header.submittedAt,
                  ':by': header.submittedBy,
                  ':gsi2sk': selfAssessmentKeys.byStatus(year, 'submitted', agencyId).GSI2SK,
                },
              },
            },
            auditPut(tableName, cycleAgencyPartition(year, agencyId), audit, 0),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error, 0)) return false;
      return translateStorageError(error);
    }
  },

  auditTrail: (year, agencyId, page) =>
    listAuditTrail(client, tableName, cycleAgencyPartition(year, agencyId), page),
});
