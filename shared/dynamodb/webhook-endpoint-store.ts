import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventType } from '#shared/domain/events.ts';
import { endpointsPerAgency } from '#shared/domain/webhooks/endpoints.ts';
import type {
  EndpointRef,
  WebhookEndpointRecord,
  WebhookEndpointStore,
  WebhookStateChange,
} from '#shared/services/webhooks/ports.ts';
import { decodeCursorFor, encodeCursor, translateStorageError } from './errors.ts';
import { agencyKeys, deliveryKeys, webhookKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction, WritePathTables } from './write-path.ts';

const endpointFields = [
  'id',
  'agencyId',
  'url',
  'description',
  'eventTypes',
  'enabled',
  'disabledReason',
  'disabledAt',
  'signatureSchemes',
  'keys',
  'version',
  'createdAt',
  'updatedAt',
  'createdBy',
] as const satisfies readonly (keyof WebhookEndpointRecord)[];

export const endpointFromItem = (item: Readonly<Record<string, unknown>>): WebhookEndpointRecord =>
  Object.fromEntries(
    endpointFields.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]),
  ) as unknown as WebhookEndpointRecord;

/** Event types an endpoint is subscribed to: its own while enabled, none while disabled. */
const subscribedTypes = (endpoint: WebhookEndpointRecord | undefined): ReadonlySet<EventType> =>
  new Set(endpoint?.enabled ? endpoint.eventTypes : []);

const subscriptionPut = (
  tableName: string,
  endpoint: WebhookEndpointRecord,
  eventType: EventType,
): TransactAction => ({
  Put: {
    TableName: tableName,
    Item: {
      ...webhookKeys.subscription(endpoint.agencyId, endpoint.id, eventType),
      ...webhookKeys.subscribers(eventType, endpoint.agencyId, endpoint.id),
      entity: 'WebhookSubscription',
      agencyId: endpoint.agencyId,
      endpointId: endpoint.id,
      eventType,
    },
  },
});

/** The agency's claim on the endpoint's URL: taken only if no other endpoint holds it. */
const urlClaimPut = (tableName: string, endpoint: WebhookEndpointRecord): TransactAction => ({
  Put: {
    TableName: tableName,
    Item: {
      ...webhookKeys.urlClaim(endpoint.agencyId, endpoint.url),
      entity: 'WebhookUrlClaim',
      endpointId: endpoint.id,
      url: endpoint.url,
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
});

/**
 * The agency's count of endpoints (an attribute of its registry item, which `recordFromItem` never
 * reads and agency writes never overwrite: they SET their own fields), taken by each registration
 * in its transaction and given back by each deletion. The service's read of the agency's endpoints
 * refuses an eleventh registration with a clear message, but registrations sent at once all read
 * the same list before any is written: the count's condition is what holds the limit then.
 */
const endpointCountTaken = (tableName: string, agencyId: string): TransactAction => ({
  Update: {
    TableName: tableName,
    Key: agencyKeys.profile(agencyId),
    UpdateExpression: 'ADD webhookEndpointCount :one',
    ConditionExpression:
      'attribute_exists(PK) AND (attribute_not_exists(webhookEndpointCount) OR webhookEndpointCount < :most)',
    ExpressionAttributeValues: { ':one': 1, ':most': endpointsPerAgency },
  },
});

const endpointCountReleased = (tableName: string, agencyId: string): TransactAction => ({
  Update: {
    TableName: tableName,
    Key: agencyKeys.profile(agencyId),
    UpdateExpression: 'ADD webhookEndpointCount :minusOne',
    // Agencies are never deleted; the condition only keeps ADD from making an item of a key alone.
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeValues: { ':minusOne': -1 },
  },
});

const subscriptionDelete = (
  tableName: string,
  endpoint: WebhookEndpointRecord,
  eventType: EventType,
): TransactAction => ({
  Delete: { TableName: tableName, Key: webhookKeys.subscription(endpoint.agencyId, endpoint.id, eventType) },
});

/**
 * Pure: the actions of an endpoint write. The endpoint item carries the condition (absent, its
 * agency present with fewer than the most endpoints it may have, and its URL unclaimed for a create,
 * the version read for an update or deletion); the agency's endpoint count is taken at creation and
 * given back at deletion; the URL claim is made at creation, moved with a new URL and released at
 * deletion; subscription items
 * follow the difference between the event types subscribed before and after, in the same
 * transaction, so the dispatcher never sees a disabled endpoint's subscriptions.
 */
export const webhookEndpointActions = (
  tableName: string,
  change: Extract<WebhookStateChange, { kind: 'webhook-endpoint' | 'webhook-endpoint.deletion' }>,
  tables: WritePathTables = { programme: tableName, events: tableName },
): TransactAction[] => {
  if (change.kind === 'webhook-endpoint.deletion') {
    const { endpoint } = change;
    return [
      {
        Delete: {
          TableName: tableName,
          Key: webhookKeys.endpoint(endpoint.agencyId, endpoint.id),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': endpoint.version },
        },
      },
      { Delete: { TableName: tableName, Key: webhookKeys.urlClaim(endpoint.agencyId, endpoint.url) } },
      endpointCountReleased(tableName, endpoint.agencyId),
      ...[...subscribedTypes(endpoint)].map((type) => subscriptionDelete(tableName, endpoint, type)),
    ];
  }
  const { endpoint, before } = change;
  const after = subscribedTypes(endpoint);
  const previous = subscribedTypes(before);
  return [
    ...(before === undefined
      ? [endpointCountTaken(tableName, endpoint.agencyId), urlClaimPut(tableName, endpoint)]
      : []),
    {
      Put: {
        TableName: tableName,
        Item: {
          ...webhookKeys.endpoint(endpoint.agencyId, endpoint.id),
          ...(endpoint.keys.current.publicKey ? webhookKeys.publicKeys(endpoint.agencyId, endpoint.id) : {}),
          entity: 'WebhookEndpoint',
          ...endpoint,
        },
        ...(before === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': before.version },
            }),
      },
    },
    // A new URL moves the claim: the old one released, the new one taken (absent, else refused).
    ...(before !== undefined && before.url !== endpoint.url
      ? [
          { Delete: { TableName: tableName, Key: webhookKeys.urlClaim(endpoint.agencyId, before.url) } },
          urlClaimPut(tableName, endpoint),
        ]
      : []),
    ...[...after]
      .filter((type) => !previous.has(type))
      .map((type) => subscriptionPut(tableName, endpoint, type)),
    ...[...previous]
      .filter((type) => !after.has(type))
      .map((type) => subscriptionDelete(tableName, endpoint, type)),
    // Enabled again: its failure streak (events table) starts over with it, in this transaction. A
    // separate delete after it, lost to a crash or a 503, left the old streak, and the endpoint was
    // disabled again at its next failure.
    ...(before?.enabled === false && endpoint.enabled
      ? [
          {
            Delete: { TableName: tables.events, Key: deliveryKeys.health(endpoint.id) },
          } satisfies TransactAction,
        ]
      : []),
  ];
};

/** The write path's builders of webhook endpoint changes (`createWritePath`). */
export const webhookEndpointWrites = {
  'webhook-endpoint': webhookEndpointActions,
  'webhook-endpoint.deletion': webhookEndpointActions,
} as const satisfies StateActionBuilders;

export const createWebhookEndpointStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): WebhookEndpointStore => {
  /** Every page of a query; what the dispatcher and the small agency listings need whole. */
  const queryAll = async (input: ConstructorParameters<typeof QueryCommand>[0]) => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await client
        .send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }))
        .catch(translateStorageError);
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  const getMany = async (refs: readonly EndpointRef[]): Promise<WebhookEndpointRecord[]> => {
    const found: WebhookEndpointRecord[] = [];
    for (let start = 0; start < refs.length; start += 100) {
      let keys: Readonly<Record<string, unknown>>[] = refs
        .slice(start, start + 100)
        .map((ref) => ({ ...webhookKeys.endpoint(ref.agencyId, ref.endpointId) }));
      // BatchGet may leave keys unprocessed under load: ask again for those (the SDK already backed off).
      for (let round = 0; keys.length > 0 && round < 5; round += 1) {
        const result = await client
          .send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }))
          .catch(translateStorageError);
        found.push(...(result.Responses?.[tableName] ?? []).map(endpointFromItem));
        keys = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
    return found;
  };

  return {
    get: async ({ agencyId, endpointId }) => {
      const result = await client
        .send(
          new GetCommand({
            TableName: tableName,
            Key: webhookKeys.endpoint(agencyId, endpointId),
            ConsistentRead: true,
          }),
        )
        .catch(translateStorageError);
      return result.Item ? endpointFromItem(result.Item) : undefined;
    },

    listByAgency: async (agencyId) => {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        FilterExpression: 'entity = :entity',
        ExpressionAttributeValues: {
          ':pk': agencyKeys.partition(agencyId),
          ':prefix': webhookKeys.endpointPrefix,
          ':entity': 'WebhookEndpoint',
        },
        ConsistentRead: true,
      });
      return items.map(endpointFromItem).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    subscribers: async (eventType, agencyId) => {
      const items = await queryAll({
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression:
          agencyId === undefined ? 'GSI1PK = :pk' : 'GSI1PK = :pk AND begins_with(GSI1SK, :agency)',
        ExpressionAttributeValues: {
          ':pk': webhookKeys.subscribersPartition(eventType),
          ...(agencyId === undefined ? {} : { ':agency': `${agencyId}#` }),
        },
        ProjectionExpression: 'agencyId, endpointId',
      });
      return items.map((item) => ({
        agencyId: item.agencyId as string,
        endpointId: item.endpointId as string,
      }));
    },

    getMany,

    withPublicKeys: async ({ limit, cursor }) => {
      const startKey = decodeCursorFor(cursor, {
        PK: (value) => value.startsWith('AGENCY#'),
        SK: (value) => value.startsWith(webhookKeys.endpointPrefix),
        GSI2PK: (value) => value === webhookKeys.publicKeysPartition,
        GSI2SK: (value) => value.includes('#'),
      });
      const result = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk',
            ExpressionAttributeValues: { ':pk': webhookKeys.publicKeysPartition },
            Limit: limit,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        )
        .catch(translateStorageError);
      return {
        items: (result.Items ?? []).map(endpointFromItem),
        nextCursor: encodeCursor(result.LastEvaluatedKey),
      };
    },
  };
};
