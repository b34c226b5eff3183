import type * as z from 'zod';
import type { AssessorSchema, AssignmentSchema } from '#shared/api/assessment/schemas.ts';
import type { ReviewMark, StageScore } from '#shared/domain/assessment.ts';
import type { CycleRecord } from '../cycles/ports.ts';
import type { Page, PageRequest } from '../ports.ts';
import type { SelfAssessmentState } from '../self-assessment/ports.ts';

export type AssessorRecord = z.output<typeof AssessorSchema>;
export type AssignmentRecord = z.output<typeof AssignmentSchema>;

/**
 * The assessment's own record in the agency's cycle partition: who is on the panel (active
 * members), a revision every score and review bumps (finalizing is conditional on the revision it
 * read, so no score slips in between), and when the result was finalized (no scoring after it).
 */
export interface AssessmentHead {
  readonly members: readonly string[];
  readonly revision: number;
  readonly finalizedAt?: string | undefined;
}

/** What an assessor sees of an assigned agency in their list. */
export interface AssignmentSummary {
  readonly agencyName: string;
  readonly selfAssessmentStatus: 'none' | 'draft' | 'submitted';
}

/** Everything about one agency's assessment in a cycle, read in one go. */
export interface AssessmentSnapshot {
  readonly head: AssessmentHead | undefined;
  readonly assignments: readonly AssignmentRecord[];
  readonly scores: readonly StageScore[];
  readonly reviews: readonly ReviewMark[];
  readonly selfAssessment: SelfAssessmentState;
}

export interface AssessorStore {
  get(subject: string): Promise<AssessorRecord | undefined>;
  /** Several at once (the assessors of an assignment batch). */
  getMany(subjects: readonly string[]): Promise<Map<string, AssessorRecord>>;
}

export interface AssignmentStore {
  /** A cycle's assignments, by agency then assessor; filtered to one agency or one assessor. */
  listByCycle(
    year: number,
    filter: { readonly agencyId?: string | undefined; readonly assessor?: string | undefined } & PageRequest,
  ): Promise<Page<AssignmentRecord>>;
  /** One assessor's assignments, newest cycle first; optionally of one cycle. */
  listByAssessor(
    subject: string,
    filter: { readonly year?: number | undefined } & PageRequest,
  ): Promise<Page<AssignmentRecord>>;
  /**
   * The agency's name and its self-assessment's status for each (year, agency), keyed
   * `<year>#<agencyId>` (an assessor's list of assignments). Agencies not found are absent.
   */
  summaries(
    keys: readonly { readonly year: number; readonly agencyId: string }[],
  ): Promise<Map<string, AssignmentSummary>>;
  /** How many active assignments each assessor has in the cycle. */
  loads(year: number, subjects: readonly string[]): Promise<Map<string, number>>;
  /**
   * What an assignment batch checks its rows against, in one round trip: the cycle (its load cap),
   * the assessors' profiles (affiliations) and their loads in the cycle, and the version of each
   * named agency's final result in the cycle, if it has one (nothing left to assess).
   */
  planning(
    year: number,
    subjects: readonly string[],
    agencyIds: readonly string[],
  ): Promise<{
    readonly cycle: CycleRecord | undefined;
    readonly profiles: Map<string, AssessorRecord>;
    readonly results: Map<string, number>;
    readonly loads: Map<string, number>;
  }>;
}

export interface AssessmentStore {
  load(year: number, agencyId: string): Promise<AssessmentSnapshot>;
}

/**
 * Assessment writes. Conditions the write path enforces:
 * - assessor: versioned (absent for a new one);
 * - panel.assign: each assignment new, or one the review team removed (assigned again); each
 *   assessor's load in the cycle stays within `loadCap`; the panel's members grow; the agency
 *   has no final result (an import meanwhile);
 * - panel.recuse: the assignment active; another member stays on the panel;
 * - panel.remove: the assignment active; the panel may be left with no member (the review team,
 *   who removes, assigns the next);
 * - scores: each version new (two members writing from one version: one wins); the recorder an
 *   active panel member; not finalized; the revision grows;
 * - reviews: each review at its expected version; not finalized; the revision grows.
 */
export type AssessmentStateChange =
  | {
      readonly kind: 'assessor';
      readonly assessor: AssessorRecord;
      readonly before: AssessorRecord | undefined;
    }
  | {
      readonly kind: 'panel.assign';
      readonly year: number;
      readonly agencyId: string;
      readonly assignments: readonly AssignmentRecord[];
      readonly loadCap: number;
    }
  | { readonly kind: 'panel.recuse'; readonly assignment: AssignmentRecord }
  | { readonly kind: 'panel.remove'; readonly assignment: AssignmentRecord }
  | {
      readonly kind: 'scores';
      readonly year: number;
      readonly agencyId: string;
      readonly recordedBy: string;
      readonly scores: readonly StageScore[];
    }
  | {
      readonly kind: 'reviews';
      readonly year: number;
      readonly agencyId: string;
      readonly reviews: readonly { readonly review: ReviewMark; readonly expectedVersion: number }[];
    };
