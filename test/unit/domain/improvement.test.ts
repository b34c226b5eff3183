import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainInputError } from '../../../shared/domain/errors.ts';
import { spbe2020 } from '../../../shared/domain/framework/index.ts';
import type { Framework, Level } from '../../../shared/domain/framework/types.ts';
import { type ImprovementTarget, planImprovement } from '../../../shared/domain/improvement/index.ts';
import {
  ceil,
  compare,
  computeIndexUnits,
  mul,
  type PredicateBasis,
  parseRational,
  rational,
  scoreAssessment,
} from '../../../shared/domain/scoring/index.ts';
import { type Levels, levelsArb, levelsForUnits, tinyFramework, uniformLevels } from './helpers.ts';

/** Fewest one-level steps reaching `thresholdUnits`, by trying every combination of final levels. */
function bruteForceMinSteps(framework: Framework, levels: Levels, thresholdUnits: number): number | null {
  const nos = framework.indicators.map((i) => i.no);
  let best: number | null = null;
  const walk = (k: number, current: Levels, steps: number): void => {
    if (best !== null && steps >= best) return;
    if (k === nos.length) {
      if (computeIndexUnits(framework, current) >= thresholdUnits) best = steps;
      return;
    }
    const no = nos[k] as number;
    const from = levels[no] ?? 0;
    for (let to = from; to <= 5; to++) {
      walk(k + 1, { ...current, [no]: to === 0 ? null : (to as Level) }, steps + (to - from));
    }
  };
  walk(0, { ...levels }, 0);
  return best;
}

function apply(
  levels: Levels,
  steps: readonly { indicatorNo: number; from: Level | null; to: Level }[],
): Levels {
  const out = { ...levels };
  for (const s of steps) {
    expect(out[s.indicatorNo] ?? null).toBe(s.from);
    out[s.indicatorNo] = s.to;
  }
  return out;
}

describe('planImprovement', () => {
  it('plans the fewest steps from Baik (3.4985) to Sangat Baik: one step', () => {
    // Prepare
    const levels = levelsForUnits(spbe2020, 34_985) as Levels;

    // Act
    const plan = planImprovement(spbe2020, levels, 'next-predicate');

    // Assess
    expect(plan.current.predicate.id).toBe('baik');
    expect(plan.target.predicate?.id).toBe('sangat-baik');
    expect(plan.target.threshold.exact).toBe('3.5');
    expect(plan.reachable).toBe(true);
    expect(plan.steps).toHaveLength(1);
    // The step taken has the largest weight among indicators still below level 5.
    const largest = Math.max(...spbe2020.indicators.filter((i) => levels[i.no] !== 5).map((i) => i.weight));
    expect(parseRational(plan.steps[0]?.gain.exact ?? '')).toEqual(
      rational(Math.round(largest * 100), 10_000),
    );
    expect(plan.projected.predicate.id).toBe('sangat-baik');
  });

  it('under the rounded basis, a predicate is reached once the index rounds up to its bound', () => {
    const levels = levelsForUnits(spbe2020, 34_985) as Levels;
    const plan = planImprovement(
      spbe2020,
      levels,
      { predicate: 'sangat-baik' },
      { predicateBasis: 'rounded' },
    );
    expect(plan.current.predicate.id).toBe('sangat-baik');
    expect(plan.target.threshold.exact).toBe('3.495');
    expect(plan.steps).toEqual([]);
  });

  it('steps unanswered indicators to level 1 first and orders steps by gain', () => {
    // Prepare: everything at 3 except indicators 42 (weight 3) and 1 (weight 1.3) unanswered
    const levels: Levels = { ...uniformLevels(spbe2020, 3), 42: null, 1: null };

    // Act
    const plan = planImprovement(spbe2020, levels, { index: '3.1' });

    // Assess: 3 − 0.03 × 3 − 0.013 × 3 = 2.871; need 0.229 → 8 steps of 0.03 = 0.24
    expect(plan.current.index.exact).toBe('2.871');
    expect(plan.steps.map((s) => [s.indicatorNo, s.from, s.to])).toEqual([
      [42, null, 1],
      [42, 1, 2],
      [42, 2, 3],
      [42, 3, 4],
      [43, 3, 4],
      [44, 3, 4],
      [45, 3, 4],
      [46, 3, 4],
    ]);
    expect(plan.steps.every((s) => s.gain.exact === '0.03')).toBe(true);
    expect(plan.projected.index.exact).toBe('3.111');
  });

  it('reports an unreachable target with a reason', () => {
    const top = planImprovement(spbe2020, uniformLevels(spbe2020, 5), 'next-predicate');
    expect(top.reachable).toBe(false);
    expect(top.reason).toMatch(/highest predicate/);
    expect(top.steps).toEqual([]);

    const above = planImprovement(spbe2020, {}, { index: '5.01' });
    expect(above.reachable).toBe(false);
    expect(above.reason).toMatch(/above the maximum index 5/);
  });

  it('needs no steps when the target is already met', () => {
    const plan = planImprovement(spbe2020, uniformLevels(spbe2020, 4), { predicate: 'baik' });
    expect(plan.reachable).toBe(true);
    expect(plan.steps).toEqual([]);
    expect(plan.projected.index.exact).toBe('4');
  });

  it('rejects an unknown predicate', () => {
    expect(() => planImprovement(spbe2020, {}, { predicate: 'luar-biasa' })).toThrow(DomainInputError);
  });

  const targetArb: fc.Arbitrary<ImprovementTarget> = fc.oneof(
    fc.constant<ImprovementTarget>('next-predicate'),
    fc.constantFrom<ImprovementTarget>(
      { predicate: 'tinggi' },
      { predicate: 'sedang' },
      { predicate: 'rendah' },
    ),
    fc.integer({ min: 0, max: 5000 }).map<ImprovementTarget>((h) => ({ index: (h / 1000).toFixed(3) })),
  );

  it('is minimal: brute force over every combination never needs fewer steps', () => {
    fc.assert(
      fc.property(
        levelsArb(tinyFramework),
        targetArb,
        fc.constantFrom<PredicateBasis>('exact', 'rounded'),
        (levels, target, basis) => {
          const plan = planImprovement(tinyFramework, levels, target, { predicateBasis: basis });
          if (!plan.reachable) {
            expect(plan.reason).not.toBeNull();
            return;
          }
          const threshold = parseRational(plan.target.threshold.exact);
          const thresholdUnits = Number(ceil(mul(threshold, rational(10_000))));
          const after = apply(levels, plan.steps);
          const index = scoreAssessment(tinyFramework, after, { predicateBasis: basis });
          expect(compare(parseRational(index.index.exact), threshold)).toBeGreaterThanOrEqual(0);
          expect(plan.steps.length).toBe(bruteForceMinSteps(tinyFramework, levels, thresholdUnits));
          if (plan.target.predicate !== null && plan.steps.length > 0) {
            expect(index.predicate.id).toBe(plan.target.predicate.id);
          }
          const gains = plan.steps.map((s) => parseRational(s.gain.exact));
          for (let i = 1; i < gains.length; i++) {
            expect(compare(gains[i - 1] ?? rational(0), gains[i] ?? rational(0))).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
