import { describe, expect, it } from 'vitest';
import { FrameworkValidationError, UnknownFrameworkError } from '../../../shared/domain/errors.ts';
import {
  compileFramework,
  findFramework,
  frameworks,
  getFramework,
  spbe2020,
  validateFramework,
} from '../../../shared/domain/framework/index.ts';
import type { Framework } from '../../../shared/domain/framework/types.ts';
import { scoreAssessment } from '../../../shared/domain/scoring/index.ts';
import { tinyFramework, uniformLevels } from './helpers.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

function clone(framework: Framework): Mutable<Framework> {
  return structuredClone(framework) as Mutable<Framework>;
}

function problemsOf(framework: Framework): readonly string[] {
  try {
    validateFramework(framework);
  } catch (error) {
    if (error instanceof FrameworkValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('spbe-2020 framework data', () => {
  it('has 4 domains, 8 aspects and 47 indicators and passes validation', () => {
    // Act
    const problems = problemsOf(spbe2020);

    // Assess
    expect(problems).toEqual([]);
    expect(spbe2020.domains).toHaveLength(4);
    expect(spbe2020.aspects).toHaveLength(8);
    expect(spbe2020.indicators).toHaveLength(47);
  });

  // Pinned from PermenPANRB 59/2020 Tabel 7-9. A change to any weight must fail here (and the validator).
  it('carries exactly the regulation weights', () => {
    expect(spbe2020.domains.map((d) => [d.no, d.weight])).toEqual([
      [1, 13],
      [2, 25],
      [3, 16.5],
      [4, 45.5],
    ]);
    expect(spbe2020.aspects.map((a) => [a.no, a.domainNo, a.weight])).toEqual([
      [1, 1, 13],
      [2, 2, 10],
      [3, 2, 10],
      [4, 2, 5],
      [5, 3, 12],
      [6, 3, 4.5],
      [7, 4, 27.5],
      [8, 4, 18],
    ]);
    const expected = (no: number): [number, number] =>
      no <= 10
        ? [1, 1.3]
        : no <= 14
          ? [2, 2.5]
          : no <= 18
            ? [3, 2.5]
            : no <= 20
              ? [4, 2.5]
              : no <= 28
                ? [5, 1.5]
                : no <= 31
                  ? [6, 1.5]
                  : no <= 41
                    ? [7, 2.75]
                    : [8, 3];
    expect(spbe2020.indicators.map((i) => [i.no, i.aspectNo, i.weight])).toEqual(
      Array.from({ length: 47 }, (_, k) => [k + 1, ...expected(k + 1)]),
    );
  });

  it('uses the process scale for indicators 1–31 and the service scale for 32–47', () => {
    expect(spbe2020.indicators.filter((i) => i.scale === 'process').map((i) => i.no)).toEqual(
      Array.from({ length: 31 }, (_, k) => k + 1),
    );
    expect(spbe2020.scales.process?.levels.map((l) => l.name)).toEqual([
      'Rintisan',
      'Terkelola',
      'Terdefinisi',
      'Terpadu dan Terukur',
      'Optimum',
    ]);
    expect(spbe2020.scales.service?.levels.map((l) => l.name)).toEqual([
      'Informasi',
      'Interaksi',
      'Transaksi',
      'Kolaborasi',
      'Optimum',
    ]);
  });

  it('compiles to integer weight units with a 10,000 index denominator', () => {
    const c = compileFramework(spbe2020);
    expect(c.weightScale).toBe(100);
    expect(c.indexDenominator).toBe(10_000);
    expect(c.aspectUnits).toEqual([1300, 1000, 1000, 500, 1200, 450, 2750, 1800]);
    expect(c.domainUnits).toEqual([1300, 2500, 1650, 4550]);
    expect(c.weightUnits.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('has predicate bands with stable ids tiling [0, 5]', () => {
    expect(
      spbe2020.predicateBands.map((b) => [b.id, b.name, b.nameEn, b.min, b.max, b.maxInclusive]),
    ).toEqual([
      ['memuaskan', 'Memuaskan', 'Satisfactory', 4.2, 5, true],
      ['sangat-baik', 'Sangat Baik', 'Very good', 3.5, 4.2, false],
      ['baik', 'Baik', 'Good', 2.6, 3.5, false],
      ['cukup', 'Cukup', 'Fair', 1.8, 2.6, false],
      ['kurang', 'Kurang', 'Poor', 0, 1.8, false],
    ]);
  });

  const weightPaths: { label: string; mutate: (f: Mutable<Framework>, delta: number) => void }[] = [
    ...spbe2020.domains.map((_, i) => ({
      label: `domain ${i + 1}`,
      mutate: (f: Mutable<Framework>, delta: number) => {
        const d = f.domains[i];
        if (d) d.weight = Math.round((d.weight + delta) * 100) / 100;
      },
    })),
    ...spbe2020.aspects.map((_, i) => ({
      label: `aspect ${i + 1}`,
      mutate: (f: Mutable<Framework>, delta: number) => {
        const a = f.aspects[i];
        if (a) a.weight = Math.round((a.weight + delta) * 100) / 100;
      },
    })),
    ...spbe2020.indicators.map((_, i) => ({
      label: `indicator ${i + 1}`,
      mutate: (f: Mutable<Framework>, delta: number) => {
        const ind = f.indicators[i];
        if (ind) ind.weight = Math.round((ind.weight + delta) * 100) / 100;
      },
    })),
  ];

  it.each(weightPaths)('rejects any change to the weight of $label', ({ mutate }) => {
    for (const delta of [0.05, -0.05, 0.01]) {
      // Prepare
      const f = clone(spbe2020);
      mutate(f, delta);

      // Act / Assess
      expect(() => validateFramework(f)).toThrow(FrameworkValidationError);
    }
  });
});

describe('framework registry', () => {
  it('serves validated, frozen instances by id', () => {
    expect(getFramework('spbe-2020')).toBe(frameworks['spbe-2020']);
    expect(Object.isFrozen(getFramework('spbe-2020').indicators[0])).toBe(true);
    expect(findFramework('nope')).toBeUndefined();
    expect(findFramework('toString')).toBeUndefined();
  });

  it('throws a 404-class error naming known ids for an unknown framework', () => {
    expect(() => getFramework('spbe-2026')).toThrow(UnknownFrameworkError);
    expect(() => getFramework('spbe-2026')).toThrow(/known frameworks: spbe-2020/);
  });
});

describe('validateFramework', () => {
  it('lists every problem with a message saying what to fix', () => {
    // Prepare
    const f = clone(spbe2020);
    const i12 = f.indicators[11];
    if (i12) i12.weight = 2.55;
    const i20 = f.indicators[19];
    if (i20) i20.no = 21;
    const a1 = f.aspects[0];
    if (a1) a1.weight = -13;

    // Act
    const problems = problemsOf(f);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'indicators must be numbered 1..47 in order without gaps; position 20 has no 21',
        'aspect 1 weight must be positive, got -13',
        'aspect 2 weight 10 ≠ 10.05, the sum of its indicators 11, 12, 13, 14; correct the aspect or an indicator weight',
      ]),
    );
    expect(() => validateFramework(f)).toThrow(/Framework 'spbe-2020' is invalid/);
  });

  it('requires the domains to sum to 100', () => {
    const f = clone(tinyFramework);
    const d = f.domains[1];
    const a = f.aspects[1];
    const i = f.indicators[2];
    if (d && a && i) {
      d.weight = 61;
      a.weight = 36;
      i.weight = 36;
    }
    expect(problemsOf(f)).toEqual(['domain weights sum to 101, must be 100 (percent of the index)']);
  });

  it('rejects bands that leave a gap, overlap or do not reach 0 and 5', () => {
    const gap = clone(tinyFramework);
    const b0 = gap.predicateBands[0];
    if (b0) b0.min = 3.3;
    expect(problemsOf(gap)).toEqual(["gap between band 'sedang' (max 3.25) and 'tinggi' (min 3.3)"]);

    const overlap = clone(tinyFramework);
    const b1 = overlap.predicateBands[1];
    if (b1) b1.max = 3.5;
    expect(problemsOf(overlap)).toEqual(["bands 'sedang' and 'tinggi' overlap (3.5 > 3.25)"]);

    const ends = clone(tinyFramework);
    const top = ends.predicateBands[0];
    const bottom = ends.predicateBands[2];
    if (top && bottom) {
      top.maxInclusive = false;
      bottom.min = 1;
    }
    expect(problemsOf(ends)).toEqual([
      "the lowest band 'rendah' starts at 1; bands must cover [0, 5] from 0",
      "the highest band 'tinggi' must end at 5 inclusive",
    ]);
  });

  it('rejects unknown references and scales without five levels', () => {
    const f = clone(tinyFramework);
    const i5 = f.indicators[4];
    if (i5) i5.scale = 'missing';
    const a3 = f.aspects[2];
    if (a3) a3.domainNo = 9;
    f.scales.basic?.levels.pop();
    expect(problemsOf(f)).toEqual(
      expect.arrayContaining([
        "indicator 5 uses unknown maturity scale 'missing'",
        'aspect 3 refers to unknown domain 9',
        "maturity scale 'basic' must list levels 1..5 in order, each with a name and nameEn",
      ]),
    );
  });

  it('rejects weights that are not plain decimals', () => {
    const f = clone(tinyFramework);
    const i1 = f.indicators[0];
    if (i1) i1.weight = Number.NaN;
    expect(problemsOf(f)).toEqual(expect.arrayContaining(['indicator 1 weight: Not a finite number: NaN']));
  });
});

describe('a new framework version is data alone', () => {
  it('validates and scores a made-up framework with the same engine', () => {
    // Act
    const result = scoreAssessment(validateFramework(tinyFramework), { 1: 5, 2: 4, 3: 3, 4: 2, 5: null });

    // Assess: (5×15.5 + 4×24.5 + 3×35 + 2×12.25) / 100 = 3.05
    expect(result.frameworkId).toBe('tiny-2030');
    expect(result.index).toEqual({ exact: '3.05', display: '3.05', value: 3.05 });
    expect(result.predicate.id).toBe('sedang');
    // Domain 2 = 129.5 / 60 does not terminate, so it is kept as a fraction.
    expect(result.domains.map((d) => d.index.exact)).toEqual(['4.3875', '259/120']);
    expect(result.aspects.map((a) => a.index.exact)).toEqual(['4.3875', '3', '0.98']);
    expect(result.unanswered).toEqual([5]);
    expect(compileFramework(tinyFramework).indexDenominator).toBe(10_000);
    expect(scoreAssessment(tinyFramework, uniformLevels(tinyFramework, 5)).predicate.id).toBe('tinggi');
  });
});
