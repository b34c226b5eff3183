/**
 * Webhook dispatch at national scale: awards published to 620 recipients, one loopback endpoint each,
 * delivered through the whole local path — outbox events written by the audited write path, the
 * events table's stream, fan-out, the timer queue, one attempt per delivery (read, sign, POST, record)
 * on DynamoDB Local. Beside it, a floor measured in the same run: the same number of signed POSTs to
 * the same receivers from a bare loop (sign, POST, await the answer, next), nothing stored. Each side
 * runs once untimed first (warm-up), then timed.
 *
 * Targets (issue): every delivery within 60 s here, and within 3× the floor.
 */
import { createHmac } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { nationalRoster } from '../local/seed/roster.ts';
import { startLocalDispatcher } from '../local/webhooks.ts';
import type { Actor } from '../shared/domain/actor.ts';
import { auditEntry } from '../shared/domain/actor.ts';
import type { AwardPublication } from '../shared/domain/awards/publication.ts';
import { type DomainEvent, eventTypes } from '../shared/domain/events.ts';
import { webhookPayload } from '../shared/domain/webhooks/delivery.ts';
import { webhookHeaders } from '../shared/domain/webhooks/signing.ts';
import { createDocumentClient } from '../shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '../shared/dynamodb/ports.ts';
import { systemIds, systemSecrets } from '../shared/runtime/system.ts';
import type { ChangeSet, StateChange } from '../shared/services/ports.ts';
import { createAgencyService } from '../shared/services/registry/agencies.ts';
import { createWebhookEndpointService } from '../shared/services/webhooks/endpoints.ts';
import { publishRankingRun } from '../test/helpers/award-publications.ts';
import type { BenchReport } from './lib.ts';

const recipients = 620;
const year = new Date().getUTCFullYear();

interface Receiver {
  readonly url: string;
  readonly server: Server;
  secret: string;
  received: number;
  verified: number;
}

/** A receiver on 127.0.0.1 that checks the v1 signature (node:crypto, as a receiver would) and answers 204. */
const startReceiver = async (onReceive: () => void): Promise<Receiver> => {
  const receiver: Receiver = { url: '', server: createServer(), secret: '', received: 0, verified: 0 };
  receiver.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signed = `${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${body}`;
      const expected = createHmac('sha256', Buffer.from(receiver.secret.slice(6), 'base64'))
        .update(signed)
        .digest('base64');
      const signatures = String(req.headers['webhook-signature'] ?? '').split(' ');
      receiver.received += 1;
      if (signatures.includes(`v1,${expected}`)) receiver.verified += 1;
      res.writeHead(204).end();
      onReceive();
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const address = receiver.server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}/spbe` });
};

const post = (agent: Agent, url: string, headers: Record<string, string>, body: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

export async function runWebhookBench(): Promise<BenchReport> {
  const local = await startDynamoDbLocal();
  const receivers: Receiver[] = [];
  let dispatcher: ReturnType<typeof startLocalDispatcher> | undefined;
  try {
    // Prepare: 620 agencies, 620 receivers, one endpoint each (the development setting allows loopback).
    const ports = createDynamoDbPorts(createDocumentClient(local.client), local.tables);
    const admin: Actor = {
      subject: 'bench',
      role: 'admin',
      requestId: 'bench',
      route: 'bench',
      now: new Date(),
    };
    await createAgencyService(ports).importAgencies(admin, nationalRoster);
    // The award publications below draw from ranking run `bench`: their claims check it is published.
    await publishRankingRun(ports.writes, admin, year, 'bench');
    const agencies = nationalRoster.slice(0, recipients);
    let arrived = 0;
    let allArrived: () => void = () => undefined;
    for (let index = 0; index < recipients; index += 1) {
      receivers.push(
        await startReceiver(() => {
          arrived += 1;
          if (arrived === recipients) allArrived();
        }),
      );
    }
    const endpoints = createWebhookEndpointService({
      ...ports,
      ids: systemIds,
      secrets: systemSecrets,
      resolver: { resolve: async () => [] },
      urlPolicy: { allowLoopbackHttp: true },
    });
    for (const [index, agency] of agencies.entries()) {
      const receiver = receivers[index] as Receiver;
      const { secret } = await endpoints.create({ ...admin, now: new Date() }, agency.id, {
        url: receiver.url,
        eventTypes: [eventTypes.awardPublished],
        signatureSchemes: ['v1'],
      });
      receiver.secret = secret ?? '';
    }
    /**
     * One `award.published` event per recipient of publication version `version`, with new ids each
     * time: the dispatcher holds each until that version is public, as it does for a real one.
     */
    let published = 0;
    const awardEvents = (): { version: number; events: DomainEvent[] } => {
      // The next publication's: the floor's rounds publish nothing.
      const version = published + 1;
      return {
        version,
        events: agencies.map((agency) => ({
          id: systemIds.next('evt'),
          type: eventTypes.awardPublished,
          occurredAt: new Date().toISOString(),
          subject: { year, agencyId: agency.id },
          data: {
            publicationVersion: version,
            awards: [`apd-${year}-layanan-provinsi-${version}`],
            link: `/v1/agencies/${agency.id}/awards`,
          },
        })),
      };
    };
    /** The publication record around the recipients' events: claimed first, its pointer moved last. */
    const publicationOf = (version: number): AwardPublication => ({
      year,
      version,
      status: 'publishing',
      reason: version === 1 ? 'initial' : 'correction',
      previousVersion: version === 1 ? null : version - 1,
      previousSha256: version === 1 ? null : `bench-${version - 1}`,
      rulesId: 'bench',
      frameworkId: 'spbe-2020',
      rulesNameId: 'bench',
      rulesNameEn: 'bench',
      categories: [],
      rankingRunId: 'bench',
      inputsSha256: 'bench',
      decisionsThrough: 0,
      awards: [],
      awardCount: recipients,
      recipientCount: recipients,
      requestedBy: admin.subject,
      startedAt: new Date().toISOString(),
      sha256: `bench-${version}`,
    });
    const publicationStep = async (state: StateChange, action: string) => {
      const outcome = await ports.writes.commit({
        state: [state],
        audits: [auditEntry({ ...admin, now: new Date() }, { kind: 'cycle', year }, action, 'awards', [])],
        events: [],
      });
      if (!outcome.committed) throw new Error(`The bench's ${action} did not commit`);
    };
    const resetReceivers = () => {
      for (const receiver of receivers) {
        receiver.received = 0;
        receiver.verified = 0;
      }
      arrived = 0;
    };

    /** Floor: the same signed POSTs from a bare loop, one after the other. */
    const floorRound = async (events: readonly DomainEvent[]) => {
      resetReceivers();
      const agent = new Agent({ keepAlive: true });
      const started = performance.now();
      for (const [index, event] of events.entries()) {
        const receiver = receivers[index] as Receiver;
        const body = webhookPayload(event);
        const headers = {
          'content-type': 'application/json',
          ...webhookHeaders(event.id, new Date(), body, ['v1'], [{ secret: receiver.secret }]),
        };
        await post(agent, receiver.url, headers, body);
      }
      const ms = performance.now() - started;
      agent.destroy();
      return { ms, verified: receivers.reduce((sum, receiver) => sum + receiver.verified, 0) };
    };

    /**
     * Product: publish through the write path as the award service does — claim the version, the
     * recipients' events in packed transactions, then the pointer switch — while the dispatcher
     * (running, reading the stream) delivers every award once its version is public. Timed from the
     * start of the publication to the last verified delivery.
     */
    const dispatchRound = async ({
      version,
      events,
    }: {
      version: number;
      events: readonly DomainEvent[];
    }) => {
      resetReceivers();
      const delivered = new Promise<void>((resolve) => {
        allArrived = resolve;
      });
      const started = performance.now();
      const publication = publicationOf(version);
      await publicationStep({ kind: 'award.claim', publication }, 'award.publication.started');
      const changes: ChangeSet[] = events.map((event) => ({
        state: [],
        audits: [
          auditEntry(
            { ...admin, now: new Date() },
            { kind: 'cycle', year },
            'award.published',
            event.subject.agencyId ?? '',
            [],
          ),
        ],
        events: [event],
      }));
      const outcome = await ports.writes.commitMany(changes);
      await publicationStep(
        {
          kind: 'award.publish',
          publication: { ...publication, status: 'published', publishedAt: new Date().toISOString() },
        },
        'award.publication.published',
      );
      published = version;
      const publishMs = performance.now() - started;
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 120_000).unref(),
      );
      const finished = await Promise.race([delivered.then(() => 'delivered' as const), timeout]);
      return {
        publishMs,
        totalMs: performance.now() - started,
        committed: outcome.committed,
        finished,
        received: receivers.reduce((sum, receiver) => sum + receiver.received, 0),
        verified: receivers.reduce((sum, receiver) => sum + receiver.verified, 0),
      };
    };

    dispatcher = startLocalDispatcher(local, { pollIntervalMs: 20 });
    // One untimed round of each first, as the other benches warm up: DynamoDB Local's JVM compiles
    // its conditional puts, batch reads and stream reads on first use (the first 620 puts cost it
    // several times the CPU of later ones), and this process its HTTP and signing paths. Production
    // DynamoDB has no such warm-up; both sides are then timed warm, in the same state.
    await floorRound(awardEvents().events);
    const warmUp = await dispatchRound(awardEvents());
    if (warmUp.finished !== 'delivered') throw new Error('The warm-up round did not deliver every award.');

    const round = awardEvents();
    const { events } = round;
    const floor = await floorRound(events);
    const floorMs = floor.ms;
    const floorVerified = floor.verified;
    const { publishMs, totalMs, committed, finished, received, verified } = await dispatchRound(round);
    await dispatcher.stop();
    dispatcher = undefined;

    // Storage floor: the dispatcher's DynamoDB work alone, on the same instance — for each delivery a
    // read of what its attempt needs (in batches of ten) and one conditional write of its record — with
    // the same parallelism (16 lanes), no HTTP. It shows how much of the dispatch time is storage.
    const deliveredRecords = await Promise.all(
      events.map(async (event, index) => {
        const endpointId =
          (await ports.webhookEndpoints.listByAgency(agencies[index]?.id ?? ''))[0]?.id ?? '';
        return ports.webhookDeliveries.get(endpointId, event.id);
      }),
    );
    const records = deliveredRecords.flatMap((record) => (record ? [record] : []));
    const storageStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < records.length) {
          const batch = records.slice(next, next + 10);
          next += 10;
          await ports.webhookDeliveries.attemptContexts(
            batch.map((record) => ({
              agencyId: record.agencyId,
              endpointId: record.endpointId,
              eventId: `${record.eventId}x`,
            })),
          );
          await Promise.all(
            batch.map((record) =>
              ports.webhookDeliveries.saveAttempt({ ...record, eventId: `${record.eventId}x` }, 0),
            ),
          );
        }
      }),
    );
    const storageMs = performance.now() - storageStart;
    const complete = finished === 'delivered' && committed === recipients && verified === recipients;
    const perSecond = (count: number, ms: number) => ((count / ms) * 1000).toFixed(0);

    return {
      title: `Webhooks: ${recipients} award.published events, one loopback endpoint each (whole local path on DynamoDB Local)`,
      measurements: [
        {
          name: `floor: ${recipients} signed POSTs, bare loop`,
          ms: floorMs,
          ratio: 1,
          note: `${perSecond(recipients, floorMs)}/s; ${floorVerified} verified`,
        },
        {
          name: `storage floor: ${recipients} × (read, conditional write)`,
          ms: storageMs,
          ratio: storageMs / floorMs,
          note: 'the dispatcher’s DynamoDB Local work alone, same parallelism, no HTTP',
        },
        {
          name: 'publish: claim, recipients’ events through the write path, pointer switch',
          ms: publishMs,
          ratio: null,
          note: `${committed} change sets (event + audit record each)`,
        },
        {
          name: `dispatch: stream → all ${recipients} delivered`,
          ms: totalMs,
          ratio: totalMs / floorMs,
          note: `${perSecond(received, totalMs)} deliveries/s; ${received} received, ${verified} verified`,
        },
      ],
      targets: [
        {
          name: `all ${recipients} delivered and verified within 60 s`,
          pass: complete && totalMs <= 60_000,
          detail: `${received} received, ${verified} verified in ${(totalMs / 1000).toFixed(2)} s`,
        },
        {
          name: 'within 3× the floor',
          pass: complete && totalMs <= 3 * floorMs,
          detail: `${totalMs.toFixed(0)} ms vs ${(3 * floorMs).toFixed(0)} ms allowed (${(totalMs / floorMs).toFixed(2)}×)`,
        },
      ],
    };
  } finally {
    await dispatcher?.stop();
    await Promise.all(
      receivers.map(
        (receiver) =>
          new Promise<void>((resolve) => {
            receiver.server.closeAllConnections();
            receiver.server.close(() => resolve());
          }),
      ),
    );
    await local.stop();
  }
}
