import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { diffFields, type FieldChange } from '#shared/domain/audit.ts';
import { isWindowOpen } from '#shared/domain/cycles.ts';
import {
  ConflictError,
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
import type { WritePath } from '../ports.ts';
import type { AgencyRecord } from '../registry/ports.ts';
import { assertVersion } from '../versioned-put.ts';
import type {
  EvidenceReference,
  SelfAssessmentHeader,
  SelfAssessmentState,
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
  readonly agency: AgencyRecord;
  readonly framework: Framework;
  readonly state: SelfAssessmentState;
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
export const selfAssessmentView = (loaded: Loaded, now: Date) => {
  const { cycle, agency, framework, state } = loaded;
  const answers = [...state.answers.values()].sort((a, b) => a.indicatorNo - b.indicatorNo);
  const levels = new Map<number, Level>(answers.map((answer) => [answer.indicatorNo, answer.level]));
  const score = scoreAssessment(framework, levels, { predicateBasis: cycle.predicateBasis });
  const window = cycle.windows.selfAssessment;
  return {
    year: cycle.year,
    agencyId: agency.id,
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

/** Rejects writes to a submitted self-assessment, outside the window, or for an inactive agency. */
const assertWritable = (loaded: Loaded, now: Date) => {
  const { cycle, agency, state } = loaded;
  if (state.header?.status === 'submitted') {
    throw new ConflictError(
      `The ${cycle.year} self-assessment of "${agency.id}" was submitted at ${state.header.submittedAt}; its answers are frozen.`,
    );
  }
  const window = cycle.windows.selfAssessment;
  if (!isWindowOpen(window, now)) {
    throw new ConflictError(
      `The self-assessment window of the ${cycle.year} cycle is closed (open ${window.opensAt} – ${window.closesAt}; server time ${now.toISOString()}).`,
      { extensions: { window } },
    );
  }
  if (!agency.active) throw new ConflictError(`Agency "${agency.id}" is inactive in the registry.`);
};

const answerFields = ['level', 'explanation', 'evidence'] as const;

export interface SelfAssessmentServicePorts {
  readonly selfAssessments: SelfAssessmentStore;
  readonly writes: WritePath;
  readonly ids: IdSource;
}

/** The agency operator's self-assessment (penilaian mandiri): read, save answers, submit. */
export const createSelfAssessmentService = ({ selfAssessments, writes, ids }: SelfAssessmentServicePorts) => {
  const load = async (actor: Actor, year: number, agencyId: string): Promise<Loaded> => {
    assertVisible(actor, year, agencyId);
    const [{ cycle, agency }, state] = await Promise.all([
      selfAssessments.context(year, agencyId),
      selfAssessments.load(year, agencyId),
    ]);
    if (!cycle || !agency) throw notFound(year, agencyId);
    return { cycle, agency, framework: getFramework(cycle.frameworkId), state };
  };

  const read = async (actor: Actor, year: number, agencyId: string): Promise<SelfAssessmentView> =>
    selfAssessmentView(await load(actor, year, agencyId), actor.now);

  /**
   * Saves answers (one or many) for the operator's own agency: all or nothing, conditional on the
   * version the caller last read (`If-Match`), with one audit record per changed indicator in the
   * same transaction. Unchanged answers are not rewritten; a save that changes nothing changes no
   * version.
   */
  const saveAnswers = async (
    actor: Actor,
    year: number,
    agencyId: string,
    expectedVersion: number,
    answerWrites: readonly AnswerWrite[],
  ): Promise<SelfAssessmentView> => {
    const loaded = await load(actor, year, agencyId);
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
    assertVersion(expectedVersion, currentVersion, `The ${year} self-assessment of "${agencyId}"`);

    const at = actor.now.toISOString();
    const changed: { answer: StoredAnswer; changes: FieldChange[] }[] = [];
    for (const write of answerWrites) {
      const before = state.answers.get(write.indicatorNo);
      const after = { level: write.level, explanation: write.explanation, evidence: [...write.evidence] };
      const changes = diffFields(before, after, answerFields);
      if (changes.length === 0) continue;
      changed.push({
        answer: { indicatorNo: write.indicatorNo, ...after, updatedAt: at, updatedBy: actor.subject },
        changes,
      });
    }
    if (changed.length === 0) return selfAssessmentView(loaded, actor.now);

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
      ],
      // `changed` is not empty here.
      audits: [first as NonNullable<typeof first>, ...rest],
      events: [],
    });
    if (!outcome.committed) {
      throw new PreconditionFailedError(
        `The ${year} self-assessment of "${agencyId}" changed while you were saving (you sent If-Match ${etagOf(expectedVersion)}). Re-read it and apply your change again.`,
      );
    }
    return selfAssessmentView({ ...loaded, state: { header, answers } }, actor.now);
  };

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
  ): Promise<SelfAssessmentView> => {
    const loaded = await load(actor, year, agencyId);
    const { framework, state } = loaded;
    assertWritable(loaded, actor.now);
    const currentVersion = state.header?.version ?? 0;
    assertVersion(expectedVersion, currentVersion, `The ${year} self-assessment of "${agencyId}"`);
    const unanswered = framework.indicators
      .map((indicator) => indicator.no)
      .filter((no) => !state.answers.has(no));
    if (unanswered.length > 0 || !state.header) {
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
      throw new PreconditionFailedError(
        `The ${year} self-assessment of "${agencyId}" changed while you were submitting; re-read it and submit again.`,
      );
    }
    return view;
  };

  return { read, saveAnswers, submit };
};

export type SelfAssessmentService = ReturnType<typeof createSelfAssessmentService>;
