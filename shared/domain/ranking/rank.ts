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
// Layout: everything is kept in typed arrays indexed by entry (input position) `i`, filled in one pass over
// the entries by prepareRanking(). A measure's national order (value descending, agencyId ascending) is
// sorted once and cached; every scope is a filter of it by group code, since a subsequence of a sorted
// sequence is sorted. The only per-row allocation left in rank() is the row object itself: values are
// shared (one IndexValue per distinct value and measure), ranks and ties are read off typed arrays.

/** Why an agency without a value is left out, per measure kind (shared by every exclusion). */
const noPrevious = Object.freeze({
  reason: 'no-previous-result' as const,
  detail: 'No previous-year index, so no improvement can be computed',
});

/** One measure's values, parsed in prepareRanking(): value i = nums[i] / dens[i] where has[i] = 1. */
interface Column {
  readonly has: Uint8Array;
  readonly nums: Float64Array;
  readonly dens: Float64Array;
  /** Least common multiple of the denominators so far. */
  common: number;
  /** False when some value needs the exact bigint path (or is malformed): the measure is then read lazily. */
  ok: boolean;
}

interface MeasureData {
  readonly has: Uint8Array;
  /** Number of entries without a value (left out of every scope). */
  readonly missingCount: number;
  /** Entries with a value in national rank order: value descending, then agencyId ascending. */
  readonly order: Int32Array;
  /** Per entry: id of its distinct value, numbered 0, 1, … in rank order. Equal ids ⇔ equal exact values. */
  readonly valueId: Int32Array;
  /** Per distinct value id: one entry that has it. */
  readonly reps: Int32Array;
  /** Per distinct value id: its IndexValue, built on first use and shared by every row with that value. */
  readonly values: (IndexValue | undefined)[];
  /** Fast path: value i = nums[i] / dens[i]; `units` when every value is a decimal of at most 4 places. */
  readonly nums: Float64Array | null;
  readonly dens: Float64Array | null;
  /** Slow path: exact rationals. */
  readonly rationals: readonly (Rational | null)[] | null;
  readonly missing: { readonly reason: ExclusionReason; readonly detail: string };
}

interface State {
  readonly entries: readonly RankingEntry[];
  readonly ids: readonly string[];
  readonly names: readonly (string | null)[];
  readonly groupIndex: Uint8Array;
  /** Position of each entry in agencyId order; doubles as the tie-break key. */
  readonly idOrder: Int32Array;
  /** Entry at each agencyId-order position. */
  readonly byIdOrder: Int32Array;
  /** Values parsed up front, by measure; measures not here (or not ok) are parsed on first use. */
  readonly columns: Map<Measure, Column>;
  readonly measures: Map<Measure, MeasureData>;
}

const states = new WeakMap<PreparedRanking, State>();
const groupPosition = new Map<string, number>(agencyGroups.map((g, i) => [g, i]));

// Values with a denominator dividing 10^4 (every decimal the scoring writes: indices are multiples of
// 0.0001) are stored as units of 10^-4, so such a measure needs no common-denominator arithmetic and the
// improvement is a plain difference of units.
const UNIT_DEN = 10_000;
// Domain numbers parsed up front: those of the first entry with domains (others are parsed on first use).
const MAX_EAGER_DOMAINS = 16;

function newColumn(n: number): Column {
  return {
    has: new Uint8Array(n),
    nums: new Float64Array(n),
    dens: new Float64Array(n),
    common: 1,
    ok: true,
  };
}

/**
 * Parses `raw` into the column at i. Returns false when the value needs the lazy path: not a string, not
 * in the fast syntax, or beyond the exact float64 range.
 */
function parseInto(col: Column, i: number, raw: unknown, prev: unknown): boolean {
  if (typeof raw !== 'string' || !parseFast(raw)) return false;
  let num = parsed[0] as number;
  let den = parsed[1] as number;
  if (den !== UNIT_DEN && UNIT_DEN % den === 0 && Number.isSafeInteger(num * (UNIT_DEN / den))) {
    num *= UNIT_DEN / den;
    den = UNIT_DEN;
  }
  if (prev !== undefined) {
    if (typeof prev !== 'string' || !parseFast(prev)) return false;
    let prevNum = parsed[0] as number;
    let prevDen = parsed[1] as number;
    if (prevDen !== den && den % prevDen === 0 && Number.isSafeInteger(prevNum * (den / prevDen))) {
      prevNum *= den / prevDen;
      prevDen = den;
    }
    if (den === prevDen) {
      num -= prevNum;
    } else {
      const g = gcdInt(den, prevDen);
      num = num * (prevDen / g) - prevNum * (den / g);
      den = (den / g) * prevDen;
    }
    if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) return false;
  }
  col.has[i] = 1;
  col.nums[i] = num;
  col.dens[i] = den;
  if (col.common % den !== 0) {
    col.common = lcmInt(col.common, den);
    if (col.common > MAX_COMMON_DEN) return false;
  }
  return true;
}

/** Domain numbers of the first entry that has domains, to parse in the same pass as the index. */
function eagerDomainNos(entries: readonly RankingEntry[]): number[] {
  for (const e of entries) {
    const domains = e?.domains;
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
 * @throws DomainInputError for a duplicate agencyId or an unknown group. Malformed exact values are
 *   reported by rank() for the measure that reads them.
 */
export function prepareRanking(entries: readonly RankingEntry[]): PreparedRanking {
  const n = entries.length;
  const groupIndex = new Uint8Array(n);
  const ids: string[] = new Array(n);
  const names: (string | null)[] = new Array(n);
  const domainNos = eagerDomainNos(entries);
  const indexCol = newColumn(n);
  const improvementCol = newColumn(n);
  const domainCols = domainNos.map(() => newColumn(n));
  for (let i = 0; i < n; i++) {
    const e = entries[i] as RankingEntry;
    if (typeof e.agencyId !== 'string') throw new DomainInputError(`Entry ${i} has no agencyId`);
    ids[i] = e.agencyId;
    names[i] = e.agencyName ?? null;
    const g = groupPosition.get(e.group);
    if (g === undefined)
      throw new DomainInputError(`Agency '${e.agencyId}' has unknown group '${String(e.group)}'`);
    groupIndex[i] = g;
    // Same rules as the lazy path (measureColumn): null = no value; anything odd defers to it.
    const index: unknown = e.index;
    if (indexCol.ok && index !== null && !parseInto(indexCol, i, index, undefined)) indexCol.ok = false;
    const prev: unknown = e.previousIndex;
    if (improvementCol.ok && index !== null && prev !== undefined && prev !== null) {
      if (!parseInto(improvementCol, i, index, prev)) improvementCol.ok = false;
    }
    if (domainCols.length > 0) {
      const domains = e.domains as Readonly<Record<number, unknown>> | undefined | null;
      if (domains === undefined || domains === null) continue;
      for (let d = 0; d < domainCols.length; d++) {
        const col = domainCols[d] as Column;
        const raw = domains[domainNos[d] as number] ?? null;
        if (col.ok && raw !== null && !parseInto(col, i, raw, undefined)) col.ok = false;
      }
    }
  }

  const byIdOrder = codeUnitOrder(ids);
  const idOrder = new Int32Array(n);
  for (let p = 0; p < n; p++) idOrder[byIdOrder[p] as number] = p;
  for (let p = 1; p < n; p++) {
    // Equal ids sort next to each other, so one pass finds duplicates.
    const id = ids[byIdOrder[p] as number] as string;
    if (id === ids[byIdOrder[p - 1] as number]) {
      throw new DomainInputError(`Agency '${id}' appears twice in the ranking input`);
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
    ids,
    names,
    groupIndex,
    idOrder,
    byIdOrder,
    columns,
    measures: new Map(),
  });
  return prepared;
}

// ---------------------------------------------------------------------------------------------------------
// agencyId order.

// Longest run the packed sort handles (key × run length must stay below 2^53 with at least one column).
const MAX_PACKED_RUN = 2_000_000;
// Runs this short are finished by insertion sort.
const SMALL_RUN = 16;
// Code units examined per radix pass (fewer when their combined radix would not fit).
const MAX_COLUMNS = 12;
const TWO_53 = 2 ** 53;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Indices of `ids` in code-unit order (the order of `<`), as an MSD radix sort.
 *
 * The ids' code units are copied once into one Uint16Array, so the passes read one compact buffer rather
 * than 100,000 strings scattered over the heap. Each pass packs the next code units of every id in a run
 * into one float64, in mixed radix (per column, the span of code units that occur there, plus "past the
 * end" which sorts first), with as many columns as fit beside the run position; the comparator-free
 * typed-array sort orders the run, and only runs that still tie are refined. Typical ids (ASCII, a shared
 * prefix, a few digits) are ordered in a single pass.
 */
function codeUnitOrder(ids: readonly string[]): Int32Array {
  const n = ids.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  if (n > MAX_PACKED_RUN) {
    return Int32Array.from(Array.from(order).sort((a, b) => compareStrings(ids[a] as string, ids[b] as string)));
  }
  // starts[i]..starts[i + 1]: the code units of ids[i] in `units`.
  const starts = new Int32Array(n + 1);
  let units = new Uint16Array(n * 16);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const s = ids[i] as string;
    const len = s.length;
    if (total + len > units.length) {
      const grown = new Uint16Array(Math.max(units.length * 2, total + len));
      grown.set(units.subarray(0, total));
      units = grown;
    }
    for (let k = 0; k < len; k++) units[total + k] = s.charCodeAt(k);
    starts[i] = total;
    total += len;
  }
  starts[n] = total;

  // Start after the prefix all ids share (ids often share one, e.g. "kab-"): it cannot order anything.
  let common = (starts[1] as number) - (starts[0] as number);
  for (let i = 1; i < n && common > 0; i++) {
    const a = starts[0] as number;
    const b = starts[i] as number;
    const limit = Math.min(common, (starts[i + 1] as number) - b);
    let k = 0;
    while (k < limit && units[a + k] === units[b + k]) k++;
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
      insertionSort(order, lo, hi, pos, units, starts);
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
      const cols = rest < MAX_COLUMNS ? rest : MAX_COLUMNS;
      for (let c = 0; c < cols; c++) {
        const u = units[from + c] as number;
        if (u < (colMin[c] as number)) colMin[c] = u;
        if (u > (colMax[c] as number)) colMax[c] = u;
      }
    }
    if (longest === 0) continue; // all ids of the run are equal (duplicates, reported by the caller)
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

/** Sorts order[lo..hi) by code units from `pos` on (ids there share their first `pos` units). */
function insertionSort(
  order: Int32Array,
  lo: number,
  hi: number,
  pos: number,
  units: Uint16Array,
  starts: Int32Array,
): void {
  for (let k = lo + 1; k < hi; k++) {
    const i = order[k] as number;
    let j = k - 1;
    while (j >= lo && compareUnits(order[j] as number, i, pos, units, starts) > 0) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = i;
  }
}

function compareUnits(a: number, b: number, pos: number, units: Uint16Array, starts: Int32Array): number {
  const aFrom = (starts[a] as number) + pos;
  const bFrom = (starts[b] as number) + pos;
  const aLen = (starts[a + 1] as number) - aFrom;
  const bLen = (starts[b + 1] as number) - bFrom;
  const len = aLen < bLen ? aLen : bLen;
  for (let k = 0; k < len; k++) {
    const d = (units[aFrom + k] as number) - (units[bFrom + k] as number);
    if (d !== 0) return d;
  }
  return aLen - bLen;
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

/** The parsed column of a measure: from prepareRanking(), else read from the entries now. */
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
    const prev = improvement ? e.previousIndex : undefined;
    if (raw === null || (improvement && (prev === undefined || prev === null))) continue;
    if (!parseInto(col, i, raw, improvement ? prev : undefined)) return null;
  }
  return col;
}

function measureData(st: State, measure: Measure): MeasureData {
  const cached = st.measures.get(measure);
  if (cached !== undefined) return cached;
  const col = measureColumn(st, measure);
  const data =
    (col === null ? null : fastMeasureData(st, measure, col)) ?? slowMeasureData(st, measure);
  st.measures.set(measure, data);
  return data;
}

/**
 * Float64 path: key = value × common denominator, an exact integer. Sorted by a counting sort over the
 * key range when it is small (index values are multiples of 10^-4 in [0, 5]: 50,001 keys), else by
 * packing key and agencyId position into one float64 for the comparator-free typed-array sort.
 * Returns null when the keys would not be exact (the bigint path takes over).
 */
function fastMeasureData(st: State, measure: Measure, col: Column): MeasureData | null {
  const { has, nums, dens, common } = col;
  const n = has.length;
  const keys = new Float64Array(n);
  let count = 0;
  let maxKey = Number.NEGATIVE_INFINITY;
  let minKey = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (has[i] === 0) continue;
    const den = dens[i] as number;
    const k = den === common ? (nums[i] as number) : (nums[i] as number) * (common / den);
    if (!Number.isSafeInteger(k)) return null;
    keys[i] = k;
    if (k > maxKey) maxKey = k;
    if (k < minKey) minKey = k;
    count++;
  }
  const order = new Int32Array(count);
  const range = count === 0 ? 0 : maxKey - minKey + 1;
  if (range <= 4 * n + 65_536) countingSort(st, has, keys, maxKey, range, order);
  else if (range * n <= Number.MAX_SAFE_INTEGER) packedSort(st, has, keys, maxKey, order);
  else return null;

  // Distinct values in rank order.
  const valueId = new Int32Array(n);
  const repList: number[] = [];
  let previousKey = Number.NaN;
  for (let p = 0; p < count; p++) {
    const i = order[p] as number;
    const k = keys[i] as number;
    if (k !== previousKey) {
      repList.push(i);
      previousKey = k;
    }
    valueId[i] = repList.length - 1;
  }
  return {
    has,
    missingCount: n - count,
    order,
    valueId,
    reps: Int32Array.from(repList),
    values: new Array(repList.length),
    nums,
    dens,
    rationals: null,
    missing: missingOf(measure),
  };
}

/** Stable counting sort by key descending, visiting entries in agencyId order: ties come out by id. */
function countingSort(
  st: State,
  has: Uint8Array,
  keys: Float64Array,
  maxKey: number,
  range: number,
  order: Int32Array,
): void {
  const { byIdOrder } = st;
  const n = byIdOrder.length;
  const next = new Int32Array(range + 1);
  for (let i = 0; i < n; i++) {
    if (has[i] === 0) continue;
    const b = maxKey - (keys[i] as number) + 1;
    next[b] = (next[b] as number) + 1;
  }
  for (let b = 1; b <= range; b++) next[b] = (next[b] as number) + (next[b - 1] as number);
  // next[b] is now where bucket b (key maxKey − b) starts.
  for (let p = 0; p < n; p++) {
    const i = byIdOrder[p] as number;
    if (has[i] === 0) continue;
    const b = maxKey - (keys[i] as number);
    order[next[b] as number] = i;
    next[b] = (next[b] as number) + 1;
  }
}

/** Sorts by (maxKey − key) × n + agencyId position, packed into exact float64s. */
function packedSort(st: State, has: Uint8Array, keys: Float64Array, maxKey: number, order: Int32Array): void {
  const { idOrder, byIdOrder } = st;
  const n = has.length;
  const packed = new Float64Array(order.length);
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (has[i] !== 0) packed[p++] = (maxKey - (keys[i] as number)) * n + (idOrder[i] as number);
  }
  packed.sort();
  for (let q = 0; q < packed.length; q++) order[q] = byIdOrder[(packed[q] as number) % n] as number;
}

/** Exact bigint path for values whose common denominator or magnitude is beyond float64's exact range. */
function slowMeasureData(st: State, measure: Measure): MeasureData {
  const n = st.entries.length;
  const domainNo = measureDomainNo(measure);
  const has = new Uint8Array(n);
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
    has[i] = 1;
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
  const valueId = new Int32Array(n);
  const repList: number[] = [];
  for (let p = 0; p < members.length; p++) {
    const i = members[p] as number;
    if (p === 0 || keys[i] !== keys[members[p - 1] as number]) repList.push(i);
    valueId[i] = repList.length - 1;
  }
  return {
    has,
    missingCount: n - members.length,
    order: Int32Array.from(members),
    valueId,
    reps: Int32Array.from(repList),
    values: new Array(repList.length),
    nums: null,
    dens: null,
    rationals,
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
function valueOf(m: MeasureData, id: number): IndexValue {
  let v = m.values[id];
  if (v === undefined) {
    const i = m.reps[id] as number;
    v =
      m.nums !== null && m.dens !== null
        ? indexValueFromInts(m.nums[i] as number, m.dens[i] as number)
        : toIndexValue(m.rationals?.[i] as Rational);
    m.values[id] = v;
  }
  return v;
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
  const { entries, groupIndex, ids, names, byIdOrder } = st;
  const n = entries.length;

  // Eligibility, asked in input order of the entries in scope that have a value.
  let ineligible: Map<number, string> | null = null;
  if (query.exclude !== undefined) {
    for (let i = 0; i < n; i++) {
      if (inScope[groupIndex[i] as number] === 0 || m.has[i] === 0) continue;
      const why = query.exclude(entries[i] as RankingEntry);
      if (why !== null) {
        ineligible ??= new Map();
        ineligible.set(i, why);
      }
    }
  }

  // Rows: the national order filtered by scope and eligibility.
  const { order, valueId } = m;
  let count = order.length;
  if (!all || ineligible !== null) {
    count = 0;
    for (let p = 0; p < order.length; p++) {
      const i = order[p] as number;
      if (inScope[groupIndex[i] as number] !== 0 && (ineligible === null || !ineligible.has(i))) count++;
    }
  }
  const previous = previousRanks(query.previous);
  const rows: RankingRow[] = new Array(count);
  let r = 0;
  let currentRank = 0;
  let currentValueId = -1;
  let value: IndexValue | undefined;
  for (let p = 0; r < count; p++) {
    const i = order[p] as number;
    if (!all && inScope[groupIndex[i] as number] === 0) continue;
    if (ineligible?.has(i)) continue;
    const id = valueId[i] as number;
    // A new rank starts where the value changes; rows of one tie share the value object.
    if (id !== currentValueId) {
      currentRank = r + 1;
      currentValueId = id;
      value = valueOf(m, id);
    }
    const agencyId = ids[i] as string;
    const previousRank = previous === null ? null : (previous.get(agencyId) ?? null);
    rows[r++] = {
      rank: currentRank,
      agencyId,
      agencyName: names[i] ?? null,
      group: agencyGroups[groupIndex[i] as number] as AgencyGroup,
      value: value as IndexValue,
      previousRank,
      change: previousRank === null ? null : previousRank - currentRank,
    };
  }

  // Exclusions in agencyId order.
  const excluded: RankingExclusion[] = [];
  if (m.missingCount > 0 || ineligible !== null) {
    for (let p = 0; p < n; p++) {
      const i = byIdOrder[p] as number;
      if (inScope[groupIndex[i] as number] === 0) continue;
      const why = m.has[i] === 0 ? null : (ineligible?.get(i) ?? undefined);
      if (why === undefined) continue;
      const group = agencyGroups[groupIndex[i] as number] as AgencyGroup;
      excluded.push(
        why === null
          ? { agencyId: ids[i] as string, group, reason: m.missing.reason, detail: m.missing.detail }
          : { agencyId: ids[i] as string, group, reason: 'ineligible', detail: why },
      );
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
