/**
 * Domain events: what happened, written to the outbox in the same transaction as the change itself,
 * so an event exists exactly when its change does. Webhook deliveries are made from them; their
 * shape is ready for Standard Webhooks (`type` dotted, a stable `id` reused by every delivery).
 */

/**
 * Every event type. Standard Webhooks types are full-stop delimited; we keep to `[a-z0-9_.]` so a
 * type is also a safe identifier in keys and filters (hence `self_assessment`, not `self-assessment`).
 */
export const eventTypes = {
  selfAssessmentSubmitted: 'self_assessment.submitted',
  resultFinalized: 'result.finalized',
  appealDecided: 'appeal.decided',
  /** National: subject `{ year }` without an agency, delivered to every subscriber of the type. */
  rankingPublished: 'ranking.published',
  awardPublished: 'award.published',
  /** A revision of a cycle's award publication withdrew an award from the agency. */
  awardRevoked: 'award.revoked',
  /** Sent to one endpoint on request (`data.endpointId`), whatever it subscribes to. */
  webhookTest: 'webhook.test',
  /** An endpoint was disabled (410 Gone, or failing for days): sent to the agency's other endpoints. */
  webhookEndpointDisabled: 'webhook.endpoint_disabled',
} as const;

export type EventType = (typeof eventTypes)[keyof typeof eventTypes];

/** Every event type, e.g. for validating what a webhook endpoint subscribes to. */
export const allEventTypes = Object.values(eventTypes) as [EventType, ...EventType[]];

/** National events concern no single agency: every subscriber of their type receives them. */
export const isNationalEvent = (event: Pick<DomainEvent, 'subject'>): boolean =>
  event.subject.agencyId === undefined;

export const eventTypePattern = /^[a-z0-9_]+(?:\.[a-z0-9_]+)+$/;

/** What an event is about: one agency in one cycle, a whole cycle (national events), or an agency. */
export interface EventSubject {
  readonly year?: number;
  readonly agencyId?: string;
}

export interface DomainEvent<Data = Readonly<Record<string, unknown>>> {
  /** `evt_…`, unique and stable: every delivery of the event carries it (receivers de-duplicate). */
  readonly id: string;
  readonly type: EventType;
  /** ISO instant of the change. */
  readonly occurredAt: string;
  readonly subject: EventSubject;
  /** Thin: ids and links, never whole documents (webhook payloads stay small). */
  readonly data: Data;
}

/** Where new ids come from: a port, so tests and replays can make them predictable. */
export interface IdSource {
  /** A new unique id with this prefix, e.g. `evt_01JF…`. */
  next(prefix: string): string;
}

/** Builds an event; checks the type against the naming rule so a bad literal fails fast. */
export const domainEvent = <Data extends Readonly<Record<string, unknown>>>(
  ids: IdSource,
  type: EventType,
  occurredAt: Date,
  subject: EventSubject,
  data: Data,
): DomainEvent<Data> => {
  if (!eventTypePattern.test(type)) throw new Error(`Event type "${type}" breaks the naming rule`);
  return { id: ids.next('evt'), type, occurredAt: occurredAt.toISOString(), subject, data };
};
