import { createHash } from 'node:crypto';
import {
  type WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointPatch,
  webhookLimits,
} from '#shared/api/webhooks/schemas.ts';
import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { type AuditTrail, diffFields, type FieldChange } from '#shared/domain/audit.ts';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { domainEvent, eventTypes, type IdSource } from '#shared/domain/events.ts';
import {
  type AddressRefusalReason,
  checkWebhookUrl,
  type UrlPolicyOptions,
  type UrlRefusalReason,
} from '#shared/domain/webhooks/urls.ts';
import type { ChangeSet, Page, PageRequest, WritePath } from '../ports.ts';
import type { AgencyStore, AuditRecord, AuditTrailStore } from '../registry/ports.ts';
import { assertVersion } from '../versioned-put.ts';
import { addressRange } from './addresses.ts';
import type {
  AddressResolver,
  KeyGeneration,
  SecretSource,
  WebhookDeliveryRecord,
  WebhookDeliveryStore,
  WebhookEndpointRecord,
  WebhookEndpointStore,
} from './ports.ts';

/** Redelivering "every failed delivery since" stops after this many per request (the client repeats). */
export const redeliverFailedLimit = 500;

/** Redelivery requests per transaction: with their audit record, DynamoDB's 100 actions. */
const redeliveriesPerTransaction = 99;

const hour = 3_600_000;

/** What any caller may see of an endpoint: never its secret or signing key. */
export const endpointView = (endpoint: WebhookEndpointRecord, now: Date): WebhookEndpoint => {
  const previous = endpoint.keys.previous;
  const previousLive = previous !== undefined && Date.parse(previous.expiresAt) > now.getTime();
  const publicKeys = [
    ...(endpoint.keys.current.publicKey
      ? [{ key: endpoint.keys.current.publicKey, status: 'current' as const }]
      : []),
    ...(previousLive && previous.publicKey
      ? [{ key: previous.publicKey, status: 'previous' as const, expiresAt: previous.expiresAt }]
      : []),
  ];
  return {
    id: endpoint.id,
    agencyId: endpoint.agencyId,
    url: endpoint.url,
    ...(endpoint.description === undefined ? {} : { description: endpoint.description }),
    eventTypes: [...endpoint.eventTypes],
    enabled: endpoint.enabled,
    ...(endpoint.disabledReason === undefined
      ? {}
      : { disabledReason: endpoint.disabledReason, disabledAt: endpoint.disabledAt }),
    signatureSchemes: [...endpoint.signatureSchemes],
    ...(publicKeys.length > 0 ? { publicKeys } : {}),
    ...(previousLive && previous.secret ? { previousSecretExpiresAt: previous.expiresAt } : {}),
    version: endpoint.version,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
};

/** The delivery log entry as the API shows it. */
export const deliveryView = (delivery: WebhookDeliveryRecord) => ({
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  endpointId: delivery.endpointId,
  status: delivery.status,
  attemptCount: delivery.attemptCount,
  ...(delivery.nextAttemptAt === undefined ? {} : { nextAttemptAt: delivery.nextAttemptAt }),
  createdAt: delivery.createdAt,
  updatedAt: delivery.updatedAt,
  attempts: delivery.attempts.map((attempt) => ({ ...attempt })),
});

/**
 * Audit records name keys by fingerprint (the public key, or a digest of the secret), never by value:
 * an auditor sees that and when a key changed, not the key.
 */
const fingerprint = (keys: KeyGeneration): string =>
  [
    ...(keys.secret
      ? [`whsec sha256:${createHash('sha256').update(keys.secret).digest('hex').slice(0, 16)}`]
      : []),
    ...(keys.publicKey ? [keys.publicKey] : []),
  ].join(' ');

const auditedFields = [
  'url',
  'description',
  'eventTypes',
  'enabled',
  'disabledReason',
  'signatureSchemes',
] as const;

const endpointTrail = (endpoint: Pick<WebhookEndpointRecord, 'agencyId' | 'id'>): AuditTrail => ({
  kind: 'webhook-endpoint',
  agencyId: endpoint.agencyId,
  endpointId: endpoint.id,
});

const changesOf = (
  before: WebhookEndpointRecord | undefined,
  after: WebhookEndpointRecord,
): FieldChange[] => {
  const changes = diffFields<WebhookEndpointRecord>(before, after, auditedFields);
  const keysBefore = before ? fingerprint(before.keys.current) : undefined;
  const keysAfter = fingerprint(after.keys.current);
  return keysBefore === keysAfter
    ? changes
    : [...changes, { field: 'signingKeys', before: keysBefore ?? null, after: keysAfter }];
};

const urlRefused = (detail: string, reason: UrlRefusalReason | AddressRefusalReason) =>
  new ValidationError(`The webhook URL is refused: ${detail}`, {
    errors: [{ pointer: '/body/url', detail }],
    extensions: { reason },
  });

/**
 * One endpoint per URL and agency: a second registration (a double click, a retried request whose
 * answer was lost) would deliver every event twice under two secrets. The first one's secret was shown
 * once; a client that lost it rotates it.
 */
const urlTaken = (agencyId: string, existing: WebhookEndpointRecord) =>
  new ConflictError(
    `Agency "${agencyId}" already has webhook endpoint "${existing.id}" for ${existing.url}; change that one (PATCH its event types, or rotate its secret if the secret was lost) or delete it first.`,
    { errors: [{ pointer: '/body/url', detail: `Already registered as endpoint "${existing.id}".` }] },
  );

const tooMany = (agencyId: string, count: number) =>
  new ConflictError(
    `Agency "${agencyId}" has ${count} webhook endpoints, the most it may have; delete one first.`,
  );

// Another agency's operator gets the same words as for a missing agency (nothing tells them apart),
// but the registry is public: "No agency" alone would deny one the operator can look up.
const notFound = (agencyId: string, endpointId?: string) =>
  new NotFoundError(
    endpointId === undefined
      ? `No agency "${agencyId}" whose webhook endpoints this token may manage (an operator manages the own agency's).`
      : `No webhook endpoint "${endpointId}" of agency "${agencyId}".`,
  );

export interface WebhookEndpointServicePorts {
  readonly webhookEndpoints: WebhookEndpointStore;
  readonly webhookDeliveries: WebhookDeliveryStore;
  readonly agencies: AgencyStore;
  readonly audits: AuditTrailStore;
  readonly writes: WritePath;
  readonly ids: IdSource;
  readonly secrets: SecretSource;
  readonly resolver: AddressResolver;
  readonly urlPolicy: UrlPolicyOptions;
}

/**
 * Webhook endpoints: an agency operator registers and manages the own agency's (scope
 * webhooks.manage), an admin any agency's; anyone else gets the 404 of a missing agency.
 */
export const createWebhookEndpointService = ({
  webhookEndpoints,
  webhookDeliveries,
  agencies,
  audits,
  writes,
  ids,
  secrets,
  resolver,
  urlPolicy,
}: WebhookEndpointServicePorts) => {
  const assertVisible = (actor: Actor, agencyId: string, endpointId?: string) => {
    const visible = actor.role === 'admin' || (actor.role === 'agency' && actor.agencyId === agencyId);
    if (!visible) throw notFound(agencyId, endpointId);
  };

  const load = async (actor: Actor, agencyId: string, endpointId: string): Promise<WebhookEndpointRecord> => {
    assertVisible(actor, agencyId, endpointId);
    const endpoint = await webhookEndpoints.get({ agencyId, endpointId });
    if (!endpoint) throw notFound(agencyId, endpointId);
    return endpoint;
  };

  /** The URL rules that need no DNS, then DNS: every address must be public unicast. */
  const checkUrl = async (raw: string): Promise<string> => {
    const verdict = checkWebhookUrl(raw, urlPolicy);
    if (!verdict.ok) throw urlRefused(verdict.detail, verdict.reason);
    if (!verdict.resolve) return verdict.url;
    let addresses: readonly string[];
    try {
      addresses = await resolver.resolve(verdict.hostname);
    } catch (error) {
      throw new ServiceUnavailableError(
        `The name "${verdict.hostname}" could not be resolved right now; retry.`,
        {
          cause: error,
          headers: { 'retry-after': '5' },
        },
      );
    }
    if (addresses.length === 0) {
      throw urlRefused(`"${verdict.hostname}" does not resolve to any address.`, 'unresolvable');
    }
    for (const address of addresses) {
      const range = addressRange(address);
      if (range !== 'unicast') {
        throw urlRefused(
          `"${verdict.hostname}" resolves to ${address}, ${range === undefined ? 'not an IP address' : `a ${range} address`}; webhooks reach public addresses only.`,
          'non-public-address',
        );
      }
    }
    return verdict.url;
  };

  /** Which other endpoint of the agency has this URL, if any (of `endpoints`, or read now). */
  const holderOf = async (
    agencyId: string,
    url: string,
    exceptId?: string,
    endpoints?: readonly WebhookEndpointRecord[],
  ) =>
    (endpoints ?? (await webhookEndpoints.listByAgency(agencyId))).find(
      (endpoint) => endpoint.url === url && endpoint.id !== exceptId,
    );

  const newKeys = (schemes: readonly string[], at: string): KeyGeneration => ({
    createdAt: at,
    ...(schemes.includes('v1') ? { secret: secrets.newSecret() } : {}),
    ...(schemes.includes('v1a') ? secrets.newKeyPair() : {}),
  });

  const changeOf = (
    actor: Actor,
    endpoint: WebhookEndpointRecord,
    before: WebhookEndpointRecord | undefined,
    action: string,
  ): ChangeSet => ({
    state: [{ kind: 'webhook-endpoint', endpoint, before }],
    audits: [
      auditEntry(
        actor,
        endpointTrail(endpoint),
        action,
        `webhook endpoint ${endpoint.id}`,
        changesOf(before, endpoint),
      ),
    ],
    events: [],
  });

  const commitUpdate = async (
    actor: Actor,
    endpoint: WebhookEndpointRecord,
    before: WebhookEndpointRecord,
    action: string,
  ) => {
    const outcome = await writes.commit(changeOf(actor, endpoint, before, action));
    if (!outcome.committed) {
      throw new PreconditionFailedError(
        `Webhook endpoint "${endpoint.id}" changed while you were updating it; re-read it and try again.`,
      );
    }
    return endpoint;
  };

  const create = async (
    actor: Actor,
    agencyId: string,
    write: WebhookEndpointCreate,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string | undefined }> => {
    assertVisible(actor, agencyId);
    // No registry read: the transaction checks the agency exists (404 when it does not).
    const existing = await webhookEndpoints.listByAgency(agencyId);
    const url = await checkUrl(write.url);
    const holder = await holderOf(agencyId, url, undefined, existing);
    if (holder) throw urlTaken(agencyId, holder);
    if (existing.length >= webhookLimits.endpointsPerAgency) throw tooMany(agencyId, existing.length);
    const at = actor.now.toISOString();
    const endpoint: WebhookEndpointRecord = {
      id: ids.next('whe'),
      agencyId,
      url,
      ...(write.description === undefined ? {} : { description: write.description }),
      eventTypes: write.eventTypes,
      enabled: true,
      signatureSchemes: write.signatureSchemes,
      keys: { current: newKeys(write.signatureSchemes, at) },
      version: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: actor.subject,
    };
    const outcome = await writes.commit(changeOf(actor, endpoint, undefined, 'webhook.endpoint.created'));
    if (!outcome.committed) {
      // The conditions: the URL still free (a racing registration took it), the agency present and
      // below its limit (registrations racing each other each read the list before any was written).
      const now = await webhookEndpoints.listByAgency(agencyId);
      const racing = await holderOf(agencyId, url, undefined, now);
      if (racing) throw urlTaken(agencyId, racing);
      if (now.length >= webhookLimits.endpointsPerAgency) throw tooMany(agencyId, now.length);
      throw notFound(agencyId);
    }
    return { endpoint, secret: endpoint.keys.current.secret };
  };

  const update = async (
    actor: Actor,
    agencyId: string,
    endpointId: string,
    patch: WebhookEndpointPatch,
    ifMatch: number,
  ): Promise<WebhookEndpointRecord> => {
    const current = await load(actor, agencyId, endpointId);
    assertVersion(ifMatch, current.version, `Webhook endpoint "${endpointId}"`);
    const url = patch.url === undefined ? current.url : await checkUrl(patch.url);
    const holder = url === current.url ? undefined : await holderOf(agencyId, url, endpointId);
    if (holder) throw urlTaken(agencyId, holder);
    const at = actor.now.toISOString();
    const enabled = patch.enabled ?? current.enabled;
    const { description: _description, disabledReason: _reason, disabledAt: _at, ...rest } = current;
    const description = patch.description === null ? undefined : (patch.description ?? current.description);
    const next: WebhookEndpointRecord = {
      ...rest,
      url,
      ...(description === undefined ? {} : { description }),
      eventTypes: patch.eventTypes ?? current.eventTypes,
      enabled,
      // Disabled by hand now; or still disabled, for whatever reason it was.
      ...(enabled
        ? {}
        : current.enabled
          ? { disabledReason: 'manual' as const, disabledAt: at }
          : { disabledReason: current.disabledReason, disabledAt: current.disabledAt }),
    };
    if (changesOf(current, next).length === 0) return current;
    // Enabled again, its failure streak starts over in the same transaction (the write path's
    // endpoint change): else it would be disabled at its next failure.
    return commitUpdate(
      actor,
      { ...next, version: current.version + 1, updatedAt: at },
      current,
      'webhook.endpoint.updated',
    ).catch(async (error: unknown) => {
      // Refused: the version moved on, or (a new URL) a racing registration took that URL.
      if (!(error instanceof PreconditionFailedError) || url === current.url) throw error;
      const racing = await holderOf(agencyId, url, endpointId);
      throw racing ? urlTaken(agencyId, racing) : error;
    });
  };

  const remove = async (actor: Actor, agencyId: string, endpointId: string, ifMatch: number | undefined) => {
    const current = await load(actor, agencyId, endpointId);
    assertVersion(ifMatch, current.version, `Webhook endpoint "${endpointId}"`);
    const outcome = await writes.commit({
      state: [{ kind: 'webhook-endpoint.deletion', endpoint: current }],
      audits: [
        auditEntry(
          actor,
          endpointTrail(current),
          'webhook.endpoint.deleted',
          `webhook endpoint ${endpointId}`,
          [{ field: 'url', before: current.url, after: null }],
        ),
      ],
      events: [],
    });
    if (!outcome.committed) {
      throw new PreconditionFailedError(`Webhook endpoint "${endpointId}" changed meanwhile; re-read it.`);
    }
  };

  /**
   * New keys; the previous ones keep signing beside them for `overlapHours` (0: stop at once).
   * `ifMatch`, when sent, must be the current version: a second rotation would end the first one's
   * overlap at once, so a double click or a blind retry must not make one.
   */
  const rotate = async (
    actor: Actor,
    agencyId: string,
    endpointId: string,
    overlapHours: number,
    ifMatch?: number,
  ) => {
    const current = await load(actor, agencyId, endpointId);
    assertVersion(ifMatch, current.version, `Webhook endpoint "${endpointId}"`);
    const at = actor.now.toISOString();
    const keys = {
      current: newKeys(current.signatureSchemes, at),
      ...(overlapHours > 0
        ? {
            previous: {
              ...current.keys.current,
              expiresAt: new Date(actor.now.getTime() + overlapHours * hour).toISOString(),
            },
          }
        : {}),
    };
    const endpoint = await commitUpdate(
      actor,
      { ...current, keys, version: current.version + 1, updatedAt: at },
      current,
      'webhook.endpoint.secret_rotated',
    );
    return { endpoint, secret: endpoint.keys.current.secret };
  };

  /** Writes a `webhook.test` event for this endpoint only; the dispatcher delivers it like any other. */
  const sendTest = async (actor: Actor, agencyId: string, endpointId: string) => {
    const endpoint = await load(actor, agencyId, endpointId);
    if (!endpoint.enabled) {
      throw new ConflictError(`Webhook endpoint "${endpointId}" is disabled; enable it first.`);
    }
    const event = domainEvent(
      ids,
      eventTypes.webhookTest,
      actor.now,
      { agencyId },
      { endpointId, link: `/v1/agencies/${agencyId}/webhook-endpoints/${endpointId}` },
    );
    await writes.commit({
      state: [],
      audits: [auditEntry(actor, endpointTrail(endpoint), 'webhook.test.sent', `event ${event.id}`, [])],
      events: [event],
    });
    return { eventId: event.id, type: eventTypes.webhookTest };
  };

  const deliveries = async (
    actor: Actor,
    agencyId: string,
    endpointId: string,
    query: PageRequest & { readonly status?: WebhookDeliveryRecord['status'] | undefined },
  ) => {
    // The endpoint (whose agency must be the path's) and the log page, in parallel.
    const [, page] = await Promise.all([
      load(actor, agencyId, endpointId),
      webhookDeliveries.list(endpointId, query),
    ]);
    return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
  };

  const requireEnabled = (endpoint: WebhookEndpointRecord) => {
    if (!endpoint.enabled) {
      throw new ConflictError(
        `Webhook endpoint "${endpoint.id}" is disabled; enable it before redelivering.`,
      );
    }
  };

  /**
   * Redelivery requests and their audit record as one change: the delivery log lives in the events
   * table, but a redelivery is made exactly when the endpoint's trail shows it (one transaction).
   */
  const redeliveryChange = (
    actor: Actor,
    endpoint: WebhookEndpointRecord,
    deliveries: readonly WebhookDeliveryRecord[],
  ): ChangeSet => ({
    state: deliveries.map((delivery) => ({
      kind: 'webhook-delivery.redelivery' as const,
      delivery,
      at: actor.now.toISOString(),
    })),
    audits: [
      auditEntry(
        actor,
        endpointTrail(endpoint),
        'webhook.redelivery.requested',
        `${deliveries.length} ${deliveries.length === 1 ? 'delivery' : 'deliveries'}`,
        [{ field: 'eventIds', before: null, after: deliveries.map((delivery) => delivery.eventId) }],
      ),
    ],
    events: [],
  });

  /**
   * One more attempt of a finished delivery, with its original `webhook-id`; for a pending one (a
   * receiver fixed while its next retry is hours away) the next attempt of its schedule, now.
   */
  const redeliver = async (actor: Actor, agencyId: string, endpointId: string, eventId: string) => {
    assertVisible(actor, agencyId, endpointId);
    // The endpoint and the delivery, across both tables, in one round trip.
    const [context] = await webhookDeliveries.attemptContexts([{ agencyId, endpointId, eventId }]);
    const endpoint = context?.endpoint;
    if (!endpoint) throw notFound(agencyId, endpointId);
    requireEnabled(endpoint);
    const delivery = context?.delivery;
    if (!delivery) throw new NotFoundError(`No delivery of event "${eventId}" to endpoint "${endpointId}".`);
    const receipt = { requested: 1, eventIds: [eventId] };
    const dueAlready =
      delivery.status === 'pending' &&
      delivery.nextAttemptAt !== undefined &&
      Date.parse(delivery.nextAttemptAt) <= actor.now.getTime();
    // Asked for twice (a double click): the attempt is on its way once.
    if (dueAlready) return receipt;
    if (!(await writes.commit(redeliveryChange(actor, endpoint, [delivery]))).committed) {
      throw new ConflictError(`The delivery of "${eventId}" changed meanwhile; re-read the log and retry.`);
    }
    return receipt;
  };

  const redeliverFailed = async (actor: Actor, agencyId: string, endpointId: string, since: string) => {
    const endpoint = await load(actor, agencyId, endpointId);
    requireEnabled(endpoint);
    const failed = await webhookDeliveries.failedSince(
      endpointId,
      new Date(since).toISOString(),
      redeliverFailedLimit,
    );
    const eventIds: string[] = [];
    // Each transaction: up to 99 deliveries and their audit record. A delivery that changed since it
    // was listed (an attempt, another redelivery) cancels its transaction: sent again without it.
    for (let start = 0; start < failed.length; start += redeliveriesPerTransaction) {
      let chunk = failed.slice(start, start + redeliveriesPerTransaction);
      while (chunk.length > 0) {
        const outcome = await writes.commit(redeliveryChange(actor, endpoint, chunk));
        if (outcome.committed) {
          eventIds.push(...chunk.map((delivery) => delivery.eventId));
          break;
        }
        const lost = outcome.failed;
        const left = chunk.filter(
          (delivery) =>
            !(lost.kind === 'webhook-delivery.redelivery' && lost.delivery.eventId === delivery.eventId),
        );
        // Only a delivery of the chunk can fail its condition; anything else is a defect, not a race.
        if (left.length === chunk.length) throw new Error(`Unexpected failed condition: ${lost.kind}`);
        chunk = left;
      }
    }
    return { requested: eventIds.length, eventIds };
  };

  const publicKeys = async (
    page: PageRequest,
    now: Date,
  ): Promise<
    Page<{ endpointId: string; agencyId: string; publicKeys: NonNullable<WebhookEndpoint['publicKeys']> }>
  > => {
    const result = await webhookEndpoints.withPublicKeys(page);
    return {
      items: result.items.map((endpoint) => ({
        endpointId: endpoint.id,
        agencyId: endpoint.agencyId,
        publicKeys: endpointView(endpoint, now).publicKeys ?? [],
      })),
      nextCursor: result.nextCursor,
    };
  };

  /**
   * The endpoint's trail. Its partition is named by the endpoint alone, so the endpoint (read beside
   * it) proves the agency in the path; once deleted, only admins read what is left.
   */
  const auditTrail = async (
    actor: Actor,
    agencyId: string,
    endpointId: string,
    page: PageRequest,
  ): Promise<Page<AuditRecord>> => {
    assertVisible(actor, agencyId, endpointId);
    const [endpoint, trail] = await Promise.all([
      webhookEndpoints.get({ agencyId, endpointId }),
      audits.list({ kind: 'webhook-endpoint', agencyId, endpointId }, page),
    ]);
    const readable = endpoint !== undefined || (actor.role === 'admin' && trail.items.length > 0);
    if (!readable) throw notFound(agencyId, endpointId);
    return trail;
  };

  return {
    create,
    auditTrail,
    list: async (actor: Actor, agencyId: string) => {
      assertVisible(actor, agencyId);
      const endpoints = await webhookEndpoints.listByAgency(agencyId);
      // Endpoints prove their agency; only an empty list needs the registry (404 or none yet).
      if (endpoints.length === 0 && !(await agencies.get(agencyId))) throw notFound(agencyId);
      return endpoints;
    },
    get: load,
    update,
    remove,
    rotate,
    sendTest,
    deliveries,
    redeliver,
    redeliverFailed,
    publicKeys,
  };
};

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
