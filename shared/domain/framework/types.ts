/**
 * A versioned SPBE evaluation framework, as data. A successor regulation is expected, so everything the
 * engine needs (structure, weights, scales, predicate bands) lives here and none of it in code.
 *
 * Weights and band bounds are written as decimal numbers exactly as the regulation prints them (1.3, 2.75);
 * the engine reads each number's shortest decimal form (`String(1.3)` is "1.3") and turns it into integers,
 * so no floating-point arithmetic ever touches a score.
 */

/** A maturity level. Level n is worth n (PermenPANRB 59/2020 Lampiran II.B.3); there is no level 0. */
export type Level = 1 | 2 | 3 | 4 | 5;

export const levels: readonly Level[] = [1, 2, 3, 4, 5];

export interface MaturityLevel {
  readonly level: Level;
  readonly name: string;
  readonly nameEn: string;
  readonly criterion: string;
}

export interface MaturityScale {
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  /** Exactly five levels, 1..5 in order. */
  readonly levels: readonly MaturityLevel[];
  readonly source: string;
}

export interface FrameworkDomain {
  readonly no: number;
  readonly name: string;
  readonly nameEn: string;
  /** Short name used in citations ("indeks domain Layanan"). */
  readonly shortName: string;
  readonly shortNameEn: string;
  /** Percent of the index; equals the sum of its aspects' weights. */
  readonly weight: number;
  readonly source: string;
}

export interface FrameworkAspect {
  readonly no: number;
  readonly domainNo: number;
  readonly name: string;
  readonly nameEn: string;
  /** Percent of the index; equals the sum of its indicators' weights. */
  readonly weight: number;
  readonly source: string;
}

export interface FrameworkIndicator {
  readonly no: number;
  readonly aspectNo: number;
  readonly name: string;
  readonly nameEn: string;
  /** Percent of the index. */
  readonly weight: number;
  /** Id of the maturity scale (a key of `Framework.scales`). */
  readonly scale: string;
  readonly source: string;
}

/**
 * One predicate band: `min` inclusive, `max` inclusive only when `maxInclusive` (the top band).
 * Bands must tile [0, 5] without gaps or overlap; the lowest starts at 0 because unanswered indicators are
 * worth 0 and can pull an index below 1.
 */
export interface PredicateBand {
  /** Stable id used in rules and APIs, e.g. 'sangat-baik'. */
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  readonly min: number;
  readonly max: number;
  readonly maxInclusive: boolean;
}

export interface Framework {
  /** Stable id stored with every result, e.g. 'spbe-2020'. */
  readonly id: string;
  readonly name: string;
  readonly nameEn: string;
  readonly regulation: string;
  /** ISO date from which the regulation applies. */
  readonly validFrom: string;
  readonly technicalGuides: readonly string[];
  readonly domains: readonly FrameworkDomain[];
  readonly aspects: readonly FrameworkAspect[];
  /** Numbered 1..n in array order. */
  readonly indicators: readonly FrameworkIndicator[];
  readonly scales: Readonly<Record<string, MaturityScale>>;
  readonly predicateBands: readonly PredicateBand[];
  readonly sources: Readonly<Record<string, string>>;
}
