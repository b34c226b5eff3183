import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { diffFields } from '#shared/domain/audit.ts';
import { type DomainEvent, domainEvent, eventTypes, type IdSource } from '#shared/domain/events.ts';
import {
  type AnnouncedPublication,
  type AttemptVerdict,
  announcedPublication,
  failingEndpointDisableAfterMs,
  judgeAttempt,
  maxPayloadBytes,
  nextRetryDelayMs,
  publicationHoldDelayMs,
  type SendOutcome,
  stalledPublicationMs,
  standardRetrySchedule,
  webhookPayload,
} from '#shared/domain/webhooks/delivery.ts';
import { type SigningKeys, webhookHeaders } from '#shared/domain/webhooks/signing.ts';
import type { AwardStore } from '../awards/ports.ts';
import type { Clock, WritePath } from '../ports.ts';
import type {
  AttemptContext,
  DeliveryMessage,
  DeliveryMetrics,
  DeliveryQueue,
  EndpointRef,
  WebhookDeliveryRecord,
  WebhookDeliveryStore,
  WebhookEndpointRecord,
  WebhookEndpointStore,
  WebhookSender,
} from './ports.ts';

/** The delivery log keeps this many attempts per delivery (the count keeps growing). */
export const keptAttempts = 25;

/** From this many events of one type in a batch, the type's subscribers are read once, whole. */
const wholeTypeReadThreshold = 8;

/** Delivery records live this long after their last change (events table TTL). */
export const deliveryRetentionMs = 30 * 86_400_000;

export interface DispatcherPorts {
  readonly webhookEndpoints: WebhookEndpointStore;
  readonly webhookDeliveries: WebhookDeliveryStore;
  /**
   * The published award pointers (an award event waits until its publication is public) and the
   * unfinished publications (the sweep reports those stalled).
   */
  readonly awards: Pick<AwardStore, 'pointers' | 'unfinished'>;
  readonly queue: DeliveryQueue;
  readonly sender: WebhookSender;
  readonly writes: WritePath;
  readonly ids: IdSource;
  readonly clock: Clock;
  readonly metrics: DeliveryMetrics;
  /** Spreads retries (jitter); [0, 1). */
  readonly random: () => number;
}

export interface DispatcherOptions {
  /**
   * Delays after the first attempt, in ms.
   * @default standardRetrySchedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)
   */
  readonly schedule?: readonly number[];
  /**
   * An endpoint whose attempts all failed for this long is disabled.
   * @default 5 days
   */
  readonly disableFailingAfterMs?: number;
  /**
   * The sweep queues what falls due within this window (it runs about once a minute in AWS).
   * @default 60 s
   */
  readonly sweepLookaheadMs?: number;
  /**
   * A queued retry whose attempt has not happened this long after it was due is queued again.
   * @default 2 min
   */
  readonly sweepGraceMs?: number;
  readonly userAgent?: string;
}

export type AttemptResult =
  | { readonly kind: 'skipped'; readonly reason: 'duplicate' | 'endpoint-gone' | 'before-endpoint' }
  | { readonly kind: 'held'; readonly publication: AnnouncedPublication; readonly delayMs: number }
  | {
      readonly kind: 'attempted';
      readonly delivery: WebhookDeliveryRecord;
      readonly outcome: SendOutcome;
      readonly verdict: AttemptVerdict;
    };

const systemActor = (ids: IdSource, now: Date): Actor => ({
  subject: 'system:webhook-dispatcher',
  role: 'admin',
  requestId: ids.next('req'),
  route: 'webhook-dispatcher',
  now,
});

/** Runs `work` over `items`, at most `limit` at a time. */
const eachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
};

/** Which endpoints an event goes to: the one a test names, else the subscribers of its type. */
const targetedEndpoint = (event: DomainEvent): string | undefined =>
  typeof event.data.endpointId === 'string' ? event.data.endpointId : undefined;

/**
 * The webhook dispatcher: fans each outbox event out to the endpoints that want it, makes one
 * attempt per queued message, and sweeps the due index for retries too far off to queue directly.
 * The same code runs in AWS (stream → SQS → worker; scheduled sweep) and in `npm start`
 * (in-process stream poller, timer queue and sweep).
 */
export const createWebhookDispatcher = (ports: DispatcherPorts, options: DispatcherOptions = {}) => {
  const { webhookEndpoints, webhookDeliveries, awards, queue, sender, writes, ids, clock, metrics } = ports;
  const schedule = options.schedule ?? standardRetrySchedule;
  const disableAfterMs = options.disableFailingAfterMs ?? failingEndpointDisableAfterMs;
  const lookaheadMs = options.sweepLookaheadMs ?? 60_000;
  const graceMs = options.sweepGraceMs ?? 120_000;
  const userAgent = options.userAgent ?? 'SPBE-Award-Webhooks/1.0';

  /**
   * The subscribers of each event type in a batch. A type with many agency events in the batch (a
   * national publication: an award for each of 620 agencies) is read once, whole, and split by
   * agency, instead of one query per agency; a type with few is read per agency.
   */
  const subscribersOf = async (events: readonly DomainEvent[]) => {
    const byType = new Map<string, DomainEvent[]>();
    for (const event of events) byType.set(event.type, [...(byType.get(event.type) ?? []), event]);
    const whole = new Map<string, Promise<EndpointRef[]>>();
    for (const [type, ofType] of byType) {
      if (
        ofType.length >= wholeTypeReadThreshold ||
        ofType.some((event) => event.subject.agencyId === undefined)
      ) {
        whole.set(type, webhookEndpoints.subscribers(type as DomainEvent['type'], undefined));
      }
    }
    return async (event: DomainEvent): Promise<EndpointRef[]> => {
      const agencyId = event.subject.agencyId;
      const all = whole.get(event.type);
      if (all === undefined) return webhookEndpoints.subscribers(event.type, agencyId);
      return agencyId === undefined ? all : (await all).filter((ref) => ref.agencyId === agencyId);
    };
  };

  /** Queues the first attempt of each event to each endpoint that should receive it. */
  const fanOut = async (events: readonly DomainEvent[]): Promise<number> => {
    const messages: { message: DeliveryMessage; delayMs: number }[] = [];
    const subscribers = await subscribersOf(events.filter((event) => event.type !== eventTypes.webhookTest));
    await eachLimited(events, 16, async (event) => {
      const targeted = targetedEndpoint(event);
      let targets: EndpointRef[];
      if (event.type === eventTypes.webhookTest) {
        // A test goes to the endpoint that asked for it, and only there.
        const agencyId = event.subject.agencyId;
        targets = targeted && agencyId ? [{ agencyId, endpointId: targeted }] : [];
      } else {
        // A disabled endpoint has no subscriptions; its own disabling is news for the others only.
        targets = (await subscribers(event)).filter((ref) => ref.endpointId !== targeted);
      }
      for (const ref of targets) {
        messages.push({
          message: { ...ref, eventId: event.id, attempt: 1, trigger: 'scheduled', event },
          delayMs: 0,
        });
      }
    });
    await queue.send(messages);
    return messages.length;
  };

  /** Keys that sign now: the current ones, and the previous ones while a rotation's overlap lasts. */
  const signingGenerations = (endpoint: WebhookEndpointRecord, now: Date): SigningKeys[] => {
    const previous = endpoint.keys.previous;
    return previous !== undefined && Date.parse(previous.expiresAt) > now.getTime()
      ? [endpoint.keys.current, previous]
      : [endpoint.keys.current];
  };

  /** Disables an endpoint (410 Gone, or failing for days) through the audited write path. */
  const disable = async (ref: EndpointRef, reason: 'gone' | 'failing', failingSince?: string) => {
    for (let round = 0; round < 3; round += 1) {
      const current = await webhookEndpoints.get(ref);
      if (!current?.enabled) return;
      const now = clock.now();
      const at = now.toISOString();
      const endpoint: WebhookEndpointRecord = {
        ...current,
        enabled: false,
        disabledReason: reason,
        disabledAt: at,
        version: current.version + 1,
        updatedAt: at,
      };
      const actor = systemActor(ids, now);
      const outcome = await writes.commit({
        state: [{ kind: 'webhook-endpoint', endpoint, before: current }],
        audits: [
          auditEntry(
            actor,
            { kind: 'webhook-endpoint', agencyId: ref.agencyId, endpointId: ref.endpointId },
            'webhook.endpoint.disabled',
            `webhook endpoint ${ref.endpointId}`,
            diffFields<WebhookEndpointRecord>(current, endpoint, ['enabled', 'disabledReason']),
          ),
        ],
        events: [
          domainEvent(
            ids,
            eventTypes.webhookEndpointDisabled,
            now,
            { agencyId: ref.agencyId },
            {
              endpointId: ref.endpointId,
              reason,
              ...(failingSince === undefined ? {} : { failingSince }),
              link: `/v1/agencies/${ref.agencyId}/webhook-endpoints/${ref.endpointId}`,
            },
          ),
        ],
      });
      if (outcome.committed) {
        metrics.endpointDisabled(reason);
        return;
      }
      // Someone changed the endpoint meanwhile: read it again and decide again.
    }
  };

  const finalFailure = (delivery: WebhookDeliveryRecord, reason: string) => {
    if (delivery.status === 'failed') metrics.failed(reason);
  };

  /**
   * What follows a recorded attempt — a success ends the endpoint's failure streak, a 410 disables
   * it — done again when the message comes back: a worker that died between recording the attempt
   * and these steps had its message retried, and the retry finds the attempt made. Only for the
   * delivery's latest attempt, and only where nothing happened since: a streak that began after
   * the success stays, an endpoint changed (re-enabled) after the 410 stays enabled.
   */
  const followUpRecorded = async (message: DeliveryMessage, context: AttemptContext): Promise<void> => {
    const { endpoint, delivery, health } = context;
    if (!delivery || delivery.attemptCount !== message.attempt) return;
    const recorded = delivery.attempts.find((attempt) => attempt.attempt === message.attempt);
    if (!recorded) return;
    const at = Date.parse(recorded.at);
    if (recorded.outcome === 'succeeded') {
      if (health.failingSince !== undefined && Date.parse(health.failingSince) <= at) {
        await webhookDeliveries.markHealthy(message.endpointId);
      }
      return;
    }
    if (recorded.statusCode === 410 && endpoint?.enabled && Date.parse(endpoint.updatedAt) <= at) {
      await disable({ agencyId: message.agencyId, endpointId: message.endpointId }, 'gone');
    }
  };

  /** Makes one attempt of one delivery; a message for an attempt already made is dropped. */
  const attemptWith = async (message: DeliveryMessage, context: AttemptContext): Promise<AttemptResult> => {
    const { endpoint, delivery, health } = context;
    if (
      delivery
        ? delivery.status !== 'pending' || delivery.attemptCount + 1 !== message.attempt
        : message.attempt !== 1
    ) {
      await followUpRecorded(message, context);
      return { kind: 'skipped', reason: 'duplicate' };
    }
    const event = delivery?.event ?? message.event;
    if (!event) return { kind: 'skipped', reason: 'duplicate' };
    const startedAt = clock.now();
    const base = {
      endpointId: message.endpointId,
      agencyId: message.agencyId,
      eventId: event.id,
      eventType: event.type,
      event,
      createdAt: delivery?.createdAt ?? startedAt.toISOString(),
      attempts: delivery?.attempts ?? [],
      attemptCount: delivery?.attemptCount ?? 0,
      scheduleStep: delivery?.scheduleStep ?? 0,
    };

    if (!endpoint?.enabled) {
      // Disabled or deleted meanwhile: a pending delivery ends here, without an attempt.
      if (!delivery) return { kind: 'skipped', reason: 'endpoint-gone' };
      const ended: WebhookDeliveryRecord = { ...base, status: 'failed', updatedAt: startedAt.toISOString() };
      if (await webhookDeliveries.saveAttempt(ended, delivery.attemptCount))
        finalFailure(ended, 'endpoint_disabled');
      return { kind: 'skipped', reason: 'endpoint-gone' };
    }

    // An endpoint receives what happens from its registration on. The stream is read once in AWS,
    // but a fan-out can still come late (a stream batch retried for hours; `npm start` reading the
    // stream's last 24 hours again on every start): an older event is not news for a new endpoint.
    if (!delivery && Date.parse(endpoint.createdAt) > Date.parse(event.occurredAt)) {
      return { kind: 'skipped', reason: 'before-endpoint' };
    }
    const body = webhookPayload(event);
    const outcome: SendOutcome =
      Buffer.byteLength(body) > maxPayloadBytes
        ? {
            kind: 'error',
            errorClass: 'payload_too_large',
            detail: `${Buffer.byteLength(body)} bytes`,
            latencyMs: 0,
          }
        : await sender.post({
            url: endpoint.url,
            headers: {
              'content-type': 'application/json',
              'user-agent': userAgent,
              ...webhookHeaders(
                event.id,
                startedAt,
                body,
                endpoint.signatureSchemes,
                signingGenerations(endpoint, startedAt),
              ),
            },
            body,
          });
    const finishedAt = clock.now();
    const verdict: AttemptVerdict =
      outcome.kind === 'error' && outcome.errorClass === 'payload_too_large'
        ? { kind: 'gone', errorClass: 'payload_too_large' }
        : judgeAttempt(outcome, finishedAt);
    const scheduled = message.trigger === 'scheduled';
    const scheduleStep = base.scheduleStep + (scheduled ? 1 : 0);
    // A redelivery is one attempt; a scheduled attempt that fails waits for the next on the schedule.
    const delayMs =
      verdict.kind === 'retry' && scheduled
        ? nextRetryDelayMs(scheduleStep, schedule, ports.random(), verdict.notBeforeMs)
        : undefined;
    const nextAttemptAt =
      delayMs === undefined ? undefined : new Date(finishedAt.getTime() + delayMs).toISOString();
    const queueNow = delayMs !== undefined && delayMs <= queue.maxDelayMs;
    const updated: WebhookDeliveryRecord = {
      ...base,
      status: verdict.kind === 'succeeded' ? 'succeeded' : nextAttemptAt ? 'pending' : 'failed',
      attemptCount: message.attempt,
      scheduleStep,
      ...(nextAttemptAt ? { nextAttemptAt } : {}),
      ...(queueNow && nextAttemptAt ? { enqueuedFor: nextAttemptAt } : {}),
      updatedAt: finishedAt.toISOString(),
      attempts: [
        ...base.attempts,
        {
          attempt: message.attempt,
          at: startedAt.toISOString(),
          trigger: message.trigger,
          outcome: verdict.kind === 'succeeded' ? ('succeeded' as const) : ('failed' as const),
          ...(outcome.kind === 'response' ? { statusCode: outcome.status } : {}),
          latencyMs: Math.round(outcome.latencyMs),
          ...(verdict.kind === 'succeeded' ? {} : { errorClass: verdict.errorClass }),
        },
      ].slice(-keptAttempts),
    };
    if (!(await webhookDeliveries.saveAttempt(updated, base.attemptCount))) {
      // Another worker recorded this attempt first (a duplicate message): at least once, as promised.
      return { kind: 'skipped', reason: 'duplicate' };
    }
    if (queueNow && delayMs !== undefined) {
      await queue.send([
        {
          message: {
            agencyId: message.agencyId,
            endpointId: message.endpointId,
            eventId: event.id,
            attempt: message.attempt + 1,
            trigger: 'scheduled',
          },
          delayMs,
        },
      ]);
    }

    const ref = { agencyId: message.agencyId, endpointId: message.endpointId };
    if (verdict.kind === 'succeeded') {
      metrics.delivered(outcome.latencyMs);
      if (health.failingSince !== undefined) await webhookDeliveries.markHealthy(message.endpointId);
    } else {
      finalFailure(updated, verdict.errorClass);
      if (verdict.kind === 'gone' && verdict.errorClass !== 'payload_too_large') {
        await disable(ref, 'gone');
      } else {
        const failingSince = await webhookDeliveries.markFailing(
          message.endpointId,
          finishedAt.toISOString(),
        );
        if (finishedAt.getTime() - Date.parse(failingSince) >= disableAfterMs) {
          await disable(ref, 'failing', failingSince);
        }
      }
    }
    return { kind: 'attempted', delivery: updated, outcome, verdict };
  };

  /**
   * The publication a first attempt must wait for: its event announces an award publication
   * version the public pointer has not reached yet. A later attempt never waits (its first was made).
   */
  const awaitedPublications = async (
    messages: readonly DeliveryMessage[],
  ): Promise<(AnnouncedPublication | undefined)[]> => {
    const announced = messages.map((message) =>
      message.attempt === 1 && message.event ? announcedPublication(message.event) : undefined,
    );
    const years = [...new Set(announced.flatMap((publication) => (publication ? [publication.year] : [])))];
    if (years.length === 0) return announced;
    const pointers = await awards.pointers(years);
    return announced.map((publication) =>
      publication && (pointers.get(publication.year)?.version ?? 0) < publication.version
        ? publication
        : undefined,
    );
  };

  /**
   * Attempts a batch of messages (a queue batch): what they need is read in one round trip (after
   * one more when award events are in it: their publications' pointers, read together), then each
   * goes on its own — POSTed at once, recorded as soon as its answer comes — so a slow endpoint
   * delays no other. Each result is settled on its own (a storage failure fails its message only).
   */
  const attemptMany = async (
    messages: readonly DeliveryMessage[],
  ): Promise<PromiseSettledResult<AttemptResult>[]> => {
    const awaited = await awaitedPublications(messages);
    const ready = messages.filter((_message, index) => awaited[index] === undefined);
    // First attempts whose publication is not public yet go back on the queue together (one send),
    // each with its own delay; waiting is no attempt.
    const held = messages.flatMap((message, index) => {
      const publication = awaited[index];
      if (!publication) return [];
      // A publication that never finishes is reported by `watchPublications`, whatever it wrote.
      const holds = message.held ?? 0;
      return [
        { message: { ...message, held: holds + 1 }, delayMs: publicationHoldDelayMs(holds), publication },
      ];
    });
    const [contexts] = await Promise.all([
      ready.length > 0 ? webhookDeliveries.attemptContexts(ready) : [],
      held.length > 0 ? queue.send(held.map(({ message, delayMs }) => ({ message, delayMs }))) : undefined,
    ]);
    let next = 0;
    let nextHeld = 0;
    return Promise.allSettled(
      messages.map(async (message, index): Promise<AttemptResult> => {
        if (awaited[index] === undefined) return attemptWith(message, contexts[next++] as AttemptContext);
        const { publication, delayMs } = held[nextHeld++] as (typeof held)[number];
        return { kind: 'held', publication, delayMs };
      }),
    );
  };

  const attempt = async (message: DeliveryMessage): Promise<AttemptResult> => {
    const [result] = await attemptMany([message]);
    if (result?.status === 'fulfilled') return result.value;
    throw result?.reason;
  };

  /**
   * Queues every attempt due within the look-ahead that is not already on its way: retries too far
   * off for the queue's delay limit, redeliveries, and — after a grace period — retries whose
   * queued message was lost.
   */
  const sweep = async (): Promise<number> => {
    const now = clock.now();
    const due = await webhookDeliveries.due(new Date(now.getTime() + lookaheadMs).toISOString(), 500);
    const messages: { message: DeliveryMessage; delayMs: number }[] = [];
    for (const delivery of due) {
      const dueAt = delivery.nextAttemptAt;
      if (dueAt === undefined) continue;
      const onItsWay = delivery.enqueuedFor === dueAt && Date.parse(dueAt) > now.getTime() - graceMs;
      if (onItsWay || !(await webhookDeliveries.markEnqueued(delivery, dueAt))) continue;
      messages.push({
        message: {
          agencyId: delivery.agencyId,
          endpointId: delivery.endpointId,
          eventId: delivery.eventId,
          attempt: delivery.attemptCount + 1,
          trigger: delivery.redeliveryRequestedAt === undefined ? 'scheduled' : 'redelivery',
        },
        delayMs: Math.max(0, Date.parse(dueAt) - now.getTime()),
      });
    }
    await queue.send(messages);
    return messages.length;
  };

  /**
   * Reports each award publication still unfinished `stalledPublicationMs` after its claim, whatever
   * it wrote: one cut off before any subscribed recipient was written holds no event, so only this
   * sees it. One Query of a sparse index, empty unless one is stalled; run with the sweep (every
   * minute in AWS). Returns how many it reported.
   */
  const watchPublications = async (): Promise<number> => {
    const now = clock.now();
    const unfinished = await awards.unfinished(new Date(now.getTime() - stalledPublicationMs).toISOString());
    for (const publication of unfinished) {
      metrics.publicationUnfinished(publication, now.getTime() - Date.parse(publication.startedAt));
    }
    return unfinished.length;
  };

  return { fanOut, attempt, attemptMany, sweep, watchPublications };
};

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;

/** A delivery record expires this long after `updatedAt` (epoch seconds, the events table's TTL). */
export const deliveryExpiry = (updatedAt: string): number =>
  Math.floor((Date.parse(updatedAt) + deliveryRetentionMs) / 1000);
