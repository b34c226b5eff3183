import type * as z from 'zod';
import type { AppealSchema } from '#shared/api/results/schemas.ts';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import type { ResultSummary, ResultVersion } from '#shared/domain/results.ts';
import type { CycleRecord } from '../cycles/ports.ts';
import type { Page, PageRequest } from '../ports.ts';

export type AppealRecord = z.output<typeof AppealSchema>;

/**
 * The current result of an agency in a cycle, small: which version stands, its summary (what the
 * ranking run reads for every agency), and the open appeal. The versions hold everything else.
 */
export interface CurrentResult {
  readonly year: number;
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
  readonly version: number;
  readonly sha256: string;
  readonly summary: ResultSummary;
  readonly openAppealId?: string | undefined;
}

/** A result version's inputs, with the version they belong to. */
export type StoredInputs = Pick<ResultVersion, 'agencyId' | 'version' | 'inputs'>;

export interface ResultStore {
  current(year: number, agencyId: string): Promise<CurrentResult | undefined>;
  /** A page of a cycle's current results (one Query), by group then agency id; one group when asked. */
  listByCycle(
    year: number,
    query: PageRequest & { readonly group?: AgencyGroup | undefined },
  ): Promise<Page<CurrentResult>>;
  /** The cycle and the agency's current result in it, in one round trip (what an appeal needs). */
  currentWithCycle(
    year: number,
    agencyId: string,
  ): Promise<{ cycle: CycleRecord | undefined; current: CurrentResult | undefined }>;
  /** The current result and every version (oldest first), in one read. */
  load(
    year: number,
    agencyId: string,
  ): Promise<{ current: CurrentResult | undefined; versions: ResultVersion[] }>;
  /** The agency's appeals in the cycle, oldest first. */
  appeals(year: number, agencyId: string): Promise<AppealRecord[]>;
  /** Every agency's appeals in the cycle: decided, then open, each by filing time; one status by prefix. */
  appealsByCycle(
    year: number,
    query: PageRequest & { readonly status?: AppealRecord['status'] | undefined },
  ): Promise<Page<AppealRecord>>;
  /** Which of these agencies have a result in the cycle (the demo seed imports results for the others). */
  existing(year: number, agencyIds: readonly string[]): Promise<Set<string>>;
  /**
   * The cycle, the current results of these agencies in it (by agency id) and which are assessed in
   * it (a panel was assigned: their result comes from finalizing), in one round trip (an import).
   */
  existingWithCycle(
    year: number,
    agencyIds: readonly string[],
  ): Promise<{
    cycle: CycleRecord | undefined;
    existing: ReadonlyMap<string, CurrentResult>;
    assessed: Set<string>;
  }>;
  /**
   * The inputs (levels, their sources) of the named versions of agencies' results in the cycle, in
   * no particular order; a version that does not exist is left out. What an import compares its
   * rows with: the inputs alone, a fifth of a version's size.
   */
  versionInputs(
    year: number,
    wanted: readonly { readonly agencyId: string; readonly version: number }[],
  ): Promise<StoredInputs[]>;
}

interface AgencyIdentity {
  readonly year: number;
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
}

/**
 * Result writes. Conditions the write path enforces:
 * - result.finalize: version 1 new; the assessment at the revision read and not finalized (it
 *   becomes finalized in the same transaction);
 * - result.import: version 1 new, no current result, no assessment (its head absent);
 * - appeal.file: the appeal new; the current result at `resultVersion` with no open appeal;
 * - appeal.decide: the appeal still open; the current result at the appealed version; an upheld
 *   appeal writes the next version (new) and moves the current result to it.
 */
export type ResultStateChange =
  | (AgencyIdentity & {
      readonly kind: 'result.finalize';
      readonly result: ResultVersion;
      readonly revision: number;
    })
  | (AgencyIdentity & { readonly kind: 'result.import'; readonly result: ResultVersion })
  | { readonly kind: 'appeal.file'; readonly appeal: AppealRecord }
  | (AgencyIdentity & {
      readonly kind: 'appeal.decide';
      readonly appeal: AppealRecord;
      /** The version appealed against (the current one when the appeal was filed). */
      readonly appealedVersion: number;
      readonly newResult: ResultVersion | undefined;
    });
