import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AgencyGroup, agencyGroups } from '../../../shared/domain/agency-groups.ts';
import {
  type AwardRules,
  awardRules2024,
  defaultAwardRules2023,
  selectAwardWinners,
  validateAwardRules,
} from '../../../shared/domain/awards/index.ts';
import { DomainInputError } from '../../../shared/domain/errors.ts';
import { spbe2020 } from '../../../shared/domain/framework/index.ts';
import { type RankingEntry, rank } from '../../../shared/domain/ranking/index.ts';

function entry(
  agencyId: string,
  group: AgencyGroup,
  index: string,
  extra: Partial<RankingEntry> = {},
): RankingEntry {
  return {
    agencyId,
    group,
    index,
    domains: { 1: index, 2: index, 3: index, 4: index },
    predicateId: 'baik',
    complete: true,
    ...extra,
  };
}

describe('award rules as data', () => {
  it('reproduces the six 2023 categories of product.md', () => {
    expect(validateAwardRules(defaultAwardRules2023, spbe2020)).toBe(defaultAwardRules2023);
    expect(defaultAwardRules2023.categories.map((c) => [c.id, c.nameId, c.measure])).toEqual([
      ['layanan', 'Penerapan Layanan SPBE', 'domain-4'],
      ['pencapaian', 'Pencapaian Indeks SPBE', 'index'],
      ['peningkatan', 'Peningkatan Indeks SPBE', 'improvement'],
      ['tata-kelola', 'Pelaksanaan Tata Kelola SPBE', 'domain-2'],
      ['kebijakan', 'Penguatan Kebijakan SPBE', 'domain-1'],
      ['manajemen', 'Penerapan Manajemen SPBE', 'domain-3'],
    ]);
  });

  it('expresses the 2024 style: top 10 by index in five pools, plus improvement', () => {
    expect(validateAwardRules(awardRules2024, spbe2020)).toBe(awardRules2024);
    const [top, improvement] = awardRules2024.categories;
    expect(top).toMatchObject({ measure: 'index', winnersPerGroup: 10 });
    expect(top?.groups).toEqual([
      ['kementerian'],
      ['lpnk', 'lainnya'],
      ['provinsi'],
      ['kota'],
      ['kabupaten'],
    ]);
    expect(improvement?.measure).toBe('improvement');
  });

  it('rejects invalid rules with every problem named', () => {
    const bad: AwardRules = {
      ...awardRules2024,
      categories: [
        {
          id: 'x',
          nameId: 'X',
          nameEn: 'X',
          measure: 'domain-9',
          groups: [['kota'], ['kota']],
          winnersPerGroup: 0,
        },
        {
          id: 'x',
          nameId: 'X',
          nameEn: 'X',
          measure: 'index',
          groups: [[]],
          winnersPerGroup: 1,
          eligibility: { minPredicate: 'hebat' },
        },
      ],
    };
    expect(() => validateAwardRules(bad, spbe2020)).toThrow(DomainInputError);
    expect(() => validateAwardRules(bad, spbe2020)).toThrow(
      /has no domain 9.*'kota' is in two pools.*winnersPerGroup.*defined twice.*empty pool.*unknown minPredicate 'hebat'/,
    );
  });
});

describe('selectAwardWinners', () => {
  it('cites East Java for Penerapan Layanan SPBE in the provinces pool', () => {
    // Prepare
    const entries = [
      entry('prov-jawa-timur', 'provinsi', '3.62', {
        agencyName: 'Pemerintah Provinsi Jawa Timur',
        previousIndex: '3.3',
      }),
      entry('prov-jawa-barat', 'provinsi', '3.4', {
        agencyName: 'Pemerintah Provinsi Jawa Barat',
        previousIndex: '3.5',
      }),
      entry('kab-banyuwangi', 'kabupaten', '4.37', { agencyName: 'Pemerintah Kabupaten Banyuwangi' }),
    ];

    // Act
    const selection = selectAwardWinners(defaultAwardRules2023, entries, { year: 2023 });

    // Assess
    const layanan = selection.winners.filter((w) => w.categoryId === 'layanan');
    expect(layanan.map((w) => [w.agencyId, w.poolNameId, w.rank])).toEqual([
      ['prov-jawa-timur', 'Provinsi', 1],
      ['kab-banyuwangi', 'Kabupaten', 1],
    ]);
    expect(layanan[0]?.citationId).toBe(
      'Pemerintah Provinsi Jawa Timur — Penerapan Layanan SPBE, kelompok Provinsi, 2023: indeks domain Layanan 3,62, peringkat 1',
    );
    expect(layanan[0]?.citationEn).toBe(
      'Pemerintah Provinsi Jawa Timur — Application of SPBE Services, Provinces group, 2023: Services domain index 3.62, rank 1',
    );
    expect(layanan[0]?.value).toEqual({ exact: '3.62', display: '3.62', value: 3.62 });

    const peningkatan = selection.winners.filter((w) => w.categoryId === 'peningkatan');
    expect(peningkatan.map((w) => [w.agencyId, w.value.exact])).toEqual([['prov-jawa-timur', '0.32']]);
    expect(peningkatan[0]?.citationId).toBe(
      'Pemerintah Provinsi Jawa Timur — Peningkatan Indeks SPBE, kelompok Provinsi, 2023: peningkatan Indeks SPBE 0,32, peringkat 1',
    );
    const provPool = selection.categories.find((c) => c.id === 'peningkatan')?.pools[1];
    expect(provPool?.excluded.map((x) => [x.agencyId, x.reason])).toEqual([
      ['prov-jawa-barat', 'ineligible'],
    ]);
    const kabPool = selection.categories.find((c) => c.id === 'peningkatan')?.pools[2];
    expect(kabPool?.excluded.map((x) => [x.agencyId, x.reason])).toEqual([
      ['kab-banyuwangi', 'no-previous-result'],
    ]);
  });

  it('awards everyone tied at the last winning rank and no one below', () => {
    // Prepare
    const rules: AwardRules = {
      ...awardRules2024,
      categories: [
        {
          id: 'top2',
          nameId: 'Dua Teratas',
          nameEn: 'Top two',
          measure: 'index',
          groups: [['kota']],
          winnersPerGroup: 2,
        },
      ],
    };
    const entries = [
      entry('kota-a', 'kota', '4'),
      entry('kota-b', 'kota', '3.5'),
      entry('kota-c', 'kota', '7/2'),
      entry('kota-d', 'kota', '3.4'),
    ];

    // Act
    const { winners } = selectAwardWinners(rules, entries);

    // Assess
    expect(winners.map((w) => [w.agencyId, w.rank])).toEqual([
      ['kota-a', 1],
      ['kota-b', 2],
      ['kota-c', 2],
    ]);
    expect(winners[0]?.agencyName).toBe('kota-a');
  });

  it('applies eligibility: minimum predicate and completeness', () => {
    const rules: AwardRules = {
      ...awardRules2024,
      categories: [
        {
          id: 'top',
          nameId: 'Teratas',
          nameEn: 'Top',
          measure: 'index',
          groups: [['kementerian', 'lpnk', 'lainnya']],
          winnersPerGroup: 1,
          eligibility: { minPredicate: 'sangat-baik', requireComplete: true },
        },
      ],
    };
    const entries = [
      entry('kemen-a', 'kementerian', '4.9', { predicateId: 'memuaskan', complete: false }),
      entry('lpnk-b', 'lpnk', '4.5', { predicateId: 'baik' }),
      entry('lain-c', 'lainnya', '4.1', { predicateId: 'sangat-baik' }),
    ];
    const selection = selectAwardWinners(rules, entries);
    expect(selection.winners.map((w) => [w.agencyId, w.rank, w.poolNameId])).toEqual([
      ['lain-c', 1, 'Instansi Pusat'],
    ]);
    expect(selection.categories[0]?.pools[0]?.excluded.map((x) => x.detail)).toEqual([
      'Result is incomplete (unanswered indicators)',
      'Predicate baik is below the minimum sangat-baik',
    ]);
  });

  const entriesArb = fc
    .uniqueArray(
      fc.record({
        agencyId: fc.stringMatching(/^[a-z]{1,5}$/),
        group: fc.constantFrom<AgencyGroup>(...agencyGroups),
        units: fc.integer({ min: 0, max: 60 }),
        prev: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
      }),
      { selector: (e) => e.agencyId, maxLength: 60 },
    )
    .map((list) =>
      list.map((e) =>
        entry(e.agencyId, e.group, (e.units / 12).toFixed(2), {
          previousIndex: e.prev === null ? null : (e.prev / 12).toFixed(2),
        }),
      ),
    );

  it('winners are always the top of their pool ranking', () => {
    fc.assert(
      fc.property(entriesArb, fc.constantFrom(defaultAwardRules2023, awardRules2024), (entries, rules) => {
        const selection = selectAwardWinners(rules, entries);
        for (const category of selection.categories) {
          const rule = rules.categories.find((c) => c.id === category.id);
          for (const pool of category.pools) {
            const full = rank(entries, { measure: category.measure, scope: pool.groups });
            const winnerIds = new Set(pool.winners.map((w) => w.agencyId));
            // Every winner outranks or ties every non-winner that competed.
            for (const w of pool.winners) {
              for (const row of full.rows) {
                if (
                  !winnerIds.has(row.agencyId) &&
                  pool.ranking.rows.some((r) => r.agencyId === row.agencyId)
                ) {
                  expect(w.rank).toBeLessThan(row.rank);
                }
              }
            }
            // Winners are exactly the ranking's rows with rank ≤ winnersPerGroup.
            expect(pool.winners.map((w) => w.agencyId)).toEqual(
              pool.ranking.rows.filter((r) => r.rank <= (rule?.winnersPerGroup ?? 0)).map((r) => r.agencyId),
            );
            expect(pool.winners.length).toBeGreaterThanOrEqual(
              Math.min(rule?.winnersPerGroup ?? 0, pool.ranking.rows.length),
            );
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
