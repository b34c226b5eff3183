import type * as z from 'zod';
import type { IndicatorAnswerSchema } from '#shared/api/self-assessment/schemas.ts';
import type { CycleRecord } from '../cycles/ports.ts';
import type { Page, PageRequest } from '../ports.ts';
import type { AgencyRecord } from '../registry/ports.ts';

/** One saved answer, as stored and served (the API's `IndicatorAnswer`). */
export type StoredAnswer = z.output<typeof IndicatorAnswerSchema>;
export type EvidenceReference = StoredAnswer['evidence'][number];

export type SelfAssessmentStatus = 'draft' | 'submitted';

/** The self-assessment's own record: status and version (its ETag) of the whole set of answers. */
export interface SelfAssessmentHeader {
  readonly status: SelfAssessmentStatus;
  readonly version: number;
  readonly answeredCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly submittedAt?: string | undefined;
  readonly submittedBy?: string | undefined;
}

export interface SelfAssessmentState {
  /** undefined until the first save. */
  readonly header: SelfAssessmentHeader | undefined;
  readonly answers: ReadonlyMap<number, StoredAnswer>;
}

export interface SelfAssessmentContext {
  readonly cycle: CycleRecord | undefined;
  readonly agency: AgencyRecord | undefined;
}

/**
 * `cached`: the container's copy when it is young enough (an adapter's setting, at most a minute),
 * else a read; `fresh`: a read now (which refreshes the copy).
 */
export type CycleFreshness = 'cached' | 'fresh';

export interface SelfAssessmentStore {
  /** The cycle and the agency, in one round trip. */
  context(year: number, agencyId: string): Promise<SelfAssessmentContext>;
  /** The cycle's settings; `cached` costs no round trip while the container's copy is young. */
  cycle(year: number, freshness: CycleFreshness): Promise<CycleRecord | undefined>;
  /** The agency's registry record: one round trip. */
  agency(agencyId: string): Promise<AgencyRecord | undefined>;
  /** The header and every answer, in one round trip. */
  load(year: number, agencyId: string): Promise<SelfAssessmentState>;
  /**
   * The headers of a cycle's self-assessments (one Query), drafts first, then submissions, each by
   * agency id; only one status when asked.
   */
  listByCycle(
    year: number,
    query: PageRequest & { readonly status?: SelfAssessmentStatus | undefined },
  ): Promise<Page<AgencySelfAssessmentHeader>>;
}

/** A header with the agency it belongs to: a line of the cycle's overview. */
export type AgencySelfAssessmentHeader = SelfAssessmentHeader & { readonly agencyId: string };

/**
 * Self-assessment writes. Conditions the write path enforces:
 * - answers: the header is at `expectedVersion` (0: none yet) and still a draft;
 * - submission: the header is at `expectedVersion`, a draft, and holds `requiredAnswers` answers.
 */
export type SelfAssessmentStateChange =
  | {
      readonly kind: 'self-assessment.answers';
      readonly year: number;
      readonly agencyId: string;
      readonly expectedVersion: number;
      readonly header: SelfAssessmentHeader;
      readonly answers: readonly StoredAnswer[];
    }
  | {
      readonly kind: 'self-assessment.submission';
      readonly year: number;
      readonly agencyId: string;
      readonly expectedVersion: number;
      readonly requiredAnswers: number;
      readonly header: SelfAssessmentHeader;
    };
