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

interface MeasureData {
  readonly has: Uint8Array;
  /** Fast path: value i = nums[i] / dens[i], key i = value × common denominator (all safe integers). */
  readonly keys: Float64Array | null;
  readonly nums: Float64Array | null;
  readonly dens: Float64Array | null;
  /** Slow path: exact rationals and bigint keys. */
  readonly bigKeys: bigint[] | null;
  readonly rationals: (Rational | null)[] | null;
  readonly values: (IndexValue | undefined)[];
  /** Fast path: one IndexValue per distinct key (domain indices take few distinct values). */
  readonly valueByKey: Map<number, IndexValue>;
  readonly missing: { readonly reason: ExclusionReason; readonly detail: string };
}

interface State {
  readonly entries: readonly RankingEntry[];
  // Row columns copied out of the entries and stored in agencyId order. Rows are built in rank order,
  // and within a tie that is agencyId order, so reads are mostly sequential: far fewer cache misses
  // than chasing entry objects at random.
  readonly idsByPosition: readonly string[];
  readonly namesByPosition: readonly (string | null)[];
  readonly groupsByPosition: Uint8Array;
  /** Position of each entry in agencyId order; doubles as the tie-break key. */
  readonly idOrder: Int32Array;
  /** Entry at each agencyId-order position. */
  readonly byIdOrder: Int32Array;
  readonly groupIndex: Uint8Array;
  readonly measures: Map<Measure, MeasureData>;
  /**
   * Work buffers reused by every rank() call on this prepared ranking (each call is done with them before
   * it returns): large typed arrays are allocated outside the JS heap, and allocating fresh ones per call
   * adds external-memory pressure that triggers extra garbage collections.
   */
  readonly scratch: Scratch;
  /** True while a rank() call is using `scratch`. */
  busy: boolean;
}

interface Scratch {
  readonly members: Int32Array;
  readonly packed: Float64Array;
  readonly positions: Int32Array;
  readonly sameAsPrevious: Uint8Array;
}

const states = new WeakMap<PreparedRanking, State>();
const groupPosition = new Map<string, number>(agencyGroups.map((g, i) => [g, i]));

/**
 * Parses and indexes entries once so that many rankings (national, per group, per measure) share the work.
 * @throws DomainInputError for a duplicate agencyId, an unknown group or a malformed exact value.
 */
export function prepareRanking(entries: readonly RankingEntry[]): PreparedRanking {
  const n = entries.length;
  const groupIndex = new Uint8Array(n);
  const ids: string[] = new Array(n);
  const names: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i] as RankingEntry;
    if (typeof e.agencyId !== 'string') throw new DomainInputError(`Entry ${i} has no agencyId`);
    ids[i] = e.agencyId;
    names[i] = e.agencyName ?? null;
    const g = groupPosition.get(e.group);
    if (g === undefined)
      throw new DomainInputError(`Agency '${e.agencyId}' has unknown group '${String(e.group)}'`);
    groupIndex[i] = g;
  }
  const byIdOrder = codeUnitOrder(ids);
  const idOrder = new Int32Array(n);
  const idsByPosition: string[] = new Array(n);
  const namesByPosition: (string | null)[] = new Array(n);
  const groupsByPosition = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const i = byIdOrder[p] as number;
    idOrder[i] = p;
    idsByPosition[p] = ids[i] as string;
    namesByPosition[p] = names[i] ?? null;
    groupsByPosition[p] = groupIndex[i] as number;
    // Equal ids sort next to each other, so one pass finds duplicates.
    if (p > 0 && idsByPosition[p] === idsByPosition[p - 1]) {
      throw new DomainInputError(`Agency '${ids[i]}' appears twice in the ranking input`);
    }
  }
  const prepared: PreparedRanking = Object.freeze({ kind: 'prepared-ranking', size: n });
  states.set(prepared, {
    entries,
    idsByPosition,
    namesByPosition,
    groupsByPosition,
    idOrder,
    byIdOrder,
    groupIndex,
    measures: new Map(),
    scratch: newScratch(n),
    busy: false,
  });
  return prepared;
}

// Two UTF-16 code units per pass: (c0 + 1) × 65537 + (c1 + 1), 0 for "past the end" so that a prefix
// sorts first. Below 65537², so value × run length + position stays exact for runs up to 2 million.
const PAIR_BASE = 65_537;
const MAX_PACKED_RUN = 2_000_000;
const SMALL_RUN = 24;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Indices of `ids` in code-unit order (the order of `<`), as an MSD radix sort on pairs of code units.
 * A comparator sort of 100,000 strings costs a few hundred ms on a small machine; this packs each pass
 * into float64 keys for the typed-array sort and only descends into runs that still tie.
 */
function codeUnitOrder(ids: readonly string[]): Int32Array {
  const n = ids.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > MAX_PACKED_RUN) {
    return Int32Array.from([...order].sort((a, b) => compareStrings(ids[a] as string, ids[b] as string)));
  }
  const pair = new Float64Array(n);
  const packed = new Float64Array(n);
  const scratch = new Int32Array(n);
  // Start after the prefix all ids share (ids often share one, e.g. "kab-"): it cannot order anything.
  const first = ids[0] ?? '';
  let common = first.length;
  for (let i = 1; i < n && common > 0; i++) {
    const s = ids[i] as string;
    let k = 0;
    const limit = Math.min(common, s.length);
    while (k < limit && s.charCodeAt(k) === first.charCodeAt(k)) k++;
    common = k;
  }
  // Explicit stack of [lo, hi, pos] runs instead of recursion: long shared prefixes would nest deeply.
  const stack: number[] = [0, n, common];
  while (stack.length > 0) {
    const pos = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    const len = hi - lo;
    if (len <= SMALL_RUN) {
      // Ids in a run share their first `pos` code units, so comparing whole ids gives the same order.
      const run = Array.from(order.subarray(lo, hi)).sort((a, b) =>
        compareStrings(ids[a] as string, ids[b] as string),
      );
      order.set(run, lo);
      continue;
    }
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let anyLonger = false;
    for (let k = lo; k < hi; k++) {
      const i = order[k] as number;
      const s = ids[i] as string;
      const v =
        (pos < s.length ? s.charCodeAt(pos) + 1 : 0) * PAIR_BASE +
        (pos + 1 < s.length ? s.charCodeAt(pos + 1) + 1 : 0);
      pair[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (s.length > pos + 2) anyLonger = true;
    }
    if (min !== max) {
      for (let k = lo; k < hi; k++) {
        scratch[k] = order[k] as number;
        packed[k - lo] = (pair[order[k] as number] as number) * len + (k - lo);
      }
      const view = packed.subarray(0, len);
      view.sort();
      for (let k = 0; k < len; k++) order[lo + k] = scratch[lo + ((view[k] as number) % len)] as number;
    }
    if (!anyLonger) continue; // every id ends within this pair: equal pairs are equal ids
    let start = lo;
    for (let k = lo + 1; k <= hi; k++) {
      if (k === hi || pair[order[k] as number] !== pair[order[start] as number]) {
        if (k - start > 1) stack.push(start, k, pos + 2);
        start = k;
      }
    }
  }
  return order;
}

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

function measureData(st: State, measure: Measure): MeasureData {
  const cached = st.measures.get(measure);
  if (cached !== undefined) return cached;
  const entries = st.entries;
  const n = entries.length;
  const domainNo = measureDomainNo(measure);
  const improvement = measure === 'improvement';
  const missing = improvement
    ? {
        reason: 'no-previous-result' as const,
        detail: 'No previous-year index, so no improvement can be computed',
      }
    : { reason: 'no-domain-value' as const, detail: `The result has no value for ${measure}` };
  const has = new Uint8Array(n);
  const nums = new Float64Array(n);
  const dens = new Float64Array(n);
  let fast = true;
  let common = 1;
  for (let i = 0; i < n && fast; i++) {
    const e = entries[i] as RankingEntry;
    const raw = rawValue(e, measure, domainNo);
    const prev = improvement ? e.previousIndex : undefined;
    if (raw === null || (improvement && (prev === undefined || prev === null))) continue;
    if (!parseFast(raw)) {
      fast = false;
      break;
    }
    let num = parsed[0] as number;
    let den = parsed[1] as number;
    if (improvement) {
      if (!parseFast(prev as string)) {
        fast = false;
        break;
      }
      const prevNum = parsed[0] as number;
      const prevDen = parsed[1] as number;
      const g = den === prevDen ? den : gcdInt(den, prevDen);
      num = num * (prevDen / g) - prevNum * (den / g);
      den = (den / g) * prevDen;
      if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
        fast = false;
        break;
      }
    }
    has[i] = 1;
    nums[i] = num;
    dens[i] = den;
    if (common % den !== 0) {
      common = lcmInt(common, den);
      if (common > MAX_COMMON_DEN) fast = false;
    }
  }
  let keys: Float64Array | null = null;
  if (fast) {
    keys = new Float64Array(n);
    for (let i = 0; i < n && fast; i++) {
      if (has[i] === 0) continue;
      const k = (nums[i] as number) * (common / (dens[i] as number));
      if (!Number.isSafeInteger(k)) fast = false;
      keys[i] = k;
    }
  }
  const data: MeasureData =
    fast && keys !== null
      ? { has, keys, nums, dens, bigKeys: null, rationals: null, values: [], valueByKey: new Map(), missing }
      : slowMeasureData(st, measure, domainNo, missing);
  st.measures.set(measure, data);
  return data;
}

/** Exact bigint path for values whose common denominator or magnitude is beyond float64's exact range. */
function slowMeasureData(
  st: State,
  measure: Measure,
  domainNo: number | null,
  missing: MeasureData['missing'],
): MeasureData {
  const n = st.entries.length;
  const has = new Uint8Array(n);
  const rationals: (Rational | null)[] = new Array(n).fill(null);
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
    if (common % r.den !== 0n) common = (common / bigGcd(common, r.den)) * r.den;
  }
  const bigKeys = rationals.map((r) => (r === null ? 0n : r.num * (common / r.den)));
  return {
    has,
    keys: null,
    nums: null,
    dens: null,
    bigKeys,
    rationals,
    values: new Array(n),
    valueByKey: new Map(),
    missing,
  };
}

function bigGcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function valueAt(m: MeasureData, i: number): IndexValue {
  if (m.keys !== null && m.nums !== null && m.dens !== null) {
    // Equal keys are equal values, so rows with the same value share one (read-only) IndexValue.
    const key = m.keys[i] as number;
    let v = m.valueByKey.get(key);
    if (v === undefined) {
      v = indexValueFromInts(m.nums[i] as number, m.dens[i] as number);
      m.valueByKey.set(key, v);
    }
    return v;
  }
  let v = m.values[i];
  if (v === undefined) {
    v = toIndexValue(m.rationals?.[i] as Rational);
    m.values[i] = v;
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

  const n = st.entries.length;
  // An `exclude` callback could itself rank the same prepared input: nested calls get buffers of their own.
  const nested = st.busy;
  const scratch = nested ? newScratch(n) : st.scratch;
  st.busy = true;
  try {
    return rankScoped(st, measure, scope, inScope, m, query, scratch);
  } finally {
    st.busy = nested;
  }
}

function newScratch(n: number): Scratch {
  return {
    members: new Int32Array(n),
    packed: new Float64Array(n),
    positions: new Int32Array(n),
    sameAsPrevious: new Uint8Array(n),
  };
}

function rankScoped(
  st: State,
  measure: Measure,
  scope: 'national' | AgencyGroup[],
  inScope: Uint8Array,
  m: MeasureData,
  query: RankingQuery,
  scratch: Scratch,
): Ranking {
  const { entries, idOrder, groupIndex } = st;
  const n = entries.length;
  const members = scratch.members;
  let count = 0;
  const excluded: { i: number; reason: ExclusionReason; detail: string }[] = [];
  for (let i = 0; i < n; i++) {
    if (inScope[groupIndex[i] as number] === 0) continue;
    if (m.has[i] === 0) {
      excluded.push({ i, ...m.missing });
      continue;
    }
    if (query.exclude !== undefined) {
      const why = query.exclude(entries[i] as RankingEntry);
      if (why !== null) {
        excluded.push({ i, reason: 'ineligible', detail: why });
        continue;
      }
    }
    members[count++] = i;
  }

  const scoped = members.subarray(0, count);
  const { positions, sameAsPrevious } =
    m.keys !== null ? sortFast(st, scratch, m.keys, scoped) : sortSlow(st, m.bigKeys ?? [], scoped);
  const previous = previousRanks(query.previous);
  const { idsByPosition, namesByPosition, groupsByPosition, byIdOrder } = st;
  const rows: RankingRow[] = new Array(count);
  let currentRank = 0;
  let value: IndexValue | undefined;
  for (let p = 0; p < count; p++) {
    const position = positions[p] as number;
    // A new rank starts where the value changes; rows of one tie share the value object.
    if (p === 0 || sameAsPrevious[p] === 0) {
      currentRank = p + 1;
      value = valueAt(m, byIdOrder[position] as number);
    }
    const agencyId = idsByPosition[position] as string;
    const previousRank = previous === null ? null : (previous.get(agencyId) ?? null);
    rows[p] = {
      rank: currentRank,
      agencyId,
      agencyName: namesByPosition[position] ?? null,
      group: agencyGroups[groupsByPosition[position] as number] as AgencyGroup,
      value: value as IndexValue,
      previousRank,
      change: previousRank === null ? null : previousRank - currentRank,
    };
  }

  excluded.sort((a, b) => (idOrder[a.i] as number) - (idOrder[b.i] as number));
  return {
    measure,
    scope,
    tieOrder: 'agency-id-ascending',
    rows,
    excluded: excluded.map(({ i, reason, detail }) => {
      const e = entries[i] as RankingEntry;
      return { agencyId: e.agencyId, group: e.group, reason, detail };
    }),
  };
}

interface Sorted {
  /** agencyId-order positions of the ranked entries, in rank order. */
  readonly positions: Int32Array;
  /** 1 where the row's value equals the previous row's (a tie), else 0. */
  readonly sameAsPrevious: Uint8Array;
}

/**
 * Sorts by key descending, then agencyId ascending, packing both into one float64 per member:
 * (maxKey − key) × n + agencyId position. Every part is a safe integer, so the packed key is exact and
 * the comparator-free typed-array sort does all the work; ties are read off the sorted packed keys
 * sequentially rather than by looking keys up again at random.
 */
function sortFast(st: State, scratch: Scratch, keys: Float64Array, members: Int32Array): Sorted {
  const n = st.entries.length;
  const count = members.length;
  let maxKey = Number.NEGATIVE_INFINITY;
  let minKey = Number.POSITIVE_INFINITY;
  for (let p = 0; p < count; p++) {
    const k = keys[members[p] as number] as number;
    if (k > maxKey) maxKey = k;
    if (k < minKey) minKey = k;
  }
  if ((maxKey - minKey + 1) * n > Number.MAX_SAFE_INTEGER) {
    return sortSlow(
      st,
      Array.from(keys, (k) => BigInt(k)),
      members,
    );
  }
  const packed = scratch.packed.subarray(0, count);
  for (let p = 0; p < count; p++) {
    const i = members[p] as number;
    packed[p] = (maxKey - (keys[i] as number)) * n + (st.idOrder[i] as number);
  }
  packed.sort();
  const positions = scratch.positions.subarray(0, count);
  const sameAsPrevious = scratch.sameAsPrevious.subarray(0, count);
  let previousKey = -1;
  for (let p = 0; p < count; p++) {
    const v = packed[p] as number;
    const position = v % n;
    const key = (v - position) / n;
    positions[p] = position;
    sameAsPrevious[p] = key === previousKey ? 1 : 0;
    previousKey = key;
  }
  return { positions, sameAsPrevious };
}

function sortSlow(st: State, keys: readonly bigint[], members: Int32Array): Sorted {
  const { idOrder } = st;
  const order = Array.from(members).sort((a, b) => {
    const ka = keys[a] as bigint;
    const kb = keys[b] as bigint;
    if (ka !== kb) return ka > kb ? -1 : 1;
    return (idOrder[a] as number) - (idOrder[b] as number);
  });
  const positions = new Int32Array(order.length);
  const sameAsPrevious = new Uint8Array(order.length);
  for (let p = 0; p < order.length; p++) {
    positions[p] = idOrder[order[p] as number] as number;
    if (p > 0) sameAsPrevious[p] = keys[order[p] as number] === keys[order[p - 1] as number] ? 1 : 0;
  }
  return { positions, sameAsPrevious };
}

function previousRanks(previous: RankingQuery['previous']): ReadonlyMap<string, number> | null {
  if (previous === undefined) return null;
  if (previous instanceof Map) return previous;
  const ranking = previous as Ranking;
  return new Map(ranking.rows.map((r) => [r.agencyId, r.rank]));
}
