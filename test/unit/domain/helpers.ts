import fc from 'fast-check';
import { compileFramework } from '../../../shared/domain/framework/compile.ts';
import type { Framework, Level } from '../../../shared/domain/framework/types.ts';

/**
 * A made-up framework (2 domains, 3 aspects, 5 indicators, its own scale and bands) that proves a new
 * framework version is data alone: the same engine validates, scores, plans and ranks it.
 */
export const tinyFramework: Framework = {
  id: 'tiny-2030',
  name: 'Indeks Uji',
  nameEn: 'Test index',
  regulation: 'Made up for tests',
  validFrom: '2030-01-01',
  technicalGuides: [],
  domains: [
    {
      no: 1,
      name: 'Kebijakan',
      nameEn: 'Policy',
      shortName: 'Kebijakan',
      shortNameEn: 'Policy',
      weight: 40,
      source: 'test',
    },
    {
      no: 2,
      name: 'Layanan',
      nameEn: 'Services',
      shortName: 'Layanan',
      shortNameEn: 'Services',
      weight: 60,
      source: 'test',
    },
  ],
  aspects: [
    { no: 1, domainNo: 1, name: 'A1', nameEn: 'A1', weight: 40, source: 'test' },
    { no: 2, domainNo: 2, name: 'A2', nameEn: 'A2', weight: 35, source: 'test' },
    { no: 3, domainNo: 2, name: 'A3', nameEn: 'A3', weight: 25, source: 'test' },
  ],
  indicators: [
    { no: 1, aspectNo: 1, name: 'I1', nameEn: 'I1', weight: 15.5, scale: 'basic', source: 'test' },
    { no: 2, aspectNo: 1, name: 'I2', nameEn: 'I2', weight: 24.5, scale: 'basic', source: 'test' },
    { no: 3, aspectNo: 2, name: 'I3', nameEn: 'I3', weight: 35, scale: 'basic', source: 'test' },
    { no: 4, aspectNo: 3, name: 'I4', nameEn: 'I4', weight: 12.25, scale: 'basic', source: 'test' },
    { no: 5, aspectNo: 3, name: 'I5', nameEn: 'I5', weight: 12.75, scale: 'basic', source: 'test' },
  ],
  scales: {
    basic: {
      id: 'basic',
      name: 'Dasar',
      nameEn: 'Basic',
      levels: [
        { level: 1, name: 'Satu', nameEn: 'One', criterion: '-' },
        { level: 2, name: 'Dua', nameEn: 'Two', criterion: '-' },
        { level: 3, name: 'Tiga', nameEn: 'Three', criterion: '-' },
        { level: 4, name: 'Empat', nameEn: 'Four', criterion: '-' },
        { level: 5, name: 'Lima', nameEn: 'Five', criterion: '-' },
      ],
      source: 'test',
    },
  },
  predicateBands: [
    { id: 'tinggi', name: 'Tinggi', nameEn: 'High', min: 3.25, max: 5, maxInclusive: true },
    { id: 'sedang', name: 'Sedang', nameEn: 'Medium', min: 2, max: 3.25, maxInclusive: false },
    { id: 'rendah', name: 'Rendah', nameEn: 'Low', min: 0, max: 2, maxInclusive: false },
  ],
  sources: {},
};

export type Levels = Record<number, Level | null>;

export const levelArb: fc.Arbitrary<Level> = fc.constantFrom<Level>(1, 2, 3, 4, 5);

/** Levels for every indicator of a framework; some unanswered unless `complete`. */
export function levelsArb(framework: Framework, complete = false): fc.Arbitrary<Levels> {
  const one = complete ? levelArb : fc.option(levelArb, { nil: null, freq: 4 });
  return fc
    .array(one, { minLength: framework.indicators.length, maxLength: framework.indicators.length })
    .map((list) => {
      const levels: Levels = {};
      list.forEach((l, i) => {
        levels[i + 1] = l;
      });
      return levels;
    });
}

/** Same level everywhere. */
export function uniformLevels(framework: Framework, level: Level | null): Levels {
  const levels: Levels = {};
  for (const ind of framework.indicators) levels[ind.no] = level;
  return levels;
}

/**
 * Levels (all answered) whose Σ level × weight units equals `targetUnits`, found by dynamic programming;
 * null when no such levels exist. Lets tests hit exact indices such as 3.4985.
 */
export function levelsForUnits(framework: Framework, targetUnits: number): Levels | null {
  const c = compileFramework(framework);
  const n = c.indicatorCount;
  // reach[k] = set of sums achievable with the first k indicators; store the level chosen.
  const choice: Map<number, Level>[] = [];
  let reach = new Set<number>([0]);
  for (let no = 1; no <= n; no++) {
    const w = c.weightUnits[no] ?? 0;
    const next = new Set<number>();
    const picked = new Map<number, Level>();
    for (const s of reach) {
      for (const l of [1, 2, 3, 4, 5] as Level[]) {
        const t = s + l * w;
        if (t <= targetUnits && !picked.has(t)) {
          picked.set(t, l);
          next.add(t);
        }
      }
    }
    choice.push(picked);
    reach = next;
  }
  if (!reach.has(targetUnits)) return null;
  const levels: Levels = {};
  let rest = targetUnits;
  for (let no = n; no >= 1; no--) {
    const l = choice[no - 1]?.get(rest) as Level;
    levels[no] = l;
    rest -= l * (c.weightUnits[no] ?? 0);
  }
  return levels;
}
