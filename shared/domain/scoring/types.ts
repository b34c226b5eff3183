import type { Level } from '../framework/types.ts';
import type { IndexValue } from './rational.ts';

export type { IndexValue, Level };

/**
 * Which value the predicate bands apply to: the unrounded index (`exact`, the 2024 practice and the default)
 * or the index rounded to 2 decimals (`rounded`, which fits the 2023 results). A setting of the cycle.
 */
export type PredicateBasis = 'exact' | 'rounded';

export const predicateBases: readonly PredicateBasis[] = ['exact', 'rounded'];

/**
 * The level of each indicator by indicator number. `null` or a missing entry means "not answered / no
 * evidence": worth 0 and listed in `unanswered`, never silently level 1.
 */
export type LevelsInput =
  | ReadonlyMap<number, Level | null>
  | Readonly<Record<number, Level | null | undefined>>;

export interface ScoringOptions {
  /** @default 'exact' */
  readonly predicateBasis?: PredicateBasis;
}

export interface PredicateRef {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
}

export interface DomainScore {
  readonly no: number;
  readonly name: string;
  readonly nameEn: string;
  readonly weight: number;
  readonly index: IndexValue;
}

export interface AspectScore {
  readonly no: number;
  readonly domainNo: number;
  readonly name: string;
  readonly nameEn: string;
  readonly weight: number;
  readonly index: IndexValue;
}

export interface IndicatorScore {
  readonly no: number;
  readonly aspectNo: number;
  readonly domainNo: number;
  readonly level: Level | null;
  readonly answered: boolean;
  readonly weight: number;
  /** level × weight / 100: this indicator's share of the index (the explanation of the result). */
  readonly contribution: IndexValue;
}

/**
 * A computed result. Plain JSON data (no bigint, no class instances): it is stored as is and served by
 * the API, and recomputing it from the same levels and framework gives the same bytes.
 */
export interface ScoreResult {
  readonly frameworkId: string;
  readonly predicateBasis: PredicateBasis;
  readonly index: IndexValue;
  readonly predicate: PredicateRef;
  readonly domains: readonly DomainScore[];
  readonly aspects: readonly AspectScore[];
  readonly indicators: readonly IndicatorScore[];
  /** Numbers of the indicators without a level, ascending. */
  readonly unanswered: readonly number[];
  readonly complete: boolean;
}
