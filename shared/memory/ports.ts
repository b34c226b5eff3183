import type { ReviewMark, StageScore } from '#shared/domain/assessment.ts';
import type { AuditEntry, AuditTrail } from '#shared/domain/audit.ts';
import type { DomainEvent } from '#shared/domain/events.ts';
import { type ResultVersion, resultSummary } from '#shared/domain/results.ts';
import type {
  AssessmentStore,
  AssessorRecord,
  AssessorStore,
  AssignmentRecord,
  AssignmentStore,
} from '#shared/services/assessment/ports.ts';
import type { AwardStore } from '#shared/services/awards/ports.ts';
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
  AgencyPositionsRecord,
  PublishedRun,
  RankingPageRecord,
  RankingRunRecord,
  RankingStore,
} from '#shared/services/rankings/ports.ts';
import type {
  AgencyRecord,
  AgencyStore,
  AuditRecord,
  AuditTrailStore,
  MachineClientRecord,
  MachineClientStore,
} from '#shared/services/registry/ports.ts';
import type { AppealRecord, CurrentResult, ResultStore } from '#shared/services/results/ports.ts';
import type {
  SelfAssessmentHeader,
  SelfAssessmentStore,
  StoredAnswer,
} from '#shared/services/self-assessment/ports.ts';
import type { WebhookDeliveryStore, WebhookEndpointStore } from '#shared/services/webhooks/ports.ts';
import { createMemoryAwards } from './awards.ts';
import { pageAfter } from './paging.ts';
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

/** A page of `items` in the order of their keys (an index's sort key), resumed after the cursor's key. */
const pageOf = <T>(unordered: readonly T[], keyOf: (item: T) => string, page: PageRequest): Page<T> =>
  pageAfter(
    [...unordered].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)),
    keyOf,
    page,
  );

export interface MemoryPorts {
  readonly agencies: AgencyStore;
  readonly cycles: CycleStore;
  readonly machineClients: MachineClientStore;
  readonly selfAssessments: SelfAssessmentStore;
  readonly audits: AuditTrailStore;
  readonly assessors: AssessorStore;
  readonly assignments: AssignmentStore;
  readonly assessments: AssessmentStore;
  readonly results: ResultStore;
  readonly rankings: RankingStore;
  readonly awards: AwardStore;
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
  const assessors = new Map<string, AssessorRecord>();
  const assignments = new Map<string, AssignmentRecord>();
  const heads = new Map<
    string,
    { members: Set<string>; revision: number; finalizedAt?: string | undefined }
  >();
  const loads = new Map<string, number>();
  const scores = new Map<string, StageScore>();
  const reviews = new Map<string, ReviewMark>();
  const resultVersions = new Map<string, ResultVersion>();
  const currents = new Map<string, CurrentResult>();
  const appeals = new Map<string, AppealRecord>();
  const runs = new Map<string, RankingRunRecord>();
  const leases = new Map<number, { runId: string; until: string }>();
  const pointers = new Map<number, PublishedRun>();
  const rankingPages = new Map<string, RankingPageRecord>();
  const positions = new Map<string, AgencyPositionsRecord>();
  let commitCount = 0;
  const runKey = (year: number, runId: string) => `${year}#${runId}`;
  const leaseFree = (year: number, runId: string, now: string) => {
    const lease = leases.get(year);
    return lease === undefined || lease.until < now || lease.runId === runId;
  };

  const assignmentKey = (year: number, agencyId: string, subject: string) => `${year}#${agencyId}#${subject}`;
  const scoreKey = (year: number, agencyId: string, score: StageScore) =>
    `${year}#${agencyId}#${score.stage}#${score.indicatorNo}#${score.version}`;
  const reviewKey = (year: number, agencyId: string, indicatorNo: number) =>
    `${year}#${agencyId}#${indicatorNo}`;
  const versionKey = (result: ResultVersion) => `${result.year}#${result.agencyId}#${result.version}`;
  const appealKey = (appeal: AppealRecord) => `${appeal.year}#${appeal.agencyId}#${appeal.appealId}`;
  const inPartition = (key: string, year: number, agencyId: string) => key.startsWith(`${year}#${agencyId}#`);
  const currentOf = (
    identity: { year: number; agencyId: string; agencyName: string; group: CurrentResult['group'] },
    result: ResultVersion,
  ): CurrentResult => ({
    year: identity.year,
    agencyId: identity.agencyId,
    agencyName: identity.agencyName,
    group: identity.group,
    version: result.version,
    sha256: result.sha256,
    summary: resultSummary(result),
  });
  const webhooks = createMemoryWebhooks((agencyId) => agencies.has(agencyId));
  const awards = createMemoryAwards();

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
      case 'cycle.windows':
        return cycles.get(change.cycle.year)?.version === change.expectedVersion;
      case 'cycle.unchanged':
        return cycles.get(change.year)?.version === change.version;
      case 'cycle.unpublished':
        return !pointers.has(change.year) && !awards.isPublished(change.year);
      case 'agency.active':
        return agencies.get(change.agencyId)?.active === true;
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
      case 'assessor': {
        const stored = assessors.get(change.assessor.subject);
        return change.before ? stored?.version === change.before.version : stored === undefined;
      }
      case 'panel.assign':
        return (
          heads.get(selfKey(change.year, change.agencyId))?.finalizedAt === undefined &&
          !currents.has(selfKey(change.year, change.agencyId)) &&
          change.assignments.every(
            (assignment) =>
              (assignments.get(assignmentKey(change.year, change.agencyId, assignment.assessor))?.status ??
                'removed') === 'removed' &&
              (loads.get(`${assignment.assessor}#${change.year}`) ?? 0) < change.loadCap,
          )
        );
      case 'panel.recuse': {
        const { year, agencyId, assessor } = change.assignment;
        const head = heads.get(selfKey(year, agencyId));
        return (
          assignments.get(assignmentKey(year, agencyId, assessor))?.status === 'active' &&
          head !== undefined &&
          head.members.has(assessor) &&
          head.members.size > 1
        );
      }
      case 'panel.remove': {
        const { year, agencyId, assessor } = change.assignment;
        return (
          assignments.get(assignmentKey(year, agencyId, assessor))?.status === 'active' &&
          heads.get(selfKey(year, agencyId))?.members.has(assessor) === true
        );
      }
      case 'scores': {
        const head = heads.get(selfKey(change.year, change.agencyId));
        return (
          head?.members.has(change.recordedBy) === true &&
          head.finalizedAt === undefined &&
          change.scores.every((score) => !scores.has(scoreKey(change.year, change.agencyId, score)))
        );
      }
      case 'reviews': {
        const head = heads.get(selfKey(change.year, change.agencyId));
        return (
          head !== undefined &&
          head.finalizedAt === undefined &&
          change.reviews.every(
            ({ review, expectedVersion }) =>
              (reviews.get(reviewKey(change.year, change.agencyId, review.indicatorNo))?.version ?? 0) ===
              expectedVersion,
          )
        );
      }
      case 'result.finalize': {
        const head = heads.get(selfKey(change.year, change.agencyId));
        return (
          head?.revision === change.revision &&
          head.finalizedAt === undefined &&
          !resultVersions.has(versionKey(change.result)) &&
          !currents.has(selfKey(change.year, change.agencyId))
        );
      }
      case 'result.import':
        return (
          !resultVersions.has(versionKey(change.result)) &&
          !currents.has(selfKey(change.year, change.agencyId)) &&
          !heads.has(selfKey(change.year, change.agencyId))
        );
      case 'appeal.file': {
        const current = currents.get(selfKey(change.appeal.year, change.appeal.agencyId));
        return (
          !appeals.has(appealKey(change.appeal)) &&
          current !== undefined &&
          current.openAppealId === undefined &&
          current.version === change.appeal.resultVersion
        );
      }
      case 'ranking.start':
        return (
          !runs.has(runKey(change.run.year, change.run.runId)) &&
          leaseFree(change.run.year, change.run.runId, change.now)
        );
      case 'ranking.publish':
        return (
          runs.get(runKey(change.run.year, change.run.runId))?.status === 'running' &&
          pointers.get(change.run.year)?.runId === change.previousRunId &&
          leases.get(change.run.year)?.runId === change.run.runId
        );
      case 'ranking.confirm': {
        const pointer = pointers.get(change.run.year);
        return (
          runs.get(runKey(change.run.year, change.run.runId))?.status === 'running' &&
          pointer?.runId === change.confirmedRunId &&
          pointer.inputsSha256 === change.inputsSha256 &&
          pointer.entriesSha256 === change.entriesSha256 &&
          leases.get(change.run.year)?.runId === change.run.runId
        );
      }
      case 'appeal.decide': {
        const current = currents.get(selfKey(change.year, change.agencyId));
        return (
          appeals.get(appealKey(change.appeal))?.status === 'open' &&
          current?.openAppealId === change.appeal.appealId &&
          current.version === change.appealedVersion &&
          (change.newResult === undefined || !resultVersions.has(versionKey(change.newResult)))
        );
      }
      case 'webhook-endpoint':
      case 'webhook-endpoint.deletion':
      case 'webhook-delivery.redelivery':
        return webhooks.holds(change);
      case 'award.claim':
        return (
          awards.holds(change) &&
          pointers.get(change.publication.year)?.runId === change.publication.rankingRunId
        );
      case 'award.decision':
      case 'award.recipient':
      case 'award.publish':
        return awards.holds(change);
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
      case 'cycle.windows':
        cycles.set(change.cycle.year, change.cycle);
        return;
      case 'cycle.unchanged':
      case 'cycle.unpublished':
      case 'agency.active':
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
      case 'assessor':
        assessors.set(change.assessor.subject, change.assessor);
        return;
      case 'panel.assign': {
        const key = selfKey(change.year, change.agencyId);
        const head = heads.get(key) ?? { members: new Set<string>(), revision: 0 };
        for (const assignment of change.assignments) {
          assignments.set(assignmentKey(change.year, change.agencyId, assignment.assessor), assignment);
          head.members.add(assignment.assessor);
          const load = `${assignment.assessor}#${change.year}`;
          loads.set(load, (loads.get(load) ?? 0) + 1);
        }
        heads.set(key, head);
        return;
      }
      case 'panel.recuse':
      case 'panel.remove': {
        const { year, agencyId, assessor } = change.assignment;
        assignments.set(assignmentKey(year, agencyId, assessor), change.assignment);
        heads.get(selfKey(year, agencyId))?.members.delete(assessor);
        loads.set(`${assessor}#${year}`, (loads.get(`${assessor}#${year}`) ?? 1) - 1);
        return;
      }
      case 'scores': {
        for (const score of change.scores) scores.set(scoreKey(change.year, change.agencyId, score), score);
        const head = heads.get(selfKey(change.year, change.agencyId));
        if (head) head.revision += 1;
        return;
      }
      case 'reviews': {
        for (const { review } of change.reviews) {
          reviews.set(reviewKey(change.year, change.agencyId, review.indicatorNo), review);
        }
        const head = heads.get(selfKey(change.year, change.agencyId));
        if (head) head.revision += 1;
        return;
      }
      case 'result.finalize':
      case 'result.import': {
        if (change.kind === 'result.finalize') {
          const head = heads.get(selfKey(change.year, change.agencyId));
          if (head) head.finalizedAt = change.result.finalizedAt;
        }
        resultVersions.set(versionKey(change.result), change.result);
        currents.set(selfKey(change.year, change.agencyId), currentOf(change, change.result));
        return;
      }
      case 'appeal.file': {
        appeals.set(appealKey(change.appeal), change.appeal);
        const key = selfKey(change.appeal.year, change.appeal.agencyId);
        const current = currents.get(key);
        if (current) currents.set(key, { ...current, openAppealId: change.appeal.appealId });
        return;
      }
      case 'ranking.start':
        runs.set(runKey(change.run.year, change.run.runId), change.run);
        leases.set(change.run.year, { runId: change.run.runId, until: change.leaseUntil });
        return;
      case 'ranking.publish':
        runs.set(runKey(change.run.year, change.run.runId), change.run);
        pointers.set(change.run.year, {
          runId: change.run.runId,
          publishedAt: change.publishedAt,
          ...(change.run.report?.entriesSha256
            ? { inputsSha256: change.run.report.inputsSha256, entriesSha256: change.run.report.entriesSha256 }
            : {}),
        });
        leases.delete(change.run.year);
        return;
      case 'ranking.confirm':
        runs.set(runKey(change.run.year, change.run.runId), change.run);
        leases.delete(change.run.year);
        return;
      case 'appeal.decide': {
        appeals.set(appealKey(change.appeal), change.appeal);
        const key = selfKey(change.year, change.agencyId);
        const current = currents.get(key);
        if (!current) return;
        const { openAppealId: _closed, ...rest } = current;
        if (change.newResult) resultVersions.set(versionKey(change.newResult), change.newResult);
        currents.set(key, change.newResult ? currentOf(change, change.newResult) : rest);
        return;
      }
      case 'webhook-endpoint':
      case 'webhook-endpoint.deletion':
      case 'webhook-delivery.redelivery':
        webhooks.apply(change);
        return;
      case 'award.decision':
      case 'award.claim':
      case 'award.recipient':
      case 'award.publish':
        awards.apply(change);
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
      getMany: async (agencyIds) =>
        [...new Set(agencyIds)].flatMap((agencyId) => {
          const agency = agencies.get(agencyId);
          return agency ? [agency] : [];
        }),
      list: async ({ group, ...page }) =>
        pageOf(
          roster().filter((agency) => group === undefined || agency.group === group),
          (agency) => agency.id,
          page,
        ),
      listAll: async (group) => roster().filter((agency) => group === undefined || agency.group === group),
    },
    cycles: {
      get: async (year) => cycles.get(year),
      list: async () => [...cycles.values()].sort((a, b) => b.year - a.year),
    },
    machineClients: { get: async (clientId) => clients.get(clientId) },
    selfAssessments: {
      context: async (year, agencyId) => ({ cycle: cycles.get(year), agency: agencies.get(agencyId) }),
      cycle: async (year) => cycles.get(year),
      agency: async (agencyId) => agencies.get(agencyId),
      load: async (year, agencyId) => ({
        header: headers.get(selfKey(year, agencyId)),
        answers: new Map(answers.get(selfKey(year, agencyId)) ?? []),
      }),
      listByCycle: async (year, { status, ...page }) => {
        // The adapter's order: status, then agency id (the GSI2 sort key).
        const ofCycle = [...headers]
          .filter(
            ([key, header]) =>
              key.startsWith(`${year}#`) && (status === undefined || header.status === status),
          )
          .map(([key, header]) => ({ agencyId: key.slice(`${year}#`.length), ...header }))
          .map((header) => ({ header, key: `${header.status}#${header.agencyId}` }));
        const result = pageOf(ofCycle, ({ key }) => key, page);
        return { items: result.items.map(({ header }) => header), nextCursor: result.nextCursor };
      },
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
    assessors: {
      get: async (subject) => assessors.get(subject),
      getMany: async (subjects) =>
        new Map(
          subjects.flatMap((subject) => {
            const assessor = assessors.get(subject);
            return assessor ? [[subject, assessor] as const] : [];
          }),
        ),
    },
    assignments: {
      listByCycle: async (year, { agencyId, assessor, ...page }) =>
        pageOf(
          [...assignments.values()]
            .filter(
              (assignment) =>
                assignment.year === year &&
                (agencyId === undefined || assignment.agencyId === agencyId) &&
                (assessor === undefined || assignment.assessor === assessor),
            )
            .sort((a, b) => (`${a.agencyId}#${a.assessor}` < `${b.agencyId}#${b.assessor}` ? -1 : 1)),
          (assignment) => `${assignment.agencyId}#${assignment.assessor}`,
          page,
        ),
      listByAssessor: async (subject, { year, ...page }) =>
        pageOf(
          [...assignments.values()]
            .filter(
              (assignment) =>
                assignment.assessor === subject && (year === undefined || assignment.year === year),
            )
            .sort((a, b) => b.year - a.year || (a.agencyId < b.agencyId ? -1 : 1)),
          (assignment) => `${9999 - assignment.year}#${assignment.agencyId}`,
          page,
        ),
      summaries: async (keys) =>
        new Map(
          keys.flatMap(({ year, agencyId }) => {
            const agency = agencies.get(agencyId);
            if (!agency) return [];
            const status = headers.get(selfKey(year, agencyId))?.status ?? 'none';
            return [
              [`${year}#${agencyId}`, { agencyName: agency.name, selfAssessmentStatus: status }] as const,
            ];
          }),
        ),
      loads: async (year, subjects) =>
        new Map(subjects.map((subject) => [subject, loads.get(`${subject}#${year}`) ?? 0])),
      planning: async (year, subjects, agencyIds) => ({
        cycle: cycles.get(year),
        results: new Map(
          agencyIds.flatMap((agencyId) => {
            const current = currents.get(selfKey(year, agencyId));
            return current ? [[agencyId, current.version] as const] : [];
          }),
        ),
        profiles: new Map(
          subjects.flatMap((subject) => {
            const assessor = assessors.get(subject);
            return assessor ? [[subject, assessor] as const] : [];
          }),
        ),
        loads: new Map(subjects.map((subject) => [subject, loads.get(`${subject}#${year}`) ?? 0])),
      }),
    },
    assessments: {
      load: async (year, agencyId) => {
        const head = heads.get(selfKey(year, agencyId));
        return {
          head: head
            ? { members: [...head.members].sort(), revision: head.revision, finalizedAt: head.finalizedAt }
            : undefined,
          assignments: [...assignments]
            .filter(([key]) => inPartition(key, year, agencyId))
            .map(([, value]) => value),
          scores: [...scores].filter(([key]) => inPartition(key, year, agencyId)).map(([, value]) => value),
          reviews: [...reviews].filter(([key]) => inPartition(key, year, agencyId)).map(([, value]) => value),
          selfAssessment: {
            header: headers.get(selfKey(year, agencyId)),
            answers: new Map(answers.get(selfKey(year, agencyId)) ?? []),
          },
        };
      },
    },
    results: {
      current: async (year, agencyId) => currents.get(selfKey(year, agencyId)),
      listByCycle: async (year, { group, ...page }) => {
        // The adapter's order: group, then agency id (the GSI1 sort key).
        return pageOf(
          [...currents.values()].filter(
            (current) => current.year === year && (group === undefined || current.group === group),
          ),
          (current) => `${current.group}#${current.agencyId}`,
          page,
        );
      },
      currentWithCycle: async (year, agencyId) => ({
        cycle: cycles.get(year),
        current: currents.get(selfKey(year, agencyId)),
      }),
      load: async (year, agencyId) => ({
        current: currents.get(selfKey(year, agencyId)),
        versions: [...resultVersions.values()]
          .filter((version) => version.year === year && version.agencyId === agencyId)
          .sort((a, b) => a.version - b.version),
      }),
      appeals: async (year, agencyId) =>
        [...appeals.values()]
          .filter((appeal) => appeal.year === year && appeal.agencyId === agencyId)
          .sort((a, b) => (a.appealId < b.appealId ? -1 : 1)),
      appealsByCycle: async (year, { status, ...page }) => {
        // The adapter's order: status, filing time, agency (the GSI1 sort key).
        return pageOf(
          [...appeals.values()].filter(
            (appeal) => appeal.year === year && (status === undefined || appeal.status === status),
          ),
          (appeal) => `${appeal.status}#${appeal.filedAt}#${appeal.agencyId}`,
          page,
        );
      },
      existing: async (year, agencyIds) =>
        new Set(agencyIds.filter((agencyId) => currents.has(selfKey(year, agencyId)))),
      existingWithCycle: async (year, agencyIds) => ({
        cycle: cycles.get(year),
        existing: new Map(
          agencyIds.flatMap((agencyId) => {
            const current = currents.get(selfKey(year, agencyId));
            return current ? [[agencyId, current] as const] : [];
          }),
        ),
        assessed: new Set(agencyIds.filter((agencyId) => heads.has(selfKey(year, agencyId)))),
      }),
      versionInputs: async (year, wanted) =>
        wanted.flatMap(({ agencyId, version }) => {
          const found = resultVersions.get(`${year}#${agencyId}#${version}`);
          return found ? [{ agencyId, version, inputs: found.inputs }] : [];
        }),
    },
    rankings: {
      hasResults: async (year) => [...currents.values()].some((current) => current.year === year),
      results: async (year) => {
        const results = [...currents.values()]
          .filter((current) => current.year === year)
          .map(({ agencyId, agencyName, group, version, sha256, summary }) => ({
            agencyId,
            agencyName,
            group,
            version,
            sha256,
            summary,
          }));
        return { results, stats: { items: results.length, capacity: 0 } };
      },
      run: async (year, runId) => runs.get(runKey(year, runId)),
      runs: async (year) => [...runs.values()].filter((run) => run.year === year),
      lease: async (year) => leases.get(year),
      published: async (year) => pointers.get(year),
      publishedMany: async (years) =>
        new Map(
          years.flatMap((year) => {
            const pointer = pointers.get(year);
            return pointer ? [[year, pointer] as const] : [];
          }),
        ),
      acquireLease: async (year, runId, until, now) => {
        if (!leaseFree(year, runId, now)) return leases.get(year);
        leases.set(year, { runId, until });
        return undefined;
      },
      releaseLease: async (year, runId) => {
        if (leases.get(year)?.runId === runId) leases.delete(year);
      },
      checkpoint: async (run) => {
        const stored = runs.get(runKey(run.year, run.runId));
        if (!stored || stored.status === 'published' || stored.status === 'unchanged') return false;
        runs.set(runKey(run.year, run.runId), run);
        return true;
      },
      writeItems: async (items) => {
        for (const item of items) {
          if (item.kind === 'page') {
            const { year, runId, scope, measure, page } = item.page;
            rankingPages.set(`${year}#${runId}#${scope}#${measure}#${page}`, item.page);
          } else {
            const { year, runId, agencyId } = item.positions;
            positions.set(`${agencyId}#${year}#${runId}`, item.positions);
          }
        }
        return { items: items.length, capacity: 0 };
      },
      page: async (year, runId, scope, measure, page) =>
        rankingPages.get(`${year}#${runId}#${scope}#${measure}#${page}`),
      pages: async (year, runId, scope, measure) =>
        [...rankingPages.values()]
          .filter(
            (page) =>
              page.year === year && page.runId === runId && page.scope === scope && page.measure === measure,
          )
          .sort((a, b) => a.page - b.page),
      allPages: async (year, runId) =>
        [...rankingPages.values()].filter((page) => page.year === year && page.runId === runId),
      read: async (year, request) => {
        const { pages } = request;
        return {
          cycle: cycles.get(year),
          ...(request.published ? { published: pointers.get(year) } : {}),
          ...(request.runId === undefined ? {} : { run: runs.get(runKey(year, request.runId)) }),
          pages: pages
            ? [...new Set(pages.numbers)]
                .sort((a, b) => a - b)
                .flatMap((number) => {
                  const page = rankingPages.get(
                    `${year}#${pages.runId}#${pages.scope}#${pages.measure}#${number}`,
                  );
                  return page ? [page] : [];
                })
            : [],
        };
      },
      publications: async (years) =>
        new Map(
          years.flatMap((year) => {
            const cycle = cycles.get(year);
            return cycle ? [[year, { cycle, published: pointers.get(year) }] as const] : [];
          }),
        ),
      positions: async (agencyId) => [...positions.values()].filter((entry) => entry.agencyId === agencyId),
    },
    awards: awards.store,
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
