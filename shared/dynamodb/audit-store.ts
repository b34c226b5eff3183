import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit.ts';
import { decodeCursorFor, encodeCursor, translateStorageError } from './errors.ts';
import { auditKeys } from './keys.ts';

/** A transaction action appending one audit record; `attribute_not_exists` keeps the trail append-only. */
export const auditPut = (tableName: string, partition: string, entry: AuditEntry, sequence: number) => ({
  Put: {
    TableName: tableName,
    Item: {
      PK: partition,
      SK: auditKeys.sortKey(entry.at, entry.requestId, sequence),
      entity: 'Audit',
      ...entry,
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

export interface AuditPage {
  readonly items: AuditEntry[];
  readonly nextCursor: string | undefined;
}

/** Access pattern `listAuditTrail`: Query PK = partition, SK begins_with AUDIT#, newest first. */
export const listAuditTrail = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<AuditPage> => {
  const startKey = decodeCursorFor(page.cursor, {
    PK: (value) => value === partition,
    SK: (value) => value.startsWith(auditKeys.prefix),
  });
  const result = await client
    .send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': auditKeys.prefix },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    )
    .catch(translateStorageError);
  const items = (result.Items ?? []).map(({ at, actor, action, route, requestId, target, changes }) => ({
    at,
    actor,
    action,
    route,
    requestId,
    target,
    changes,
  })) as AuditEntry[];
  return { items, nextCursor: encodeCursor(result.LastEvaluatedKey) };
};
