import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AgencyRecord, AgencyStore, AgencyWriteOperation } from '../services/ports.ts';
import { auditPut, listAuditTrail } from './audit-store.ts';
import {
  decodeCursorFor,
  encodeCursor,
  isConditionFailure,
  translateStorageError,
  versionCondition,
} from './errors.ts';
import { agencyKeys } from './keys.ts';

export const agencyFromItem = (item: Record<string, unknown>): AgencyRecord => ({
  id: item.id as string,
  name: item.name as string,
  group: item.group as AgencyRecord['group'],
  ...(item.parentProvinceId ? { parentProvinceId: item.parentProvinceId as string } : {}),
  active: item.active as boolean,
  version: item.version as number,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

/** Pure: the transaction actions of one agency write (the agency and its audit record). */
export const agencyWriteActions = (tableName: string, operation: AgencyWriteOperation) => {
  const { agency, expectedVersion, audit } = operation;
  return [
    {
      Put: {
        TableName: tableName,
        Item: {
          ...agencyKeys.profile(agency.id),
          ...agencyKeys.byGroup(agency.group, agency.id),
          ...agencyKeys.roster(agency.id),
          entity: 'Agency',
          ...agency,
        },
        ...versionCondition(expectedVersion),
      },
    },
    auditPut(tableName, agencyKeys.partition(agency.id), audit, 0),
  ];
};

// Two actions per agency (record + audit): 50 agencies fill DynamoDB's 100-action transaction.
const agenciesPerTransaction = 50;

export const createAgencyStore = (client: DynamoDBDocumentClient, tableName: string): AgencyStore => {
  const queryPage = async (
    index: 'GSI1' | 'GSI2',
    partition: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<QueryCommandOutput> => {
    const partitionAttribute = `${index}PK`;
    const startKey = decodeCursorFor(cursor, {
      PK: (value) => value.startsWith('AGENCY#'),
      SK: (value) => value === 'PROFILE',
      [partitionAttribute]: (value) => value === partition,
      [`${index}SK`]: (value) => value.length > 0,
    });
    return client
      .send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `${partitionAttribute} = :pk`,
          ExpressionAttributeValues: { ':pk': partition },
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      )
      .catch(translateStorageError);
  };

  return {
    get: async (agencyId) => {
      const result = await client
        .send(
          new GetCommand({ TableName: tableName, Key: agencyKeys.profile(agencyId), ConsistentRead: true }),
        )
        .catch(translateStorageError);
      return result.Item ? agencyFromItem(result.Item) : undefined;
    },

    write: async (operation) => {
      try {
        await client.send(
          new TransactWriteCommand({ TransactItems: agencyWriteActions(tableName, operation) }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error, 0)) return false;
        return translateStorageError(error);
      }
    },

    writeMany: async (operations) => {
      let written = 0;
      for (let start = 0; start < operations.length; start += agenciesPerTransaction) {
        const chunk = operations.slice(start, start + agenciesPerTransaction);
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: chunk.flatMap((operation) => agencyWriteActions(tableName, operation)),
            }),
          );
          written += chunk.length;
        } catch (error) {
          if (isConditionFailure(error)) {
            const reasons =
              (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
            const failedAction = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
            const failed = chunk[Math.floor(Math.max(0, failedAction) / 2)];
            return { written, ...(failed ? { conflictAt: failed.agency.id } : {}) };
          }
          return translateStorageError(error);
        }
      }
      return { written };
    },

    list: async ({ group, limit, cursor }) => {
      const result = group
        ? await queryPage('GSI1', agencyKeys.groupPartition(group), limit, cursor)
        : await queryPage('GSI2', agencyKeys.rosterPartition, limit, cursor);
      return {
        items: (result.Items ?? []).map(agencyFromItem),
        nextCursor: encodeCursor(result.LastEvaluatedKey),
      };
    },

    listAll: async () => {
      const all: AgencyRecord[] = [];
      let cursor: string | undefined;
      do {
        const result = await queryPage('GSI2', agencyKeys.rosterPartition, 1000, cursor);
        all.push(...(result.Items ?? []).map(agencyFromItem));
        cursor = encodeCursor(result.LastEvaluatedKey);
      } while (cursor);
      return all;
    },

    auditTrail: (agencyId, page) => listAuditTrail(client, tableName, agencyKeys.partition(agencyId), page),
  };
};
