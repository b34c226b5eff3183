import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AgencyGroup, agencyGroups } from '../../../shared/domain/agency-groups.ts';
import { DomainInputError } from '../../../shared/domain/errors.ts';
import { spbe2020 } from '../../../shared/domain/framework/index.ts';
import {
  measuresOf,
  parseMeasure,
  prepareRanking,
  type RankingEntry,
  rank,
  rankingEntryFromResult,
  standardRankingQueries,
} from '../../../shared/domain/ranking/index.ts';
import { compareExact, scoreAssessment } from '../../../shared/domain/scoring/index.ts';
import { uniformLevels } from './helpers.ts';

function entry(agencyId: string, index: string, extra: Partial<RankingEntry> = {}): RankingEntry {
  return { agencyId, group: 'provinsi', index, ...extra };
}

/** Exact values on a 10^-4 grid, and some fractions, to exercise ties and both sort paths. */
const exactArb = fc.oneof(
  fc.integer({ min: 0, max: 50 }).map((u) => (u / 10).toFixed(1)),
  fc.integer({ min: 0, max: 50_000 }).map((u) => String(u / 10_000)),
  fc.tuple(fc.integer({ min: 0, max: 500 }), fc.constantFrom(3, 7, 11, 91)).map(([n, d]) => `${n}/${d}`),
);

const entriesArb = fc
  .uniqueArray(
    fc.record({
      agencyId: fc.stringMatching(/^[a-z]{1,6}$/),
      group: fc.constantFrom<AgencyGroup>(...agencyGroups),
      index: exactArb,
      d4: exactArb,
      previousIndex: fc.option(exactArb, { nil: null }),
    }),
    { selector: (e) => e.agencyId, maxLength: 40 },
  )
  .map((list) =>
    list.map(
      (e): RankingEntry => ({
        agencyId: e.agencyId,
        group: e.group,
        index: e.index,
        domains: { 4: e.d4 },
        previousIndex: e.previousIndex,
      }),
    ),
  );

const queryArb = fc.record({
  measure: fc.constantFrom(...measuresOf(spbe2020)),
  scope: fc.oneof(fc.constant('national' as const), fc.constantFrom<AgencyGroup>(...agencyGroups)),
});

describe('rank', () => {
  it('uses standard competition ranking with ties ordered by agencyId', () => {
    // Prepare
    const entries = [
      entry('d', '3.1'),
      entry('c', '3.5'),
      entry('b', '3.62'),
      entry('a', '3.5'),
      entry('e', '7/2'),
    ];

    // Act
    const ranking = rank(entries, { measure: 'index' });

    // Assess
    expect(ranking.rows.map((r) => [r.rank, r.agencyId, r.value.exact])).toEqual([
      [1, 'b', '3.62'],
      [2, 'a', '3.5'],
      [2, 'c', '3.5'],
      [2, 'e', '3.5'],
      [5, 'd', '3.1'],
    ]);
    expect(ranking.tieOrder).toBe('agency-id-ascending');
    expect(ranking.scope).toBe('national');
  });

  it('compares exact values, not displays: 3.4985 ranks below 3.5', () => {
    const ranking = rank([entry('x', '3.4985'), entry('y', '3.5')], { measure: 'index' });
    expect(ranking.rows.map((r) => [r.agencyId, r.rank, r.value.display])).toEqual([
      ['y', 1, '3.50'],
      ['x', 2, '3.50'],
    ]);
  });

  it('ranks within a group or a pool of groups', () => {
    const entries = [
      entry('p1', '3', { group: 'provinsi' }),
      entry('k1', '4', { group: 'kota' }),
      entry('l1', '2', { group: 'lpnk' }),
      entry('o1', '2.5', { group: 'lainnya' }),
    ];
    expect(rank(entries, { measure: 'index', scope: 'kota' }).rows.map((r) => r.agencyId)).toEqual(['k1']);
    const pool = rank(entries, { measure: 'index', scope: ['lainnya', 'lpnk'] });
    expect(pool.scope).toEqual(['lpnk', 'lainnya']);
    expect(pool.rows.map((r) => [r.agencyId, r.rank])).toEqual([
      ['o1', 1],
      ['l1', 2],
    ]);
  });

  it('ranks by a domain index and reports agencies without it', () => {
    const entries = [
      entry('a', '3', { domains: { 4: '37/11' } }),
      entry('b', '3', { domains: { 4: '3.3636' } }),
      entry('c', '3'),
    ];
    const ranking = rank(entries, { measure: 'domain-4' });
    expect(ranking.rows.map((r) => [r.agencyId, r.value.exact, r.value.display])).toEqual([
      ['a', '37/11', '3.36'],
      ['b', '3.3636', '3.36'],
    ]);
    expect(ranking.excluded).toEqual([
      {
        agencyId: 'c',
        group: 'provinsi',
        reason: 'no-domain-value',
        detail: 'The result has no value for domain-4',
      },
    ]);
  });

  it('ranks improvement exactly and excludes agencies without a previous result', () => {
    // Prepare: East Java rose from 3.30 to 3.62
    const entries = [
      entry('prov-jawa-timur', '3.62', { previousIndex: '3.3' }),
      entry('prov-bali', '3.1', { previousIndex: '3.2' }),
      entry('prov-baru', '4.5'),
      entry('prov-aceh', '2.9', { previousIndex: '2.58' }),
    ];

    // Act
    const ranking = rank(entries, { measure: 'improvement' });

    // Assess
    expect(ranking.rows.map((r) => [r.rank, r.agencyId, r.value.exact])).toEqual([
      [1, 'prov-aceh', '0.32'],
      [1, 'prov-jawa-timur', '0.32'],
      [3, 'prov-bali', '-0.1'],
    ]);
    expect(ranking.excluded).toEqual([
      {
        agencyId: 'prov-baru',
        group: 'provinsi',
        reason: 'no-previous-result',
        detail: 'No previous-year index, so no improvement can be computed',
      },
    ]);
  });

  it('reports the previous rank and the change', () => {
    const entries = [entry('a', '3'), entry('b', '4'), entry('c', '2')];
    const lastYear = rank([entry('a', '4'), entry('b', '3')], { measure: 'index' });
    const ranking = rank(entries, { measure: 'index', previous: lastYear });
    expect(ranking.rows.map((r) => [r.agencyId, r.rank, r.previousRank, r.change])).toEqual([
      ['b', 1, 2, 1],
      ['a', 2, 1, -1],
      ['c', 3, null, null],
    ]);
    const viaMap = rank(entries, { measure: 'index', previous: new Map([['c', 1]]) });
    expect(viaMap.rows[2]).toMatchObject({ agencyId: 'c', previousRank: 1, change: -2 });
  });

  it('builds entries from scored results', () => {
    const result = scoreAssessment(spbe2020, uniformLevels(spbe2020, 4));
    const e = rankingEntryFromResult(
      { agencyId: 'kota-a', agencyName: 'Kota A', group: 'kota' },
      result,
      '3.5',
    );
    expect(e).toEqual({
      agencyId: 'kota-a',
      agencyName: 'Kota A',
      group: 'kota',
      index: '4',
      domains: { 1: '4', 2: '4', 3: '4', 4: '4' },
      previousIndex: '3.5',
      predicateId: 'sangat-baik',
      complete: true,
    });
    expect(rank([e], { measure: 'improvement' }).rows[0]?.value.exact).toBe('0.5');
  });

  it('takes the same result through the exact bigint path for huge denominators', () => {
    const entries = [entry('a', '1/9007199254740881'), entry('b', '2/9007199254740881'), entry('c', '0.5')];
    expect(rank(entries, { measure: 'index' }).rows.map((r) => [r.agencyId, r.rank])).toEqual([
      ['c', 1],
      ['b', 2],
      ['a', 3],
    ]);
  });

  it('rejects duplicate agencies, unknown groups, measures and malformed values', () => {
    expect(() => rank([entry('a', '1'), entry('a', '2')], { measure: 'index' })).toThrow(/appears twice/);
    expect(() => rank([entry('a', '1', { group: 'desa' as AgencyGroup })], { measure: 'index' })).toThrow(
      DomainInputError,
    );
    expect(() => rank([entry('a', '1')], { measure: 'index', scope: ['desa' as AgencyGroup] })).toThrow(
      DomainInputError,
    );
    expect(() => parseMeasure('domain-x')).toThrow(/Unknown measure/);
    expect(() => rank([entry('a', '1e3')], { measure: 'index' })).toThrow(DomainInputError);
  });

  it('lets an exclude callback rank the same prepared input', () => {
    const prepared = prepareRanking([entry('a', '3'), entry('b', '4'), entry('c', '2')]);
    const ranking = rank(prepared, {
      measure: 'index',
      exclude: (e) => (rank(prepared, { measure: 'index' }).rows[0]?.agencyId === e.agencyId ? 'top' : null),
    });
    expect(ranking.rows.map((r) => [r.agencyId, r.rank])).toEqual([
      ['a', 1],
      ['c', 2],
    ]);
    expect(ranking.excluded).toEqual([
      { agencyId: 'b', group: 'provinsi', reason: 'ineligible', detail: 'top' },
    ]);
  });

  it('lists the standard rankings of the yearly job', () => {
    expect(measuresOf(spbe2020)).toEqual([
      'index',
      'domain-1',
      'domain-2',
      'domain-3',
      'domain-4',
      'improvement',
    ]);
    expect(standardRankingQueries(spbe2020)).toHaveLength(6 * 7);
  });
});

describe('ranking properties', () => {
  it('does not depend on input order', () => {
    fc.assert(
      fc.property(entriesArb, queryArb, fc.infiniteStream(fc.nat()), (entries, query, seeds) => {
        const shuffled = [...entries]
          .map((e) => ({ e, k: seeds.next().value }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        expect(rank(shuffled, query)).toEqual(rank(entries, query));
      }),
    );
  });

  it('equal values share a rank; rank = 1 + number of strictly greater values', () => {
    fc.assert(
      fc.property(entriesArb, queryArb, (entries, query) => {
        const ranking = rank(prepareRanking(entries), query);
        for (const row of ranking.rows) {
          const greater = ranking.rows.filter((o) => compareExact(o.value.exact, row.value.exact) > 0).length;
          expect(row.rank).toBe(greater + 1);
        }
        for (let i = 1; i < ranking.rows.length; i++) {
          const prev = ranking.rows[i - 1];
          const cur = ranking.rows[i];
          if (prev === undefined || cur === undefined) continue;
          const cmp = compareExact(prev.value.exact, cur.value.exact);
          expect(cmp).toBeGreaterThanOrEqual(0);
          if (cmp === 0) {
            expect(cur.rank).toBe(prev.rank);
            expect(prev.agencyId < cur.agencyId).toBe(true);
          }
        }
      }),
    );
  });

  it('the exact bigint path ranks exactly like the float64 fast path', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        // One value with a huge denominator, in a group outside the scope, sends the measure to bigint.
        const forcing: RankingEntry = {
          agencyId: 'zz-slow',
          group: 'kementerian',
          index: '1/9007199254740881',
        };
        const fast = rank(
          entries.filter((e) => e.group !== 'kementerian'),
          { measure: 'index', scope: 'kota' },
        );
        const slow = rank([...entries.filter((e) => e.group !== 'kementerian'), forcing], {
          measure: 'index',
          scope: 'kota',
        });
        expect(slow).toEqual(fast);
      }),
    );
  });

  it('covers every agency in scope exactly once, ranked or excluded', () => {
    fc.assert(
      fc.property(entriesArb, queryArb, (entries, query) => {
        const ranking = rank(entries, query);
        const inScope = entries.filter((e) => query.scope === 'national' || e.group === query.scope);
        const seen = [...ranking.rows.map((r) => r.agencyId), ...ranking.excluded.map((x) => x.agencyId)];
        expect(seen.sort()).toEqual(inScope.map((e) => e.agencyId).sort());
      }),
    );
  });
});
