import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { deliveryExpiry } from '#shared/services/webhooks/dispatcher.ts';
import type {
  AttemptContext,
  WebhookDeliveryRecord,
  WebhookDeliveryStore,
  WebhookStateChange,
} from '#shared/services/webhooks/ports.ts';
import { decodeCursorFor, encodeCursor, translateStorageError } from './errors.ts';
import { deliveryKeys, webhookKeys } from './keys.ts';
import { endpointFromItem, withSigningSecrets } from './webhook-endpoint-store.ts';
import type { StateActionBuilders, TransactAction, WritePathTables } from './write-path.ts';

const deliveryFields = [
  'endpointId',
  'agencyId',
  'eventId',
  'eventType',
  'event',
  'status',
  'attemptCount',
  'scheduleStep',
  'nextAttemptAt',
  'enqueuedFor',
  'redeliveryRequestedAt',
  'createdAt',
  'updatedAt',
  'attempts',
] as const satisfies readonly (keyof WebhookDeliveryRecord)[];

export const deliveryFromItem = (item: Readonly<Record<string, unknown>>): WebhookDeliveryRecord =>
  Object.fromEntries(
    deliveryFields.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]),
  ) as unknown as WebhookDeliveryRecord;

/** Pure: the stored item of a delivery, with the index keys its state calls for. */
export const deliveryItem = (delivery: WebhookDeliveryRecord): Record<string, unknown> => ({
  ...deliveryKeys.delivery(delivery.endpointId, delivery.eventId),
  // Sparse: only a delivery waiting for an attempt is in the due index.
  ...(delivery.status === 'pending' && delivery.nextAttemptAt !== undefined
    ? deliveryKeys.due(delivery.nextAttemptAt, delivery.endpointId, delivery.eventId)
    : {}),
  ...deliveryKeys.byStatus(delivery.endpointId, delivery.status, delivery.createdAt, delivery.eventId),
  entity: 'WebhookDelivery',
  ...delivery,
  expiresAt: deliveryExpiry(delivery.updatedAt),
});

/**
 * Pure: a delivery made due at `at` (the sweep queues it): a finished one for one more attempt, a
 * pending one for its next scheduled attempt, brought forward. Conditional
 * on the status and attempt count read. In the events table, beside the audit record the write path
 * puts in the programme table, in one transaction.
 */
export const redeliveryActions = (
  _programme: string,
  change: Extract<WebhookStateChange, { kind: 'webhook-delivery.redelivery' }>,
  tables: WritePathTables,
): TransactAction[] => {
  const { delivery, at } = change;
  const due = deliveryKeys.due(at, delivery.endpointId, delivery.eventId);
  const byStatus = deliveryKeys.byStatus(
    delivery.endpointId,
    'pending',
    delivery.createdAt,
    delivery.eventId,
  );
  return [
    {
      Update: {
        TableName: tables.events,
        Key: deliveryKeys.delivery(delivery.endpointId, delivery.eventId),
        // A pending delivery keeps its trigger: its next scheduled attempt, brought forward.
        UpdateExpression: `SET #status = :pending, nextAttemptAt = :at, ${delivery.status === 'pending' ? '' : 'redeliveryRequestedAt = :at, '}updatedAt = :at, GSI1PK = :duePk, GSI1SK = :dueSk, GSI2PK = :statusPk, GSI2SK = :statusSk, expiresAt = :expires REMOVE enqueuedFor`,
        ConditionExpression: '#status = :seen AND attemptCount = :count',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':at': at,
          ':duePk': due.GSI1PK,
          ':dueSk': due.GSI1SK,
          ':statusPk': byStatus.GSI2PK,
          ':statusSk': byStatus.GSI2SK,
          ':expires': deliveryExpiry(at),
          ':seen': delivery.status,
          ':count': delivery.attemptCount,
        },
      },
    },
  ];
};

/** The write path's builder of redelivery requests (`createWritePath`). */
export const webhookDeliveryWrites = {
  'webhook-delivery.redelivery': redeliveryActions,
} as const satisfies StateActionBuilders;

const conditionFailed = (error: unknown): false => {
  if (error instanceof ConditionalCheckFailedException) return false;
  return translateStorageError(error);
};

/**
 * The delivery log on the events table: deliveries (with their attempts) and endpoint health.
 * Attempt context reads span both tables in one BatchGetItem.
 */
export const createWebhookDeliveryStore = (
  client: DynamoDBDocumentClient,
  tables: { readonly programme: string; readonly events: string },
): WebhookDeliveryStore => {
  const { events } = tables;

  const query = (input: ConstructorParameters<typeof QueryCommand>[0]) =>
    client.send(new QueryCommand(input)).catch(translateStorageError);

  return {
    attemptContexts: async (refs) => {
      // Four keys per attempt, across both tables; BatchGetItem takes 100 keys: 25 attempts a call.
      const found = new Map<string, Record<string, unknown>>();
      const keyOf = (item: { readonly PK?: unknown; readonly SK?: unknown }) =>
        `${String(item.PK)}|${String(item.SK)}`;
      for (let start = 0; start < refs.length; start += 25) {
        const chunk = refs.slice(start, start + 25);
        const endpointKeys = new Map(
          chunk.flatMap((ref) =>
            [
              webhookKeys.endpoint(ref.agencyId, ref.endpointId),
              webhookKeys.signingSecrets(ref.agencyId, ref.endpointId),
            ].map((key) => [keyOf(key), { ...key }] as const),
          ),
        );
        const eventKeys = new Map(
          chunk.flatMap((ref) => [
            [
              keyOf(deliveryKeys.delivery(ref.endpointId, ref.eventId)),
              { ...deliveryKeys.delivery(ref.endpointId, ref.eventId) },
            ],
            [keyOf(deliveryKeys.health(ref.endpointId)), { ...deliveryKeys.health(ref.endpointId) }],
          ]),
        );
        let requests: Record<string, { Keys: Readonly<Record<string, unknown>>[]; ConsistentRead: boolean }> =
          {
            [tables.programme]: { Keys: [...endpointKeys.values()], ConsistentRead: true },
            [events]: { Keys: [...eventKeys.values()], ConsistentRead: true },
          };
        // Keys left unprocessed under load are asked for again (the SDK already backed off).
        for (let round = 0; Object.keys(requests).length > 0; round += 1) {
          if (round === 5) {
            return translateStorageError(
              Object.assign(new Error('Throttled'), { name: 'ThrottlingException' }),
            );
          }
          const result = await client
            .send(new BatchGetCommand({ RequestItems: requests }))
            .catch(translateStorageError);
          for (const items of Object.values(result.Responses ?? {})) {
            for (const item of items) found.set(keyOf(item), item);
          }
          requests = (result.UnprocessedKeys ?? {}) as typeof requests;
        }
      }
      return refs.map((ref): AttemptContext => {
        const endpoint = found.get(keyOf(webhookKeys.endpoint(ref.agencyId, ref.endpointId)));
        const secrets = found.get(keyOf(webhookKeys.signingSecrets(ref.agencyId, ref.endpointId)));
        const delivery = found.get(keyOf(deliveryKeys.delivery(ref.endpointId, ref.eventId)));
        const health = found.get(keyOf(deliveryKeys.health(ref.endpointId)));
        return {
          endpoint: endpoint ? withSigningSecrets(endpointFromItem(endpoint), secrets) : undefined,
          delivery: delivery ? deliveryFromItem(delivery) : undefined,
          health: typeof health?.failingSince === 'string' ? { failingSince: health.failingSince } : {},
        };
      });
    },

    saveAttempt: (delivery, expectedAttemptCount) =>
      client
        .send(
          new PutCommand({
            TableName: events,
            Item: deliveryItem(delivery),
            ...(expectedAttemptCount === 0
              ? { ConditionExpression: 'attribute_not_exists(PK)' }
              : {
                  ConditionExpression: 'attemptCount = :expected',
                  ExpressionAttributeValues: { ':expected': expectedAttemptCount },
                }),
          }),
        )
        .then(() => true, conditionFailed),

    get: async (endpointId, eventId) => {
      const result = await client
        .send(
          new GetCommand({
            TableName: events,
            Key: deliveryKeys.delivery(endpointId, eventId),
            ConsistentRead: true,
          }),
        )
        .catch(translateStorageError);
      return result.Item ? deliveryFromItem(result.Item) : undefined;
    },

    list: async (endpointId, { status, limit, cursor }) => {
      const partition = deliveryKeys.partition(endpointId);
      const base = {
        PK: (value: string) => value === partition,
        SK: (value: string) => value.startsWith(deliveryKeys.prefix),
      };
      const startKey =
        status === undefined
          ? decodeCursorFor(cursor, base)
          : decodeCursorFor(cursor, {
              ...base,
              GSI2PK: (value) => value === deliveryKeys.statusPartition(endpointId, status),
              GSI2SK: (value) => value.length > 0,
            });
      const result = await query({
        TableName: events,
        ...(status === undefined
          ? {
              KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
              ExpressionAttributeValues: { ':pk': partition, ':prefix': deliveryKeys.prefix },
            }
          : {
              IndexName: 'GSI2',
              KeyConditionExpression: 'GSI2PK = :pk',
              ExpressionAttributeValues: { ':pk': deliveryKeys.statusPartition(endpointId, status) },
            }),
        ScanIndexForward: false,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      return {
        items: (result.Items ?? []).map(deliveryFromItem),
        nextCursor: encodeCursor(result.LastEvaluatedKey),
      };
    },

    failedSince: async (endpointId, since, limit) => {
      const found: WebhookDeliveryRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const result = await query({
          TableName: events,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK >= :since',
          ExpressionAttributeValues: {
            ':pk': deliveryKeys.statusPartition(endpointId, 'failed'),
            ':since': since,
          },
          ScanIndexForward: false,
          Limit: limit - found.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        });
        found.push(...(result.Items ?? []).map(deliveryFromItem));
        startKey = result.LastEvaluatedKey;
      } while (startKey && found.length < limit);
      return found;
    },

    due: async (until, limit) => {
      // `<nextAttemptAt>#…` sorts after the bare instant: `#~` includes every key due at `until`.
      const pages = await Promise.all(
        deliveryKeys.duePartitions.map((partition) =>
          query({
            TableName: events,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :until',
            ExpressionAttributeValues: { ':pk': partition, ':until': `${until}#~` },
            Limit: limit,
          }),
        ),
      );
      return pages
        .flatMap((page) => (page.Items ?? []).map(deliveryFromItem))
        .sort((a, b) => ((a.nextAttemptAt ?? '') < (b.nextAttemptAt ?? '') ? -1 : 1))
        .slice(0, limit);
    },

    markEnqueued: (delivery, nextAttemptAt) =>
      client
        .send(
          new UpdateCommand({
            TableName: events,
            Key: deliveryKeys.delivery(delivery.endpointId, delivery.eventId),
            UpdateExpression: 'SET enqueuedFor = :next',
            ConditionExpression: '#status = :pending AND nextAttemptAt = :next',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':next': nextAttemptAt, ':pending': 'pending' },
          }),
        )
        .then(() => true, conditionFailed),

    markFailing: async (endpointId, at) => {
      const result = await client
        .send(
          new UpdateCommand({
            TableName: events,
            Key: deliveryKeys.health(endpointId),
            UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :at), entity = :entity',
            ExpressionAttributeValues: { ':at': at, ':entity': 'WebhookEndpointHealth' },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .catch(translateStorageError);
      return (result.Attributes?.failingSince as string | undefined) ?? at;
    },

    markHealthy: async (endpointId) => {
      await client
        .send(new DeleteCommand({ TableName: events, Key: deliveryKeys.health(endpointId) }))
        .catch(translateStorageError);
    },
  };
};
