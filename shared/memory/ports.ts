import type { AuditEntry, AuditTrail } from '#shared/domain/audit.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import type { DomainEvent } from '#shared/domain/events.ts';
import type { CycleRecord, CycleStore } from '#shared/services/cycles/ports.ts';
import type {
  ChangeSet,
  CommitOutcome,
  Page,
  PageRequest,
  StateChange,
  WritePath,
} from '#shared/services/ports.ts';
import type {
  AgencyRecord,
  AgencyStore,
  AuditRecord,
  AuditTrailStore,
  MachineClientRecord,
  MachineClientStore,
} from '#shared/services/registry/ports.ts';
import type {
  SelfAssessmentHeader,
  SelfAssessmentStore,
  StoredAnswer,
} from '#shared/services/self-assessment/ports.ts';
import type { WebhookDeliveryStore, WebhookEndpointStore } from '#shared/services/webhooks/ports.ts';
import { createMemoryWebhooks } from './webhooks.ts';

/**
 * The services' ports in memory: the second adapter beside DynamoDB, so every service rule is unit
 * tested without Java. Conditions mirror the DynamoDB adapter's, state change by state change
 * (`shared/dynamodb/*-store.ts`): all are checked against the state before the change set, then
 * all of it is applied, or nothing. DynamoDB Local tests prove the real conditions; these keep the
 * services honest about what the write path can refuse.
 */

const trailKey = (trail: AuditTrail): string => JSON.stringify(trail);
const selfKey = (year: number, agencyId: string) => `${year}#${agencyId}`;

const decodeAfter = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof value.after === 'string') return value.after;
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not one this listing returned.', {
    errors: [
      { pointer: '/query/cursor', detail: 'Use the nextCursor of the previous page with the same filters' },
    ],
  });
};

const pageOf = <T>(items: readonly T[], keyOf: (item: T) => string, page: PageRequest): Page<T> => {
  const after = decodeAfter(page.cursor);
  const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after);
  const slice = start < 0 ? [] : items.slice(start, start + page.limit);
  const last = slice.at(-1);
  const more = start >= 0 && start + page.limit < items.length;
  return {
    items: [...slice],
    nextCursor:
      more && last
        ? Buffer.from(JSON.stringify({ after: keyOf(last) }), 'utf8').toString('base64url')
        : undefined,
  };
};

export interface MemoryPorts {
  readonly agencies: AgencyStore;
  readonly cycles: CycleStore;
  readonly machineClients: MachineClientStore;
  readonly selfAssessments: SelfAssessmentStore;
  readonly audits: AuditTrailStore;
  readonly webhookEndpoints: WebhookEndpointStore;
  readonly webhookDeliveries: WebhookDeliveryStore;
  /** Webhook state for tests: every delivery, an endpoint's health. */
  readonly webhooks: Pick<ReturnType<typeof createMemoryWebhooks>, 'deliveries' | 'health'>;
  readonly writes: WritePath;
  /** Everything committed to the outbox, in order (what tests assert on). */
  readonly events: readonly DomainEvent[];
  /** How many commits (change sets) were made, for tests that count writes. */
  readonly commits: () => number;
}

export const createMemoryPorts = (): MemoryPorts => {
  const agencies = new Map<string, AgencyRecord>();
  const cycles = new Map<number, CycleRecord>();
  const clients = new Map<string, MachineClientRecord>();
  const headers = new Map<string, SelfAssessmentHeader>();
  const answers = new Map<string, Map<number, StoredAnswer>>();
  const audits = new Map<string, AuditEntry[]>();
  const events: DomainEvent[] = [];
  let commitCount = 0;
  const webhooks = createMemoryWebhooks((agencyId) => agencies.has(agencyId));

  /** Does this change's condition hold against the current state? */
  const holds = (change: StateChange): boolean => {
    switch (change.kind) {
      case 'agency': {
        const { agency, before } = change;
        const stored = agencies.get(agency.id);
        if (before ? stored?.version !== before.version : stored !== undefined) return false;
        if (before?.group === 'provinsi' && agency.group !== 'provinsi' && (stored?.childCount ?? 0) > 0) {
          return false;
        }
        const parent = agency.parentProvinceId;
        if (parent !== undefined && parent !== before?.parentProvinceId) {
          if (agencies.get(parent)?.group !== 'provinsi') return false;
        }
        const oldParent = before?.parentProvinceId;
        return oldParent === undefined || oldParent === parent || agencies.has(oldParent);
      }
      case 'machine-client': {
        const stored = clients.get(change.client.clientId);
        return change.before ? stored?.version === change.before.version : stored === undefined;
      }
      case 'cycle':
        return !cycles.has(change.cycle.year);
      case 'self-assessment.answers': {
        const header = headers.get(selfKey(change.year, change.agencyId));
        return change.expectedVersion === 0
          ? header === undefined
          : header?.version === change.expectedVersion && header.status === 'draft';
      }
      case 'self-assessment.submission': {
        const header = headers.get(selfKey(change.year, change.agencyId));
        return (
          header?.version === change.expectedVersion &&
          header.status === 'draft' &&
          header.answeredCount === change.requiredAnswers
        );
      }
      case 'webhook-endpoint':
      case 'webhook-endpoint.deletion':
        return webhooks.holds(change);
    }
  };

  const addChildren = (provinceId: string, delta: number) => {
    const province = agencies.get(provinceId);
    if (province) agencies.set(provinceId, { ...province, childCount: (province.childCount ?? 0) + delta });
  };

  const apply = (change: StateChange): void => {
    switch (change.kind) {
      case 'agency': {
        const { agency, before } = change;
        const { childCount: _kept, ...fields } = agency;
        const stored = agencies.get(agency.id);
        agencies.set(agency.id, {
          ...fields,
          ...(stored?.childCount === undefined ? {} : { childCount: stored.childCount }),
        });
        const parent = agency.parentProvinceId;
        const oldParent = before?.parentProvinceId;
        if (parent !== undefined && parent !== oldParent) addChildren(parent, 1);
        if (oldParent !== undefined && oldParent !== parent) addChildren(oldParent, -1);
        return;
      }
      case 'machine-client':
        clients.set(change.client.clientId, change.client);
        return;
      case 'cycle':
        cycles.set(change.cycle.year, change.cycle);
        return;
      case 'self-assessment.answers': {
        const key = selfKey(change.year, change.agencyId);
        headers.set(key, change.header);
        const stored = answers.get(key) ?? new Map<number, StoredAnswer>();
        for (const answer of change.answers) stored.set(answer.indicatorNo, answer);
        answers.set(key, stored);
        return;
      }
      case 'self-assessment.submission':
        headers.set(selfKey(change.year, change.agencyId), change.header);
        return;
      case 'webhook-endpoint':
      case 'webhook-endpoint.deletion':
        webhooks.apply(change);
        return;
    }
  };

  const commit = async (change: ChangeSet): Promise<CommitOutcome> => {
    const failed = change.state.find((state) => !holds(state));
    if (failed) return { committed: false, failed };
    const known = new Set(events.map((event) => event.id));
    if (change.events.some((event) => known.has(event.id))) throw new Error('Duplicate event id');
    for (const state of change.state) apply(state);
    for (const entry of change.audits) {
      const key = trailKey(entry.trail);
      audits.set(key, [...(audits.get(key) ?? []), entry]);
    }
    events.push(...change.events);
    commitCount += 1;
    return { committed: true };
  };

  const roster = () => [...agencies.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    agencies: {
      get: async (agencyId) => agencies.get(agencyId),
      list: async ({ group, ...page }) =>
        pageOf(
          roster().filter((agency) => group === undefined || agency.group === group),
          (agency) => agency.id,
          page,
        ),
      listAll: async () => roster(),
    },
    cycles: {
      get: async (year) => cycles.get(year),
      list: async () => [...cycles.values()].sort((a, b) => b.year - a.year),
    },
    machineClients: { get: async (clientId) => clients.get(clientId) },
    selfAssessments: {
      context: async (year, agencyId) => ({ cycle: cycles.get(year), agency: agencies.get(agencyId) }),
      load: async (year, agencyId) => ({
        header: headers.get(selfKey(year, agencyId)),
        answers: new Map(answers.get(selfKey(year, agencyId)) ?? []),
      }),
    },
    audits: {
      list: async (trail, page) => {
        const newestFirst = [...(audits.get(trailKey(trail)) ?? [])].reverse();
        // Position in newest-first order, zero-padded: the cursor's order is the listing's.
        const keyed = newestFirst.map((entry, index) => ({ entry, key: String(index).padStart(9, '0') }));
        const result = pageOf(keyed, ({ key }) => key, page);
        return {
          items: result.items.map(
            ({ entry: { trail: _trail, ...record } }): AuditRecord => ({
              ...record,
              changes: [...record.changes],
            }),
          ),
          nextCursor: result.nextCursor,
        };
      },
    },
    webhookEndpoints: webhooks.webhookEndpoints,
    webhookDeliveries: webhooks.webhookDeliveries,
    webhooks: { deliveries: webhooks.deliveries, health: webhooks.health },
    writes: {
      commit,
      commitMany: async (changes) => {
        for (const [index, change] of changes.entries()) {
          const outcome = await commit(change);
          if (!outcome.committed) return { committed: index, failed: { index, change: outcome.failed } };
        }
        return { committed: changes.length };
      },
    },
    events,
    commits: () => commitCount,
  };
};
