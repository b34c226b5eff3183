import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CycleRecord, CycleStore } from '../services/ports.ts';
import { auditPut } from './audit-store.ts';
import { isConditionFailure, translateStorageError } from './errors.ts';
import { cycleKeys } from './keys.ts';

export const cycleFromItem = (item: Record<string, unknown>): CycleRecord => ({
  year: item.year as number,
  frameworkId: item.frameworkId as string,
  type: item.type as CycleRecord['type'],
  windows: item.windows as CycleRecord['windows'],
  predicateBasis: item.predicateBasis as CycleRecord['predicateBasis'],
  awardRules: item.awardRules as CycleRecord['awardRules'],
  createdAt: item.createdAt as string,
  createdBy: item.createdBy as string,
  version: item.version as number,
});

export const createCycleStore = (client: DynamoDBDocumentClient, tableName: string): CycleStore => ({
  get: async (year) => {
    const result = await client
      .send(new GetCommand({ TableName: tableName, Key: cycleKeys.cycle(year), ConsistentRead: true }))
      .catch(translateStorageError);
    return result.Item ? cycleFromItem(result.Item) : undefined;
  },

  create: async (cycle, audit) => {
    const key = cycleKeys.cycle(cycle.year);
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...key, ...cycleKeys.list(cycle.year), entity: 'Cycle', ...cycle },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            auditPut(tableName, key.PK, audit, 0),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error, 0)) return false;
      return translateStorageError(error);
    }
  },

  list: async () => {
    // One item per year: a single page covers centuries of cycles.
    const result = await client
      .send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': cycleKeys.listPartition },
          ScanIndexForward: false,
        }),
      )
      .catch(translateStorageError);
    return (result.Items ?? []).map(cycleFromItem);
  },
});
