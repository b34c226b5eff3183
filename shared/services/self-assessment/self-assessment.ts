import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { diffFields, type FieldChange } from '#shared/domain/audit.ts';
import { isWindowOpen } from '#shared/domain/cycles.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { domainEvent, eventTypes, type IdSource } from '#shared/domain/events.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Framework, Level } from '#shared/domain/framework/types.ts';
import { scoreAssessment } from '#shared/domain/scoring/score.ts';
import { etagOf } from '#shared/domain/versions.ts';
import type { CycleRecord } from '../cycles/ports.ts';
import type { PageRequest, StateChange, WritePath } from '../ports.ts';
import { assertVersion } from '../versioned-put.ts';
import type {
  CycleFreshness,
  EvidenceReference,
  SelfAssessmentHeader,
  SelfAssessmentState,
  SelfAssessmentStatus,
  SelfAssessmentStore,
  StoredAnswer,
} from './ports.ts';

/** One answer as a caller writes it; `pointer` locates it in the request for error messages. */
export interface AnswerWrite {
  readonly indicatorNo: number;
  readonly level: Level;
  readonly explanation: string;
  readonly evidence: readonly EvidenceReference[];
  readonly pointer: string;
}

interface Loaded {
  readonly cycle: CycleRecord;
  readonly agencyId: string;
  readonly framework: Framework;
  readonly state: SelfAssessmentState;
  /** Whether `cycle` came from the container's cache (a refusal based on it is checked again). */
  readonly freshness: CycleFreshness;
}

/**
 * A write decided on a cached cycle that may have been rescheduled since: the cached copy refused
 * it, or the transaction's check of the cycle's version failed. The write is decided again on a
 * fresh read.
 */
class CycleMayBeStale extends Error {
  constructor(readonly refusal?: Error) {
    super('The cached cycle may be stale');
  }
}

const notFound = (year: number, agencyId: string) =>
  new NotFoundError(`No self-assessment of agency "${agencyId}" in the ${year} cycle.`);

/**
 * Object-level access: an operator sees only their own agency, an admin every agency. Anything else
 * gets the same 404 as a missing agency, so that existence does not leak.
 */
const assertVisible = (actor: Actor, year: number, agencyId: string) => {
  const visible = actor.role === 'admin' || (actor.role === 'agency' && actor.agencyId === agencyId);
  if (!visible) throw notFound(year, agencyId);
};

/** The representation every self-assessment route returns (and its ETag version). */
export const selfAssessmentView = (loaded: Omit<Loaded, 'freshness'>, now: Date) => {
  const { cycle, agencyId, framework, state } = loaded;
  const answers = [...state.answers.values()].sort((a, b) => a.indicatorNo - b.indicatorNo);
  const levels = new Map<number, Level>(answers.map((answer) => [answer.indicatorNo, answer.level]));
  const score = scoreAssessment(framework, levels, { predicateBasis: cycle.predicateBasis });
  const window = cycle.windows.selfAssessment;
  return {
    year: cycle.year,
    agencyId,
    status: state.header?.status ?? 'draft',
    version: state.header?.version ?? 0,
    answers: answers.map((answer) => ({ ...answer, evidence: [...answer.evidence] })),
    answeredCount: answers.length,
    unanswered: [...score.unanswered],
    provisional: {
      frameworkId: score.frameworkId,
      predicateBasis: score.predicateBasis,
      index: score.index,
      predicate: score.predicate,
      domains: score.domains.map(({ no, name, weight, index }) => ({ no, name, weight, index })),
      unanswered: [...score.unanswered],
      complete: score.complete,
    },
    window: { opensAt: window.opensAt, closesAt: window.closesAt, open: isWindowOpen(window, now) },
    ...(state.header?.submittedAt
      ? { submittedAt: state.header.submittedAt, submittedBy: state.header.submittedBy }
      : {}),
    ...(state.header ? { updatedAt: state.header.updatedAt } : {}),
  };
};

export type SelfAssessmentView = ReturnType<typeof selfAssessmentView>;

/** The refusal of any write to a submitted self-assessment: nothing a re-read and retry can change. */
const frozen = (year: number, agencyId: string, header: SelfAssessmentHeader) =>
  new ConflictError(
    `The ${year} self-assessment of "${agencyId}" was submitted at ${header.submittedAt}${header.submittedBy ? ` by ${header.submittedBy}` : ''}; its answers are frozen.`,
  );

/**
 * Rejects writes to a submitted self-assessment or outside the window. (An inactive agency is
 * refused by the transaction's check, `agency.active`: no read.) A window refusal based on a cached
 * cycle is decided again on a fresh read: the window may have been rescheduled since.
 */
const assertWritable = (loaded: Loaded, now: Date) => {
  const { cycle, agencyId, state } = loaded;
  if (state.header?.status === 'submitted') throw frozen(cycle.year, agencyId, state.header);
  const window = cycle.windows.selfAssessment;
  if (!isWindowOpen(window, now)) {
    const refusal = new ConflictError(
      `The self-assessment window of the ${cycle.year} cycle is closed (open ${window.opensAt} – ${window.closesAt}; server time ${now.toISOString()}).`,
      { extensions: { window } },
    );
    throw loaded.freshness === 'cached' ? new CycleMayBeStale(refusal) : refusal;
  }
};

/**
 * The conditions every self-assessment write carries besides its own: the cycle is still the one
 * the write was decided on, and the agency exists and is active.
 */
const writeGuards = (loaded: Loaded) =>
  [
    { kind: 'cycle.unchanged', year: loaded.cycle.year, version: loaded.cycle.version },
    { kind: 'agency.active', agencyId: loaded.agencyId },
  ] as const;

const answerFields = ['level', 'explanation', 'evidence'] as const;

/** The answer fields a write sets. */
const answerOf = (write: AnswerWrite) => ({
  level: write.level,
  explanation: write.explanation,
  evidence: [...write.evidence],
});

/** What a write changes in the stored answer (nothing: stored exactly as sent). */
const changesOf = (state: SelfAssessmentState, write: AnswerWrite) =>
  diffFields(state.answers.get(write.indicatorNo), answerOf(write), answerFields);

export interface SelfAssessmentServicePorts {
  readonly selfAssessments: SelfAssessmentStore;
  readonly writes: WritePath;
  readonly ids: IdSource;
}

/** The agency operator's self-assessment (penilaian mandiri): read, save answers, submit. */
export const createSelfAssessmentService = ({ selfAssessments, writes, ids }: SelfAssessmentServicePorts) => {
  /** 404 unless the agency is in the registry: one round trip. */
  const assertRegistered = async (year: number, agencyId: string) => {
    if (!(await selfAssessments.agency(agencyId))) throw notFound(year, agencyId);
  };

  /**
   * One Query (the header and every answer) and the cycle from the container's cache: one round
   * trip. A read of an empty partition needs the registry too: nothing saved yet cannot tell a new
   * draft from an agency that does not exist (agencies are never deleted, so a saved header proves
   * it). Writes skip that read: their transaction checks the agency (`agency.active`).
   */
  const load = async (
    actor: Actor,
    year: number,
    agencyId: string,
    freshness: CycleFreshness,
    purpose: 'read' | 'write',
  ): Promise<Loaded> => {
    assertVisible(actor, year, agencyId);
    const [cycle, state] = await Promise.all([
      selfAssessments.cycle(year, freshness),
      selfAssessments.load(year, agencyId),
    ]);
    // Cycles are public to every token (GET /v1/cycles): a mistyped year is named as one.
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    if (purpose === 'read' && state.header === undefined && state.answers.size === 0) {
      await assertRegistered(year, agencyId);
    }
    return { cycle, agencyId, framework: getFramework(cycle.frameworkId), state, freshness };
  };

  /**
   * Runs a write decided on the cached cycle; when that cycle may be stale (it refused the write,
   * or the transaction found it rescheduled), decides once more on a fresh read.
   */
  const decided = async <T>(attempt: (freshness: CycleFreshness) => Promise<T>): Promise<T> => {
    try {
      return await attempt('cached');
    } catch (error) {
      if (!(error instanceof CycleMayBeStale)) throw error;
      try {
        return await attempt('fresh');
      } catch (again) {
        if (!(again instanceof CycleMayBeStale)) throw again;
        throw (
          again.refusal ??
          new ConflictError("The cycle's settings changed while you were writing; retry.", {
            headers: { 'retry-after': '1' },
          })
        );
      }
    }
  };

  /** Why a transaction with the write guards did not commit, as the error the caller gets. */
  const refusalOf = async (failed: StateChange, loaded: Loaded, otherwise: () => Error): Promise<Error> => {
    if (failed.kind === 'cycle.unchanged') return new CycleMayBeStale();
    if (failed.kind === 'self-assessment.submission') {
      // Lost the race to a submission (a colleague's, or a double click): answered as a second
      // submission is (409, frozen), not 412, whose re-read and submit again cannot succeed.
      const { header } = await selfAssessments.load(loaded.cycle.year, loaded.agencyId);
      if (header?.status === 'submitted') return frozen(loaded.cycle.year, loaded.agencyId, header);
    }
    if (failed.kind === 'agency.active') {
      const agency = await selfAssessments.agency(loaded.agencyId);
      return agency
        ? new ConflictError(`Agency "${loaded.agencyId}" is inactive in the registry.`)
        : notFound(loaded.cycle.year, loaded.agencyId);
    }
    return otherwise();
  };

  const read = async (actor: Actor, year: number, agencyId: string): Promise<SelfAssessmentView> =>
    selfAssessmentView(await load(actor, year, agencyId, 'cached', 'read'), actor.now);

  /**
   * Saves answers (one or many) for the operator's own agency: all or nothing, conditional on the
   * version the caller last read (`If-Match`), with one audit record per changed indicator in the
   * same transaction. Unchanged answers are not rewritten; a save that changes nothing changes no
   * version, and answers 200 whatever version it was conditional on.
   */
  const saveAnswers = async (
    actor: Actor,
    year: number,
    agencyId: string,
    expectedVersion: number,
    answerWrites: readonly AnswerWrite[],
  ): Promise<SelfAssessmentView> =>
    decided(async (freshness) => {
      const loaded = await load(actor, year, agencyId, freshness, 'write');
      const { framework, state } = loaded;
      const indicatorCount = framework.indicators.length;
      const unknown = answerWrites.filter((write) => write.indicatorNo > indicatorCount);
      if (unknown.length > 0) {
        throw new ValidationError(`The ${framework.id} framework has indicators 1–${indicatorCount}.`, {
          errors: unknown.map((write) => ({
            pointer: write.pointer,
            detail: `Indicator ${write.indicatorNo} does not exist in ${framework.id} (1–${indicatorCount})`,
          })),
        });
      }
      assertWritable(loaded, actor.now);
      const currentVersion = state.header?.version ?? 0;

      const at = actor.now.toISOString();
      const changed: { answer: StoredAnswer; changes: FieldChange[] }[] = [];
      for (const write of answerWrites) {
        const changes = changesOf(state, write);
        if (changes.length === 0) continue;
        changed.push({
          answer: {
            indicatorNo: write.indicatorNo,
            ...answerOf(write),
            updatedAt: at,
            updatedBy: actor.subject,
          },
          changes,
        });
      }
      // Answers already stored as sent: nothing can be lost, so even a stale If-Match gets the current
      // version, not 412 (RFC 9110 §13.1.1: a save retried after its response was lost).
      if (changed.length === 0) return selfAssessmentView(loaded, actor.now);
      assertVersion(expectedVersion, currentVersion, `The ${year} self-assessment of "${agencyId}"`);

      const answers = new Map(state.answers);
      for (const { answer } of changed) answers.set(answer.indicatorNo, answer);
      const header: SelfAssessmentHeader = {
        status: 'draft',
        version: currentVersion + 1,
        answeredCount: answers.size,
        createdAt: state.header?.createdAt ?? at,
        updatedAt: at,
      };
      const trail = { kind: 'cycle-agency', year, agencyId } as const;
      const [first, ...rest] = changed.map(({ answer, changes }) =>
        auditEntry(actor, trail, 'self-assessment.answer.saved', `indicator ${answer.indicatorNo}`, changes),
      );
      const outcome = await writes.commit({
        state: [
          {
            kind: 'self-assessment.answers',
            year,
            agencyId,
            expectedVersion: currentVersion,
            header,
            answers: changed.map(({ answer }) => answer),
          },
          ...writeGuards(loaded),
        ],
        // `changed` is not empty here.
        audits: [first as NonNullable<typeof first>, ...rest],
        events: [],
      });
      if (!outcome.committed) {
        if (outcome.failed.kind === 'self-assessment.answers') {
          // Lost the race to a save of the same answers (a double click, a retry sent before the
          // first answered): nothing is lost, so the state that won is the answer, as for a retry.
          const now = await selfAssessments.load(year, agencyId);
          if (
            now.header?.status === 'draft' &&
            answerWrites.every((write) => changesOf(now, write).length === 0)
          ) {
            return selfAssessmentView({ ...loaded, state: now }, actor.now);
          }
          // Lost to a submission: the answers are frozen, so a re-read and save again cannot succeed.
          if (now.header?.status === 'submitted') throw frozen(year, agencyId, now.header);
        }
        throw await refusalOf(
          outcome.failed,
          loaded,
          () =>
            new PreconditionFailedError(
              `The ${year} self-assessment of "${agencyId}" changed while you were saving (you sent If-Match ${etagOf(expectedVersion)}). Re-read it and apply your change again.`,
            ),
        );
      }
      return selfAssessmentView({ ...loaded, state: { header, answers } }, actor.now);
    });

  /**
   * Submits the self-assessment: every indicator answered, the window open, not yet submitted.
   * Submission freezes the answers (later saves get 409) and emits `self_assessment.submitted` in
   * the same transaction.
   */
  const submit = async (
    actor: Actor,
    year: number,
    agencyId: string,
    expectedVersion: number | undefined,
  ): Promise<SelfAssessmentView> =>
    decided(async (freshness) => {
      const loaded = await load(actor, year, agencyId, freshness, 'write');
      const { framework, state } = loaded;
      assertWritable(loaded, actor.now);
      const currentVersion = state.header?.version ?? 0;
      assertVersion(expectedVersion, currentVersion, `The ${year} self-assessment of "${agencyId}"`);
      const unanswered = framework.indicators
        .map((indicator) => indicator.no)
        .filter((no) => !state.answers.has(no));
      if (unanswered.length > 0 || !state.header) {
        // Nothing saved at all: is there such an agency? (404 rather than "47 unanswered".)
        if (!state.header) await assertRegistered(year, agencyId);
        throw new ConflictError(
          `${unanswered.length} of ${framework.indicators.length} indicators are not answered yet: ${unanswered.join(', ')}.`,
          { extensions: { unanswered } },
        );
      }
      const at = actor.now.toISOString();
      const header: SelfAssessmentHeader = {
        ...state.header,
        status: 'submitted',
        version: currentVersion + 1,
        updatedAt: at,
        submittedAt: at,
        submittedBy: actor.subject,
      };
      const view = selfAssessmentView({ ...loaded, state: { header, answers: state.answers } }, actor.now);
      const outcome = await writes.commit({
        state: [
          {
            kind: 'self-assessment.submission',
            year,
            agencyId,
            expectedVersion: currentVersion,
            requiredAnswers: framework.indicators.length,
            header,
          },
          ...writeGuards(loaded),
        ],
        audits: [
          auditEntry(
            actor,
            { kind: 'cycle-agency', year, agencyId },
            'self-assessment.submitted',
            'self-assessment',
            [{ field: 'status', before: 'draft', after: 'submitted' }],
          ),
        ],
        events: [
          domainEvent(
            ids,
            eventTypes.selfAssessmentSubmitted,
            actor.now,
            { year, agencyId },
            {
              version: header.version,
              provisionalIndex: view.provisional.index.exact,
              link: `/v1/cycles/${year}/agencies/${agencyId}/self-assessment`,
            },
          ),
        ],
      });
      if (!outcome.committed) {
        throw await refusalOf(
          outcome.failed,
          loaded,
          () =>
            new PreconditionFailedError(
              `The ${year} self-assessment of "${agencyId}" changed while you were submitting; re-read it and submit again.`,
            ),
        );
      }
      return view;
    });

  /**
   * The review team's overview of a cycle: every self-assessment saved so far, drafts first, with
   * how far each got. One Query; the cycle (for its framework, and a 404 for a year with no cycle)
   * comes from the container's cache beside it.
   */
  const listByCycle = async (
    actor: Actor,
    year: number,
    query: PageRequest & { readonly status?: SelfAssessmentStatus | undefined },
  ) => {
    if (actor.role !== 'admin')
      throw new ForbiddenError('Only the review team lists a cycle’s self-assessments.');
    const [cycle, page] = await Promise.all([
      selfAssessments.cycle(year, 'cached'),
      selfAssessments.listByCycle(year, query),
    ]);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    const indicatorCount = getFramework(cycle.frameworkId).indicators.length;
    return {
      items: page.items.map((header) => ({
        agencyId: header.agencyId,
        status: header.status,
        version: header.version,
        answeredCount: header.answeredCount,
        indicatorCount,
        updatedAt: header.updatedAt,
        ...(header.submittedAt ? { submittedAt: header.submittedAt } : {}),
      })),
      nextCursor: page.nextCursor,
    };
  };

  return { read, saveAnswers, submit, listByCycle };
};

export type SelfAssessmentService = ReturnType<typeof createSelfAssessmentService>;
