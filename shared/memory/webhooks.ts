import { endpointsPerAgency } from '#shared/domain/webhooks/endpoints.ts';
import {
  assertSigningSecrets,
  type EndpointHealth,
  type WebhookDeliveryRecord,
  type WebhookDeliveryStore,
  type WebhookEndpointRecord,
  type WebhookEndpointStore,
  type WebhookStateChange,
  withoutSigningSecrets,
} from '#shared/services/webhooks/ports.ts';
import { pageAfter } from './paging.ts';

/**
 * Webhook endpoints and their delivery log in memory, with the DynamoDB adapters' conditions
 * (`shared/dynamodb/webhook-*-store.ts`), for service unit tests.
 */

const endpointKey = (agencyId: string, endpointId: string) => `${agencyId}#${endpointId}`;
const deliveryKey = (endpointId: string, eventId: string) => `${endpointId}#${eventId}`;

export const createMemoryWebhooks = (agencyExists: (agencyId: string) => boolean) => {
  const endpoints = new Map<string, WebhookEndpointRecord>();
  const deliveries = new Map<string, WebhookDeliveryRecord>();
  const health = new Map<string, EndpointHealth>();

  const holds = (change: WebhookStateChange): boolean => {
    if (change.kind === 'webhook-delivery.redelivery') {
      const { delivery } = change;
      const stored = deliveries.get(deliveryKey(delivery.endpointId, delivery.eventId));
      return stored?.status === delivery.status && stored.attemptCount === delivery.attemptCount;
    }
    const { endpoint } = change;
    const stored = endpoints.get(endpointKey(endpoint.agencyId, endpoint.id));
    if (change.kind === 'webhook-endpoint.deletion') return stored?.version === endpoint.version;
    assertSigningSecrets(endpoint);
    const urlTaken = [...endpoints.values()].some(
      (other) =>
        other.agencyId === endpoint.agencyId && other.url === endpoint.url && other.id !== endpoint.id,
    );
    if (change.before === undefined) {
      const registered = [...endpoints.values()].filter((other) => other.agencyId === endpoint.agencyId);
      return (
        stored === undefined &&
        !urlTaken &&
        agencyExists(endpoint.agencyId) &&
        registered.length < endpointsPerAgency
      );
    }
    return stored?.version === change.before.version && !urlTaken;
  };

  const apply = (change: WebhookStateChange): void => {
    if (change.kind === 'webhook-delivery.redelivery') {
      const { delivery, at } = change;
      const key = deliveryKey(delivery.endpointId, delivery.eventId);
      const stored = deliveries.get(key);
      if (!stored) return;
      const { enqueuedFor: _queued, ...rest } = stored;
      deliveries.set(key, {
        ...rest,
        status: 'pending',
        nextAttemptAt: at,
        ...(stored.status === 'pending' ? {} : { redeliveryRequestedAt: at }),
        updatedAt: at,
      });
      return;
    }
    const key = endpointKey(change.endpoint.agencyId, change.endpoint.id);
    if (change.kind === 'webhook-endpoint.deletion') endpoints.delete(key);
    else endpoints.set(key, change.endpoint);
    // Enabled again: its failure streak starts over in the same transaction.
    if (change.kind === 'webhook-endpoint' && change.before?.enabled === false && change.endpoint.enabled) {
      health.delete(change.endpoint.id);
    }
  };

  const byTime = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  const webhookEndpoints: WebhookEndpointStore = {
    get: async ({ agencyId, endpointId }) => endpoints.get(endpointKey(agencyId, endpointId)),
    listByAgency: async (agencyId) =>
      [...endpoints.values()]
        .filter((endpoint) => endpoint.agencyId === agencyId)
        .sort((a, b) => byTime(a.id, b.id))
        .map(withoutSigningSecrets),
    subscribers: async (eventType, agencyId) =>
      [...endpoints.values()]
        .filter(
          (endpoint) =>
            endpoint.enabled &&
            endpoint.eventTypes.includes(eventType) &&
            (agencyId === undefined || endpoint.agencyId === agencyId),
        )
        .sort((a, b) => byTime(endpointKey(a.agencyId, a.id), endpointKey(b.agencyId, b.id)))
        .map((endpoint) => ({ agencyId: endpoint.agencyId, endpointId: endpoint.id })),
    getMany: async (refs) =>
      refs.flatMap((ref) => {
        const endpoint = endpoints.get(endpointKey(ref.agencyId, ref.endpointId));
        return endpoint ? [endpoint] : [];
      }),
    withPublicKeys: async (page) =>
      pageAfter(
        [...endpoints.values()]
          .filter((endpoint) => endpoint.keys.current.publicKey !== undefined)
          .sort((a, b) => byTime(endpointKey(a.agencyId, a.id), endpointKey(b.agencyId, b.id)))
          .map(withoutSigningSecrets),
        (endpoint) => endpointKey(endpoint.agencyId, endpoint.id),
        page,
        false,
      ),
  };

  const newestFirst = (endpointId: string) =>
    [...deliveries.values()]
      .filter((delivery) => delivery.endpointId === endpointId)
      .sort((a, b) => byTime(b.eventId, a.eventId));

  const webhookDeliveries: WebhookDeliveryStore = {
    attemptContexts: async (refs) =>
      refs.map(({ agencyId, endpointId, eventId }) => ({
        endpoint: endpoints.get(endpointKey(agencyId, endpointId)),
        delivery: deliveries.get(deliveryKey(endpointId, eventId)),
        health: health.get(endpointId) ?? {},
      })),
    saveAttempt: async (delivery, expectedAttemptCount) => {
      const key = deliveryKey(delivery.endpointId, delivery.eventId);
      const stored = deliveries.get(key);
      const holdsNow =
        expectedAttemptCount === 0 ? stored === undefined : stored?.attemptCount === expectedAttemptCount;
      if (!holdsNow) return false;
      deliveries.set(key, delivery);
      return true;
    },
    get: async (endpointId, eventId) => deliveries.get(deliveryKey(endpointId, eventId)),
    list: async (endpointId, { status, ...page }) =>
      pageAfter(
        newestFirst(endpointId).filter((delivery) => status === undefined || delivery.status === status),
        (delivery) => delivery.eventId,
        page,
        true,
      ),
    failedSince: async (endpointId, since, limit) =>
      newestFirst(endpointId)
        .filter((delivery) => delivery.status === 'failed' && delivery.createdAt >= since)
        .slice(0, limit),
    due: async (until, limit) =>
      [...deliveries.values()]
        .filter(
          (delivery) =>
            delivery.status === 'pending' &&
            delivery.nextAttemptAt !== undefined &&
            delivery.nextAttemptAt <= until,
        )
        .sort((a, b) => byTime(a.nextAttemptAt ?? '', b.nextAttemptAt ?? ''))
        .slice(0, limit),
    markEnqueued: async (delivery, nextAttemptAt) => {
      const key = deliveryKey(delivery.endpointId, delivery.eventId);
      const stored = deliveries.get(key);
      if (stored?.status !== 'pending' || stored.nextAttemptAt !== nextAttemptAt) return false;
      deliveries.set(key, { ...stored, enqueuedFor: nextAttemptAt });
      return true;
    },
    markFailing: async (endpointId, at) => {
      const failingSince = health.get(endpointId)?.failingSince ?? at;
      health.set(endpointId, { failingSince });
      return failingSince;
    },
    markHealthy: async (endpointId) => {
      health.delete(endpointId);
    },
  };

  return {
    holds,
    apply,
    webhookEndpoints,
    webhookDeliveries,
    /** For tests: every delivery, and an endpoint's health. */
    deliveries: () => [...deliveries.values()],
    health: (endpointId: string) => health.get(endpointId) ?? {},
  };
};
