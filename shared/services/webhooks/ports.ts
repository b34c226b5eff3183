import type { DeliveryStatus, WebhookDelivery } from '#shared/api/webhooks/schemas.ts';
import type { DomainEvent, EventType } from '#shared/domain/events.ts';
import type { SendOutcome } from '#shared/domain/webhooks/delivery.ts';
import type { SignatureScheme, SigningKeys } from '#shared/domain/webhooks/signing.ts';
import type { UnfinishedPublication } from '../awards/ports.ts';
import type { Page, PageRequest } from '../ports.ts';

/** One generation of an endpoint's signing keys. */
export interface KeyGeneration extends SigningKeys {
  readonly createdAt: string;
}

/**
 * A webhook endpoint as stored: what the API shows, plus its signing keys (which it never shows
 * after creation or rotation). Lives in the agency's partition of the programme table, versioned;
 * the keys' secrets apart from it (`SIGNING#…`, a partition only the signing functions may read).
 */
export interface WebhookEndpointRecord {
  readonly id: string;
  readonly agencyId: string;
  readonly url: string;
  readonly description?: string | undefined;
  readonly eventTypes: readonly EventType[];
  readonly enabled: boolean;
  readonly disabledReason?: 'manual' | 'gone' | 'failing' | undefined;
  readonly disabledAt?: string | undefined;
  readonly signatureSchemes: readonly SignatureScheme[];
  readonly keys: {
    readonly current: KeyGeneration;
    /** During a rotation's overlap: the previous keys, signing beside the current ones until `expiresAt`. */
    readonly previous?: (KeyGeneration & { readonly expiresAt: string }) | undefined;
  };
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
}

/** Which endpoint of which agency: the programme-table key of an endpoint. */
export interface EndpointRef {
  readonly agencyId: string;
  readonly endpointId: string;
}

/** The endpoint without the secrets of its keys (`whsec_`, `whsk_`): what listings return. */
export const withoutSigningSecrets = (endpoint: WebhookEndpointRecord): WebhookEndpointRecord => {
  const publicSide = <G extends KeyGeneration>({ secret: _secret, signingKey: _signingKey, ...rest }: G) =>
    rest;
  const { current, previous } = endpoint.keys;
  return {
    ...endpoint,
    keys: { current: publicSide(current), ...(previous ? { previous: publicSide(previous) } : {}) },
  };
};

/**
 * Refuses to store an endpoint without the secrets its schemes sign with: a listing's record
 * (`withoutSigningSecrets`) written back would erase them. A programming error, thrown by both
 * adapters before anything is written; read the endpoint by key (`get`) to change it.
 */
export const assertSigningSecrets = (endpoint: WebhookEndpointRecord): void => {
  const { current } = endpoint.keys;
  const missing = endpoint.signatureSchemes.filter((scheme) =>
    scheme === 'v1' ? current.secret === undefined : current.signingKey === undefined,
  );
  if (missing.length > 0) {
    throw new Error(
      `Webhook endpoint ${endpoint.id} written without its ${missing.join(' and ')} signing secret: change an endpoint read by key (get), not one from a listing`,
    );
  }
};

export interface WebhookEndpointStore {
  /** The endpoint with its keys' secrets (signing, rotation). */
  get(ref: EndpointRef): Promise<WebhookEndpointRecord | undefined>;
  /** Every endpoint of the agency, oldest first, without its keys' secrets (`withoutSigningSecrets`). */
  listByAgency(agencyId: string): Promise<WebhookEndpointRecord[]>;
  /**
   * Enabled endpoints subscribed to `eventType`: of one agency, or of every agency (national events).
   * Follows every page: a national event reaches every subscriber.
   */
  subscribers(eventType: EventType, agencyId: string | undefined): Promise<EndpointRef[]>;
  /** The endpoints with their keys' secrets, in one round trip per fifty; missing ones are left out. */
  getMany(refs: readonly EndpointRef[]): Promise<WebhookEndpointRecord[]>;
  /** Endpoints that sign with ed25519 (v1a), by agency and endpoint id, without their keys' secrets. */
  withPublicKeys(page: PageRequest): Promise<Page<WebhookEndpointRecord>>;
}

/** One delivery of one event to one endpoint, with its attempts (the delivery log). */
export type WebhookDeliveryRecord = WebhookDelivery & {
  readonly agencyId: string;
  /** The event itself, so retries need no other read (payloads are under 20 KB). */
  readonly event: DomainEvent;
  /** Attempts made on the automatic schedule (redeliveries not counted). */
  readonly scheduleStep: number;
  /** Set while a retry's message is already on its way (queued with a delay) for `nextAttemptAt`. */
  readonly enqueuedFor?: string | undefined;
  /** Set while a redelivery is requested and not yet attempted. */
  readonly redeliveryRequestedAt?: string | undefined;
};

/** How an endpoint has fared lately: set at its first failure after a success, cleared by a success. */
export interface EndpointHealth {
  readonly failingSince?: string | undefined;
}

/** What one attempt needs, read in one round trip. */
export interface AttemptContext {
  readonly endpoint: WebhookEndpointRecord | undefined;
  readonly delivery: WebhookDeliveryRecord | undefined;
  readonly health: EndpointHealth;
}

/**
 * The delivery log (events table). Deliveries are the outbox's own bookkeeping — what was sent
 * where, and when to try again — not programme records: they are written here with conditional
 * writes (not through the audited write path) and expire 30 days after their last change.
 */
export interface WebhookDeliveryStore {
  /**
   * What each attempt needs (endpoint, delivery, endpoint health), for a batch of attempts in as few
   * round trips as the store allows; in the order asked.
   */
  attemptContexts(refs: readonly (EndpointRef & { readonly eventId: string })[]): Promise<AttemptContext[]>;
  /**
   * Stores the delivery after an attempt: the first attempt creates it (it must not exist), a later
   * one needs the stored `attemptCount` to be `expectedAttemptCount`. False when that condition
   * failed: another worker recorded this attempt first (a duplicate message).
   */
  saveAttempt(delivery: WebhookDeliveryRecord, expectedAttemptCount: number): Promise<boolean>;
  get(endpointId: string, eventId: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Newest event first; by status through the status index. */
  list(
    endpointId: string,
    query: PageRequest & { readonly status?: DeliveryStatus | undefined },
  ): Promise<Page<WebhookDeliveryRecord>>;
  /** Failed deliveries of events that occurred at or after `since`, newest first, at most `limit`. */
  failedSince(endpointId: string, since: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** Deliveries with an attempt due at or before `until`, across the due-index shards. */
  due(until: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** Notes that the attempt due at `nextAttemptAt` was queued; false if the delivery moved on. */
  markEnqueued(delivery: WebhookDeliveryRecord, nextAttemptAt: string): Promise<boolean>;
  /** Sets `failingSince` unless set; answers the value now stored. */
  markFailing(endpointId: string, at: string): Promise<string>;
  /** Clears `failingSince` (a success, or an endpoint enabled again). */
  markHealthy(endpointId: string): Promise<void>;
}

/** One attempt to make: which delivery, which attempt number, and why. */
export interface DeliveryMessage {
  readonly agencyId: string;
  readonly endpointId: string;
  readonly eventId: string;
  /** 1 for the first attempt; a message for an attempt already made is a duplicate and is dropped. */
  readonly attempt: number;
  readonly trigger: 'scheduled' | 'redelivery';
  /** The first attempt carries the event (the delivery does not exist yet); later ones read it. */
  readonly event?: DomainEvent | undefined;
  /** How many times this first attempt has waited for the award publication its event announces. */
  readonly held?: number | undefined;
}

/**
 * Where attempts wait for their turn. SQS in AWS (delays up to 15 minutes; longer ones wait in the
 * due index for the sweep), an in-process timer queue locally.
 */
export interface DeliveryQueue {
  /** The longest delay `send` accepts; longer waits go through the due index and the sweep. */
  readonly maxDelayMs: number;
  send(messages: readonly { readonly message: DeliveryMessage; readonly delayMs: number }[]): Promise<void>;
}

/** One signed POST, answered or not. The adapter enforces the SSRF rules at connect time. */
export interface WebhookSender {
  post(request: {
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  }): Promise<SendOutcome>;
}

/** DNS, for the registration check; `[]` when the name does not exist (throws when DNS fails). */
export interface AddressResolver {
  resolve(hostname: string): Promise<readonly string[]>;
}

/** New key material: a port, so tests can predict it and the services stay free of randomness. */
export interface SecretSource {
  /** `whsec_` + base64 of at least 24 random bytes. */
  newSecret(): string;
  /** An ed25519 pair: `whsk_` (kept) and `whpk_` (published). */
  newKeyPair(): { readonly signingKey: string; readonly publicKey: string };
}

/** Counters that feed alarms (CloudWatch metrics in AWS). */
export interface DeliveryMetrics {
  delivered(latencyMs: number): void;
  /** A delivery that will not be retried any more: its schedule is spent, or the endpoint stopped. */
  failed(reason: string): void;
  endpointDisabled(reason: 'gone' | 'failing'): void;
  /** A publication still `publishing` `stalledPublicationMs` after its claim (each sweep reports it). */
  publicationUnfinished(publication: UnfinishedPublication, forMs: number): void;
}

/**
 * Webhook endpoint writes. Conditions the write path enforces:
 * - create (`before` undefined): the endpoint must not exist and its agency must, with fewer than
 *   `endpointsPerAgency` endpoints (counted in the transaction: creates sent at once cannot pass it);
 * - update: the stored version is `before.version`; subscription items follow the event types of
 *   an enabled endpoint (none while disabled) in the same transaction, and enabling a disabled
 *   endpoint clears its failure streak (its health item, events table) in it too;
 * - deletion: the stored version is `endpoint.version`; its subscriptions go with it, and it no
 *   longer counts towards its agency's endpoints.
 * - redelivery: a finished delivery made due at `at` for one more attempt (a pending one: its next
 *   scheduled attempt brought forward to `at`, its schedule going on after it), conditional on the status
 *   and attempt count read. Through the write path, although the delivery log is bookkeeping in the
 *   events table, so that a redelivery never happens without its audit record (a crash between two
 *   separate writes left one unaudited).
 */
export type WebhookStateChange =
  | {
      readonly kind: 'webhook-endpoint';
      readonly endpoint: WebhookEndpointRecord;
      readonly before: WebhookEndpointRecord | undefined;
    }
  | { readonly kind: 'webhook-endpoint.deletion'; readonly endpoint: WebhookEndpointRecord }
  | {
      readonly kind: 'webhook-delivery.redelivery';
      readonly delivery: WebhookDeliveryRecord;
      readonly at: string;
    };
