import type * as z from 'zod';
import type { CycleSchema } from '#shared/api/cycles/schemas.ts';
import type { AwardRules } from '#shared/domain/awards/rules.ts';

/**
 * A cycle as stored: the API's `Cycle` schema without what is computed at read time, its creator
 * always present, and its award rules as the domain types them.
 */
export type CycleRecord = Omit<z.output<typeof CycleSchema>, 'phase' | 'createdBy' | 'awardRules'> & {
  readonly createdBy: string;
  readonly awardRules: AwardRules;
};

export interface CycleStore {
  get(year: number): Promise<CycleRecord | undefined>;
  /** Every cycle, newest first (one per year: one page covers centuries). */
  list(): Promise<CycleRecord[]>;
}

/**
 * Cycle writes: a new cycle (no cycle of that year may exist), or new windows at the version read.
 */
export type CycleStateChange =
  | { readonly kind: 'cycle'; readonly cycle: CycleRecord }
  | { readonly kind: 'cycle.windows'; readonly cycle: CycleRecord; readonly expectedVersion: number }
  /**
   * Writes nothing: holds while the cycle is still at `version`. A change decided on a cycle read
   * from a container's cache carries it, so that a rescheduling the cache has not seen yet fails
   * the transaction instead of being ignored.
   */
  | { readonly kind: 'cycle.unchanged'; readonly year: number; readonly version: number }
  /**
   * Writes nothing: holds while the cycle has published neither a ranking nor awards. A rescheduling
   * that moves a publication time already passed carries it: what the public has read stays public.
   */
  | { readonly kind: 'cycle.unpublished'; readonly year: number };
