import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursorFor, encodeCursor, translateStorageError } from './errors.ts';

export interface IndexPageQuery {
  readonly index: 'GSI1' | 'GSI2';
  readonly partition: string;
  /** Only sort keys that begin so; '' for the whole partition. */
  readonly prefix: string;
  readonly limit: number;
  readonly cursor: string | undefined;
  /** What the table's own key in a cursor must look like (the index's key is checked here). */
  readonly tableKey: { readonly PK: (value: string) => boolean; readonly SK: (value: string) => boolean };
  readonly newestFirst?: boolean;
}

/**
 * One page of a secondary index's partition (optionally one sort-key prefix of it), resumed from a
 * cursor only if it is a start key this very query could have returned (else 400 naming the
 * cursor): the paginated listings of agencies, assignments and self-assessments.
 */
export const queryIndexPage = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  query: IndexPageQuery,
): Promise<{ readonly items: Record<string, unknown>[]; readonly nextCursor: string | undefined }> => {
  const { index, partition, prefix } = query;
  const startKey = decodeCursorFor(query.cursor, {
    ...query.tableKey,
    [`${index}PK`]: (value) => value === partition,
    [`${index}SK`]: (value) => value.length > 0 && value.startsWith(prefix),
  });
  const result = await client
    .send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index,
        // DynamoDB refuses an empty begins_with: the whole partition needs no prefix.
        KeyConditionExpression:
          prefix === '' ? `${index}PK = :pk` : `${index}PK = :pk AND begins_with(${index}SK, :prefix)`,
        ExpressionAttributeValues:
          prefix === '' ? { ':pk': partition } : { ':pk': partition, ':prefix': prefix },
        ...(query.newestFirst ? { ScanIndexForward: false } : {}),
        Limit: query.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    )
    .catch(translateStorageError);
  return { items: result.Items ?? [], nextCursor: encodeCursor(result.LastEvaluatedKey) };
};
