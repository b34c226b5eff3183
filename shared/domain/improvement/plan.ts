/**
 * "What should we improve first?": the fewest one-level steps that lift an assessment to a target.
 *
 * Why greedy is optimal. Raising indicator i by one level (from l to l + 1, or from "not answered" to 1)
 * adds exactly wᵢ/100 to the index, whatever l is: the index is linear in the levels. So the available
 * steps form a multiset of gains — each indicator's weight, repeated (5 − level) times — and any plan of
 * k steps is a k-element sub-multiset of it. The sum of any k elements is at most the sum of the k
 * largest, so if the k largest gains do not reach the target, no k steps do. Taking steps in descending
 * gain and stopping as soon as the target is reached therefore uses the minimum number of steps (and,
 * among minimum plans, has the largest total gain). Equal gains are broken by lower current level, then
 * lower indicator number, which also keeps each indicator's steps consecutive (2→3 before 3→4), because
 * levels are cumulative. The tests check minimality against brute force.
 */
import { DomainInputError } from '../errors.ts';
import { compileFramework } from '../framework/compile.ts';
import type { Framework, Level } from '../framework/types.ts';
import {
  ceil,
  compare,
  type IndexValue,
  indexValueFromInts,
  mul,
  parseRational,
  type Rational,
  rational,
  sub,
  toIndexValue,
} from '../scoring/rational.ts';
import { computeIndexUnits, predicateOf } from '../scoring/score.ts';
import type { LevelsInput, PredicateBasis, PredicateRef } from '../scoring/types.ts';

/**
 * A target: a predicate by id, the next predicate above the current one, or an index (exact decimal or
 * fraction, reached when the exact index is ≥ it).
 */
export type ImprovementTarget =
  | { readonly predicate: string }
  | { readonly index: string }
  | 'next-predicate';

export interface ImprovementOptions {
  /**
   * Basis of the predicate bands, as in scoring. Under `rounded`, a predicate is reached once the index
   * rounds up to the band's lower bound (e.g. 3.495 for Sangat Baik). Index targets are always exact.
   * @default 'exact'
   */
  readonly predicateBasis?: PredicateBasis;
}

export interface ImprovementStep {
  readonly indicatorNo: number;
  readonly aspectNo: number;
  readonly domainNo: number;
  /** null = not answered (worth 0). */
  readonly from: Level | null;
  readonly to: Level;
  /** Increase of the index: the indicator's weight / 100. */
  readonly gain: IndexValue;
}

export interface ImprovementPlan {
  readonly frameworkId: string;
  readonly predicateBasis: PredicateBasis;
  readonly target: {
    /** The predicate targeted, when the target is a predicate. */
    readonly predicate: PredicateRef | null;
    /** The lowest exact index that reaches the target. */
    readonly threshold: IndexValue;
  };
  readonly current: { readonly index: IndexValue; readonly predicate: PredicateRef };
  readonly reachable: boolean;
  /** Why the target cannot be reached; null when reachable. */
  readonly reason: string | null;
  /** Fewest steps reaching the target, by descending gain; empty when already reached or unreachable. */
  readonly steps: readonly ImprovementStep[];
  /** Index and predicate after all steps. */
  readonly projected: { readonly index: IndexValue; readonly predicate: PredicateRef };
}

interface Candidate {
  readonly no: number;
  readonly from: number;
  readonly units: number;
}

/**
 * Plans the fewest one-level steps from `levels` to `target` (see the module comment for why the
 * greedy choice is minimal). Unanswered indicators count as 0, so their first step is to level 1.
 * @throws DomainInputError for an unknown predicate id, a malformed index or invalid levels.
 */
export function planImprovement(
  framework: Framework,
  levels: LevelsInput,
  target: ImprovementTarget,
  options: ImprovementOptions = {},
): ImprovementPlan {
  const c = compileFramework(framework);
  const basis = options.predicateBasis ?? 'exact';
  const currentUnits = computeIndexUnits(framework, levels);
  const denominator = c.indexDenominator;
  const currentIndex = rational(currentUnits, denominator);
  const currentPredicate = predicateOf(framework, currentIndex, basis);

  let targetPredicate: PredicateRef | null = null;
  let threshold: Rational;
  let unreachableReason: string | null = null;
  if (target === 'next-predicate' || 'predicate' in target) {
    const position = c.bands.findIndex((b) => b.band.id === currentPredicate.id);
    const band =
      target === 'next-predicate'
        ? c.bands[position + 1]
        : c.bands.find((b) => b.band.id === target.predicate);
    if (band === undefined && target !== 'next-predicate') {
      throw new DomainInputError(
        `Unknown predicate '${target.predicate}'; known: ${c.bands.map((b) => b.band.id).join(', ')}`,
      );
    }
    if (band === undefined) {
      unreachableReason = `Already in the highest predicate (${currentPredicate.name}); there is no next one`;
      threshold = currentIndex;
    } else {
      targetPredicate = { id: band.band.id, name: band.band.name, nameEn: band.band.nameEn };
      const min = rational(band.minNum, band.minDen);
      // Rounded half-up to 2 decimals, x shows as ≥ min exactly when x ≥ min − 0.005.
      threshold = basis === 'rounded' ? maxRational(sub(min, rational(1, 200)), rational(0)) : min;
    }
  } else {
    threshold = parseRational(target.index);
  }

  const maxIndex = rational(5);
  if (unreachableReason === null && compare(threshold, maxIndex) > 0) {
    unreachableReason = `Target index ${toIndexValue(threshold).exact} is above the maximum index 5`;
  }

  // Smallest units sum u with u / denominator ≥ threshold.
  const needed = Number(ceil(mul(threshold, rational(denominator)))) - currentUnits;
  const steps: ImprovementStep[] = [];
  let gained = 0;
  if (unreachableReason === null && needed > 0) {
    const candidates: Candidate[] = [];
    for (let no = 1; no <= c.indicatorCount; no++) {
      const raw: unknown = levels instanceof Map ? levels.get(no) : (levels as Record<number, unknown>)[no];
      const level = typeof raw === 'number' ? raw : 0;
      const units = c.weightUnits[no] ?? 0;
      for (let from = level; from < 5; from++) candidates.push({ no, from, units });
    }
    candidates.sort((a, b) => b.units - a.units || a.from - b.from || a.no - b.no);
    for (const step of candidates) {
      if (gained >= needed) break;
      gained += step.units;
      const indicator = framework.indicators[step.no - 1];
      steps.push({
        indicatorNo: step.no,
        aspectNo: indicator?.aspectNo ?? 0,
        domainNo: framework.aspects[c.aspectPos[step.no] ?? 0]?.domainNo ?? 0,
        from: step.from === 0 ? null : (step.from as Level),
        to: (step.from + 1) as Level,
        gain: indexValueFromInts(step.units, denominator),
      });
    }
    // Unreachable only if the target exceeds 5, handled above; this guards against inconsistent data.
    if (gained < needed) unreachableReason = 'Even level 5 on every indicator does not reach the target';
  }

  const reachable = unreachableReason === null;
  const projectedUnits = currentUnits + (reachable ? gained : 0);
  const projectedIndex = rational(projectedUnits, denominator);
  return {
    frameworkId: framework.id,
    predicateBasis: basis,
    target: { predicate: targetPredicate, threshold: toIndexValue(threshold) },
    current: { index: indexValueFromInts(currentUnits, denominator), predicate: currentPredicate },
    reachable,
    reason: unreachableReason,
    steps: reachable ? steps : [],
    projected: {
      index: indexValueFromInts(projectedUnits, denominator),
      predicate: predicateOf(framework, projectedIndex, basis),
    },
  };
}

function maxRational(a: Rational, b: Rational): Rational {
  return compare(a, b) >= 0 ? a : b;
}
