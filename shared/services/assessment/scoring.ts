import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import {
  latestVersions,
  type ReviewMark,
  reviewCounts,
  type Stage,
  type StageScore,
  type StandingScore,
  stagesOf,
  stageWindow,
  standingScores,
  windowOfStage,
} from '#shared/domain/assessment.ts';
import { diffFields, type FieldChange } from '#shared/domain/audit.ts';
import { isWindowOpen } from '#shared/domain/cycles.ts';
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Framework, Level } from '#shared/domain/framework/types.ts';
import { etagOf } from '#shared/domain/versions.ts';
import type { CycleRecord } from '../cycles/ports.ts';
import type { WritePath } from '../ports.ts';
import type { AgencyRecord } from '../registry/ports.ts';
import type { SelfAssessmentStore } from '../self-assessment/ports.ts';
import type { AssessmentSnapshot, AssessmentStore, AssignmentRecord } from './ports.ts';

/** One score as a panel member writes it; `pointer` locates it in the request for messages. */
export interface ScoreInput {
  readonly indicatorNo: number;
  /** null: the evidence supports no level (worth 0). */
  readonly level: Level | null;
  readonly note: string;
  readonly evidenceUsed: readonly number[];
  readonly reason?: string | undefined;
  /** The version of this score the writer read (0: none yet). */
  readonly expectedVersion: number;
  /** Where the indicator number came from in the request (`/params/no`, `/body/scores/3/indicatorNo`). */
  readonly pointer: string;
  /** Where the score's fields are (`/body`, `/body/scores/3`). */
  readonly fieldsPointer: string;
}

export interface ReviewInput {
  readonly indicatorNo: number;
  readonly valid: boolean;
  readonly reason: string;
  readonly expectedVersion: number;
  readonly pointer: string;
}

interface Context {
  readonly cycle: CycleRecord;
  readonly agency: AgencyRecord;
  readonly framework: Framework;
  readonly stages: readonly Stage[];
  readonly snapshot: AssessmentSnapshot;
}

export interface ScoringServicePorts {
  readonly selfAssessments: SelfAssessmentStore;
  readonly assessments: AssessmentStore;
  readonly writes: WritePath;
}

const notFound = (year: number, agencyId: string) =>
  new NotFoundError(`No assessment of agency "${agencyId}" in the ${year} cycle.`);

/** Active panel members see and score their agency; admins see every agency; anyone else gets 404. */
const onPanel = (actor: Actor, snapshot: AssessmentSnapshot) =>
  snapshot.assignments.some(
    (assignment) => assignment.assessor === actor.subject && assignment.status === 'active',
  );

/** The assessment as assessors and the review team read it. */
/**
 * The panel as a reader sees it: why a member recused or was removed is personal (a relative at the
 * agency, a new employer) and for the review team; the other members see that and when, not why.
 */
const panelFor = (actor: Actor, assignments: readonly AssignmentRecord[]): AssignmentRecord[] =>
  actor.role === 'admin'
    ? [...assignments]
    : assignments.map(({ recusalReason: _recusal, removalReason: _removal, ...shown }) => shown);

export const assessmentView = (context: Context, actor: Actor) => {
  const { cycle, agency, framework, stages, snapshot } = context;
  const lastStage = stages.at(-1) ?? 'dokumen';
  const byStage = new Map(stages.map((stage) => [stage, standingScores(snapshot.scores, stages, stage)]));
  const finalStanding = byStage.get(lastStage) ?? new Map<number, StandingScore>();
  const reviews = new Map(snapshot.reviews.map((review) => [review.indicatorNo, review]));
  const indicators = framework.indicators.map((indicator) => {
    const standing = finalStanding.get(indicator.no);
    const review = reviews.get(indicator.no);
    const selfAssessed = snapshot.selfAssessment.answers.get(indicator.no);
    return {
      indicatorNo: indicator.no,
      ...(selfAssessed ? { selfAssessed } : {}),
      stages: stages.map((stage) => {
        const entry = byStage.get(stage)?.get(indicator.no);
        return {
          stage,
          ...(entry ? { score: entry.score } : {}),
          carriedForward: entry?.carriedForward ?? false,
        };
      }),
      ...(standing ? { standing: standing.score } : {}),
      ...(review ? { review } : {}),
      counts: reviewCounts(review, standing),
    };
  });
  return {
    year: cycle.year,
    agencyId: agency.id,
    agencyName: agency.name,
    group: agency.group,
    stages: [...stages],
    selfAssessmentStatus: snapshot.selfAssessment.header?.status ?? ('none' as const),
    panel: panelFor(actor, snapshot.assignments),
    indicators,
    missingValidScores: indicators
      .filter((indicator) => !indicator.counts)
      .map((indicator) => indicator.indicatorNo),
    finalized: snapshot.head?.finalizedAt !== undefined,
  };
};

export type AssessmentView = ReturnType<typeof assessmentView>;

/** Staged scoring by the panel, and the review team's marks. */
export const createScoringService = ({ selfAssessments, assessments, writes }: ScoringServicePorts) => {
  const load = async (actor: Actor, year: number, agencyId: string): Promise<Context> => {
    // Visibility first: an assessor off the panel learns nothing, not even that the agency exists.
    const [{ cycle, agency }, snapshot] = await Promise.all([
      selfAssessments.context(year, agencyId),
      assessments.load(year, agencyId),
    ]);
    if (actor.role !== 'admin' && !onPanel(actor, snapshot)) throw notFound(year, agencyId);
    if (!cycle || !agency) throw notFound(year, agencyId);
    // A draft is the agency's work in progress, not what it answers for: its panel sees the
    // answers once submitted (scoring waits for that too); the review team sees drafts as well.
    const submitted = snapshot.selfAssessment.header?.status === 'submitted';
    return {
      cycle,
      agency,
      framework: getFramework(cycle.frameworkId),
      stages: stagesOf(cycle.type, cycle.windows),
      snapshot:
        submitted || actor.role === 'admin'
          ? snapshot
          : { ...snapshot, selfAssessment: { ...snapshot.selfAssessment, answers: new Map() } },
    };
  };

  const requireCycleStage = (context: Context, stage: Stage) => {
    const { cycle } = context;
    if (!context.stages.includes(stage)) {
      throw new ValidationError(`The ${cycle.year} cycle (${cycle.type}) has no ${stage} stage.`, {
        errors: [{ pointer: '/params/stage', detail: `One of ${context.stages.join(', ')}` }],
      });
    }
  };

  const requireStage = (context: Context, stage: Stage, now: Date) => {
    const { cycle } = context;
    requireCycleStage(context, stage);
    const window = windowOfStage(cycle.windows, stage);
    if (!window || !isWindowOpen(window, now)) {
      throw new ConflictError(
        `The ${stage} stage of the ${cycle.year} cycle is not open (its window ${stageWindow[stage]}: ${window?.opensAt} – ${window?.closesAt}; server time ${now.toISOString()}).`,
        { extensions: { window } },
      );
    }
  };

  /** 409 once the result is final: `head` is the one read, or the one a lost race found. */
  const requireOpen = (context: Context, head = context.snapshot.head) => {
    if (head?.finalizedAt) {
      throw new ConflictError(
        `The result of "${context.agency.id}" was finalized at ${head.finalizedAt}; scores and reviews are closed (changes come through appeals).`,
      );
    }
  };

  const requireIndicators = (
    framework: Framework,
    items: readonly { indicatorNo: number; pointer: string }[],
  ) => {
    const count = framework.indicators.length;
    const unknown = items.filter((item) => item.indicatorNo > count);
    if (unknown.length > 0) {
      throw new ValidationError(`The ${framework.id} framework has indicators 1–${count}.`, {
        errors: unknown.map((item) => ({
          pointer: item.pointer,
          detail: `No indicator ${item.indicatorNo}`,
        })),
      });
    }
  };

  /**
   * Records scores of one stage, all or none: the stage open, the self-assessment submitted, each
   * score at the version its writer read (412 otherwise), a correction with its reason, evidence
   * indices that exist. Unchanged scores are not rewritten, whatever version they were sent from
   * (nothing can be lost). Returns the new versions.
   */
  const record = async (
    actor: Actor,
    year: number,
    agencyId: string,
    stage: Stage,
    inputs: readonly ScoreInput[],
  ) => {
    const context = await load(actor, year, agencyId);
    const { snapshot, framework } = context;
    requireIndicators(framework, inputs);
    requireStage(context, stage, actor.now);
    requireOpen(context);
    if (snapshot.selfAssessment.header?.status !== 'submitted') {
      throw new ConflictError(
        `"${agencyId}" has not submitted its ${year} self-assessment: there is nothing to assess yet.`,
      );
    }
    const latest = latestVersions(snapshot.scores);
    const problems: FieldError[] = [];
    const stale: string[] = [];
    const recorded: { score: StageScore; changes: FieldChange[] }[] = [];
    for (const input of inputs) {
      const current = latest.get(`${stage}#${input.indicatorNo}`);
      const currentVersion = current?.version ?? 0;
      const base = input.fieldsPointer;
      const after = { level: input.level, note: input.note, evidenceUsed: [...input.evidenceUsed] };
      const changes = diffFields(current, after, ['level', 'note', 'evidenceUsed']);
      // Already recorded as sent (a retry after a lost response): nothing to write, nothing to lose.
      if (changes.length === 0) continue;
      if (input.expectedVersion !== currentVersion) {
        stale.push(
          `indicator ${input.indicatorNo}: you read ${etagOf(input.expectedVersion)}, it is at ${etagOf(currentVersion)}`,
        );
        continue;
      }
      const evidenceCount = snapshot.selfAssessment.answers.get(input.indicatorNo)?.evidence.length ?? 0;
      input.evidenceUsed.forEach((index, position) => {
        if (index >= evidenceCount) {
          problems.push({
            pointer: `${base}/evidenceUsed/${position}`,
            detail: `The agency submitted ${evidenceCount} evidence ${evidenceCount === 1 ? 'item' : 'items'} for indicator ${input.indicatorNo}; there is no item ${index}`,
          });
        }
      });
      if (current && !input.reason) {
        problems.push({
          pointer: `${base}/reason`,
          detail: `Indicator ${input.indicatorNo} already has a ${stage} score (version ${current.version}): a correction needs a reason`,
        });
        continue;
      }
      recorded.push({
        score: {
          stage,
          indicatorNo: input.indicatorNo,
          version: currentVersion + 1,
          ...after,
          recordedBy: actor.subject,
          recordedAt: actor.now.toISOString(),
          ...(current && input.reason ? { reason: input.reason } : {}),
        },
        changes: current
          ? [...changes, ...(input.reason ? [{ field: 'reason', before: null, after: input.reason }] : [])]
          : // A first score records every field: a diff against nothing drops `level: null` (no
            // level, worth 0), and the trail would not say what the assessor decided.
            (['level', 'note', 'evidenceUsed'] as const).map((field) => ({
              field,
              before: null,
              after: after[field],
            })),
      });
    }
    if (problems.length > 0) {
      throw new ValidationError(
        `${problems.length} ${problems.length === 1 ? 'score is' : 'scores are'} invalid; none was recorded.`,
        { errors: problems },
      );
    }
    if (stale.length > 0) {
      throw new PreconditionFailedError(
        `Scores changed since you read them (${stale.join('; ')}). Re-read the assessment and apply your change again.`,
      );
    }
    if (recorded.length === 0) return { context, recorded: [] as StageScore[] };
    const trail = { kind: 'cycle-agency', year, agencyId } as const;
    const [first, ...rest] = recorded.map(({ score, changes }) =>
      auditEntry(
        actor,
        trail,
        score.version === 1 ? 'assessment.score.recorded' : 'assessment.score.corrected',
        `indicator ${score.indicatorNo} (${stage})`,
        changes,
      ),
    );
    const outcome = await writes.commit({
      state: [
        {
          kind: 'scores',
          year,
          agencyId,
          recordedBy: actor.subject,
          scores: recorded.map(({ score }) => score),
        },
      ],
      audits: [first as NonNullable<typeof first>, ...rest],
      events: [],
    });
    if (!outcome.committed) {
      // Lost a race: when what won already holds every score as sent (the same request twice, a
      // double submit), nothing is lost and the caller gets the state, as for a retry.
      const now = await assessments.load(year, agencyId);
      const standing = latestVersions(now.scores);
      const sameAsSent = recorded.every(({ score }) => {
        const current = standing.get(`${stage}#${score.indicatorNo}`);
        return (
          current !== undefined && diffFields(current, score, ['level', 'note', 'evidenceUsed']).length === 0
        );
      });
      if (sameAsSent && now.head?.finalizedAt === undefined) {
        return { context: { ...context, snapshot: { ...snapshot, scores: now.scores } }, recorded: [] };
      }
      // Lost to finalizing: scoring is closed for good, so a re-read and retry cannot succeed.
      requireOpen(context, now.head);
      throw new PreconditionFailedError(
        `Another panel member recorded a score of ${agencyId} meanwhile (or the panel or result changed). Re-read the assessment and apply your change again.`,
      );
    }
    const scores = [...snapshot.scores, ...recorded.map(({ score }) => score)];
    return {
      context: { ...context, snapshot: { ...snapshot, scores } },
      recorded: recorded.map(({ score }) => score),
    };
  };

  /**
   * Reviews: each marks the score standing at the cycle's last stage now, valid or not, with a
   * reason; each at the review version its writer read (a mark already standing as sent is left
   * alone, whatever version it was sent from). A later score makes a review stale.
   */
  const review = async (actor: Actor, year: number, agencyId: string, inputs: readonly ReviewInput[]) => {
    const context = await load(actor, year, agencyId);
    const { snapshot, framework, stages } = context;
    requireIndicators(framework, inputs);
    requireOpen(context);
    const standing = standingScores(snapshot.scores, stages, stages.at(-1) ?? 'dokumen');
    const stored = new Map(snapshot.reviews.map((mark) => [mark.indicatorNo, mark]));
    const unscored = inputs.filter((input) => !standing.has(input.indicatorNo));
    if (unscored.length > 0) {
      throw new ConflictError(
        `${unscored.length} ${unscored.length === 1 ? 'indicator has' : 'indicators have'} no score to review yet: ${unscored.map((input) => input.indicatorNo).join(', ')}.`,
        {
          errors: unscored.map((input) => ({
            pointer: input.pointer,
            detail: `Indicator ${input.indicatorNo} has no score to review yet`,
          })),
          extensions: { unscored: unscored.map((input) => input.indicatorNo) },
        },
      );
    }
    const stale: number[] = [];
    const marks: { review: ReviewMark; expectedVersion: number; changes: FieldChange[] }[] = [];
    for (const input of inputs) {
      const score = standing.get(input.indicatorNo)?.score;
      if (!score) continue;
      const before = stored.get(input.indicatorNo);
      const after = {
        valid: input.valid,
        reason: input.reason,
        stage: score.stage,
        scoreVersion: score.version,
      };
      const changes = diffFields(before, after, ['valid', 'reason', 'stage', 'scoreVersion']);
      // Already marked as sent (a retry after a lost response): nothing to write, nothing to lose,
      // whatever version it was sent from — as for scores.
      if (changes.length === 0) continue;
      if (input.expectedVersion !== (before?.version ?? 0)) {
        stale.push(input.indicatorNo);
        continue;
      }
      marks.push({
        review: {
          indicatorNo: input.indicatorNo,
          ...after,
          version: input.expectedVersion + 1,
          reviewedBy: actor.subject,
          reviewedAt: actor.now.toISOString(),
        },
        expectedVersion: input.expectedVersion,
        changes,
      });
    }
    if (stale.length > 0) {
      throw new PreconditionFailedError(
        `Reviews of indicators ${stale.join(', ')} changed since you read them; re-read the assessment.`,
      );
    }
    if (marks.length === 0) return context;
    const [first, ...rest] = marks.map(({ review: mark, changes }) =>
      auditEntry(
        actor,
        { kind: 'cycle-agency', year, agencyId },
        mark.valid ? 'assessment.review.valid' : 'assessment.review.not-valid',
        `indicator ${mark.indicatorNo}`,
        changes,
      ),
    );
    const outcome = await writes.commit({
      state: [
        {
          kind: 'reviews',
          year,
          agencyId,
          reviews: marks.map(({ review: mark, expectedVersion }) => ({ review: mark, expectedVersion })),
        },
      ],
      audits: [first as NonNullable<typeof first>, ...rest],
      events: [],
    });
    if (!outcome.committed) {
      // Lost a race: when what won holds every mark as sent (a double submit), answer the state.
      const now = await assessments.load(year, agencyId);
      const standingNow = new Map(now.reviews.map((mark) => [mark.indicatorNo, mark]));
      const sameAsSent = marks.every(({ review: mark }) => {
        const current = standingNow.get(mark.indicatorNo);
        return (
          current !== undefined &&
          diffFields(current, mark, ['valid', 'reason', 'stage', 'scoreVersion']).length === 0
        );
      });
      if (sameAsSent && now.head?.finalizedAt === undefined) {
        return { ...context, snapshot: { ...snapshot, reviews: now.reviews, scores: now.scores } };
      }
      requireOpen(context, now.head);
      throw new PreconditionFailedError(
        `The review of ${agencyId} changed while you were saving; re-read it.`,
      );
    }
    const reviews = [
      ...snapshot.reviews.filter(
        (mark) => !marks.some(({ review: next }) => next.indicatorNo === mark.indicatorNo),
      ),
      ...marks.map(({ review: mark }) => mark),
    ];
    return { ...context, snapshot: { ...snapshot, reviews } };
  };

  return {
    view: async (actor: Actor, year: number, agencyId: string): Promise<AssessmentView> =>
      assessmentView(await load(actor, year, agencyId), actor),

    saveScores: async (
      actor: Actor,
      year: number,
      agencyId: string,
      stage: Stage,
      inputs: readonly ScoreInput[],
    ) => assessmentView((await record(actor, year, agencyId, stage, inputs)).context, actor),

    /** One indicator; returns its score as it stands at this stage after the write. */
    saveScore: async (
      actor: Actor,
      year: number,
      agencyId: string,
      stage: Stage,
      input: ScoreInput,
    ): Promise<StageScore> => {
      const { context, recorded } = await record(actor, year, agencyId, stage, [input]);
      const current =
        recorded[0] ?? latestVersions(context.snapshot.scores).get(`${stage}#${input.indicatorNo}`);
      if (!current) throw new Error('A recorded score vanished');
      return current;
    },

    versions: async (
      actor: Actor,
      year: number,
      agencyId: string,
      stage: Stage,
      indicatorNo: number,
    ): Promise<StageScore[]> => {
      const context = await load(actor, year, agencyId);
      // The same 400s as a write to this path: an empty list would say "never scored" instead.
      requireIndicators(context.framework, [{ indicatorNo, pointer: '/params/no' }]);
      requireCycleStage(context, stage);
      return context.snapshot.scores
        .filter((score) => score.stage === stage && score.indicatorNo === indicatorNo)
        .sort((a, b) => a.version - b.version);
    },

    saveReviews: async (actor: Actor, year: number, agencyId: string, inputs: readonly ReviewInput[]) =>
      assessmentView(await review(actor, year, agencyId, inputs), actor),
  };
};

export type ScoringService = ReturnType<typeof createScoringService>;
