/**
 * The optimised ranking (typed arrays, radix-sorted ids, counting sorts, shared values) against a plain
 * reference implementation of the rules: exact rationals, a comparator sort, standard competition ranking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AgencyGroup, agencyGroups } from '../../../shared/domain/agency-groups.ts';
import {
  type Measure,
  prepareRanking,
  type Ranking,
  type RankingEntry,
  type RankingExclusion,
  type RankingQuery,
  type RankingRow,
  rank,
} from '../../../shared/domain/ranking/index.ts';
import {
  compare,
  indexValueFromInts,
  parseRational,
  type Rational,
  sub,
  toIndexValue,
} from '../../../shared/domain/scoring/index.ts';

function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ranking rules, written as directly as possible. */
function referenceRank(entries: readonly RankingEntry[], query: RankingQuery): Ranking {
  const scope = query.scope ?? 'national';
  const groups: readonly AgencyGroup[] | 'national' =
    scope === 'national'
      ? 'national'
      : agencyGroups.filter((g) => (typeof scope === 'string' ? [scope] : scope).includes(g));
  const inScope = entries.filter((e) => groups === 'national' || groups.includes(e.group));
  const domainNo = query.measure.startsWith('domain-') ? Number(query.measure.slice(7)) : null;
  const ranked: { e: RankingEntry; v: Rational }[] = [];
  const excluded: RankingExclusion[] = [];
  for (const e of inScope) {
    let v: Rational | null = null;
    if (query.measure === 'index') v = parseRational(e.index);
    else if (query.measure === 'improvement') {
      v = e.previousIndex == null ? null : sub(parseRational(e.index), parseRational(e.previousIndex));
    } else {
      const raw = e.domains?.[domainNo ?? 0];
      v = raw === undefined ? null : parseRational(raw);
    }
    if (v === null) {
      excluded.push(
        query.measure === 'improvement'
          ? {
              agencyId: e.agencyId,
              group: e.group,
              reason: 'no-previous-result',
              detail: 'No previous-year index, so no improvement can be computed',
            }
          : {
              agencyId: e.agencyId,
              group: e.group,
              reason: 'no-domain-value',
              detail: `The result has no value for ${query.measure}`,
            },
      );
      continue;
    }
    ranked.push({ e, v });
  }
  const eligible = ranked.filter(({ e }) => {
    const why = query.exclude?.(e) ?? null;
    if (why !== null)
      excluded.push({ agencyId: e.agencyId, group: e.group, reason: 'ineligible', detail: why });
    return why === null;
  });
  eligible.sort((a, b) => compare(b.v, a.v) || codeUnitCompare(a.e.agencyId, b.e.agencyId));
  const previous =
    query.previous === undefined
      ? null
      : query.previous instanceof Map
        ? query.previous
        : new Map((query.previous as Ranking).rows.map((r) => [r.agencyId, r.rank]));
  const rows: RankingRow[] = eligible.map(({ e, v }) => {
    const rankOf = 1 + eligible.filter((o) => compare(o.v, v) > 0).length;
    const previousRank = previous?.get(e.agencyId) ?? null;
    return {
      rank: rankOf,
      agencyId: e.agencyId,
      agencyName: e.agencyName ?? null,
      group: e.group,
      value: toIndexValue(v),
      previousRank,
      change: previousRank === null ? null : previousRank - rankOf,
    };
  });
  excluded.sort((a, b) => codeUnitCompare(a.agencyId, b.agencyId));
  return { measure: query.measure, scope: groups, tieOrder: 'agency-id-ascending', rows, excluded };
}

// Ids sharing prefixes (so the radix sort recurses) with some non-ASCII code units and surrogate pairs.
const idArb = fc
  .tuple(
    fc.constantFrom('', 'kab-', 'kab-a', 'kota-', 'K', 'é', '\u{1F600}'),
    fc.string({ unit: fc.constantFrom('a', 'b', 'z', '0', '9', '-', 'é', '\u{1F600}', 'Z'), maxLength: 4 }),
  )
  .map(([prefix, rest]) => prefix + rest)
  .filter((id) => id.length > 0);

// Unit decimals (many ties, including across the fast counting sort), fractions and negatives.
const exactArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 60 }).map((u) => String(u / 20)) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 50_000 }).map((u) => indexValueFromInts(u, 10_000).exact),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -50, max: 500 }), fc.constantFrom(3, 7, 11, 13, 91))
      .map(([n, d]) => indexValueFromInts(n, d).exact),
  },
  { weight: 1, arbitrary: fc.constantFrom('1/9007199254740881', '0.00001', '123456789.1234') },
);

const entriesArb = fc
  .uniqueArray(
    fc.record({
      agencyId: idArb,
      agencyName: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
      group: fc.constantFrom<AgencyGroup>(...agencyGroups),
      index: exactArb,
      d1: fc.option(exactArb, { nil: undefined }),
      d4: exactArb,
      previousIndex: fc.option(exactArb, { nil: null }),
    }),
    { selector: (e) => e.agencyId, maxLength: 120 },
  )
  .map((list) =>
    list.map(
      ({ d1, d4, agencyName, ...e }): RankingEntry => ({
        ...e,
        ...(agencyName === undefined ? {} : { agencyName }),
        domains: d1 === undefined ? { 4: d4 } : { 1: d1, 4: d4 },
      }),
    ),
  );

const scopeArb = fc.oneof(
  fc.constant<'national'>('national'),
  fc.constantFrom<AgencyGroup>(...agencyGroups),
  fc.uniqueArray(fc.constantFrom<AgencyGroup>(...agencyGroups), { minLength: 1, maxLength: 6 }),
);
const measureArb = fc.constantFrom<Measure>('index', 'domain-1', 'domain-4', 'domain-9', 'improvement');

describe('rank against the reference implementation', () => {
  it('gives the same rankings, exclusions and rank changes for any measures and scopes', () => {
    fc.assert(
      fc.property(
        entriesArb,
        fc.array(fc.tuple(measureArb, scopeArb, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 6 }),
        (entries, queries) => {
          // One prepared ranking for all queries, as the ranking run uses it.
          const prepared = prepareRanking(entries);
          for (const [measure, scope, withExclude, withPrevious] of queries) {
            const query: RankingQuery = {
              measure,
              scope,
              ...(withExclude
                ? { exclude: (e: RankingEntry) => (e.agencyId.endsWith('a') ? 'ends with a' : null) }
                : {}),
              ...(withPrevious
                ? { previous: new Map(entries.map((e, i) => [e.agencyId, (i % 7) + 1])) }
                : {}),
            };
            expect(rank(prepared, query)).toEqual(referenceRank(entries, query));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('orders ties by agencyId in code-unit order for thousands of ids', () => {
    fc.assert(
      fc.property(fc.uniqueArray(idArb, { minLength: 500, maxLength: 3_000 }), (ids) => {
        const entries = ids.map((agencyId): RankingEntry => ({ agencyId, group: 'kota', index: '3' }));
        const rows = rank(entries, { measure: 'index' }).rows;
        expect(rows.map((r) => r.agencyId)).toEqual([...ids].sort());
        expect(rows.every((r) => r.rank === 1)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects duplicate ids that share a long prefix', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `kab-${'x'.repeat(30)}${String(i).padStart(3, '0')}`);
    const entries = [...ids, ids[137] as string].map(
      (agencyId): RankingEntry => ({ agencyId, group: 'kota', index: '3' }),
    );
    expect(() => prepareRanking(entries)).toThrow(/appears twice/);
  });

  it('builds every value of the 10^-4 grid exactly like indexValueFromInts', () => {
    // Every index 0.0000 … 5.0000, and improvements −2.5 … 2.5 against a previous index of 2.5.
    const entries = Array.from(
      { length: 50_001 },
      (_, u): RankingEntry => ({
        agencyId: `a${u}`,
        group: 'kota',
        index: indexValueFromInts(u, 10_000).exact,
        previousIndex: '2.5',
      }),
    );
    const prepared = prepareRanking(entries);
    const mismatches: string[] = [];
    for (const [measure, offset] of [
      ['index', 0],
      ['improvement', -25_000],
    ] as const) {
      for (const row of rank(prepared, { measure }).rows) {
        const expected = indexValueFromInts(Number(row.agencyId.slice(1)) + offset, 10_000);
        const { exact, display, value } = row.value;
        if (exact !== expected.exact || display !== expected.display || !Object.is(value, expected.value)) {
          mismatches.push(`${measure} ${row.agencyId}: ${JSON.stringify(row.value)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
