import { describe, expect, it } from 'vitest';
import { DomainInputError } from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import { rank } from '#shared/domain/ranking/rank.ts';
import {
  approximate,
  defaultStability,
  rankRanges,
  type StabilityOptions,
  weightSamples,
} from '#shared/domain/ranking/stability.ts';

/**
 * Rank stability on the real spbe-2020 framework (domain weights 13, 25, 16.5 and 45.5): the weight
 * vectors tried, their reproducibility, and the best and worst ranks they give.
 */

const framework = getFramework('spbe-2020');
const base = framework.domains.map((domain) => domain.weight);
const options = (overrides: Partial<StabilityOptions> = {}): StabilityOptions => ({
  ...defaultStability,
  ...overrides,
});
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** Pseudo-random integers in [0, bound), reproducible (a small LCG; the tests need no quality). */
const lcg = (seed: number) => {
  let state = seed >>> 0;
  return (bound: number) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % bound;
  };
};

interface Agency {
  readonly agencyId: string;
  /** Domain indices in hundredths (1.00 … 5.00), exact. */
  readonly hundredths: readonly number[];
}

const asInput = (agency: Agency) => ({
  agencyId: agency.agencyId,
  domainIndices: agency.hundredths.map((units) => approximate(`${units / 100}`)),
});

/**
 * 60 agencies on the 0.01 grid, with ties on purpose: a copy of another agency's domain indices
 * (equal in every sample), and a pair whose domain indices differ but whose index under the base
 * weights is exactly equal (26 × 0.50 = 50 × 0.26 in weight units).
 */
const agencies = (): Agency[] => {
  const next = lcg(7);
  const list: Agency[] = Array.from({ length: 56 }, (_, index) => ({
    agencyId: `agency-${String(index).padStart(2, '0')}`,
    hundredths: base.map(() => 100 + next(401)),
  }));
  const copied = list[10] as Agency;
  list.push({ agencyId: 'copy-of-10', hundredths: [...copied.hundredths] });
  list.push({ agencyId: 'copy-of-10-again', hundredths: [...copied.hundredths] });
  list.push({ agencyId: 'balanced-a', hundredths: [300, 300, 300, 300] });
  list.push({ agencyId: 'balanced-b', hundredths: [350, 274, 300, 300] });
  return list;
};

describe('weightSamples', () => {
  it('refuses fewer than 1,000 samples', () => {
    // Act
    const tooFew = () => weightSamples(framework, options({ samples: 999 }));
    const ranges = () => rankRanges(framework, [], options({ samples: 10 }));

    // Assess
    expect(tooFew).toThrow('Rank stability needs at least 1,000 weight samples');
    expect(ranges).toThrow('at least 1,000');
  });

  it('tries exactly `samples` weight vectors, corners included', () => {
    // Act
    const atDefault = weightSamples(framework);
    const more = weightSamples(framework, options({ samples: 1234 }));

    // Assess
    expect(defaultStability).toEqual({ samples: 1000, spread: 0.1, seed: 20_200_059 });
    expect(atDefault).toHaveLength(1000);
    expect(more).toHaveLength(1234);
  });

  it('starts with the framework’s own weights, then the 2^4 corners of the ±spread box', () => {
    // Prepare
    const spread = 0.1;

    // Act
    const samples = weightSamples(framework, options({ spread }));

    // Assess: the own weights, exactly
    expect(base).toEqual([13, 25, 16.5, 45.5]);
    expect(samples[0]).toEqual([13, 25, 16.5, 45.5]);
    // Corner `mask` raises the weights of the domains whose bit is set and lowers the others: before
    // the renormalisation every weight was base × (1 ± spread), so weight / base takes two values
    // whose ratio is (1 + spread) / (1 − spread).
    const corners = samples.slice(1, 17);
    corners.forEach((corner, mask) => {
      const ratios = corner.map((weight, d) => weight / (base[d] as number));
      const low = Math.min(...ratios);
      ratios.forEach((ratio, d) => {
        const raised = ((mask >> d) & 1) === 1;
        const allSame = mask === 0 || mask === 15;
        expect(ratio / low).toBeCloseTo(raised && !allSame ? (1 + spread) / (1 - spread) : 1, 12);
      });
    });
    // Moving every weight the same way changes nothing once renormalised.
    expect(corners[0]?.map((weight) => Number(weight.toFixed(9)))).toEqual([13, 25, 16.5, 45.5]);
    expect(corners[15]?.map((weight) => Number(weight.toFixed(9)))).toEqual([13, 25, 16.5, 45.5]);
    // Corner 1 raises domain 1 only: 13 × 1.1 over (13 × 1.1 + 87 × 0.9) = 14.3 / 92.6, in percent.
    expect(corners[1]?.[0]).toBeCloseTo(1430 / 92.6, 9);
    expect(corners[1]?.[3]).toBeCloseTo((45.5 * 0.9 * 100) / 92.6, 9);
  });

  it('keeps every sample in the ±spread box and summing to 100', () => {
    // Prepare
    const spread = 0.1;
    const widest = (1 + spread) / (1 - spread);

    // Act
    const samples = weightSamples(framework, options({ spread }));

    // Assess: renormalising scales all weights alike, so the spread shows in their ratios to base
    for (const weights of samples) {
      expect(Math.abs(sum(weights) - 100)).toBeLessThan(1e-9);
      const ratios = weights.map((weight, d) => weight / (base[d] as number));
      expect(Math.max(...ratios) / Math.min(...ratios)).toBeLessThanOrEqual(widest + 1e-12);
    }
    // The draws are not all at the corners: some lie strictly inside the box.
    const inside = samples.slice(17).filter((weights) => {
      const ratios = weights.map((weight, d) => weight / (base[d] as number));
      return Math.max(...ratios) / Math.min(...ratios) < widest - 1e-6;
    });
    expect(inside.length).toBeGreaterThan(900);
  });

  it('draws the same vectors for the same seed and others for another seed', () => {
    // Act
    const first = weightSamples(framework);
    const again = weightSamples(framework);
    const otherSeed = weightSamples(framework, options({ seed: 1 }));

    // Assess: the published method names the seed, so its first draw is pinned
    expect(again).toEqual(first);
    const firstDraw = first[17] ?? [];
    [12.418254847, 24.025545067, 15.213037359, 48.343162726].forEach((weight, d) => {
      expect(firstDraw[d]).toBeCloseTo(weight, 8);
    });
    // Own weights and corners do not depend on the seed; the draws do.
    expect(otherSeed.slice(0, 17)).toEqual(first.slice(0, 17));
    expect(otherSeed[17]).not.toEqual(first[17]);
    expect(otherSeed.slice(17).filter((weights, i) => weights[0] === first[17 + i]?.[0])).toHaveLength(0);
  });
});

describe('rankRanges', () => {
  it('gives the same ranges for the same seed', () => {
    // Prepare
    const inputs = agencies().map(asInput);

    // Act
    const first = rankRanges(framework, inputs);
    const again = rankRanges(framework, inputs);
    const otherSeed = rankRanges(framework, inputs, options({ seed: 99 }));

    // Assess
    expect([...again]).toEqual([...first]);
    expect(first.size).toBe(60);
    // Another seed draws other vectors; the ranges may or may not differ, but they stay ranges of
    // the same agencies, each holding the rank under the own weights (the first sample of both).
    expect([...otherSeed.keys()]).toEqual([...first.keys()]);
  });

  it('ranks an agency best in every domain first in every sample, and the worst last', () => {
    // Prepare
    const inputs = [
      ...agencies().map(asInput),
      { agencyId: 'dominant', domainIndices: [5, 5, 5, 5] },
      { agencyId: 'dominated', domainIndices: [0.5, 0.5, 0.5, 0.5] },
    ];

    // Act
    const ranges = rankRanges(framework, inputs);

    // Assess
    expect(ranges.get('dominant')).toEqual({ best: 1, worst: 1 });
    expect(ranges.get('dominated')).toEqual({ best: 62, worst: 62 });
  });

  it('gives agencies equal in every domain one shared rank in every sample (1, 2, 2, 4)', () => {
    // Prepare: a leader, two twins and a trailer, each better than the next in every domain
    const inputs = [
      { agencyId: 'trailer', domainIndices: [1.5, 1.2, 1.9, 1.1] },
      { agencyId: 'twin-b', domainIndices: [3.25, 2.75, 37 / 11, 3.1] },
      { agencyId: 'leader', domainIndices: [4.5, 4.2, 4.9, 4.1] },
      { agencyId: 'twin-a', domainIndices: [3.25, 2.75, 37 / 11, 3.1] },
    ];

    // Act
    const ranges = rankRanges(framework, inputs);

    // Assess: competition ranking, so the trailer is 4th, never 3rd
    expect(Object.fromEntries(ranges)).toEqual({
      leader: { best: 1, worst: 1 },
      'twin-a': { best: 2, worst: 2 },
      'twin-b': { best: 2, worst: 2 },
      trailer: { best: 4, worst: 4 },
    });
  });

  it('gives copies of an agency the same range, whoever else competes', () => {
    // Act
    const ranges = rankRanges(framework, agencies().map(asInput));

    // Assess
    const original = ranges.get('agency-10');
    expect(original).toBeDefined();
    expect(ranges.get('copy-of-10')).toEqual(original);
    expect(ranges.get('copy-of-10-again')).toEqual(original);
  });

  it('holds in every range the rank under the framework’s own weights, on exact values', () => {
    // Prepare: the exact index under the own weights, as the published ranking computes it:
    // Σ weight × domain index / 100, with weights in halves (26, 50, 33, 91) and indices in hundredths.
    const list = agencies();
    const halves = base.map((weight) => weight * 2);
    expect(halves.every(Number.isInteger)).toBe(true);
    const exact = rank(
      list.map((agency) => ({
        agencyId: agency.agencyId,
        group: 'provinsi' as const,
        index: `${sum(agency.hundredths.map((units, d) => units * (halves[d] as number)))}/20000`,
      })),
      { measure: 'index' },
    );
    const published = new Map(exact.rows.map((row) => [row.agencyId, row.rank]));

    // Act
    const ranges = rankRanges(framework, list.map(asInput));

    // Assess
    expect(published.get('balanced-a')).toBe(published.get('balanced-b'));
    const outside = list.filter((agency) => {
      const range = ranges.get(agency.agencyId);
      const rankNow = published.get(agency.agencyId) ?? Number.NaN;
      return range === undefined || rankNow < range.best || rankNow > range.worst;
    });
    expect(outside.map((agency) => agency.agencyId)).toEqual([]);
    // The ranges are not all trivial: ±10 % moves some ranks.
    expect([...ranges.values()].some((range) => range.worst > range.best)).toBe(true);
  });
});

describe('approximate', () => {
  it('reads exact fractions and decimals as the nearest double', () => {
    // Act + Assess
    expect(approximate('37/11')).toBe(37 / 11);
    expect(approximate('3.4985')).toBe(3.4985);
    expect(approximate('4')).toBe(4);
    expect(() => approximate('3,5')).toThrow(DomainInputError);
  });
});
