import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';
import type { Actor } from '#shared/domain/actor.ts';
import { auditEntry } from '#shared/domain/actor.ts';
import { eventTypes } from '#shared/domain/events.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { webhookKeys } from '#shared/dynamodb/keys.ts';
import { createDynamoDbPorts, type DynamoDbPorts } from '#shared/dynamodb/ports.ts';
import type { ChangeSet } from '#shared/services/ports.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '#shared/services/webhooks/ports.ts';

/**
 * The webhook adapters on DynamoDB Local: endpoint writes through the audited write path (with
 * their subscription items and conditions), and the delivery log's conditional writes and indexes.
 */

let local: DynamoDbLocal;
let client: DynamoDBDocumentClient;
let ports: DynamoDbPorts;
let sequence = 0;
const jatim = 'prov-jawa-timur';

const actor = (): Actor => ({
  subject: 'stores-admin',
  role: 'admin',
  requestId: `req-${++sequence}`,
  route: 'test',
  now: new Date(),
});

/** Each endpoint at its own URL: an agency registers a URL once. */
const endpoint = (id: string, overrides: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord => ({
  id,
  agencyId: jatim,
  url: `https://hooks.jatimprov.go.id/spbe/${id}`,
  eventTypes: [eventTypes.awardPublished, eventTypes.rankingPublished],
  enabled: true,
  signatureSchemes: ['v1'],
  keys: { current: { secret: 'whsec_c2VjcmV0', createdAt: '2026-01-01T00:00:00.000Z' } },
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'stores-admin',
  ...overrides,
});

const write = (change: ChangeSet['state'][number]): Promise<{ committed: boolean }> =>
  ports.writes.commit({
    state: [change],
    audits: [
      auditEntry(actor(), { kind: 'webhook-endpoint', agencyId: jatim, endpointId: 'x' }, 'test', 'x', []),
    ],
    events: [],
  });

/** Subscription items of an agency (base table, consistent). */
const subscriptionsOf = async (agencyId: string) => {
  const result = await client.send(
    new QueryCommand({
      TableName: local.tables.programme,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: 'entity = :entity',
      ExpressionAttributeValues: {
        ':pk': `AGENCY#${agencyId}`,
        ':prefix': 'WEBHOOK#',
        ':entity': 'WebhookSubscription',
      },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).map((item) => `${item.endpointId}:${item.eventType}`).sort();
};

const delivery = (
  eventId: string,
  overrides: Partial<WebhookDeliveryRecord> = {},
): WebhookDeliveryRecord => ({
  endpointId: 'whe_DELIVERIES',
  agencyId: jatim,
  eventId,
  eventType: 'award.published',
  event: {
    id: eventId,
    type: 'award.published',
    occurredAt: '2026-12-01T00:00:00.000Z',
    subject: { agencyId: jatim },
    data: {},
  },
  status: 'succeeded',
  attemptCount: 1,
  scheduleStep: 1,
  createdAt: `2026-12-01T00:00:0${eventId.slice(-1)}.000Z`,
  updatedAt: `2026-12-01T00:00:0${eventId.slice(-1)}.000Z`,
  attempts: [
    {
      attempt: 1,
      at: '2026-12-01T00:00:00.000Z',
      trigger: 'scheduled',
      outcome: 'succeeded',
      statusCode: 200,
      latencyMs: 12,
    },
  ],
  ...overrides,
});

beforeAll(async () => {
  local = await startDynamoDbLocal();
  assertLoopbackEndpoint(local.endpoint);
  client = createDocumentClient(local.client);
  ports = createDynamoDbPorts(client, local.tables);
  await createAgencyService(ports).putAgency(
    actor(),
    jatim,
    { name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi', active: true },
    undefined,
  );
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe('endpoint writes (audited write path)', () => {
  it('a create needs its agency: for an unknown agency nothing is written', async () => {
    const outcome = await write({
      kind: 'webhook-endpoint',
      endpoint: endpoint('whe_NOAGENCY', { agencyId: 'prov-tidak-ada' }),
      before: undefined,
    });
    expect(outcome).toMatchObject({ committed: false });
    expect(
      await ports.webhookEndpoints.get({ agencyId: 'prov-tidak-ada', endpointId: 'whe_NOAGENCY' }),
    ).toBeUndefined();
  });

  it('subscriptions follow the event types of an enabled endpoint, in the same transaction', async () => {
    // Prepare
    const created = endpoint('whe_SUBS');
    expect(await write({ kind: 'webhook-endpoint', endpoint: created, before: undefined })).toEqual({
      committed: true,
    });
    expect(await subscriptionsOf(jatim)).toEqual(['whe_SUBS:award.published', 'whe_SUBS:ranking.published']);

    // Act: change the types, then disable, then a stale update
    const retyped = {
      ...created,
      eventTypes: [eventTypes.rankingPublished, eventTypes.resultFinalized],
      version: 2,
    };
    await write({ kind: 'webhook-endpoint', endpoint: retyped, before: created });
    const afterRetype = await subscriptionsOf(jatim);
    const disabled = { ...retyped, enabled: false, disabledReason: 'manual' as const, version: 3 };
    await write({ kind: 'webhook-endpoint', endpoint: disabled, before: retyped });
    const afterDisable = await subscriptionsOf(jatim);
    const stale = await write({
      kind: 'webhook-endpoint',
      endpoint: { ...created, version: 4 },
      before: created,
    });

    // Assess
    expect(afterRetype).toEqual(['whe_SUBS:ranking.published', 'whe_SUBS:result.finalized']);
    expect(afterDisable).toEqual([]);
    expect(stale).toMatchObject({ committed: false });
    expect(await ports.webhookEndpoints.subscribers(eventTypes.rankingPublished, jatim)).toEqual([]);
  });

  it('enabling a disabled endpoint clears its failure streak (events table) in the same transaction', async () => {
    // Prepare: an endpoint disabled for failing, its streak on record
    const disabled = endpoint('whe_REENABLE', { enabled: false, disabledReason: 'failing' });
    expect(await write({ kind: 'webhook-endpoint', endpoint: disabled, before: undefined })).toEqual({
      committed: true,
    });
    await ports.webhookDeliveries.markFailing('whe_REENABLE', '2026-11-20T00:00:00.000Z');
    const enabled = endpoint('whe_REENABLE', { version: 2 });

    // Act
    const stale = await write({
      kind: 'webhook-endpoint',
      endpoint: enabled,
      before: { ...disabled, version: 7 },
    });
    const [afterStale] = await ports.webhookDeliveries.attemptContexts([
      { agencyId: jatim, endpointId: 'whe_REENABLE', eventId: 'evt_none' },
    ]);
    const outcome = await write({ kind: 'webhook-endpoint', endpoint: enabled, before: disabled });
    const [context] = await ports.webhookDeliveries.attemptContexts([
      { agencyId: jatim, endpointId: 'whe_REENABLE', eventId: 'evt_none' },
    ]);

    // Assess: a lost race clears nothing; the enabling clears the streak with it
    expect(stale).toMatchObject({ committed: false });
    expect(afterStale?.health).toEqual({ failingSince: '2026-11-20T00:00:00.000Z' });
    expect(outcome).toEqual({ committed: true });
    expect(context?.endpoint).toMatchObject({ enabled: true, version: 2 });
    expect(context?.health).toEqual({});
    // Gone again, so that the listings below see only their own endpoints.
    expect(await write({ kind: 'webhook-endpoint.deletion', endpoint: enabled })).toEqual({
      committed: true,
    });
  });

  it('finds subscribers by agency or nationally, lists endpoints without their subscriptions, deletes with them', async () => {
    const first = endpoint('whe_LIST1');
    const second = endpoint('whe_LIST2', {
      eventTypes: [eventTypes.rankingPublished],
      signatureSchemes: ['v1a'],
      keys: {
        current: { publicKey: 'whpk_AAAA', signingKey: 'whsk_BBBB', createdAt: '2026-01-01T00:00:00.000Z' },
      },
    });
    await write({ kind: 'webhook-endpoint', endpoint: first, before: undefined });
    await write({ kind: 'webhook-endpoint', endpoint: second, before: undefined });

    const national = await ports.webhookEndpoints.subscribers(eventTypes.rankingPublished, undefined);
    const forAgency = await ports.webhookEndpoints.subscribers(eventTypes.awardPublished, jatim);
    const listed = await ports.webhookEndpoints.listByAgency(jatim);
    const keys = await ports.webhookEndpoints.withPublicKeys({ limit: 10 });
    const many = await ports.webhookEndpoints.getMany([
      { agencyId: jatim, endpointId: 'whe_LIST2' },
      { agencyId: jatim, endpointId: 'whe_NONE' },
    ]);
    await ports.writes.commit({
      state: [{ kind: 'webhook-endpoint.deletion', endpoint: first }],
      audits: [
        auditEntry(
          actor(),
          { kind: 'webhook-endpoint', agencyId: jatim, endpointId: first.id },
          'deleted',
          'x',
          [],
        ),
      ],
      events: [],
    });

    expect(national.map((ref) => ref.endpointId)).toEqual(['whe_LIST1', 'whe_LIST2']);
    expect(forAgency.map((ref) => ref.endpointId)).toEqual(['whe_LIST1']);
    expect(listed.map((item) => item.id)).toEqual(['whe_LIST1', 'whe_LIST2', 'whe_SUBS']);
    // Listings carry the public side of the keys only; a read by key brings the secrets along.
    expect(listed[0]).toEqual({ ...first, keys: { current: { createdAt: '2026-01-01T00:00:00.000Z' } } });
    expect(keys.items.map((item) => item.id)).toEqual(['whe_LIST2']);
    expect(keys.items[0]?.keys.current).toEqual({
      publicKey: 'whpk_AAAA',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(many).toEqual([second]);
    expect(await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: 'whe_LIST1' })).toBeUndefined();
    expect((await subscriptionsOf(jatim)).filter((item) => item.startsWith('whe_LIST1'))).toEqual([]);
    expect(webhookKeys.endpoint(jatim, 'whe_LIST1').SK).toBe('WEBHOOK#whe_LIST1');
  });
});

describe('signing secrets, kept out of the agency partition', () => {
  /** Every item of a partition, raw (base table, consistent). */
  const partition = async (pk: string) =>
    (
      await client.send(
        new QueryCommand({
          TableName: local.tables.programme,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];

  it('stores the secrets in their own SIGNING# item, reads them back by key, keeps the previous ones through a rotation, deletes them with the endpoint', async () => {
    // Prepare: an endpoint signing with both schemes
    const created = endpoint('whe_SECRET', {
      signatureSchemes: ['v1', 'v1a'],
      keys: {
        current: {
          secret: 'whsec_Y3VycmVudA',
          signingKey: 'whsk_Q1VSUkVOVA',
          publicKey: 'whpk_Y3VycmVudA',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      },
    });
    const rotated: WebhookEndpointRecord = {
      ...created,
      version: 2,
      keys: {
        current: {
          secret: 'whsec_bmV4dA',
          signingKey: 'whsk_TkVYVA',
          publicKey: 'whpk_bmV4dA',
          createdAt: '2026-02-01T00:00:00.000Z',
        },
        previous: { ...created.keys.current, expiresAt: '2026-02-02T00:00:00.000Z' },
      },
    };

    // Act
    await write({ kind: 'webhook-endpoint', endpoint: created, before: undefined });
    await write({ kind: 'webhook-endpoint', endpoint: rotated, before: created });
    const agencyItems = await partition(`AGENCY#${jatim}`);
    const secretItems = await partition(webhookKeys.signingSecrets(jatim, 'whe_SECRET').PK);
    const read = await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: 'whe_SECRET' });
    const listed = (await ports.webhookEndpoints.listByAgency(jatim)).find(
      (item) => item.id === 'whe_SECRET',
    );
    await ports.writes.commit({
      state: [{ kind: 'webhook-endpoint.deletion', endpoint: rotated }],
      audits: [
        auditEntry(
          actor(),
          { kind: 'webhook-endpoint', agencyId: jatim, endpointId: 'whe_SECRET' },
          'deleted',
          'x',
          [],
        ),
      ],
      events: [],
    });

    // Assess: no secret anywhere in the agency's partition; all of them in the SIGNING# item
    const agencyText = JSON.stringify(agencyItems);
    for (const secret of ['whsec_', 'whsk_']) expect(agencyText).not.toContain(secret);
    expect(agencyText).toContain('whpk_bmV4dA');
    expect(secretItems).toEqual([
      expect.objectContaining({
        SK: 'SECRETS',
        keys: {
          current: { secret: 'whsec_bmV4dA', signingKey: 'whsk_TkVYVA' },
          previous: { secret: 'whsec_Y3VycmVudA', signingKey: 'whsk_Q1VSUkVOVA' },
        },
      }),
    ]);
    expect(read).toEqual(rotated);
    expect(JSON.stringify(listed)).not.toMatch(/whsec_|whsk_/);
    expect(await partition(webhookKeys.signingSecrets(jatim, 'whe_SECRET').PK)).toEqual([]);
  });

  it('reads an endpoint written before the secrets moved out (they are in its own item), and its next write moves them', async () => {
    // Prepare: the earlier layout, written raw: the secret inside the endpoint item, no SIGNING# item
    const earlier = endpoint('whe_EARLIER');
    await client.send(
      new PutCommand({
        TableName: local.tables.programme,
        Item: { ...webhookKeys.endpoint(jatim, earlier.id), entity: 'WebhookEndpoint', ...earlier },
      }),
    );

    // Act
    const read = await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: earlier.id });
    const disabled = { ...earlier, enabled: false, version: 2 };
    await write({ kind: 'webhook-endpoint', endpoint: disabled, before: earlier });

    // Assess
    expect(read).toEqual(earlier);
    expect(JSON.stringify(await partition(`AGENCY#${jatim}`))).not.toContain('whsec_');
    expect(await ports.webhookEndpoints.get({ agencyId: jatim, endpointId: earlier.id })).toEqual(disabled);
  });
});

describe('the delivery log', () => {
  it('the first attempt creates a delivery once; a later one needs the attempt count it read', async () => {
    const first = delivery('evt_1');
    expect(await ports.webhookDeliveries.saveAttempt(first, 0)).toBe(true);
    expect(await ports.webhookDeliveries.saveAttempt(first, 0)).toBe(false);
    const second = { ...first, attemptCount: 2 };
    expect(await ports.webhookDeliveries.saveAttempt(second, 1)).toBe(true);
    expect(await ports.webhookDeliveries.saveAttempt({ ...first, attemptCount: 3 }, 1)).toBe(false);
    const stored = await ports.webhookDeliveries.get('whe_DELIVERIES', 'evt_1');
    expect(stored).toEqual(second);
  });

  it('reads what a batch of attempts needs, across both tables, in the order asked', async () => {
    await ports.webhookDeliveries.markFailing('whe_SUBS', '2026-12-01T00:00:00.000Z');
    const contexts = await ports.webhookDeliveries.attemptContexts([
      { agencyId: jatim, endpointId: 'whe_LIST2', eventId: 'evt_none' },
      { agencyId: jatim, endpointId: 'whe_DELIVERIES', eventId: 'evt_1' },
      { agencyId: jatim, endpointId: 'whe_SUBS', eventId: 'evt_none' },
    ]);
    expect(
      contexts.map((context) => [
        context.endpoint?.id,
        context.delivery?.eventId,
        context.health.failingSince,
      ]),
    ).toEqual([
      ['whe_LIST2', undefined, undefined],
      [undefined, 'evt_1', undefined],
      ['whe_SUBS', undefined, '2026-12-01T00:00:00.000Z'],
    ]);
  });

  it('endpoint health: the first failure sets failingSince, later ones keep it, a success clears it', async () => {
    expect(await ports.webhookDeliveries.markFailing('whe_HEALTH', '2026-12-01T00:00:00.000Z')).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(await ports.webhookDeliveries.markFailing('whe_HEALTH', '2026-12-03T00:00:00.000Z')).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    await ports.webhookDeliveries.markHealthy('whe_HEALTH');
    expect(await ports.webhookDeliveries.markFailing('whe_HEALTH', '2026-12-04T00:00:00.000Z')).toBe(
      '2026-12-04T00:00:00.000Z',
    );
  });

  it('lists newest first with a cursor, by status through the status index, and failed ones since a time', async () => {
    for (const id of ['evt_2', 'evt_3', 'evt_4']) {
      await ports.webhookDeliveries.saveAttempt(delivery(id, { status: 'failed' }), 0);
    }
    const page = await ports.webhookDeliveries.list('whe_DELIVERIES', { limit: 2 });
    const rest = await ports.webhookDeliveries.list('whe_DELIVERIES', { limit: 2, cursor: page.nextCursor });
    const failed = await ports.webhookDeliveries.list('whe_DELIVERIES', { limit: 10, status: 'failed' });
    const since = await ports.webhookDeliveries.failedSince('whe_DELIVERIES', '2026-12-01T00:00:03.000Z', 10);

    expect(page.items.map((item) => item.eventId)).toEqual(['evt_4', 'evt_3']);
    expect(rest.items.map((item) => item.eventId)).toEqual(['evt_2', 'evt_1']);
    expect(failed.items.map((item) => item.eventId)).toEqual(['evt_4', 'evt_3', 'evt_2']);
    expect(since.map((item) => item.eventId)).toEqual(['evt_4', 'evt_3']);
    await expect(
      ports.webhookDeliveries.list('whe_DELIVERIES', { limit: 2, cursor: 'bm90LWEtY3Vyc29y' }),
    ).rejects.toThrow('The cursor is not one this listing returned.');
  });

  it('only pending deliveries are in the due index; a redelivery (through the write path) puts one back, conditionally; queuing is noted', async () => {
    // Prepare
    const pending = delivery('evt_5', { status: 'pending', nextAttemptAt: '2026-12-01T00:05:00.000Z' });
    await ports.webhookDeliveries.saveAttempt(pending, 0);
    const failed = (await ports.webhookDeliveries.get('whe_DELIVERIES', 'evt_2')) as WebhookDeliveryRecord;

    // Act
    const dueEarly = await ports.webhookDeliveries.due('2026-12-01T00:04:59.000Z', 10);
    const dueLater = await ports.webhookDeliveries.due('2026-12-01T00:05:00.000Z', 10);
    const redelivery = {
      kind: 'webhook-delivery.redelivery',
      delivery: failed,
      at: '2026-12-01T00:06:00.000Z',
    } as const;
    const requested = (await write(redelivery)).committed;
    const again = (await write(redelivery)).committed;
    const marked = await ports.webhookDeliveries.markEnqueued(pending, '2026-12-01T00:05:00.000Z');
    const markedStale = await ports.webhookDeliveries.markEnqueued(pending, '2026-12-01T00:09:00.000Z');
    const dueAll = await ports.webhookDeliveries.due('2026-12-01T00:10:00.000Z', 10);

    // Assess
    expect(dueEarly).toEqual([]);
    expect(dueLater.map((item) => item.eventId)).toEqual(['evt_5']);
    expect([requested, again, marked, markedStale]).toEqual([true, false, true, false]);
    expect(
      dueAll.map((item) => [item.eventId, item.status, item.redeliveryRequestedAt, item.enqueuedFor]),
    ).toEqual([
      ['evt_5', 'pending', undefined, '2026-12-01T00:05:00.000Z'],
      ['evt_2', 'pending', '2026-12-01T00:06:00.000Z', undefined],
    ]);
    const failedNow = await ports.webhookDeliveries.list('whe_DELIVERIES', { limit: 10, status: 'failed' });
    expect(failedNow.items.map((item) => item.eventId)).toEqual(['evt_4', 'evt_3']);
  });

  it('writes a redelivery and its audit record in one transaction across both tables, or neither', async () => {
    // Prepare: two failed deliveries, one of them read before an attempt recorded since
    const trail = { kind: 'webhook-endpoint', agencyId: jatim, endpointId: 'whe_REDELIVER' } as const;
    for (const id of ['evt_r1', 'evt_r2']) {
      await ports.webhookDeliveries.saveAttempt(
        delivery(id, { endpointId: 'whe_REDELIVER', status: 'failed', attemptCount: 1 }),
        0,
      );
    }
    const [first, second] = (
      await ports.webhookDeliveries.failedSince('whe_REDELIVER', '2026-01-01T00:00:00.000Z', 10)
    ).sort((a, b) => (a.eventId < b.eventId ? -1 : 1)) as [WebhookDeliveryRecord, WebhookDeliveryRecord];
    const at = '2026-12-01T00:07:00.000Z';
    const change = (deliveries: readonly WebhookDeliveryRecord[]): ChangeSet => ({
      state: deliveries.map((each) => ({ kind: 'webhook-delivery.redelivery', delivery: each, at }) as const),
      audits: [
        auditEntry(actor(), trail, 'webhook.redelivery.requested', `${deliveries.length} deliveries`, [
          { field: 'eventIds', before: null, after: deliveries.map((each) => each.eventId) },
        ]),
      ],
      events: [],
    });

    // Act
    const stale = await ports.writes.commit(change([first, { ...second, attemptCount: 0 }]));
    const afterStale = await ports.audits.list(trail, { limit: 10 });
    const fresh = await ports.writes.commit(change([first, second]));

    // Assess
    expect(stale).toMatchObject({ committed: false, failed: { delivery: { eventId: 'evt_r2' } } });
    expect(afterStale.items).toEqual([]);
    expect(fresh).toEqual({ committed: true });
    expect(await ports.webhookDeliveries.get('whe_REDELIVER', 'evt_r1')).toMatchObject({
      status: 'pending',
      redeliveryRequestedAt: at,
    });
    const audited = await ports.audits.list(trail, { limit: 10 });
    expect(audited.items.map((record) => record.changes)).toEqual([
      [{ field: 'eventIds', before: null, after: ['evt_r1', 'evt_r2'] }],
    ]);
  });
});
