import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventType } from '#shared/domain/events.ts';
import { endpointsPerAgency } from '#shared/domain/webhooks/endpoints.ts';
import {
  assertSigningSecrets,
  type EndpointRef,
  type KeyGeneration,
  type WebhookEndpointRecord,
  type WebhookEndpointStore,
  type WebhookStateChange,
  withoutSigningSecrets,
} from '#shared/services/webhooks/ports.ts';
import { batchGetAll } from './batch.ts';
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

type EndpointKeys = WebhookEndpointRecord['keys'];

/** A key generation's secrets: the `whsec_` secret and the `whsk_` signing key, where it has them. */
type GenerationSecrets = Pick<KeyGeneration, 'secret' | 'signingKey'>;

/** What the signing-secrets item holds; the endpoint item keeps the rest (`withoutSigningSecrets`). */
interface SigningSecrets {
  readonly current: GenerationSecrets;
  readonly previous?: GenerationSecrets;
}

const secretsOfGeneration = ({ secret, signingKey }: KeyGeneration): GenerationSecrets => ({
  ...(secret === undefined ? {} : { secret }),
  ...(signingKey === undefined ? {} : { signingKey }),
});

const secretsOf = ({ current, previous }: EndpointKeys): SigningSecrets => ({
  current: secretsOfGeneration(current),
  ...(previous ? { previous: secretsOfGeneration(previous) } : {}),
});

/**
 * The endpoint with its secrets put back. An endpoint item without a secrets item (written before
 * the secrets moved out, 4 December 2026) still holds them itself, and is read as it is; its next
 * write moves them.
 */
export const withSigningSecrets = (
  endpoint: WebhookEndpointRecord,
  item: Readonly<Record<string, unknown>> | undefined,
): WebhookEndpointRecord => {
  const secrets = item?.keys as SigningSecrets | undefined;
  if (secrets === undefined) return endpoint;
  const { current, previous } = endpoint.keys;
  return {
    ...endpoint,
    keys: {
      current: { ...current, ...secrets.current },
      ...(previous ? { previous: { ...previous, ...secrets.previous } } : {}),
    },
  };
};

/** The secrets item of an endpoint write, in its transaction (the endpoint item carries the condition). */
const signingSecretsPut = (tableName: string, endpoint: WebhookEndpointRecord): TransactAction => ({
  Put: {
    TableName: tableName,
    Item: {
      ...webhookKeys.signingSecrets(endpoint.agencyId, endpoint.id),
      entity: 'WebhookSigningSecrets',
      agencyId: endpoint.agencyId,
      endpointId: endpoint.id,
      keys: secretsOf(endpoint.keys),
    },
  },
});

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
      { Delete: { TableName: tableName, Key: webhookKeys.signingSecrets(endpoint.agencyId, endpoint.id) } },
      endpointCountReleased(tableName, endpoint.agencyId),
      ...[...subscribedTypes(endpoint)].map((type) => subscriptionDelete(tableName, endpoint, type)),
    ];
  }
  const { endpoint, before } = change;
  assertSigningSecrets(endpoint);
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
          ...withoutSigningSecrets(endpoint),
        },
        ...(before === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': before.version },
            }),
      },
    },
    // Every write, not only creation and rotation: an endpoint written before the secrets moved out
    // (their item absent) has them moved by its next write, whatever it changes.
    signingSecretsPut(tableName, endpoint),
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

  /** The endpoints with their secrets: two keys each, fifty endpoints a call (consistent). */
  const getMany = async (refs: readonly EndpointRef[]): Promise<WebhookEndpointRecord[]> => {
    const keyOf = (key: { readonly PK?: unknown; readonly SK?: unknown }) =>
      `${String(key.PK)}|${String(key.SK)}`;
    const items = await batchGetAll(
      client,
      tableName,
      refs.flatMap((ref) => [
        webhookKeys.endpoint(ref.agencyId, ref.endpointId),
        webhookKeys.signingSecrets(ref.agencyId, ref.endpointId),
      ]),
    );
    const found = new Map(items.map((item) => [keyOf(item), item]));
    return refs.flatMap((ref) => {
      const endpoint = found.get(keyOf(webhookKeys.endpoint(ref.agencyId, ref.endpointId)));
      if (!endpoint) return [];
      const secrets = found.get(keyOf(webhookKeys.signingSecrets(ref.agencyId, ref.endpointId)));
      return [withSigningSecrets(endpointFromItem(endpoint), secrets)];
    });
  };

  return {
    get: async (ref) => (await getMany([ref]))[0],

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
