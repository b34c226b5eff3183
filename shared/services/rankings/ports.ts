import type * as z from 'zod';
import type { RankingRunSchema } from '#shared/api/rankings/schemas.ts';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import type { ResultSummary } from '#shared/domain/results.ts';
import type { CycleRecord } from '../cycles/ports.ts';

export type RankingRunRecord = z.output<typeof RankingRunSchema>;

/** A ranking's scope: the nation, or one agency group. */
export type RankingScopeKey = 'national' | AgencyGroup;

/** One agency's final result as the ranking run reads it (the current result's summary). */
export interface RankingInput {
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
  readonly version: number;
  readonly sha256: string;
  readonly summary: ResultSummary;
}

/** A ranking row as stored: compact, the representation is built when read. */
export interface StoredRankingRow {
  readonly rank: number;
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
  readonly exact: string;
  readonly display: string;
  readonly predicateId: string;
  readonly previousRank: number | null;
  readonly change: number | null;
  readonly displayTie: boolean;
  readonly best?: number;
  readonly worst?: number;
}

/** A page of one ranking (scope × measure) of one run; immutable once written. */
export interface RankingPageRecord {
  readonly year: number;
  readonly runId: string;
  readonly scope: RankingScopeKey;
  readonly measure: string;
  readonly page: number;
  readonly pages: number;
  readonly total: number;
  readonly rows: readonly StoredRankingRow[];
}

/** One agency's positions in every ranking of one run. */
export interface AgencyPositionsRecord {
  readonly year: number;
  readonly runId: string;
  readonly agencyId: string;
  readonly positions: readonly {
    readonly scope: RankingScopeKey;
    readonly measure: string;
    readonly rank: number;
    readonly of: number;
    readonly value: { readonly exact: string; readonly display: string };
  }[];
  readonly rankRange?: { readonly best: number; readonly worst: number };
}

/** What bulk reads and writes cost: items and consumed capacity units. */
export interface IoStats {
  readonly items: number;
  readonly capacity: number;
}

export interface RankingLease {
  readonly runId: string;
  readonly until: string;
}

export interface PublishedRun {
  readonly runId: string;
  readonly publishedAt: string;
  /**
   * The published run's inputs and entries hashes (its report's), kept on the pointer so that a new
   * run tells an identical ranking from the one read it already makes. Absent on pointers written
   * before they were kept: such a ranking is published again by the next run, once.
   */
  readonly inputsSha256?: string;
  readonly entriesSha256?: string;
}

/** What one `RankingStore.read` fetches besides the cycle: any of these whose keys are known. */
export interface RankingReadRequest {
  /** The cycle's published pointer. */
  readonly published?: boolean;
  /** A run's record. */
  readonly runId?: string;
  /** Stored pages of one ranking of a run, by number. */
  readonly pages?: {
    readonly runId: string;
    readonly scope: RankingScopeKey;
    readonly measure: string;
    readonly numbers: readonly number[];
  };
}

export interface RankingRead {
  readonly cycle: CycleRecord | undefined;
  readonly published?: PublishedRun | undefined;
  readonly run?: RankingRunRecord | undefined;
  /** The pages asked for that exist, in page order. */
  readonly pages: readonly RankingPageRecord[];
}

export interface RankingStore {
  /** Every current final result of a cycle (all pages of the cycle's results index). */
  results(year: number): Promise<{ readonly results: RankingInput[]; readonly stats: IoStats }>;
  /** Whether the cycle has any final result: one read of one key. */
  hasResults(year: number): Promise<boolean>;
  run(year: number, runId: string): Promise<RankingRunRecord | undefined>;
  runs(year: number): Promise<RankingRunRecord[]>;
  lease(year: number): Promise<RankingLease | undefined>;
  published(year: number): Promise<PublishedRun | undefined>;
  publishedMany(years: readonly number[]): Promise<Map<number, PublishedRun>>;
  /**
   * Takes (or renews) the cycle's lease for `runId` until `until`, unless another run holds one that
   * has not expired at `now` (times compared in the condition; TTL deletes late). Returns the holder
   * when refused.
   */
  acquireLease(year: number, runId: string, until: string, now: string): Promise<RankingLease | undefined>;
  /** Frees the cycle's lease if `runId` holds it (a failed run lets the next one start). */
  releaseLease(year: number, runId: string): Promise<void>;
  /** Saves a running run's progress, only while it still runs. Job bookkeeping, not a state change. */
  checkpoint(run: RankingRunRecord): Promise<boolean>;
  /**
   * Writes a run's derived, write-once items (ranking pages, agency positions) in bulk, retrying
   * unprocessed items with backoff. Nothing reads them until the audited publication switches the
   * cycle's pointer to the run.
   */
  writeItems(
    items: readonly (
      | { readonly kind: 'page'; readonly page: RankingPageRecord }
      | { readonly kind: 'positions'; readonly positions: AgencyPositionsRecord }
    )[],
  ): Promise<IoStats>;
  page(
    year: number,
    runId: string,
    scope: string,
    measure: string,
    page: number,
  ): Promise<RankingPageRecord | undefined>;
  /** Every page of one ranking of a run, in order. */
  pages(year: number, runId: string, scope: RankingScopeKey, measure: string): Promise<RankingPageRecord[]>;
  /** Every page of every ranking of a run (the open-data file): one Query of the run's partition. */
  allPages(year: number, runId: string): Promise<RankingPageRecord[]>;
  /**
   * The cycle and whichever of its pointer, a run and pages of a run are asked for: one round trip
   * (BatchGetItem), for readers whose keys are known up front.
   */
  read(year: number, request: RankingReadRequest): Promise<RankingRead>;
  /** The cycles and published pointers of these years: one round trip. */
  publications(
    years: readonly number[],
  ): Promise<Map<number, { readonly cycle: CycleRecord; readonly published: PublishedRun | undefined }>>;
  /** An agency's positions in every run of every cycle. */
  positions(agencyId: string): Promise<AgencyPositionsRecord[]>;
}

/** Starts a run's worker without waiting for it (an asynchronous Lambda invocation in AWS). */
export interface RunLauncher {
  launch(request: { readonly year: number; readonly runId: string }): Promise<void>;
}

/**
 * Ranking writes through the audited path:
 * - ranking.start: the run record new; the cycle's lease free (absent or expired) or already this run's;
 * - ranking.publish: the run still running; the published pointer still at `previousRunId` (absent
 *   for none), moved to the run with its hashes; the lease released — one transaction with
 *   `ranking.published`;
 * - ranking.confirm: the run still running, recorded `unchanged`; the published pointer still at
 *   `confirmedRunId` with these very hashes, and left as it is; the lease released — no event.
 */
export type RankingStateChange =
  | {
      readonly kind: 'ranking.start';
      readonly run: RankingRunRecord;
      readonly leaseUntil: string;
      readonly now: string;
    }
  | {
      readonly kind: 'ranking.publish';
      readonly run: RankingRunRecord;
      readonly previousRunId: string | undefined;
      readonly publishedAt: string;
    }
  | {
      readonly kind: 'ranking.confirm';
      readonly run: RankingRunRecord;
      readonly confirmedRunId: string;
      readonly inputsSha256: string;
      readonly entriesSha256: string;
    };
