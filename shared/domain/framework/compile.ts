/**
 * Validation and compilation of framework data into the integer tables the engine computes with.
 *
 * All weights are scaled by one power of ten (`weightScale`: 100 for spbe-2020, whose finest weight is
 * 2.75) so that every weight is a whole number of "units". Then level × weight is an integer and the
 * index is Σ(level × units) / (100 × weightScale): one integer sum and one exact division. Sums are
 * checked on these integers, never by comparing floats.
 */
import { DomainInputError, FrameworkValidationError } from '../errors.ts';
import { compare, parseDecimalNumber, type Rational, rational } from '../scoring/rational.ts';
import type { Framework, PredicateBand } from './types.ts';

/** A predicate band with its bounds as exact safe-integer fractions. */
export interface CompiledBand {
  readonly band: PredicateBand;
  readonly minNum: number;
  readonly minDen: number;
}

/** Integer lookup tables of a validated framework. Arrays indexed by indicator no have an unused slot 0. */
export interface CompiledFramework {
  readonly framework: Framework;
  /** Units per weight point: 10^(most decimals of any weight). */
  readonly weightScale: number;
  /** Index denominator: 100 × weightScale. index = Σ level × units / indexDenominator. */
  readonly indexDenominator: number;
  readonly indicatorCount: number;
  /** By indicator no: weight in units. */
  readonly weightUnits: readonly number[];
  /** By indicator no: 0-based position of its aspect / domain. */
  readonly aspectPos: readonly number[];
  readonly domainPos: readonly number[];
  /** By 0-based aspect position: weight in units and the 0-based domain position. */
  readonly aspectUnits: readonly number[];
  readonly aspectDomainPos: readonly number[];
  /** By 0-based domain position: weight in units. */
  readonly domainUnits: readonly number[];
  /** Bands ascending by lower bound. */
  readonly bands: readonly CompiledBand[];
}

const LEVEL_COUNT = 5;
const MAX_INDEX = 5n;

function formatUnits(units: bigint, scale: bigint): string {
  const whole = units / scale;
  const frac = units % scale;
  if (frac === 0n) return whole.toString();
  const digits = scale.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}

function checkNumbering(problems: string[], what: string, items: readonly { readonly no: number }[]): void {
  if (items.length === 0) problems.push(`there are no ${what}s`);
  items.forEach((item, i) => {
    if (item.no !== i + 1) {
      problems.push(
        `${what}s must be numbered 1..${items.length} in order without gaps; position ${i + 1} has no ${item.no}`,
      );
    }
  });
}

function decimal(problems: string[], label: string, x: number): Rational | null {
  try {
    return parseDecimalNumber(x);
  } catch (error) {
    problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** Fewest decimals that write r exactly: the smallest k with den | 10^k (r came from a decimal). */
function decimalsOf(r: Rational): number {
  let k = 0;
  while (10n ** BigInt(k) % r.den !== 0n) k++;
  return k;
}

const compiledCache = new WeakMap<Framework, CompiledFramework>();

/**
 * Checks every invariant of a framework and returns it unchanged, so it can be used inline
 * (`validateFramework({...})`). Invariants: weights are positive plain decimals; each aspect's weight is
 * the sum of its indicators' weights, each domain's the sum of its aspects', and the domains sum to 100;
 * domains, aspects and indicators are numbered 1..n in order; references resolve; every scale has five
 * named levels; predicate bands tile [0, 5] without gap or overlap.
 * @throws FrameworkValidationError listing every problem found, not just the first.
 */
export function validateFramework<F extends Framework>(framework: F): F {
  compileFramework(framework);
  return framework;
}

/**
 * Validates a framework (see {@link validateFramework}) and builds its integer tables. Cached per
 * framework object, so calling it for every result costs one WeakMap lookup.
 * @throws FrameworkValidationError when the framework is invalid.
 */
export function compileFramework(framework: Framework): CompiledFramework {
  const cached = compiledCache.get(framework);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(framework);
  compiledCache.set(framework, compiled);
  return compiled;
}

function compileUncached(f: Framework): CompiledFramework {
  const problems: string[] = [];
  const id = typeof f.id === 'string' && f.id.length > 0 ? f.id : '(no id)';
  if (id === '(no id)') problems.push('id must be a non-empty string');

  checkNumbering(problems, 'domain', f.domains);
  checkNumbering(problems, 'aspect', f.aspects);
  checkNumbering(problems, 'indicator', f.indicators);

  // Parse every weight exactly, then pick one scale that makes all of them integers.
  const parse = (label: string, w: number): Rational | null => {
    const r = decimal(problems, label, w);
    if (r !== null && r.num <= 0n) problems.push(`${label} must be positive, got ${w}`);
    return r;
  };
  const dW = f.domains.map((d) => parse(`domain ${d.no} weight`, d.weight));
  const aW = f.aspects.map((a) => parse(`aspect ${a.no} weight`, a.weight));
  const iW = f.indicators.map((i) => parse(`indicator ${i.no} weight`, i.weight));
  const all = [...dW, ...aW, ...iW].filter((r): r is Rational => r !== null);
  const digits = Math.max(0, ...all.map(decimalsOf));
  const scale = 10n ** BigInt(digits);
  const toUnits = (r: Rational | null | undefined): bigint => (r ? (r.num * scale) / r.den : 0n);

  const aspectPosByNo = new Map(f.aspects.map((a, i) => [a.no, i]));
  const domainPosByNo = new Map(f.domains.map((d, i) => [d.no, i]));

  const aspectSums = f.aspects.map(() => 0n);
  const aspectMembers: number[][] = f.aspects.map(() => []);
  f.indicators.forEach((ind, i) => {
    const a = aspectPosByNo.get(ind.aspectNo);
    if (a === undefined) {
      problems.push(`indicator ${ind.no} refers to unknown aspect ${ind.aspectNo}`);
      return;
    }
    aspectSums[a] = (aspectSums[a] ?? 0n) + toUnits(iW[i]);
    aspectMembers[a]?.push(ind.no);
    if (f.scales[ind.scale] === undefined) {
      problems.push(`indicator ${ind.no} uses unknown maturity scale '${ind.scale}'`);
    }
  });

  const domainSums = f.domains.map(() => 0n);
  const domainMembers: number[][] = f.domains.map(() => []);
  f.aspects.forEach((asp, i) => {
    const members = aspectMembers[i] ?? [];
    if (members.length === 0) problems.push(`aspect ${asp.no} has no indicators`);
    const units = toUnits(aW[i]);
    const sum = aspectSums[i] ?? 0n;
    if (aW[i] && units !== sum) {
      problems.push(
        `aspect ${asp.no} weight ${asp.weight} ≠ ${formatUnits(sum, scale)}, the sum of its indicators ` +
          `${members.join(', ')}; correct the aspect or an indicator weight`,
      );
    }
    const d = domainPosByNo.get(asp.domainNo);
    if (d === undefined) {
      problems.push(`aspect ${asp.no} refers to unknown domain ${asp.domainNo}`);
      return;
    }
    domainSums[d] = (domainSums[d] ?? 0n) + units;
    domainMembers[d]?.push(asp.no);
  });

  let total = 0n;
  f.domains.forEach((dom, i) => {
    const members = domainMembers[i] ?? [];
    if (members.length === 0) problems.push(`domain ${dom.no} has no aspects`);
    const units = toUnits(dW[i]);
    const sum = domainSums[i] ?? 0n;
    if (dW[i] && units !== sum) {
      problems.push(
        `domain ${dom.no} weight ${dom.weight} ≠ ${formatUnits(sum, scale)}, the sum of its aspects ` +
          `${members.join(', ')}; correct the domain or an aspect weight`,
      );
    }
    total += units;
  });
  if (total !== 100n * scale) {
    problems.push(`domain weights sum to ${formatUnits(total, scale)}, must be 100 (percent of the index)`);
  }

  for (const [key, scaleDef] of Object.entries(f.scales)) {
    const ok =
      scaleDef.levels.length === LEVEL_COUNT &&
      scaleDef.levels.every((l, i) => l.level === i + 1 && l.name.length > 0 && l.nameEn.length > 0);
    if (!ok)
      problems.push(`maturity scale '${key}' must list levels 1..5 in order, each with a name and nameEn`);
  }

  const bands = compileBands(problems, f.predicateBands);

  const indexDenominator = 100n * scale;
  if (indexDenominator * MAX_INDEX * 200n >= 2n ** 52n) {
    problems.push(`weights have too many decimals (${digits}); at most 8 are supported`);
  }

  if (problems.length > 0) throw new FrameworkValidationError(id, problems);

  const weightUnits = [0, ...iW.map((w) => Number(toUnits(w)))];
  const aspectPos = [0, ...f.indicators.map((ind) => aspectPosByNo.get(ind.aspectNo) ?? 0)];
  const aspectDomainPos = f.aspects.map((a) => domainPosByNo.get(a.domainNo) ?? 0);
  return {
    framework: f,
    weightScale: Number(scale),
    indexDenominator: Number(indexDenominator),
    indicatorCount: f.indicators.length,
    weightUnits,
    aspectPos,
    domainPos: aspectPos.map((a, no) => (no === 0 ? 0 : (aspectDomainPos[a] ?? 0))),
    aspectUnits: aW.map((w) => Number(toUnits(w))),
    aspectDomainPos,
    domainUnits: dW.map((w) => Number(toUnits(w))),
    bands,
  };
}

function compileBands(problems: string[], bands: readonly PredicateBand[]): CompiledBand[] {
  if (bands.length === 0) {
    problems.push('there are no predicate bands');
    return [];
  }
  const ids = new Set<string>();
  const parsed: { band: PredicateBand; min: Rational; max: Rational }[] = [];
  for (const band of bands) {
    if (ids.has(band.id)) problems.push(`predicate band id '${band.id}' is used twice`);
    ids.add(band.id);
    const min = decimal(problems, `band '${band.id}' min`, band.min);
    const max = decimal(problems, `band '${band.id}' max`, band.max);
    if (min === null || max === null) continue;
    if (compare(min, max) >= 0) problems.push(`band '${band.id}' has min ${band.min} ≥ max ${band.max}`);
    parsed.push({ band, min, max });
  }
  parsed.sort((a, b) => compare(a.min, b.min));
  const zero = rational(0);
  const five = rational(MAX_INDEX);
  parsed.forEach((p, i) => {
    const next = parsed[i + 1];
    if (i === 0 && compare(p.min, zero) !== 0) {
      problems.push(`the lowest band '${p.band.id}' starts at ${p.band.min}; bands must cover [0, 5] from 0`);
    }
    if (next === undefined) {
      if (compare(p.max, five) !== 0 || !p.band.maxInclusive) {
        problems.push(`the highest band '${p.band.id}' must end at 5 inclusive`);
      }
      return;
    }
    if (p.band.maxInclusive)
      problems.push(`band '${p.band.id}' is not the highest, so its max must be exclusive`);
    const gap = compare(p.max, next.min);
    if (gap < 0)
      problems.push(
        `gap between band '${p.band.id}' (max ${p.band.max}) and '${next.band.id}' (min ${next.band.min})`,
      );
    if (gap > 0)
      problems.push(`bands '${p.band.id}' and '${next.band.id}' overlap (${p.band.max} > ${next.band.min})`);
  });
  return parsed.map((p) => {
    const minNum = Number(p.min.num);
    const minDen = Number(p.min.den);
    if (!Number.isSafeInteger(minNum) || !Number.isSafeInteger(minDen) || minDen > 1_000_000) {
      problems.push(`band '${p.band.id}' min ${p.band.min} has too many decimals (at most 6)`);
    }
    return { band: p.band, minNum, minDen };
  });
}

/** Asserts `no` is an indicator number of the compiled framework. */
export function assertIndicatorNo(c: CompiledFramework, no: number): void {
  if (!Number.isInteger(no) || no < 1 || no > c.indicatorCount) {
    throw new DomainInputError(
      `Indicator ${no} does not exist in framework '${c.framework.id}' (1..${c.indicatorCount})`,
    );
  }
}
