/**
 * Rankings of results by a measure within a scope, on exact values.
 *
 * Rules
 * - Standard competition ranking ("1, 2, 2, 4"): equal exact values share a rank; the next rank skips.
 * - Inside a tie, rows are ordered by agencyId ascending (UTF-16 code-unit order, locale independent), so
 *   the output never depends on input order.
 * - `improvement` is the exact current index minus the exact previous-year index. Agencies without a
 *   previous-year index are left out and listed in `excluded` with the reason; so are agencies without the
 *   requested domain value.
 *
 * Speed: ranking 100,000 results must take well under a second, so values are parsed once into integer
 * fractions, brought to one common denominator, and sorted as plain numbers (value and tie order packed
 * into one float64 key, sorted by the typed-array sort). Values that would not fit exactly fall back to
 * bigint keys and a comparator sort; both paths give identical results.
 */
import { type AgencyGroup, agencyGroups, isAgencyGroup } from '../agency-groups.ts';
import { DomainInputError } from '../errors.ts';
import type { Framework } from '../framework/types.ts';
import {
  gcdInt,
  type IndexValue,
  indexValueFromInts,
  parseRational,
  type Rational,
  sub,
  toIndexValue,
} from '../scoring/rational.ts';
import type { ScoreResult } from '../scoring/types.ts';

/** What a ranking orders by: the index, one domain's index (`domain-4`), or the year-on-year increase. */
export type Measure = 'index' | 'improvement' | `domain-${number}`;

/** National, one agency group, or a pool of groups competing together. */
export type RankingScope = 'national' | AgencyGroup | readonly AgencyGroup[];

/** One agency's result as rankings need it: plain data, typically built by {@link rankingEntryFromResult}. */
export interface RankingEntry {
  readonly agencyId: string;
  readonly agencyName?: string;
  readonly group: AgencyGroup;
  /** Exact index (`ScoreResult.index.exact`). */
  readonly index: string;
  /** Exact domain indices by domain number. */
  readonly domains?: Readonly<Record<number, string>>;
  /** Exact index of the previous year's result; absent/null = no previous result. */
  readonly previousIndex?: string | null;
  /** Predicate id and completeness of the result, for award eligibility. */
  readonly predicateId?: string;
  readonly complete?: boolean;
}

export interface RankingRow {
  readonly rank: number;
  readonly agencyId: string;
  readonly agencyName: string | null;
  readonly group: AgencyGroup;
  readonly value: IndexValue;
  /** Rank in the previous ranking given, or null. */
  readonly previousRank: number | null;
  /** previousRank − rank: positive = moved up. Null without a previous rank. */
  readonly change: number | null;
}

export type ExclusionReason = 'no-previous-result' | 'no-domain-value' | 'ineligible';

export interface RankingExclusion {
  readonly agencyId: string;
  readonly group: AgencyGroup;
  readonly reason: ExclusionReason;
  readonly detail: string;
}

export interface Ranking {
  readonly measure: Measure;
  /** 'national' or the groups of the scope, in canonical order. */
  readonly scope: 'national' | readonly AgencyGroup[];
  readonly tieOrder: 'agency-id-ascending';
  readonly rows: readonly RankingRow[];
  /** Agencies in scope that could not be ranked, by agencyId. */
  readonly excluded: readonly RankingExclusion[];
}

export interface RankingQuery {
  readonly measure: Measure;
  /** @default 'national' */
  readonly scope?: RankingScope;
  /** Last year's ranking of the same measure and scope, or agencyId → rank, to report rank changes. */
  readonly previous?: Ranking | ReadonlyMap<string, number>;
  /** Returns why an entry may not compete (e.g. award eligibility), or null when it may. */
  readonly exclude?: (entry: RankingEntry) => string | null;
}

/** Entries parsed once, to run many rankings over the same results (see {@link prepareRanking}). */
export interface PreparedRanking {
  readonly kind: 'prepared-ranking';
  readonly size: number;
}

/**
 * The ranking entry of a scored result.
 * @param previous last year's result or its exact index; omit when there is none.
 */
export function rankingEntryFromResult(
  agency: { readonly agencyId: string; readonly agencyName?: string; readonly group: AgencyGroup },
  result: ScoreResult,
  previous?: ScoreResult | string | null,
): RankingEntry {
  const domains: Record<number, string> = {};
  for (const d of result.domains) domains[d.no] = d.index.exact;
  const previousIndex =
    previous === undefined || previous === null
      ? null
      : typeof previous === 'string'
        ? previous
        : previous.index.exact;
  return {
    agencyId: agency.agencyId,
    ...(agency.agencyName === undefined ? {} : { agencyName: agency.agencyName }),
    group: agency.group,
    index: result.index.exact,
    domains,
    previousIndex,
    predicateId: result.predicate.id,
    complete: result.complete,
  };
}

const measurePattern = /^domain-([1-9]\d{0,2})$/;

/**
 * Validates a measure from a request or rule: 'index', 'improvement' or 'domain-<n>'.
 * @throws DomainInputError otherwise.
 */
export function parseMeasure(text: string): Measure {
  if (text === 'index' || text === 'improvement' || measurePattern.test(text)) return text as Measure;
  throw new DomainInputError(
    `Unknown measure '${text}'; use 'index', 'improvement' or 'domain-<n>' (e.g. 'domain-4')`,
  );
}

/** The domain number of a `domain-<n>` measure, else null. */
export function measureDomainNo(measure: Measure): number | null {
  const m = measurePattern.exec(measure);
  return m ? Number(m[1]) : null;
}

/** Every measure a framework supports: index, one per domain, improvement. */
export function measuresOf(framework: Framework): Measure[] {
  return ['index', ...framework.domains.map((d) => `domain-${d.no}` as Measure), 'improvement'];
}

/**
 * The rankings the yearly job produces: every measure of the framework, nationally and per group.
 */
export function standardRankingQueries(framework: Framework): RankingQuery[] {
  const scopes: RankingScope[] = ['national', ...agencyGroups];
  return scopes.flatMap((scope) => measuresOf(framework).map((measure) => ({ measure, scope })));
}

// ---------------------------------------------------------------------------------------------------------
// Internal state of a prepared ranking.
//
// Layout: prepareRanking() reads every entry once (id, name, group, index, previous index and domain
// indices) into typed arrays, and orders the agencyIds. Entries are then known by their position p in
// agencyId order: rows are built in rank order, and within a tie that is agencyId order, so reading the
// row columns by position is mostly sequential. A measure's national order (value descending, then
// position) is sorted once, on first use, and cached; every scope is a filter of it by group code, since a
// subsequence of a sorted sequence is sorted. rank() then allocates little besides the rows: values are
// shared (one IndexValue per distinct value and measure), ranks and ties are read off typed arrays.

const noPrevious = Object.freeze({
  reason: 'no-previous-result' as const,
  detail: 'No previous-year index, so no improvement can be computed',
});

/**
 * One measure's values as read by prepareRanking(): value i = nums[i] / dens[i], or nums[i] / 10^4 while
 * `dens` is null; NaN = no value.
 */
interface Column {
  readonly nums: Float64Array;
  dens: Float64Array | null;
  /** Least common multiple of the denominators so far. */
  common: number;
  /** False when some value needs the exact bigint path (or is malformed): the measure is then read lazily. */
  ok: boolean;
}

interface MeasureData {
  /** Positions of the entries with a value, in national rank order: value descending, then agencyId. */
  readonly order: Int32Array;
  /**
   * Per position: id of the entry's distinct value, numbered 0, 1, … in rank order (equal ids ⇔ equal
   * exact values); −1 = no value.
   */
  readonly valueId: Int32Array;
  /** Number of entries without a value (left out of every scope). */
  readonly missingCount: number;
  /** Per distinct value id: its IndexValue, built on first use and shared by every row with that value. */
  readonly values: (IndexValue | undefined)[];
  /** Float64 path: value of id v = keys[v] / common. */
  readonly keys: Float64Array | null;
  readonly common: number;
  /** Bigint path: value of id v. */
  readonly rationals: readonly Rational[] | null;
  readonly missing: { readonly reason: ExclusionReason; readonly detail: string };
}

interface State {
  readonly entries: readonly RankingEntry[];
  /** agencyId, name and group code by position. */
  readonly ids: readonly string[];
  readonly names: readonly (string | null)[];
  readonly groups: Uint8Array;
  /** Position of each entry in agencyId order; doubles as the tie-break key. */
  readonly idOrder: Int32Array;
  /** Entry at each agencyId-order position. */
  readonly byIdOrder: Int32Array;
  /** Values read by prepareRanking(), by measure; other measures (or columns not ok) are read on first use. */
  readonly columns: Map<Measure, Column>;
  readonly measures: Map<Measure, MeasureData>;
}

const states = new WeakMap<PreparedRanking, State>();
const groupPosition = new Map<string, number>(agencyGroups.map((g, i) => [g, i]));

// Values whose denominator divides 10^4 (every decimal the scoring writes: indices are multiples of
// 0.0001) are stored as units of 10^-4: such a measure needs no common-denominator arithmetic, and the
// improvement is a plain difference of units.
const UNIT_DEN = 10_000;
// Domain numbers read up front: those of the first entry with domains (others are read on first use).
const MAX_EAGER_DOMAINS = 16;

function newColumn(n: number): Column {
  return { nums: new Float64Array(n).fill(Number.NaN), dens: null, common: UNIT_DEN, ok: true };
}

// parseValue()'s result: numerator and denominator, in units of 10^-4 when the denominator divides 10^4.
let parsedNum = 0;
let parsedDen = 1;

/** Parses an exact value in the fast syntax into parsedNum / parsedDen; false if it needs the slow path. */
function parseValue(raw: unknown): boolean {
  if (typeof raw !== 'string' || !parseFast(raw)) return false;
  let num = parsed[0] as number;
  let den = parsed[1] as number;
  if (den !== UNIT_DEN && UNIT_DEN % den === 0 && Number.isSafeInteger(num * (UNIT_DEN / den))) {
    num *= UNIT_DEN / den;
    den = UNIT_DEN;
  }
  parsedNum = num;
  parsedDen = den;
  return true;
}

/** Stores num / den at i; false when the common denominator grows beyond the exact float64 range. */
function store(col: Column, n: number, i: number, num: number, den: number): boolean {
  if (den !== UNIT_DEN && col.dens === null) col.dens = new Float64Array(n).fill(UNIT_DEN);
  col.nums[i] = num;
  if (col.dens !== null) col.dens[i] = den;
  if (col.common % den !== 0) {
    col.common = lcmInt(col.common, den);
    if (col.common > MAX_COMMON_DEN) return false;
  }
  return true;
}

/** Stores the improvement a − b, each given as numerator and denominator. */
function storeDifference(
  col: Column,
  n: number,
  i: number,
  a: number,
  aDen: number,
  b: number,
  bDen: number,
): boolean {
  let num: number;
  let den: number;
  if (aDen === bDen) {
    num = a - b;
    den = aDen;
  } else {
    const g = gcdInt(aDen, bDen);
    num = a * (bDen / g) - b * (aDen / g);
    den = (aDen / g) * bDen;
  }
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) return false;
  return store(col, n, i, num, den);
}

/** Domain numbers of the first entry that has domains, to read in the same pass as the index. */
function eagerDomainNos(entries: readonly RankingEntry[]): number[] {
  for (const e of entries) {
    const domains: unknown = e?.domains;
    if (domains === undefined || domains === null || typeof domains !== 'object') continue;
    const nos: number[] = [];
    for (const key of Object.keys(domains)) {
      const no = measureDomainNo(`domain-${key}` as Measure);
      if (no !== null && String(no) === key && nos.length < MAX_EAGER_DOMAINS) nos.push(no);
    }
    return nos;
  }
  return [];
}

/**
 * Parses and indexes entries once so that many rankings (national, per group, per measure) share the work:
 * one pass reads every entry's id, group, index, previous index and domain indices into typed arrays.
 * @throws DomainInputError for a duplicate agencyId or an unknown group. A malformed exact value is
 *   reported by the first rank() of a measure that reads it.
 */
export function prepareRanking(entries: readonly RankingEntry[]): PreparedRanking {
  const n = entries.length;
  const groupIndex = new Uint8Array(n);
  const ids: string[] = new Array(n);
  const names: (string | null)[] = new Array(n);
  const idUnits = new IdUnits(n);
  const domainNos = eagerDomainNos(entries);
  const indexCol = newColumn(n);
  const improvementCol = newColumn(n);
  const domainCols = domainNos.map(() => newColumn(n));
  // One pass, reading each entry (and its strings) once: with 100,000 entries spread over the heap, the
  // time goes into fetching them from memory, not into the parsing.
  for (let i = 0; i < n; i++) {
    const e = entries[i] as RankingEntry;
    const id: unknown = e.agencyId;
    if (typeof id !== 'string') throw new DomainInputError(`Entry ${i} has no agencyId`);
    ids[i] = id;
    idUnits.add(id);
    names[i] = e.agencyName ?? null;
    const g = groupPosition.get(e.group);
    if (g === undefined) throw new DomainInputError(`Agency '${id}' has unknown group '${String(e.group)}'`);
    groupIndex[i] = g;

    // Same rules as measureColumn(): null = no value; anything else it would not take defers to it.
    const index: unknown = e.index;
    if (index !== null) {
      const indexOk = parseValue(index);
      const num = parsedNum;
      const den = parsedDen;
      if (indexCol.ok) indexCol.ok = indexOk && store(indexCol, n, i, num, den);
      const prev: unknown = e.previousIndex;
      if (improvementCol.ok && prev !== undefined && prev !== null) {
        improvementCol.ok =
          indexOk &&
          parseValue(prev) &&
          storeDifference(improvementCol, n, i, num, den, parsedNum, parsedDen);
      }
    }
    if (domainCols.length === 0) continue;
    const domains = e.domains as Readonly<Record<number, unknown>> | undefined | null;
    if (domains === undefined || domains === null) continue;
    for (let d = 0; d < domainCols.length; d++) {
      const col = domainCols[d] as Column;
      const raw = domains[domainNos[d] as number] ?? null;
      if (col.ok && raw !== null) col.ok = parseValue(raw) && store(col, n, i, parsedNum, parsedDen);
    }
  }

  const byIdOrder = idUnits.order();
  const idOrder = new Int32Array(n);
  const idsByPosition: string[] = new Array(n);
  const namesByPosition: (string | null)[] = new Array(n);
  const groups = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const i = byIdOrder[p] as number;
    idOrder[i] = p;
    idsByPosition[p] = ids[i] as string;
    namesByPosition[p] = names[i] as string | null;
    groups[p] = groupIndex[i] as number;
    // Equal ids sort next to each other, so one pass finds duplicates.
    if (p > 0 && idUnits.equal(i, byIdOrder[p - 1] as number)) {
      throw new DomainInputError(`Agency '${ids[i]}' appears twice in the ranking input`);
    }
  }

  const columns = new Map<Measure, Column>([
    ['index', indexCol],
    ['improvement', improvementCol],
  ]);
  domainNos.forEach((no, d) => {
    columns.set(`domain-${no}`, domainCols[d] as Column);
  });
  const prepared: PreparedRanking = Object.freeze({ kind: 'prepared-ranking', size: n });
  states.set(prepared, {
    entries,
    ids: idsByPosition,
    names: namesByPosition,
    groups,
    idOrder,
    byIdOrder,
    columns,
    measures: new Map(),
  });
  return prepared;
}

// ---------------------------------------------------------------------------------------------------------
// agencyId order.

// Longest input the packed radix sort handles (key × run length must stay below 2^53).
const MAX_PACKED_RUN = 2_000_000;
// Runs this short are finished by insertion sort.
const SMALL_RUN = 16;
// Code units examined per radix pass (fewer when their combined radix would not fit).
const MAX_COLUMNS = 12;
const TWO_53 = 2 ** 53;

/**
 * The agencyIds' UTF-16 code units copied into one buffer (while prepareRanking() reads each entry), and
 * their order.
 *
 * The order is an MSD radix sort over that compact buffer rather than 100,000 strings scattered over the
 * heap. Each pass packs the next code units of every id of a run into one float64 in mixed radix (per
 * column, the span of code units occurring there, plus "past the end", which sorts first), with as many
 * columns as fit beside the run position, and the comparator-free typed-array sort orders the run; only
 * runs that still tie are refined. Typical ids (ASCII, a shared prefix, a few digits) take one pass.
 */
class IdUnits {
  private units: Uint16Array;
  /** starts[i]..starts[i + 1]: the code units of id i. */
  private readonly starts: Int32Array;
  private count = 0;

  constructor(private readonly n: number) {
    this.units = new Uint16Array(0);
    this.starts = new Int32Array(n + 1);
  }

  add(id: string): void {
    const len = id.length;
    const from = this.starts[this.count] as number;
    if (from + len > this.units.length) {
      // Room for the rest at a little more than this id's length each, then doubling.
      const guess = from + (this.n - this.count) * (len + 4);
      const grown = new Uint16Array(Math.max(this.units.length * 2, guess));
      grown.set(this.units.subarray(0, from));
      this.units = grown;
    }
    const units = this.units;
    for (let k = 0; k < len; k++) units[from + k] = id.charCodeAt(k);
    this.count++;
    this.starts[this.count] = from + len;
  }

  equal(a: number, b: number): boolean {
    return this.compare(a, b, 0) === 0;
  }

  /** Sign of id a − id b in code-unit order, comparing from `pos` (the ids share their first `pos` units). */
  private compare(a: number, b: number, pos: number): number {
    const { units, starts } = this;
    const aFrom = (starts[a] as number) + pos;
    const bFrom = (starts[b] as number) + pos;
    const aLen = (starts[a + 1] as number) - aFrom;
    const bLen = (starts[b + 1] as number) - bFrom;
    const len = Math.min(aLen, bLen);
    for (let k = 0; k < len; k++) {
      const d = (units[aFrom + k] as number) - (units[bFrom + k] as number);
      if (d !== 0) return d;
    }
    return aLen - bLen;
  }

  /** Indices of the ids in code-unit order (the order of `<`). */
  order(): Int32Array {
    const { n, units, starts } = this;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (n < 2) return order;
    if (n > MAX_PACKED_RUN) {
      return Int32Array.from(Array.from(order).sort((a, b) => this.compare(a, b, 0)));
    }
    // Start after the prefix all ids share (ids often share one, e.g. "kab-"): it cannot order anything.
    let common = (starts[1] as number) - (starts[0] as number);
    for (let i = 1; i < n && common > 0; i++) {
      const b = starts[i] as number;
      const limit = Math.min(common, (starts[i + 1] as number) - b);
      let k = 0;
      while (k < limit && units[k] === units[b + k]) k++;
      common = k;
    }

    const packed = new Float64Array(n);
    const moved = new Int32Array(n);
    const colMin = new Int32Array(MAX_COLUMNS);
    const colMax = new Int32Array(MAX_COLUMNS);
    const colBase = new Float64Array(MAX_COLUMNS);
    // Explicit stack of [lo, hi, pos] runs instead of recursion: long shared prefixes would nest deeply.
    const stack: number[] = [0, n, common];
    while (stack.length > 0) {
      const pos = stack.pop() as number;
      const hi = stack.pop() as number;
      const lo = stack.pop() as number;
      const len = hi - lo;
      if (len <= SMALL_RUN) {
        this.insertionSort(order, lo, hi, pos);
        continue;
      }
      // Span of code units per column, and the longest remainder.
      colMin.fill(0xffff);
      colMax.fill(-1);
      let longest = 0;
      for (let k = lo; k < hi; k++) {
        const i = order[k] as number;
        const from = (starts[i] as number) + pos;
        const rest = (starts[i + 1] as number) - from;
        if (rest > longest) longest = rest;
        const cols = Math.min(rest, MAX_COLUMNS);
        for (let c = 0; c < cols; c++) {
          const u = units[from + c] as number;
          if (u < (colMin[c] as number)) colMin[c] = u;
          if (u > (colMax[c] as number)) colMax[c] = u;
        }
      }
      if (longest === 0) continue; // the ids of the run are all equal (duplicates, reported by the caller)
      // As many columns as keep key × len + (len − 1) below 2^53.
      const limit = Math.floor(TWO_53 / len);
      let cols = 0;
      let radix = 1;
      while (cols < MAX_COLUMNS && cols < longest) {
        const base = (colMax[cols] as number) - (colMin[cols] as number) + 2;
        if (radix * base > limit) break;
        colBase[cols] = base;
        radix *= base;
        cols++;
      }
      let minKey = Number.POSITIVE_INFINITY;
      let maxKey = Number.NEGATIVE_INFINITY;
      for (let k = lo; k < hi; k++) {
        const i = order[k] as number;
        const from = (starts[i] as number) + pos;
        const rest = (starts[i + 1] as number) - from;
        let key = 0;
        for (let c = 0; c < cols; c++) {
          const digit = c < rest ? (units[from + c] as number) - (colMin[c] as number) + 1 : 0;
          key = key * (colBase[c] as number) + digit;
        }
        if (key < minKey) minKey = key;
        if (key > maxKey) maxKey = key;
        packed[k - lo] = key * len + (k - lo);
        moved[k] = i;
      }
      const next = pos + cols;
      if (minKey === maxKey) {
        stack.push(lo, hi, next);
        continue;
      }
      const view = packed.subarray(0, len);
      view.sort();
      let start = lo;
      let startKey = -1;
      for (let k = 0; k < len; k++) {
        const v = view[k] as number;
        const at = v % len;
        const key = (v - at) / len;
        order[lo + k] = moved[lo + at] as number;
        if (key !== startKey) {
          if (lo + k - start > 1) stack.push(start, lo + k, next);
          start = lo + k;
          startKey = key;
        }
      }
      if (hi - start > 1) stack.push(start, hi, next);
    }
    return order;
  }

  private insertionSort(order: Int32Array, lo: number, hi: number, pos: number): void {
    for (let k = lo + 1; k < hi; k++) {
      const i = order[k] as number;
      let j = k - 1;
      while (j >= lo && this.compare(order[j] as number, i, pos) > 0) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = i;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Values.

// Fast parse of "123.4567", "-0.5" or "37/11" into two safe integers (unreduced): [numerator, denominator].
const parsed = new Float64Array(2);

function parseFast(s: string): boolean {
  const len = s.length;
  let i = 0;
  const negative = len > 0 && s.charCodeAt(0) === 45;
  if (negative) i = 1;
  let num = 0;
  let den = 1;
  let other = 0;
  let mode = 0; // 0 integer part, 1 after '.', 2 after '/'
  let digitsInPart = 0;
  let digits = 0;
  for (; i < len; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      digitsInPart++;
      digits++;
      if (mode === 2) other = other * 10 + (ch - 48);
      else {
        num = num * 10 + (ch - 48);
        if (mode === 1) den *= 10;
      }
    } else if ((ch === 46 || ch === 47) && mode === 0 && digitsInPart > 0) {
      mode = ch === 46 ? 1 : 2;
      digitsInPart = 0;
    } else {
      return false;
    }
  }
  if (digitsInPart === 0 || digits > 15) return false;
  if (mode === 2) {
    if (other === 0) return false;
    den = other;
  }
  parsed[0] = negative ? -num : num;
  parsed[1] = den;
  return true;
}

function lcmInt(a: number, b: number): number {
  return (a / gcdInt(a, b)) * b;
}

// Common denominators above this go to the bigint path (keys must stay exact in float64).
const MAX_COMMON_DEN = 2 ** 40;

function rawValue(entry: RankingEntry, measure: Measure, domainNo: number | null): string | null {
  if (measure === 'index' || measure === 'improvement') return entry.index;
  return entry.domains?.[domainNo ?? 0] ?? null;
}

function missingOf(measure: Measure): MeasureData['missing'] {
  return measure === 'improvement'
    ? noPrevious
    : { reason: 'no-domain-value', detail: `The result has no value for ${measure}` };
}

/** The column of a measure: as read by prepareRanking(), else read from the entries now; null = slow path. */
function measureColumn(st: State, measure: Measure): Column | null {
  const pre = st.columns.get(measure);
  if (pre !== undefined) return pre.ok ? pre : null;
  const entries = st.entries;
  const n = entries.length;
  const domainNo = measureDomainNo(measure);
  const improvement = measure === 'improvement';
  const col = newColumn(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i] as RankingEntry;
    const raw = rawValue(e, measure, domainNo);
    if (raw === null) continue;
    if (!improvement) {
      if (!parseValue(raw) || !store(col, n, i, parsedNum, parsedDen)) return null;
      continue;
    }
    const prev = e.previousIndex;
    if (prev === undefined || prev === null) continue;
    if (!parseValue(raw)) return null;
    const num = parsedNum;
    const den = parsedDen;
    if (!parseValue(prev) || !storeDifference(col, n, i, num, den, parsedNum, parsedDen)) return null;
  }
  return col;
}

function measureData(st: State, measure: Measure): MeasureData {
  const cached = st.measures.get(measure);
  if (cached !== undefined) return cached;
  const col = measureColumn(st, measure);
  const data = (col === null ? null : fastMeasureData(st, measure, col)) ?? slowMeasureData(st, measure);
  st.measures.set(measure, data);
  return data;
}

/**
 * Float64 path: key = value × common denominator, an exact integer. Keys are sorted by a counting sort
 * over buckets visited in agencyId order, so ties come out by id with no tie-break key: one bucket per key
 * when the key range is small (index values are multiples of 10^-4 in [0, 5]: 50,001 keys), else one per
 * distinct key when there are few (domain indices). Otherwise key and position are packed into one
 * float64 for the comparator-free typed-array sort. Returns null when the keys would not be exact (the
 * bigint path takes over).
 */
function fastMeasureData(st: State, measure: Measure, col: Column): MeasureData | null {
  const { nums, dens, common } = col;
  const n = nums.length;
  // Keys: in place when every value is already in units of the common denominator.
  const keys = dens === null && common === UNIT_DEN ? nums : new Float64Array(n);
  let count = 0;
  let maxKey = Number.NEGATIVE_INFINITY;
  let minKey = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const num = nums[i] as number;
    if (Number.isNaN(num)) {
      keys[i] = Number.NaN;
      continue;
    }
    const den = dens === null ? UNIT_DEN : (dens[i] as number);
    const k = den === common ? num : num * (common / den);
    if (!Number.isSafeInteger(k)) return null;
    keys[i] = k;
    if (k > maxKey) maxKey = k;
    if (k < minKey) minKey = k;
    count++;
  }
  const sorted =
    count === 0
      ? { order: new Int32Array(0), valueId: new Int32Array(n).fill(-1), keys: new Float64Array(0) }
      : maxKey - minKey < 4 * n + 65_536
        ? rangeSort(st, keys, count, maxKey, maxKey - minKey + 1)
        : (distinctSort(st, keys, count) ?? packedSort(st, keys, count, maxKey));
  if (sorted === null) return null;
  return {
    order: sorted.order,
    valueId: sorted.valueId,
    missingCount: n - count,
    values: new Array(sorted.keys.length),
    keys: sorted.keys,
    common,
    rationals: null,
    missing: missingOf(measure),
  };
}

interface Sorted {
  readonly order: Int32Array;
  readonly valueId: Int32Array;
  /** Key of each distinct value id. */
  readonly keys: Float64Array;
}

/** Buckets by maxKey − key. */
function rangeSort(st: State, keys: Float64Array, count: number, maxKey: number, range: number): Sorted {
  const n = keys.length;
  const bucket = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    bucket[i] = Number.isNaN(k) ? -1 : maxKey - k;
  }
  return bucketSort(st, bucket, range, count, (b) => maxKey - b);
}

// Most distinct keys sorted through a Map (beyond, the packed sort is cheaper).
const MAX_DISTINCT = 4_096;

/** Buckets by rank of the key among the distinct keys; null when there are too many distinct keys. */
function distinctSort(st: State, keys: Float64Array, count: number): Sorted | null {
  const n = keys.length;
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    if (Number.isNaN(k) || index.has(k)) continue;
    if (index.size === MAX_DISTINCT) return null;
    index.set(k, 0);
  }
  const distinct = Float64Array.from(index.keys()).sort().reverse();
  for (let b = 0; b < distinct.length; b++) index.set(distinct[b] as number, b);
  const bucket = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    bucket[i] = Number.isNaN(k) ? -1 : (index.get(k) as number);
  }
  return bucketSort(st, bucket, distinct.length, count, (b) => distinct[b] as number);
}

/**
 * Stable counting sort of positions by bucket (bucket −1 = no value), visiting entries in agencyId order;
 * equal buckets are equal values.
 */
function bucketSort(
  st: State,
  bucket: Int32Array,
  buckets: number,
  count: number,
  keyOf: (bucket: number) => number,
): Sorted {
  const { byIdOrder } = st;
  const n = byIdOrder.length;
  const next = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) {
    const b = bucket[i] as number;
    if (b >= 0) next[b + 1] = (next[b + 1] as number) + 1;
  }
  for (let b = 1; b <= buckets; b++) next[b] = (next[b] as number) + (next[b - 1] as number);
  // next[b] is now where bucket b starts.
  const order = new Int32Array(count);
  for (let p = 0; p < n; p++) {
    const b = bucket[byIdOrder[p] as number] as number;
    if (b < 0) continue;
    order[next[b] as number] = p;
    next[b] = (next[b] as number) + 1;
  }
  // next[b] is now where bucket b ends: number the non-empty buckets.
  const valueId = new Int32Array(n).fill(-1);
  const distinctKeys: number[] = [];
  let start = 0;
  for (let b = 0; b < buckets; b++) {
    const end = next[b] as number;
    if (end === start) continue;
    const id = distinctKeys.length;
    for (let q = start; q < end; q++) valueId[order[q] as number] = id;
    distinctKeys.push(keyOf(b));
    start = end;
  }
  return { order, valueId, keys: Float64Array.from(distinctKeys) };
}

/** Sorts by (maxKey − key) × n + position, packed into exact float64s; null if that would not be exact. */
function packedSort(st: State, keys: Float64Array, count: number, maxKey: number): Sorted | null {
  const { idOrder } = st;
  const n = keys.length;
  const packed = new Float64Array(count);
  let q = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    if (Number.isNaN(k)) continue;
    const v = (maxKey - k) * n + (idOrder[i] as number);
    if (v > Number.MAX_SAFE_INTEGER) return null;
    packed[q++] = v;
  }
  packed.sort();
  const order = new Int32Array(count);
  const valueId = new Int32Array(n).fill(-1);
  const distinctKeys: number[] = [];
  let previous = -1;
  for (let r = 0; r < count; r++) {
    const v = packed[r] as number;
    const p = v % n;
    const key = (v - p) / n;
    order[r] = p;
    if (key !== previous) {
      distinctKeys.push(maxKey - key);
      previous = key;
    }
    valueId[p] = distinctKeys.length - 1;
  }
  return { order, valueId, keys: Float64Array.from(distinctKeys) };
}

/** Exact bigint path for values whose common denominator or magnitude is beyond float64's exact range. */
function slowMeasureData(st: State, measure: Measure): MeasureData {
  const n = st.entries.length;
  const domainNo = measureDomainNo(measure);
  const rationals: (Rational | null)[] = new Array(n).fill(null);
  const members: number[] = [];
  let common = 1n;
  for (let i = 0; i < n; i++) {
    const e = st.entries[i] as RankingEntry;
    const raw = rawValue(e, measure, domainNo);
    if (raw === null) continue;
    let r = parseRational(raw);
    if (measure === 'improvement') {
      if (e.previousIndex === undefined || e.previousIndex === null) continue;
      r = sub(r, parseRational(e.previousIndex));
    }
    rationals[i] = r;
    members.push(i);
    if (common % r.den !== 0n) common = (common / bigGcd(common, r.den)) * r.den;
  }
  const keys = rationals.map((r) => (r === null ? 0n : r.num * (common / r.den)));
  const { idOrder } = st;
  members.sort((a, b) => {
    const ka = keys[a] as bigint;
    const kb = keys[b] as bigint;
    if (ka !== kb) return ka > kb ? -1 : 1;
    return (idOrder[a] as number) - (idOrder[b] as number);
  });
  const order = new Int32Array(members.length);
  const valueId = new Int32Array(n).fill(-1);
  const distinct: Rational[] = [];
  for (let r = 0; r < members.length; r++) {
    const i = members[r] as number;
    if (r === 0 || keys[i] !== keys[members[r - 1] as number]) distinct.push(rationals[i] as Rational);
    order[r] = idOrder[i] as number;
    valueId[idOrder[i] as number] = distinct.length - 1;
  }
  return {
    order,
    valueId,
    missingCount: n - members.length,
    values: new Array(distinct.length),
    keys: null,
    common: 1,
    rationals: distinct,
    missing: missingOf(measure),
  };
}

function bigGcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** The shared IndexValue of distinct value `id` (read-only: every row with that value holds it). */
function sharedValue(m: MeasureData, id: number): IndexValue {
  let v = m.values[id];
  if (v === undefined) {
    if (m.keys === null) v = toIndexValue(m.rationals?.[id] as Rational);
    else if (m.common === UNIT_DEN) v = unitsIndexValue(m.keys[id] as number);
    else v = indexValueFromInts(m.keys[id] as number, m.common);
    m.values[id] = v;
  }
  return v;
}

// Display strings of 0.00 … 10.00 by hundredths: values take few displays, so they are made once.
const displays: (string | undefined)[] = [];
const MAX_CACHED_DISPLAY = 1_000;

function displayOf(hundredths: number): string {
  let s = hundredths <= MAX_CACHED_DISPLAY ? displays[hundredths] : undefined;
  if (s === undefined) {
    const frac = hundredths % 100;
    s = `${(hundredths - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
    if (hundredths <= MAX_CACHED_DISPLAY) displays[hundredths] = s;
  }
  return s;
}

/**
 * indexValueFromInts(units, 10^4) for a value in units of 10^-4, by integer arithmetic (the same strings
 * and number: canonical exact decimal, display rounded half away from zero to 2 places).
 */
function unitsIndexValue(units: number): IndexValue {
  const negative = units < 0;
  const abs = negative ? -units : units;
  if (abs > 2 ** 46) return indexValueFromInts(units, UNIT_DEN);
  let frac = abs % UNIT_DEN;
  const whole = (abs - frac) / UNIT_DEN;
  let exact: string;
  if (frac === 0) {
    exact = negative ? `-${whole}` : `${whole}`;
  } else {
    let places = 4;
    while (frac % 10 === 0) {
      frac /= 10;
      places--;
    }
    const digits = `${frac}`;
    const padded = digits.length < places ? '000'.slice(0, places - digits.length) + digits : digits;
    exact = `${negative ? '-' : ''}${whole}.${padded}`;
  }
  const hundredths = Math.floor((abs + 50) / 100);
  const display = displayOf(hundredths);
  // hundredths / 100 is the double nearest the decimal, as Number(display) is.
  return negative && hundredths !== 0
    ? { exact, display: `-${display}`, value: -(hundredths / 100) }
    : { exact, display, value: hundredths / 100 };
}

function scopeGroups(scope: RankingScope): 'national' | AgencyGroup[] {
  if (scope === 'national') return 'national';
  const list: readonly unknown[] = typeof scope === 'string' ? [scope] : scope;
  for (const g of list) {
    if (!isAgencyGroup(g)) throw new DomainInputError(`Unknown agency group '${String(g)}' in ranking scope`);
  }
  if (list.length === 0) throw new DomainInputError('A ranking scope needs at least one agency group');
  return agencyGroups.filter((g) => list.includes(g));
}

function stateOf(input: readonly RankingEntry[] | PreparedRanking): State {
  if (!Array.isArray(input)) {
    const st = states.get(input as PreparedRanking);
    if (st !== undefined) return st;
    throw new DomainInputError('Not a prepared ranking: build it with prepareRanking()');
  }
  return states.get(prepareRanking(input as readonly RankingEntry[])) as State;
}

/**
 * Ranks entries by `query.measure` within `query.scope` (see the module comment for the rules).
 * Pass a {@link PreparedRanking} when running several rankings over the same entries.
 * @throws DomainInputError for an unknown measure or group, duplicate agencies or malformed values.
 */
export function rank(input: readonly RankingEntry[] | PreparedRanking, query: RankingQuery): Ranking {
  const st = stateOf(input);
  const measure = parseMeasure(query.measure);
  const scope = scopeGroups(query.scope ?? 'national');
  const m = measureData(st, measure);
  const inScope = new Uint8Array(agencyGroups.length);
  for (let g = 0; g < agencyGroups.length; g++) {
    inScope[g] = scope === 'national' || scope.includes(agencyGroups[g] as AgencyGroup) ? 1 : 0;
  }
  const all = scope === 'national' || scope.length === agencyGroups.length;
  const { entries, groups, ids, names, idOrder } = st;
  const { order, valueId } = m;
  const n = entries.length;

  // Eligibility, asked in input order of the entries in scope that have a value; by position.
  let ineligible: Map<number, string> | null = null;
  if (query.exclude !== undefined) {
    for (let i = 0; i < n; i++) {
      const p = idOrder[i] as number;
      if (inScope[groups[p] as number] === 0 || (valueId[p] as number) < 0) continue;
      const why = query.exclude(entries[i] as RankingEntry);
      if (why !== null) {
        ineligible ??= new Map();
        ineligible.set(p, why);
      }
    }
  }

  // Rows: the national order, filtered by scope and eligibility.
  let count = order.length;
  if (!all || ineligible !== null) {
    count = 0;
    for (let k = 0; k < order.length; k++) {
      const p = order[k] as number;
      if (inScope[groups[p] as number] !== 0 && (ineligible === null || !ineligible.has(p))) count++;
    }
  }
  const previous = previousRanks(query.previous);
  const rows: RankingRow[] = new Array(count);
  let r = 0;
  let currentRank = 0;
  let currentValueId = -1;
  let value: IndexValue | undefined;
  for (let k = 0; r < count; k++) {
    const p = order[k] as number;
    if (!all && inScope[groups[p] as number] === 0) continue;
    if (ineligible?.has(p)) continue;
    const id = valueId[p] as number;
    // A new rank starts where the value changes; rows of one tie share the value object.
    if (id !== currentValueId) {
      currentRank = r + 1;
      currentValueId = id;
      value = sharedValue(m, id);
    }
    const agencyId = ids[p] as string;
    const previousRank = previous === null ? null : (previous.get(agencyId) ?? null);
    rows[r++] = {
      rank: currentRank,
      agencyId,
      agencyName: names[p] as string | null,
      group: agencyGroups[groups[p] as number] as AgencyGroup,
      value: value as IndexValue,
      previousRank,
      change: previousRank === null ? null : previousRank - currentRank,
    };
  }

  // Exclusions, in agencyId order.
  const excluded: RankingExclusion[] = [];
  if (m.missingCount > 0 || ineligible !== null) {
    for (let p = 0; p < n; p++) {
      const g = groups[p] as number;
      if (inScope[g] === 0) continue;
      const group = agencyGroups[g] as AgencyGroup;
      if ((valueId[p] as number) < 0) {
        excluded.push({
          agencyId: ids[p] as string,
          group,
          reason: m.missing.reason,
          detail: m.missing.detail,
        });
        continue;
      }
      const why = ineligible?.get(p);
      if (why !== undefined)
        excluded.push({ agencyId: ids[p] as string, group, reason: 'ineligible', detail: why });
    }
  }
  return { measure, scope, tieOrder: 'agency-id-ascending', rows, excluded };
}

function previousRanks(previous: RankingQuery['previous']): ReadonlyMap<string, number> | null {
  if (previous === undefined) return null;
  if (previous instanceof Map) return previous;
  const ranks = new Map<string, number>();
  for (const row of (previous as Ranking).rows) ranks.set(row.agencyId, row.rank);
  return ranks;
}
