import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AssessorSchema, AssignmentSchema } from '#shared/api/assessment/schemas.ts';
import { IndicatorAnswerSchema } from '#shared/api/self-assessment/schemas.ts';
import type { ReviewMark, StageScore } from '#shared/domain/assessment.ts';
import type {
  AssessmentHead,
  AssessmentSnapshot,
  AssessmentStateChange,
  AssessmentStore,
  AssessorRecord,
  AssessorStore,
  AssignmentRecord,
  AssignmentStore,
} from '#shared/services/assessment/ports.ts';
import type { SelfAssessmentHeader, StoredAnswer } from '#shared/services/self-assessment/ports.ts';
import { batchGetAll } from './batch.ts';
import { cycleFromItem } from './cycle-store.ts';
import { translateStorageError, versionCondition } from './errors.ts';
import { queryIndexPage } from './index-page.ts';
import { recordFromItem } from './items.ts';
import {
  agencyKeys,
  assessmentKeys,
  assessorKeys,
  cycleAgencyPartition,
  cycleKeys,
  resultKeys,
  selfAssessmentKeys,
} from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

const assignmentItem = (assignment: AssignmentRecord) => ({
  ...assessmentKeys.assignment(assignment.year, assignment.agencyId, assignment.assessor),
  ...assessmentKeys.assignmentByAssessor(assignment.assessor, assignment.year, assignment.agencyId),
  ...assessmentKeys.assignmentByCycle(assignment.year, assignment.agencyId, assignment.assessor),
  entity: 'Assignment',
  ...assignment,
});

/** Pure: the actions of one assessment state change (see the conditions on `AssessmentStateChange`). */
export const assessmentActions = (tableName: string, change: AssessmentStateChange): TransactAction[] => {
  switch (change.kind) {
    case 'assessor':
      return [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...assessorKeys.profile(change.assessor.subject),
              ...assessorKeys.list(change.assessor.subject),
              entity: 'Assessor',
              ...change.assessor,
            },
            ...versionCondition(change.before?.version),
          },
        },
      ];
    case 'panel.assign': {
      const subjects = change.assignments.map((assignment) => assignment.assessor);
      return [
        ...change.assignments.map(
          (assignment): TransactAction => ({
            Put: {
              TableName: tableName,
              Item: assignmentItem(assignment),
              // New, or removed by the review team (who may assign them again); never over an
              // active assignment or a recusal.
              ConditionExpression: 'attribute_not_exists(PK) OR #status = :removed',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':removed': 'removed' },
            },
          }),
        ),
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.head(change.year, change.agencyId),
            UpdateExpression:
              'ADD members :subjects SET entity = :entity, revision = if_not_exists(revision, :zero)',
            ConditionExpression: 'attribute_not_exists(finalizedAt)',
            ExpressionAttributeValues: {
              ':subjects': new Set(subjects),
              ':entity': 'Assessment',
              ':zero': 0,
            },
          },
        },
        ...subjects.map(
          (subject): TransactAction => ({
            Update: {
              TableName: tableName,
              Key: assessorKeys.load(subject, change.year),
              UpdateExpression: 'ADD #count :one SET entity = :entity',
              // The cap holds without a read: the counter only grows while below it.
              ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':one': 1, ':cap': change.loadCap, ':entity': 'AssessorLoad' },
            },
          }),
        ),
        // No final result: the assignment checked on a read, and a result imported meanwhile would
        // leave a panel with nothing it could finalize (the import checks this head the same way).
        {
          ConditionCheck: {
            TableName: tableName,
            Key: resultKeys.current(change.year, change.agencyId),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ];
    }
    case 'panel.recuse': {
      const { assignment } = change;
      return [
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.assignment(assignment.year, assignment.agencyId, assignment.assessor),
            UpdateExpression: 'SET #status = :recused, recusedAt = :at, recusalReason = :reason',
            ConditionExpression: '#status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':recused': 'recused',
              ':active': 'active',
              ':at': assignment.recusedAt,
              ':reason': assignment.recusalReason,
            },
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.head(assignment.year, assignment.agencyId),
            UpdateExpression: 'DELETE members :subject',
            // Two members recusing at once cannot leave the panel empty.
            ConditionExpression: 'contains(members, :member) AND size(members) > :one',
            ExpressionAttributeValues: {
              ':subject': new Set([assignment.assessor]),
              ':member': assignment.assessor,
              ':one': 1,
            },
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: assessorKeys.load(assignment.assessor, assignment.year),
            UpdateExpression: 'ADD #count :minusOne',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': -1 },
          },
        },
      ];
    }
    case 'panel.remove': {
      const { assignment } = change;
      return [
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.assignment(assignment.year, assignment.agencyId, assignment.assessor),
            UpdateExpression:
              'SET #status = :removed, removedAt = :at, removedBy = :by, removalReason = :reason',
            // Ended once: a second removal, or a recusal meanwhile, fails the whole change.
            ConditionExpression: '#status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':removed': 'removed',
              ':active': 'active',
              ':at': assignment.removedAt,
              ':by': assignment.removedBy,
              ':reason': assignment.removalReason,
            },
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.head(assignment.year, assignment.agencyId),
            // Unlike a recusal, the last member may go: the review team assigns the next. (A set
            // left empty is removed by DynamoDB: the head then lists no member.)
            UpdateExpression: 'DELETE members :subject',
            ConditionExpression: 'contains(members, :member)',
            ExpressionAttributeValues: {
              ':subject': new Set([assignment.assessor]),
              ':member': assignment.assessor,
            },
          },
        },
        {
          Update: {
            TableName: tableName,
            Key: assessorKeys.load(assignment.assessor, assignment.year),
            UpdateExpression: 'ADD #count :minusOne',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': -1 },
          },
        },
      ];
    }
    case 'scores':
      return [
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.head(change.year, change.agencyId),
            UpdateExpression: 'ADD revision :one',
            ConditionExpression: 'contains(members, :recorder) AND attribute_not_exists(finalizedAt)',
            ExpressionAttributeValues: { ':one': 1, ':recorder': change.recordedBy },
          },
        },
        ...change.scores.map(
          (score): TransactAction => ({
            Put: {
              TableName: tableName,
              Item: {
                ...assessmentKeys.score(
                  change.year,
                  change.agencyId,
                  score.stage,
                  score.indicatorNo,
                  score.version,
                ),
                entity: 'StageScore',
                ...score,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          }),
        ),
      ];
    case 'reviews':
      return [
        {
          Update: {
            TableName: tableName,
            Key: assessmentKeys.head(change.year, change.agencyId),
            UpdateExpression: 'ADD revision :one',
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(finalizedAt)',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        ...change.reviews.map(
          ({ review, expectedVersion }): TransactAction => ({
            Put: {
              TableName: tableName,
              Item: {
                ...assessmentKeys.review(change.year, change.agencyId, review.indicatorNo),
                entity: 'Review',
                ...review,
              },
              ...versionCondition(expectedVersion === 0 ? undefined : expectedVersion),
            },
          }),
        ),
      ];
  }
};

/** The write path's builders of assessment changes (`createWritePath`). */
export const assessmentWrites = {
  assessor: assessmentActions,
  'panel.assign': assessmentActions,
  'panel.recuse': assessmentActions,
  'panel.remove': assessmentActions,
  scores: assessmentActions,
  reviews: assessmentActions,
} as const satisfies StateActionBuilders;

const assessorFromItem = (item: Record<string, unknown>): AssessorRecord =>
  recordFromItem(AssessorSchema, item);
const assignmentFromItem = (item: Record<string, unknown>): AssignmentRecord =>
  recordFromItem(AssignmentSchema, item);

const scoreFromItem = (item: Record<string, unknown>): StageScore => ({
  stage: item.stage as StageScore['stage'],
  indicatorNo: item.indicatorNo as number,
  version: item.version as number,
  level: item.level as StageScore['level'],
  note: item.note as string,
  evidenceUsed: item.evidenceUsed as number[],
  recordedBy: item.recordedBy as string,
  recordedAt: item.recordedAt as string,
  ...(item.reason === undefined ? {} : { reason: item.reason as string }),
});

const reviewFromItem = (item: Record<string, unknown>): ReviewMark => ({
  indicatorNo: item.indicatorNo as number,
  stage: item.stage as ReviewMark['stage'],
  scoreVersion: item.scoreVersion as number,
  valid: item.valid as boolean,
  reason: item.reason as string,
  version: item.version as number,
  reviewedBy: item.reviewedBy as string,
  reviewedAt: item.reviewedAt as string,
});

const headFromItem = (item: Record<string, unknown>): AssessmentHead => ({
  members: [...((item.members as Set<string> | undefined) ?? [])].sort(),
  revision: (item.revision as number | undefined) ?? 0,
  ...(item.finalizedAt ? { finalizedAt: item.finalizedAt as string } : {}),
});

const selfHeaderFromItem = (item: Record<string, unknown>): SelfAssessmentHeader => ({
  status: item.status as SelfAssessmentHeader['status'],
  version: item.version as number,
  answeredCount: item.answeredCount as number,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
  ...(item.submittedAt
    ? { submittedAt: item.submittedAt as string, submittedBy: item.submittedBy as string }
    : {}),
});

export const createAssessorStore = (client: DynamoDBDocumentClient, tableName: string): AssessorStore => ({
  get: async (subject) => {
    const result = await client
      .send(
        new GetCommand({ TableName: tableName, Key: assessorKeys.profile(subject), ConsistentRead: true }),
      )
      .catch(translateStorageError);
    return result.Item ? assessorFromItem(result.Item) : undefined;
  },
  getMany: async (subjects) => {
    const keys = [...new Set(subjects)].map((subject) => assessorKeys.profile(subject));
    const items = await batchGetAll(client, tableName, keys);
    return new Map(items.map((item) => [item.subject as string, assessorFromItem(item)]));
  },
});

/** An assignment's own key, as a cursor of its listings must carry it. */
const assignmentTableKey = {
  PK: (value: string) => value.startsWith('CYCLE#'),
  SK: (value: string) => value.startsWith('ASSIGN#'),
};

export const createAssignmentStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): AssignmentStore => ({
  listByCycle: async (year, { agencyId, assessor, limit, cursor }) => {
    // One assessor's assignments in the cycle come from their own index (GSI1) by cycle prefix;
    // everything else from the cycle's (GSI2), optionally one agency's by prefix.
    const byAssessor = assessor !== undefined;
    const page = await queryIndexPage(client, tableName, {
      index: byAssessor ? 'GSI1' : 'GSI2',
      partition: byAssessor
        ? assessmentKeys.assessorPartition(assessor)
        : assessmentKeys.cyclePartition(year),
      prefix: byAssessor
        ? `${assessmentKeys.assessorCyclePrefix(year)}${agencyId ?? ''}`
        : agencyId === undefined
          ? ''
          : `${agencyId}#`,
      limit,
      cursor,
      tableKey: assignmentTableKey,
    });
    return { items: page.items.map(assignmentFromItem), nextCursor: page.nextCursor };
  },

  listByAssessor: async (subject, { year, limit, cursor }) => {
    const page = await queryIndexPage(client, tableName, {
      index: 'GSI1',
      partition: assessmentKeys.assessorPartition(subject),
      prefix: year === undefined ? 'CYCLE#' : assessmentKeys.assessorCyclePrefix(year),
      limit,
      cursor,
      tableKey: assignmentTableKey,
      newestFirst: true,
    });
    return { items: page.items.map(assignmentFromItem), nextCursor: page.nextCursor };
  },

  summaries: async (keys) => {
    // Each agency's profile (its name) and each (year, agency)'s self-assessment header, at once.
    const agencyIds = [...new Set(keys.map((key) => key.agencyId))];
    const pairs = [...new Map(keys.map((key) => [`${key.year}#${key.agencyId}`, key])).values()];
    const items = await batchGetAll(client, tableName, [
      ...agencyIds.map((agencyId) => agencyKeys.profile(agencyId)),
      ...pairs.map(({ year, agencyId }) => selfAssessmentKeys.header(year, agencyId)),
    ]);
    const names = new Map(
      items.filter((item) => item.SK === 'PROFILE').map((item) => [item.id as string, item.name as string]),
    );
    const statuses = new Map(
      items
        .filter((item) => item.SK === 'SELF')
        .map((item) => [item.PK as string, item.status as 'draft' | 'submitted']),
    );
    return new Map(
      pairs.flatMap(({ year, agencyId }) => {
        const agencyName = names.get(agencyId);
        if (agencyName === undefined) return [];
        const status = statuses.get(cycleAgencyPartition(year, agencyId)) ?? 'none';
        return [[`${year}#${agencyId}`, { agencyName, selfAssessmentStatus: status }] as const];
      }),
    );
  },

  planning: async (year, subjects, agencyIds) => {
    const unique = [...new Set(subjects)];
    const items = await batchGetAll(client, tableName, [
      cycleKeys.cycle(year),
      ...unique.map((subject) => assessorKeys.profile(subject)),
      ...unique.map((subject) => assessorKeys.load(subject, year)),
      ...[...new Set(agencyIds)].map((agencyId) => resultKeys.current(year, agencyId)),
    ]);
    const cycleItem = items.find((item) => item.SK === 'CYCLE');
    const currentSortKey = resultKeys.current(year, '').SK;
    return {
      cycle: cycleItem ? cycleFromItem(cycleItem) : undefined,
      results: new Map(
        items
          .filter((item) => item.SK === currentSortKey)
          .map((item) => [item.agencyId as string, item.version as number]),
      ),
      profiles: new Map(
        items
          .filter((item) => item.SK === 'PROFILE')
          .map((item) => [item.subject as string, assessorFromItem(item)]),
      ),
      loads: new Map(
        items
          .filter((item) => String(item.SK).startsWith('LOAD#'))
          .map((item) => [
            String(item.PK).slice('ASSESSOR#'.length),
            (item.count as number | undefined) ?? 0,
          ]),
      ),
    };
  },

  loads: async (year, subjects) => {
    const keys = [...new Set(subjects)].map((subject) => assessorKeys.load(subject, year));
    const items = await batchGetAll(client, tableName, keys);
    return new Map(
      items.map((item) => [
        String(item.PK).slice('ASSESSOR#'.length),
        (item.count as number | undefined) ?? 0,
      ]),
    );
  },
});

/** Reads every item of a key range of one partition, all pages. */
const queryRange = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  condition: string,
  values: Record<string, string>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await client
      .send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: `PK = :pk AND ${condition}`,
          ExpressionAttributeValues: { ':pk': partition, ...values },
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

export const createAssessmentStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): AssessmentStore => ({
  load: async (year, agencyId) => {
    const partition = cycleAgencyPartition(year, agencyId);
    // The partition sorts APPEAL#, ASSESSMENT, ASSIGN#, AUDIT#, RESULT#, REVIEW#, SCORE#, SELF…: two
    // ranges skip the audit trail (it only grows) and read everything the assessment needs.
    const [head, tail] = await Promise.all([
      queryRange(client, tableName, partition, 'SK BETWEEN :from AND :to', {
        ':from': 'ASSESSMENT',
        ':to': 'ASSIGN$',
      }),
      queryRange(client, tableName, partition, 'SK >= :from', { ':from': 'REVIEW#' }),
    ]);
    const items = [...head, ...tail];
    const bySk = (prefix: string) => items.filter((item) => String(item.SK).startsWith(prefix));
    const headItem = items.find((item) => item.SK === 'ASSESSMENT');
    const selfItem = items.find((item) => item.SK === 'SELF');
    const answers = new Map<number, StoredAnswer>(
      bySk(selfAssessmentKeys.answerPrefix).map((item) => [
        item.indicatorNo as number,
        recordFromItem(IndicatorAnswerSchema, item),
      ]),
    );
    return {
      head: headItem ? headFromItem(headItem) : undefined,
      assignments: bySk('ASSIGN#').map(assignmentFromItem),
      scores: bySk('SCORE#').map(scoreFromItem),
      reviews: bySk('REVIEW#').map(reviewFromItem),
      selfAssessment: { header: selfItem ? selfHeaderFromItem(selfItem) : undefined, answers },
    } satisfies AssessmentSnapshot;
  },
});
