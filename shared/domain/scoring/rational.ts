/**
 * Exact rational arithmetic for scores. Weights × levels are multiples of 0.0005 and aspect/domain indices
 * divide by weights such as 4.5 or 16.5, so some values do not even terminate in decimal (7/3): floats would
 * drift and make ties and predicate boundaries unreliable. Everything here is bigint-based and exact; the
 * `…FromInts` helpers are fast paths on safe integers that fall back to bigint when a value could overflow.
 */
import { DomainInputError } from '../errors.ts';

/** An exact rational in lowest terms with a positive denominator. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * A score as stored and served: plain JSON data.
 * - `exact`: the exact value — a terminating decimal in shortest form ("3.4985", "5", "-0.25") or, when it
 *   does not terminate, "n/d" in lowest terms ("37/11").
 * - `display`: rounded half-up (half away from zero for negatives) to 2 decimals ("3.50").
 * - `value`: `Number(display)`, for clients that want a number; never used for computation.
 */
export interface IndexValue {
  readonly exact: string;
  readonly display: string;
  readonly value: number;
}

function bigAbs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function bigGcd(a: bigint, b: bigint): bigint {
  let x = bigAbs(a);
  let y = bigAbs(b);
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Greatest common divisor of two non-negative safe integers. */
export function gcdInt(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/**
 * Builds a rational in lowest terms.
 * @throws DomainInputError when the denominator is zero or a number argument is not a safe integer.
 */
export function rational(num: bigint | number, den: bigint | number = 1n): Rational {
  const n = toBig(num);
  const d = toBig(den);
  if (d === 0n) throw new DomainInputError('Rational with denominator 0');
  const g = bigGcd(n, d) || 1n;
  const sign = d < 0n ? -1n : 1n;
  return { num: (sign * n) / g, den: (sign * d) / g };
}

function toBig(x: bigint | number): bigint {
  if (typeof x === 'bigint') return x;
  if (!Number.isSafeInteger(x)) throw new DomainInputError(`Not a safe integer: ${x}`);
  return BigInt(x);
}

export const ZERO: Rational = { num: 0n, den: 1n };

/** a + b */
export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** a − b */
export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** a × b */
export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

/** a ÷ b. @throws DomainInputError when b is zero. */
export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new DomainInputError('Division by zero');
  return rational(a.num * b.den, a.den * b.num);
}

/** Sign of a − b: -1, 0 or 1. Exact. */
export function compare(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Smallest integer ≥ r. */
export function ceil(r: Rational): bigint {
  const q = r.num / r.den; // truncates toward zero
  return r.num > 0n && q * r.den !== r.num ? q + 1n : q;
}

/** Largest integer ≤ r. */
export function floor(r: Rational): bigint {
  const q = r.num / r.den;
  return r.num < 0n && q * r.den !== r.num ? q - 1n : q;
}

const rationalPattern = /^(-?)(\d+)(?:\.(\d+))?$|^(-?)(\d+)\/(\d+)$/;

/**
 * Parses an exact value: a decimal ("3.4985", "-0.5", "5") or a fraction ("37/11", "-7/3"), as written by
 * {@link toExactString}. Exponents, spaces and "+" are rejected so stored values have one spelling.
 * @throws DomainInputError on anything else.
 */
export function parseRational(text: string): Rational {
  const m = rationalPattern.exec(text);
  if (m === null) throw new DomainInputError(`Not an exact decimal or fraction: '${text}'`);
  if (m[2] !== undefined) {
    const frac = m[3] ?? '';
    const n = BigInt(m[2] + frac) * (m[1] === '-' ? -1n : 1n);
    return rational(n, 10n ** BigInt(frac.length));
  }
  const den = BigInt(m[6] ?? '0');
  if (den === 0n) throw new DomainInputError(`Fraction with denominator 0: '${text}'`);
  return rational(BigInt(m[5] ?? '0') * (m[4] === '-' ? -1n : 1n), den);
}

/**
 * Reads a number written as a plain decimal in data (a weight 2.75, a band bound 4.2) exactly, through its
 * shortest round-trip string: `String(2.75)` is "2.75", so the value is 275/100 with no binary error.
 * @throws DomainInputError for NaN, infinities and numbers JS prints with an exponent.
 */
export function parseDecimalNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new DomainInputError(`Not a finite number: ${x}`);
  const s = String(x);
  if (s.includes('e')) throw new DomainInputError(`Number ${s} is not a plain decimal`);
  return parseRational(s);
}

/** Number of decimal digits of r if it terminates (denominator 2^a·5^b), else null. */
function terminatingDigits(den: bigint): number | null {
  let d = den;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  return d === 1n ? Math.max(twos, fives) : null;
}

function formatScaled(abs: bigint | number, digits: number, negative: boolean): string {
  const s = abs.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return negative ? `-${body}` : body;
}

/** Exact canonical string: shortest terminating decimal, else "n/d". Inverse of {@link parseRational}. */
export function toExactString(r: Rational): string {
  const digits = terminatingDigits(r.den);
  if (digits === null) return `${r.num}/${r.den}`;
  const scaled = (bigAbs(r.num) * 10n ** BigInt(digits)) / r.den;
  return formatScaled(scaled, digits, r.num < 0n);
}

/**
 * r rounded to `decimals` places, half away from zero ("half-up" on magnitudes, as published results
 * round 4.745 to 4.75), returned as an integer count of 10^-decimals.
 */
export function roundHalfUp(r: Rational, decimals = 2): bigint {
  const scale = 10n ** BigInt(decimals);
  const abs = (bigAbs(r.num) * scale * 2n + r.den) / (2n * r.den);
  return r.num < 0n ? -abs : abs;
}

/** Display string rounded half-up to `decimals` places, e.g. "3.50". */
export function toDisplayString(r: Rational, decimals = 2): string {
  const scaled = roundHalfUp(r, decimals);
  return formatScaled(bigAbs(scaled), decimals, scaled < 0n);
}

/** The JSON form of an exact value. */
export function toIndexValue(r: Rational): IndexValue {
  const display = toDisplayString(r, 2);
  return { exact: toExactString(r), display, value: Number(display) };
}

// 2^52: below it, products and sums in the fast path stay exactly representable.
const FAST_LIMIT = 4_503_599_627_370_496;

/** Integer ⌊a / b⌋ for 0 ≤ a, 0 < b below 2^52, corrected for the float division's rounding. */
function floorDivInt(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

/**
 * {@link toIndexValue} of num/den for safe integers, without bigint when the magnitudes allow it. Scoring
 * and ranking build hundreds of thousands of these, so this path matters; results are identical.
 */
export function indexValueFromInts(num: number, den: number): IndexValue {
  if (
    !Number.isSafeInteger(num) ||
    !Number.isSafeInteger(den) ||
    den <= 0 ||
    Math.abs(num) * 200 + den >= FAST_LIMIT ||
    den * 2 >= FAST_LIMIT
  ) {
    return toIndexValue(rational(num, den));
  }
  const negative = num < 0;
  const absNum = Math.abs(num);
  const g = gcdInt(absNum, den) || 1;
  const n = absNum / g;
  const d = den / g;

  let exact: string;
  let t = d;
  let twos = 0;
  let fives = 0;
  while (t % 2 === 0) {
    t /= 2;
    twos++;
  }
  while (t % 5 === 0) {
    t /= 5;
    fives++;
  }
  if (t === 1) {
    const digits = Math.max(twos, fives);
    const factor = 2 ** (digits - twos) * 5 ** (digits - fives);
    const scaled = n * factor;
    if (!Number.isSafeInteger(scaled) || digits > 15) return toIndexValue(rational(num, den));
    exact = formatScaled(scaled, digits, negative && n !== 0);
  } else {
    exact = `${negative ? '-' : ''}${n}/${d}`;
  }

  const hundredths = floorDivInt(n * 200 + d, 2 * d);
  const frac = hundredths % 100;
  const display = `${negative && hundredths !== 0 ? '-' : ''}${(hundredths - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
  return { exact, display, value: Number(display) };
}

/**
 * Compares two exact strings (as in {@link IndexValue.exact}); rankings and awards compare exact values,
 * never display values. Returns the sign of a − b.
 */
export function compareExact(a: string, b: string): -1 | 0 | 1 {
  return compare(parseRational(a), parseRational(b));
}
