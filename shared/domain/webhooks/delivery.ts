import { type DomainEvent, eventTypes } from '../events.ts';
import { metricNames, metricNamespace } from '../metrics.ts';

/**
 * The rules of webhook delivery, pure: the payload, what counts as success, when to try again.
 */

/** Standard Webhooks' retry schedule: the delays after the first attempt (8 attempts in all). */
export const standardRetrySchedule: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Each delay is stretched or shrunk by up to this share, so failed deliveries do not retry in step. */
export const retryJitter = 0.1;

/** An attempt that has no complete answer after this long has failed (and frees its worker). */
export const deliveryTimeoutMs = 15_000;

/** Receivers' answers are read up to this many bytes, then the connection is dropped. */
export const responseBodyCapBytes = 4_096;

/** Payloads are thin (ids and links); one that is not would be refused by many receivers. */
export const maxPayloadBytes = 20 * 1024;

/** An endpoint whose every attempt failed for this long is disabled. */
export const failingEndpointDisableAfterMs = 5 * 86_400_000;

/** Retry-After is honoured up to a day: a receiver cannot park a delivery for longer. */
export const maxRetryAfterMs = 86_400_000;

/** Why an attempt failed, as the delivery log shows it. */
export const deliveryErrorClasses = [
  'http_status',
  'redirect',
  'timeout',
  'connection',
  'dns',
  'tls',
  'blocked_address',
  'payload_too_large',
  'endpoint_disabled',
] as const;
export type DeliveryErrorClass = (typeof deliveryErrorClasses)[number];

/** Plain objects with their keys in code-point order, at every depth; arrays keep theirs. */
const sortedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Readonly<Record<string, unknown>>)[key])]),
  );
};

/**
 * The Standard Webhooks payload: `{ type, timestamp, data }`, where data is the event's subject
 * (year, agency) and its thin data (ids and links). The event id travels as `webhook-id`.
 *
 * The same bytes on every attempt: the first is built from the event the stream carries, retries and
 * redeliveries from the stored item, whose maps DynamoDB returns in no particular order. So `data`
 * is the subject's `year` and `agencyId`, then the other members in code-point order, at every depth
 * (a receiver comparing a retry with what it stored under the `webhook-id` finds the same body).
 */
export const webhookPayload = (event: DomainEvent): string => {
  const { year, agencyId, ...rest } = sortedKeys({ ...event.subject, ...event.data }) as Readonly<
    Record<string, unknown>
  >;
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    data: { year, agencyId, ...rest },
  });
};

/** What the sender saw: an HTTP answer, or no answer at all. */
export type SendOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      /** The `Retry-After` header, as sent. */
      readonly retryAfter?: string | undefined;
      readonly latencyMs: number;
    }
  | {
      readonly kind: 'error';
      readonly errorClass: DeliveryErrorClass;
      /** For logs and the delivery log; never a secret. */
      readonly detail: string;
      readonly latencyMs: number;
    };

export type AttemptVerdict =
  | { readonly kind: 'succeeded' }
  /** 410 Gone: the receiver asks us to stop; the endpoint is disabled. */
  | { readonly kind: 'gone'; readonly errorClass: DeliveryErrorClass }
  /** Try again, not sooner than `notBeforeMs` from now (Retry-After of a 429 or 503). */
  | { readonly kind: 'retry'; readonly errorClass: DeliveryErrorClass; readonly notBeforeMs: number };

/** `Retry-After` in milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export const retryAfterMs = (value: string | undefined, now: Date): number | undefined => {
  if (value === undefined) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now.getTime();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), maxRetryAfterMs);
};

/**
 * 2xx succeeds; 410 stops for good; 429 and 503 honour Retry-After; every other status (3xx — no
 * redirect is followed — other 4xx, 5xx) and every network failure is retried on the schedule.
 */
export const judgeAttempt = (outcome: SendOutcome, now: Date): AttemptVerdict => {
  if (outcome.kind === 'error') return { kind: 'retry', errorClass: outcome.errorClass, notBeforeMs: 0 };
  const { status } = outcome;
  if (status >= 200 && status < 300) return { kind: 'succeeded' };
  if (status === 410) return { kind: 'gone', errorClass: 'http_status' };
  const errorClass = status >= 300 && status < 400 ? 'redirect' : 'http_status';
  const honoured = status === 429 || status === 503 ? retryAfterMs(outcome.retryAfter, now) : undefined;
  return { kind: 'retry', errorClass, notBeforeMs: honoured ?? 0 };
};

/**
 * The delay before the next scheduled attempt after `attemptsMade` scheduled attempts, or
 * undefined when the schedule is spent. `random` in [0, 1) spreads it by ±`retryJitter`.
 */
export const nextRetryDelayMs = (
  attemptsMade: number,
  schedule: readonly number[],
  random: number,
  notBeforeMs = 0,
): number | undefined => {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (1 + retryJitter * (2 * random - 1)));
  return Math.max(jittered, notBeforeMs);
};

/** The award publication version an event announces, for the events that announce one. */
export interface AnnouncedPublication {
  readonly year: number;
  readonly version: number;
}

/**
 * The publication an award event waits for. A publication writes each recipient's awards and events
 * in its own transaction before one last transaction moves the public pointer (more recipients
 * than one transaction holds), so its events exist seconds — or, after a crash, until someone
 * finishes it — before the awards they announce can be read. Such an event is delivered only once
 * the pointer has reached its version: a receiver that follows the event's link finds the award.
 */
export const announcedPublication = (event: DomainEvent): AnnouncedPublication | undefined => {
  if (event.type !== eventTypes.awardPublished && event.type !== eventTypes.awardRevoked) return undefined;
  const { year } = event.subject;
  const version = event.data.publicationVersion;
  return typeof year === 'number' && typeof version === 'number' ? { year, version } : undefined;
};

/**
 * How long a first attempt waits before it looks again at a publication still being written:
 * 1 s the first ten times (a publication of 620 recipients takes seconds), then doubling to 5 min
 * (one cut off half-way waits for the next call to finish it).
 */
export const publicationHoldDelayMs = (holdsSoFar: number): number =>
  holdsSoFar < 10 ? 1_000 : Math.min(1_000 * 2 ** (holdsSoFar - 9), 300_000);

/**
 * How long after its publication's request an award event still held means the publication was cut
 * off half-way (a publication of 620 recipients takes seconds) and waits for an admin to finish it.
 */
export const stalledPublicationMs = 10 * 60_000;

/**
 * The CloudWatch metrics of delivery: the API's one namespace and names from its metric catalogue
 * (`shared/domain/metrics.ts`). The dispatcher emits them, alarms and the dashboard watch them.
 */
export const webhookMetricNamespace = metricNamespace;
export const webhookMetricNames = {
  delivered: metricNames.deliveriesSucceeded,
  latency: metricNames.deliveryLatency,
  /** A delivery that will not be retried any more (schedule spent, 410, endpoint disabled). */
  failed: metricNames.deliveriesFailed,
  endpointsDisabled: metricNames.endpointsDisabled,
  /** A publication still unfinished `stalledPublicationMs` after its claim (counted by each sweep). */
  unfinished: metricNames.awardPublicationsStalled,
} as const;
