import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AuditRecordSchema } from '#shared/api/common/schemas.ts';
import type { AuditEntry } from '#shared/domain/audit.ts';
import type { AuditTrailStore } from '#shared/services/registry/ports.ts';
import { decodeCursorFor, encodeCursor, translateStorageError } from './errors.ts';
import { recordFromItem } from './items.ts';
import { auditKeys } from './keys.ts';
import type { TransactAction } from './write-path.ts';

/** A transaction action appending one audit record; `attribute_not_exists` keeps the trail append-only. */
export const auditAction = (tableName: string, entry: AuditEntry, sequence: number): TransactAction => {
  const { trail: _trail, ...record } = entry;
  return {
    Put: {
      TableName: tableName,
      Item: {
        PK: auditKeys.partition(entry.trail),
        SK: auditKeys.sortKey(entry.at, entry.requestId, sequence),
        entity: 'Audit',
        ...record,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
};

/** Access pattern `listAuditTrail`: Query PK = trail partition, SK begins_with AUDIT#, newest first. */
export const createAuditTrailStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): AuditTrailStore => ({
  list: async (trail, page) => {
    const partition = auditKeys.partition(trail);
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
    return {
      items: (result.Items ?? []).map((item) => recordFromItem(AuditRecordSchema, item)),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  },
});
