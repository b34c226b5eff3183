import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { AgencySchema } from '#shared/api/registry/schemas.ts';
import type { AgencyRecord, AgencyStore, RegistryStateChange } from '#shared/services/registry/ports.ts';
import { batchGetAll } from './batch.ts';
import { translateStorageError } from './errors.ts';
import { queryIndexPage } from './index-page.ts';
import { recordFromItem } from './items.ts';
import { agencyKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

export const agencyFromItem = (item: Record<string, unknown>): AgencyRecord =>
  recordFromItem(AgencySchema, item);

/**
 * Pure: the transaction actions of one agency write. An UpdateItem rather than a Put, so the
 * province's `childCount` (kept by its children's writes) is never overwritten; the parent's count
 * follows every registration and move of a kabupaten/kota in the same transaction.
 */
/** Pure: the check that an agency exists and is active, inside a transaction (no read). */
export const agencyActiveCheck = (tableName: string, agencyId: string): TransactAction => ({
  ConditionCheck: {
    TableName: tableName,
    Key: agencyKeys.profile(agencyId),
    ConditionExpression: 'active = :active',
    ExpressionAttributeValues: { ':active': true },
  },
});

export const agencyActions = (
  tableName: string,
  { agency, before }: Extract<RegistryStateChange, { kind: 'agency' }>,
): TransactAction[] => {
  const { childCount: _kept, ...fields } = agency;
  const values: Record<string, unknown> = {
    ...fields,
    ...agencyKeys.byGroup(agency.group, agency.id),
    ...agencyKeys.roster(agency.id),
    entity: 'Agency',
  };
  const set = Object.entries(values).filter(([, value]) => value !== undefined);
  const names = Object.fromEntries(set.map(([name], index) => [`#f${index}`, name]));
  const attributeValues: Record<string, unknown> = Object.fromEntries(
    set.map(([, value], index) => [`:f${index}`, value]),
  );
  const conditions = [before ? 'version = :expected' : 'attribute_not_exists(PK)'];
  if (before) attributeValues[':expected'] = before.version;
  // A provinsi stops being one only with no kabupaten/kota left under it.
  if (before?.group === 'provinsi' && agency.group !== 'provinsi') {
    conditions.push('(attribute_not_exists(childCount) OR childCount = :zero)');
    attributeValues[':zero'] = 0;
  }
  const actions: TransactAction[] = [
    {
      Update: {
        TableName: tableName,
        Key: agencyKeys.profile(agency.id),
        UpdateExpression: [
          `SET ${set.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
          // A province, ministry or lembaga has no parent: clear one left by an earlier group.
          ...(agency.parentProvinceId === undefined ? ['REMOVE parentProvinceId'] : []),
        ].join(' '),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: attributeValues,
      },
    },
  ];
  const newParent = agency.parentProvinceId;
  const oldParent = before?.parentProvinceId;
  if (newParent !== undefined && newParent !== oldParent) {
    actions.push({
      Update: {
        TableName: tableName,
        Key: agencyKeys.profile(newParent),
        UpdateExpression: 'ADD childCount :one',
        ConditionExpression: '#group = :provinsi',
        ExpressionAttributeNames: { '#group': 'group' },
        ExpressionAttributeValues: { ':one': 1, ':provinsi': 'provinsi' },
      },
    });
  }
  if (oldParent !== undefined && oldParent !== newParent) {
    actions.push({
      Update: {
        TableName: tableName,
        Key: agencyKeys.profile(oldParent),
        UpdateExpression: 'ADD childCount :minusOne',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':minusOne': -1 },
      },
    });
  }
  return actions;
};

/** The write path's builders of registry agency changes (`createWritePath`). */
export const agencyWrites = {
  agency: agencyActions,
  'agency.active': (tableName, { agencyId }) => [agencyActiveCheck(tableName, agencyId)],
} as const satisfies StateActionBuilders;

export const createAgencyStore = (client: DynamoDBDocumentClient, tableName: string): AgencyStore => {
  const queryPage = (index: 'GSI1' | 'GSI2', partition: string, limit: number, cursor: string | undefined) =>
    queryIndexPage(client, tableName, {
      index,
      partition,
      prefix: '',
      limit,
      cursor,
      tableKey: { PK: (value) => value.startsWith('AGENCY#'), SK: (value) => value === 'PROFILE' },
    });

  return {
    get: async (agencyId) => {
      const result = await client
        .send(
          new GetCommand({ TableName: tableName, Key: agencyKeys.profile(agencyId), ConsistentRead: true }),
        )
        .catch(translateStorageError);
      return result.Item ? agencyFromItem(result.Item) : undefined;
    },

    getMany: async (agencyIds) =>
      (
        await batchGetAll(
          client,
          tableName,
          [...new Set(agencyIds)].map((agencyId) => agencyKeys.profile(agencyId)),
        )
      ).map(agencyFromItem),

    list: async ({ group, limit, cursor }) => {
      const result = group
        ? await queryPage('GSI1', agencyKeys.groupPartition(group), limit, cursor)
        : await queryPage('GSI2', agencyKeys.rosterPartition, limit, cursor);
      return { items: result.items.map(agencyFromItem), nextCursor: result.nextCursor };
    },

    listAll: async (group) => {
      const all: AgencyRecord[] = [];
      let cursor: string | undefined;
      do {
        const result = group
          ? await queryPage('GSI1', agencyKeys.groupPartition(group), 1000, cursor)
          : await queryPage('GSI2', agencyKeys.rosterPartition, 1000, cursor);
        all.push(...result.items.map(agencyFromItem));
        cursor = result.nextCursor;
      } while (cursor);
      return all;
    },
  };
};
