/**
 * Exact SPBE scoring (PermenPANRB 59/2020 Lampiran II.B.4).
 *
 * The regulation's chain — aspect = Σ(level × indicator weight) / aspect weight, domain = Σ(aspect × aspect
 * weight) / domain weight, index = Σ(domain × domain weight) / 100 — collapses to
 * index = Σ(level × weight) / 100 because each weight is the sum of the weights below it. In integer
 * weight units (see `compileFramework`) every level is one multiply-add, every index one exact fraction.
 */

import { DomainInputError } from '../errors.ts';
import { type CompiledBand, type CompiledFramework, compileFramework } from '../framework/compile.ts';
import type { Framework, Level } from '../framework/types.ts';
import {
  type IndexValue,
  indexValueFromInts,
  parseRational,
  type Rational,
  rational,
  roundHalfUp,
} from './rational.ts';
import type {
  AspectScore,
  DomainScore,
  IndicatorScore,
  LevelsInput,
  PredicateBasis,
  PredicateRef,
  ScoreResult,
  ScoringOptions,
} from './types.ts';

function isMap(levels: LevelsInput): levels is ReadonlyMap<number, Level | null> {
  return levels instanceof Map;
}

function invalidLevel(frameworkId: string, no: number, value: unknown): DomainInputError {
  return new DomainInputError(
    `Indicator ${no} of '${frameworkId}' has level ${JSON.stringify(value)}; a level is 1..5, or null when not answered`,
  );
}

/** Reads one level; undefined and null both mean "not answered". */
function readLevel(c: CompiledFramework, levels: LevelsInput, no: number): Level | null {
  const value: unknown = isMap(levels) ? levels.get(no) : levels[no];
  if (value === undefined || value === null) return null;
  if (value === 1 || value === 2 || value === 3 || value === 4 || value === 5) return value;
  throw invalidLevel(c.framework.id, no, value);
}

/** Rejects levels for indicators the framework does not have, so a typo cannot vanish silently. */
function checkIndicatorKeys(c: CompiledFramework, levels: LevelsInput): void {
  const keys: unknown[] = isMap(levels) ? [...levels.keys()] : Object.keys(levels);
  for (const key of keys) {
    const no = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
    if (typeof no === 'number' && Number.isInteger(no) && no >= 1 && no <= c.indicatorCount) continue;
    const value: unknown = isMap(levels)
      ? levels.get(key as number)
      : (levels as Record<string, unknown>)[String(key)];
    if (value === undefined || value === null) continue;
    throw new DomainInputError(
      `Level given for indicator ${String(key)}, which framework '${c.framework.id}' does not have (1..${c.indicatorCount})`,
    );
  }
}

/**
 * The fast path shared by scoring and ranking: Σ level × weight in integer weight units (unanswered = 0).
 * index = units / `compileFramework(framework).indexDenominator` (10,000 for spbe-2020, so the index is
 * always a whole number of ten-thousandths). Validates each level but, unlike {@link scoreAssessment},
 * does not look for levels of unknown indicators.
 * @throws DomainInputError for a level outside 1..5.
 */
export function computeIndexUnits(framework: Framework, levels: LevelsInput): number {
  const c = compileFramework(framework);
  const w = c.weightUnits;
  const n = c.indicatorCount;
  let sum = 0;
  if (isMap(levels)) {
    for (let no = 1; no <= n; no++) {
      const l = levels.get(no);
      if (l === undefined || l === null) continue;
      if (l !== 1 && l !== 2 && l !== 3 && l !== 4 && l !== 5) throw invalidLevel(framework.id, no, l);
      sum += l * (w[no] ?? 0);
    }
  } else {
    for (let no = 1; no <= n; no++) {
      const l = levels[no];
      if (l === undefined || l === null) continue;
      if (l !== 1 && l !== 2 && l !== 3 && l !== 4 && l !== 5) throw invalidLevel(framework.id, no, l);
      sum += l * (w[no] ?? 0);
    }
  }
  return sum;
}

/** The band containing num/den (≥ 0); bands tile [0, 5] so the search always succeeds. */
function bandOf(bands: readonly CompiledBand[], num: number, den: number): CompiledBand {
  for (let i = bands.length - 1; i > 0; i--) {
    const b = bands[i];
    if (b !== undefined && num * b.minDen >= b.minNum * den) return b;
  }
  return bands[0] as CompiledBand;
}

function bandRef(b: CompiledBand): PredicateRef {
  return { id: b.band.id, name: b.band.name, nameEn: b.band.nameEn };
}

function predicateOfUnits(c: CompiledFramework, units: number, basis: PredicateBasis): PredicateRef {
  if (basis === 'exact') return bandRef(bandOf(c.bands, units, c.indexDenominator));
  const hundredths = Number(roundHalfUp(rational(units, c.indexDenominator), 2));
  return bandRef(bandOf(c.bands, hundredths, 100));
}

function checkBasis(basis: unknown): PredicateBasis {
  if (basis === 'exact' || basis === 'rounded') return basis;
  throw new DomainInputError(`predicateBasis must be 'exact' or 'rounded', got ${JSON.stringify(basis)}`);
}

/**
 * The predicate of an index under a basis: bands apply to the exact value, or to the value rounded
 * half-up to 2 decimals (so 3.4985 is Baik under `exact`, Sangat Baik under `rounded`).
 * @param index an exact value ("3.4985", "37/11") or a rational, within [0, 5].
 */
export function predicateOf(
  framework: Framework,
  index: string | Rational,
  basis: PredicateBasis = 'exact',
): PredicateRef {
  const c = compileFramework(framework);
  const r = typeof index === 'string' ? parseRational(index) : index;
  if (r.num < 0n || r.num > 5n * r.den) throw new DomainInputError(`Index ${index} is outside [0, 5]`);
  if (checkBasis(basis) === 'rounded') return bandRef(bandOf(c.bands, Number(roundHalfUp(r, 2)), 100));
  // bigint cross-multiplication: the index may be any exact value, not just a units sum.
  for (let i = c.bands.length - 1; i > 0; i--) {
    const b = c.bands[i];
    if (b !== undefined && r.num * BigInt(b.minDen) >= BigInt(b.minNum) * r.den) return bandRef(b);
  }
  return bandRef(c.bands[0] as CompiledBand);
}

/** The index of a units sum from {@link computeIndexUnits}, as served. */
export function indexValueOfUnits(framework: Framework, units: number): IndexValue {
  return indexValueFromInts(units, compileFramework(framework).indexDenominator);
}

// Contributions take only six values per indicator (unanswered, 1..5): computed once per framework.
const contributionCache = new WeakMap<CompiledFramework, readonly (readonly IndexValue[])[]>();

function contributions(c: CompiledFramework): readonly (readonly IndexValue[])[] {
  let table = contributionCache.get(c);
  if (table === undefined) {
    table = c.weightUnits.map((w) =>
      [0, 1, 2, 3, 4, 5].map((l) => indexValueFromInts(l * w, c.indexDenominator)),
    );
    contributionCache.set(c, table);
  }
  return table;
}

/**
 * Scores one assessment exactly: indicator contributions, aspect, domain and overall indices, predicate,
 * and the unanswered indicators (worth 0).
 * @param levels level per indicator number; null or missing = not answered.
 * @throws DomainInputError for a level outside 1..5, a level for an unknown indicator, or a bad basis.
 * @throws FrameworkValidationError when the framework data is invalid.
 */
export function scoreAssessment(
  framework: Framework,
  levels: LevelsInput,
  options: ScoringOptions = {},
): ScoreResult {
  const c = compileFramework(framework);
  const basis = checkBasis(options.predicateBasis ?? 'exact');
  checkIndicatorKeys(c, levels);
  const table = contributions(c);
  const f = c.framework;

  const aspectSums = new Array<number>(f.aspects.length).fill(0);
  const domainSums = new Array<number>(f.domains.length).fill(0);
  const indicators: IndicatorScore[] = [];
  const unanswered: number[] = [];
  let total = 0;

  for (let no = 1; no <= c.indicatorCount; no++) {
    const level = readLevel(c, levels, no);
    const units = (level ?? 0) * (c.weightUnits[no] ?? 0);
    const a = c.aspectPos[no] ?? 0;
    const d = c.domainPos[no] ?? 0;
    aspectSums[a] = (aspectSums[a] ?? 0) + units;
    domainSums[d] = (domainSums[d] ?? 0) + units;
    total += units;
    if (level === null) unanswered.push(no);
    const ind = f.indicators[no - 1];
    const asp = f.aspects[a];
    indicators.push({
      no,
      aspectNo: ind?.aspectNo ?? 0,
      domainNo: asp?.domainNo ?? 0,
      level,
      answered: level !== null,
      weight: ind?.weight ?? 0,
      contribution: { ...(table[no]?.[level ?? 0] as IndexValue) },
    });
  }

  const aspects: AspectScore[] = f.aspects.map((asp, i) => ({
    no: asp.no,
    domainNo: asp.domainNo,
    name: asp.name,
    nameEn: asp.nameEn,
    weight: asp.weight,
    index: indexValueFromInts(aspectSums[i] ?? 0, c.aspectUnits[i] ?? 1),
  }));
  const domains: DomainScore[] = f.domains.map((dom, i) => ({
    no: dom.no,
    name: dom.name,
    nameEn: dom.nameEn,
    weight: dom.weight,
    index: indexValueFromInts(domainSums[i] ?? 0, c.domainUnits[i] ?? 1),
  }));

  return {
    frameworkId: f.id,
    predicateBasis: basis,
    index: indexValueFromInts(total, c.indexDenominator),
    predicate: predicateOfUnits(c, total, basis),
    domains,
    aspects,
    indicators,
    unanswered,
    complete: unanswered.length === 0,
  };
}
