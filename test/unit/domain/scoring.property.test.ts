import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spbe2020 } from '../../../shared/domain/framework/index.ts';
import type { Framework, Level } from '../../../shared/domain/framework/types.ts';
import {
  add,
  compare,
  computeIndexUnits,
  div,
  mul,
  parseDecimalNumber,
  parseRational,
  type Rational,
  rational,
  scoreAssessment,
} from '../../../shared/domain/scoring/index.ts';
import { levelArb, levelsArb, tinyFramework } from './helpers.ts';

const frameworks: [string, Framework][] = [
  ['spbe-2020', spbe2020],
  ['tiny-2030', tinyFramework],
];

describe.each(frameworks)('scoring properties (%s)', (_, framework) => {
  const n = framework.indicators.length;

  it('index lies in [0, 5], and in [1, 5] when every indicator is answered', () => {
    fc.assert(
      fc.property(levelsArb(framework), (levels) => {
        const result = scoreAssessment(framework, levels);
        const index = parseRational(result.index.exact);
        expect(compare(index, rational(0))).toBeGreaterThanOrEqual(0);
        expect(compare(index, rational(5))).toBeLessThanOrEqual(0);
        if (result.complete) expect(compare(index, rational(1))).toBeGreaterThanOrEqual(0);
      }),
    );
    fc.assert(
      fc.property(levelsArb(framework, true), (levels) => {
        const index = parseRational(scoreAssessment(framework, levels).index.exact);
        expect(compare(index, rational(1))).toBeGreaterThanOrEqual(0);
        expect(scoreAssessment(framework, levels).unanswered).toEqual([]);
      }),
    );
  });

  it('raising any level (or answering) never lowers the index', () => {
    fc.assert(
      fc.property(levelsArb(framework), fc.integer({ min: 1, max: n }), levelArb, (levels, no, raiseTo) => {
        const current = levels[no] ?? 0;
        fc.pre(raiseTo > current);
        const before = scoreAssessment(framework, levels);
        const after = scoreAssessment(framework, { ...levels, [no]: raiseTo });
        expect(compare(parseRational(after.index.exact), parseRational(before.index.exact))).toBe(1);
        expect(computeIndexUnits(framework, { ...levels, [no]: raiseTo })).toBeGreaterThan(
          computeIndexUnits(framework, levels),
        );
      }),
    );
  });

  it('the flat formula equals the aspect → domain → index chain of the regulation', () => {
    fc.assert(
      fc.property(levelsArb(framework), (levels) => {
        const result = scoreAssessment(framework, levels);
        // Flat: Σ level × weight / 100, computed independently from the framework data.
        let flat: Rational = rational(0);
        for (const ind of framework.indicators) {
          flat = add(
            flat,
            mul(rational((levels[ind.no] as Level | null) ?? 0), parseDecimalNumber(ind.weight)),
          );
        }
        flat = div(flat, rational(100));
        // Chain: from the result's own aspect indices up through domains.
        const domainIndex = new Map<number, Rational>();
        for (const dom of framework.domains) {
          let sum: Rational = rational(0);
          for (const asp of result.aspects.filter((a) => a.domainNo === dom.no)) {
            sum = add(sum, mul(parseRational(asp.index.exact), parseDecimalNumber(asp.weight)));
          }
          domainIndex.set(dom.no, div(sum, parseDecimalNumber(dom.weight)));
        }
        let chain: Rational = rational(0);
        for (const dom of result.domains) {
          const d = domainIndex.get(dom.no) ?? rational(0);
          expect(compare(d, parseRational(dom.index.exact))).toBe(0);
          chain = add(chain, mul(d, parseDecimalNumber(dom.weight)));
        }
        chain = div(chain, rational(100));
        expect(compare(chain, flat)).toBe(0);
        expect(compare(parseRational(result.index.exact), flat)).toBe(0);
      }),
    );
  });

  it('the fast units path agrees with the full result', () => {
    fc.assert(
      fc.property(levelsArb(framework), (levels) => {
        const units = computeIndexUnits(framework, levels);
        const result = scoreAssessment(framework, levels);
        expect(compare(parseRational(result.index.exact), rational(units, 10_000))).toBe(0);
      }),
    );
  });
});
