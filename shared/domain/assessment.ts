/**
 * External assessment (penilaian eksternal): the stages a cycle has, which score of an indicator
 * stands at each stage (carried forward when not re-scored), which review counts, and the
 * conflict-of-interest rules for assigning assessors. Pure: storage and clocks are the services'.
 * Source: methodology.md "Stages" (PermenPANRB 59/2020; Pedoman Menteri PANRB 3/2024).
 */
import type { AgencyGroup } from './agency-groups.ts';
import type { CycleType, CycleWindows, TimeWindow } from './cycles.ts';
import type { Level } from './framework/types.ts';

export const stages = ['dokumen', 'interviu', 'visitasi'] as const;
export type Stage = (typeof stages)[number];

/** The cycle window of each stage: the path says `dokumen`, the cycle `documentAssessment`. */
export const stageWindow: Readonly<Record<Stage, keyof CycleWindows>> = {
  dokumen: 'documentAssessment',
  interviu: 'interviewAssessment',
  visitasi: 'visitAssessment',
};

/**
 * The stages of a cycle, in order: Pemantauan has the document stage only; Evaluasi adds the
 * interview and, when the cycle has its window, the visit.
 */
export const stagesOf = (type: CycleType, windows: CycleWindows): Stage[] =>
  stages.filter((stage) => {
    if (stage === 'dokumen') return true;
    if (type !== 'evaluasi') return false;
    return windows[stageWindow[stage]] !== undefined;
  });

export const windowOfStage = (windows: CycleWindows, stage: Stage): TimeWindow | undefined =>
  windows[stageWindow[stage]] as TimeWindow | undefined;

/** One recorded score version of one indicator at one stage. */
export interface StageScore {
  readonly stage: Stage;
  readonly indicatorNo: number;
  /** 1, 2, … per stage and indicator: corrections are new versions; the original stays. */
  readonly version: number;
  /** null: the evidence supports no level (worth 0, unanswered in the result). */
  readonly level: Level | null;
  readonly note: string;
  /** Indices into the agency's submitted evidence for this indicator that the score relies on. */
  readonly evidenceUsed: readonly number[];
  readonly recordedBy: string;
  readonly recordedAt: string;
  /** Why a version corrects the one before; required from version 2 on. */
  readonly reason?: string | undefined;
}

/** The score standing for an indicator at a stage: its own latest version, or an earlier stage's. */
export interface StandingScore {
  readonly score: StageScore;
  /** True when the score was recorded at an earlier stage and not re-scored at this one. */
  readonly carriedForward: boolean;
}

/** The latest version of each (stage, indicator) among all recorded versions. */
export const latestVersions = (scores: readonly StageScore[]): Map<string, StageScore> => {
  const latest = new Map<string, StageScore>();
  for (const score of scores) {
    const key = `${score.stage}#${score.indicatorNo}`;
    const current = latest.get(key);
    if (!current || current.version < score.version) latest.set(key, score);
  }
  return latest;
};

/**
 * The standing score of every indicator at `stage` among `cycleStages` (in order): the indicator's
 * latest version at that stage, else the standing score at the stage before, marked carried
 * forward. Indicators never scored are absent.
 */
export const standingScores = (
  scores: readonly StageScore[],
  cycleStages: readonly Stage[],
  stage: Stage,
): Map<number, StandingScore> => {
  const latest = latestVersions(scores);
  const standing = new Map<number, StandingScore>();
  for (const current of cycleStages.slice(0, cycleStages.indexOf(stage) + 1)) {
    const carried = new Map<number, StandingScore>(
      [...standing].map(([no, entry]) => [no, { score: entry.score, carriedForward: true }]),
    );
    for (const score of latest.values()) {
      if (score.stage === current) carried.set(score.indicatorNo, { score, carriedForward: false });
    }
    standing.clear();
    for (const [no, entry] of carried) standing.set(no, entry);
  }
  return standing;
};

/** The review team's mark on one score version. */
export interface ReviewMark {
  readonly indicatorNo: number;
  readonly stage: Stage;
  readonly scoreVersion: number;
  readonly valid: boolean;
  readonly reason: string;
  readonly version: number;
  readonly reviewedBy: string;
  readonly reviewedAt: string;
}

/** A review counts only for the exact score it marked: a newer score makes it stale. */
export const reviewCounts = (review: ReviewMark | undefined, standing: StandingScore | undefined): boolean =>
  review !== undefined &&
  standing !== undefined &&
  review.valid &&
  review.stage === standing.score.stage &&
  review.scoreVersion === standing.score.version;

/** What conflict-of-interest checks know of an agency. */
export interface AgencyTies {
  readonly id: string;
  readonly group: AgencyGroup;
  readonly parentProvinceId?: string | undefined;
}

export type ConflictRule = 'own-agency' | 'parent-province' | 'child-region';

export interface ConflictOfInterest {
  readonly rule: ConflictRule;
  /** The affiliation that conflicts. */
  readonly affiliation: string;
  readonly message: string;
}

/**
 * Why an assessor with these affiliations may not assess `agency`, or undefined:
 * - affiliated with the agency itself;
 * - for a kabupaten/kota, affiliated with its province;
 * - for a province, affiliated with one of its kabupaten/kota.
 * @param affiliations the assessor's affiliated agencies as the registry holds them (unknown ids are
 *   compared by id only).
 */
export const conflictOfInterest = (
  agency: AgencyTies,
  affiliations: readonly AgencyTies[],
): ConflictOfInterest | undefined => {
  for (const affiliation of affiliations) {
    if (affiliation.id === agency.id) {
      return {
        rule: 'own-agency',
        affiliation: affiliation.id,
        message: `The assessor is affiliated with ${agency.id} itself.`,
      };
    }
    if (agency.parentProvinceId !== undefined && affiliation.id === agency.parentProvinceId) {
      return {
        rule: 'parent-province',
        affiliation: affiliation.id,
        message: `The assessor is affiliated with ${affiliation.id}, the province of ${agency.id}.`,
      };
    }
    if (agency.group === 'provinsi' && affiliation.parentProvinceId === agency.id) {
      return {
        rule: 'child-region',
        affiliation: affiliation.id,
        message: `The assessor is affiliated with ${affiliation.id}, a kabupaten/kota of ${agency.id}.`,
      };
    }
  }
  return undefined;
};
