import { describe, expect, it } from 'vitest';
import type { AgencyGroup } from '../../../shared/domain/agency-groups.ts';
import {
  type AwardDecision,
  type AwardRecord,
  type AwardRules,
  awardCitation,
  awardDraft,
  awardRecordIntact,
  awardRecords,
  awardRules2024,
  decisionConflict,
  defaultAwardRules2023,
  exclusionsInEffect,
  indonesianDecimal,
  measureLabel,
  newPublication,
  publicationSizeProblem,
  recipientNotices,
  unchangedAwards,
  yearOfAwardId,
} from '../../../shared/domain/awards/index.ts';
import { spbe2020 } from '../../../shared/domain/framework/index.ts';
import { type RankingEntry, rank } from '../../../shared/domain/ranking/index.ts';

/**
 * Award publication in the domain: citations (Indonesian with the decimal comma, English with the
 * point), decisions and the exclusions they leave in effect, the draft with decisions applied
 * (the next eligible agency moves up), 2024-style rules as data, numbered award records and their
 * hashes, and what each recipient is told.
 */

const entry = (
  agencyId: string,
  group: AgencyGroup,
  index: string,
  extra: Partial<RankingEntry> = {},
): RankingEntry => ({
  agencyId,
  agencyName: `Instansi ${agencyId}`,
  group,
  index,
  domains: { 1: index, 2: index, 3: index, 4: index },
  predicateId: 'baik',
  complete: true,
  ...extra,
});

let decisionNumber = 0;
const decision = (
  category: string,
  agencyId: string,
  action: AwardDecision['action'] = 'exclude',
  reason = 'Sedang dalam pemeriksaan Inspektorat',
): AwardDecision => ({
  year: 2025,
  number: ++decisionNumber,
  category,
  agencyId,
  action,
  reason,
  decidedBy: 'admin-1',
  decidedAt: '2025-12-01T00:00:00.000Z',
});

/** Four provinces, two kota and a ministry: provinces ranked jatim > jateng > jabar > bali. */
const entries: RankingEntry[] = [
  entry('prov-jawa-timur', 'provinsi', '4.88', { agencyName: 'Pemerintah Provinsi Jawa Timur' }),
  entry('prov-jawa-tengah', 'provinsi', '4.1'),
  entry('prov-jawa-barat', 'provinsi', '3.9'),
  entry('prov-bali', 'provinsi', '3.2'),
  entry('kota-surabaya', 'kota', '4.2'),
  entry('kota-malang', 'kota', '3.1'),
  entry('kemenkeu', 'kementerian', '4.5'),
];

const results = (list: readonly RankingEntry[]) =>
  new Map(list.map((item, index) => [item.agencyId, { version: 1, sha256: `${index}`.padStart(64, '0') }]));

const layananRules: AwardRules = {
  ...defaultAwardRules2023,
  categories: defaultAwardRules2023.categories.filter((category) => category.id === 'layanan'),
};

const providersOf = (records: readonly AwardRecord[]) =>
  records.map((record) => [record.awardId, record.agencyId, record.rank]);

describe('award citations', () => {
  it('reads as the issue’s example, in Indonesian with the decimal comma and in English', () => {
    // Prepare
    const label = measureLabel(spbe2020, 'domain-4');

    // Act
    const citation = awardCitation({
      agencyName: 'Pemerintah Provinsi Jawa Timur',
      categoryNameId: 'Penerapan Layanan SPBE',
      categoryNameEn: 'Application of SPBE Services',
      poolNameId: 'Provinsi',
      poolNameEn: 'Provinces',
      year: 2023,
      label,
      display: '4.88',
      rank: 1,
    });

    // Assess
    expect(citation.id).toBe(
      'Pemerintah Provinsi Jawa Timur — Penerapan Layanan SPBE, kelompok Provinsi, 2023: indeks domain Layanan 4,88, peringkat 1',
    );
    expect(citation.en).toBe(
      'Pemerintah Provinsi Jawa Timur — Application of SPBE Services, Provinces group, 2023: Services domain index 4.88, rank 1',
    );
  });

  it('writes every decimal the Indonesian way, negative ones too', () => {
    expect([indonesianDecimal('3.62'), indonesianDecimal('-0.10'), indonesianDecimal('5')]).toEqual([
      '3,62',
      '-0,10',
      '5',
    ]);
  });

  it('names each measure from the framework', () => {
    expect(measureLabel(spbe2020, 'index')).toEqual({ id: 'Indeks SPBE', en: 'SPBE index' });
    expect(measureLabel(spbe2020, 'domain-2')).toEqual({
      id: 'indeks domain Tata Kelola',
      en: 'Governance domain index',
    });
  });
});

describe('award decisions', () => {
  it('leaves in effect the latest decision on each category and agency', () => {
    // Prepare
    const first = decision('layanan', 'prov-jawa-timur');
    const other = decision('pencapaian', 'prov-jawa-timur');
    const undo = decision('layanan', 'prov-jawa-timur', 'reinstate', 'Pemeriksaan selesai');

    // Act
    const withUndo = exclusionsInEffect([undo, other, first]);
    const withoutUndo = exclusionsInEffect([first, other]);

    // Assess
    expect(withUndo.of('layanan', 'prov-jawa-timur')).toBeUndefined();
    expect(withUndo.all).toEqual([other]);
    expect(withoutUndo.of('layanan', 'prov-jawa-timur')).toEqual(first);
  });

  it('refuses a second exclusion and a reinstatement of an agency not excluded', () => {
    const excluded = [decision('layanan', 'prov-jawa-timur')];
    expect(
      decisionConflict(excluded, { category: 'layanan', agencyId: 'prov-jawa-timur', action: 'exclude' }),
    ).toMatch(/already excluded/);
    expect(
      decisionConflict([], { category: 'layanan', agencyId: 'prov-jawa-timur', action: 'reinstate' }),
    ).toMatch(/nothing to reinstate/);
    expect(
      decisionConflict(excluded, { category: 'layanan', agencyId: 'prov-jawa-timur', action: 'reinstate' }),
    ).toBeNull();
  });
});

describe('the award draft', () => {
  it('gives each pool the top of its ranking, with runners-up and citations', () => {
    // Act
    const draft = awardDraft(layananRules, entries, [], { year: 2025 });

    // Assess
    const provinces = draft.categories[0]?.pools[1];
    expect(provinces?.winners.map((winner) => [winner.agencyId, winner.rank])).toEqual([
      ['prov-jawa-timur', 1],
    ]);
    expect(provinces?.runnersUp.map((runner) => [runner.agencyId, runner.rank])).toEqual([
      ['prov-jawa-tengah', 2],
      ['prov-jawa-barat', 3],
      ['prov-bali', 4],
    ]);
    expect(provinces?.winners[0]?.citation.id).toBe(
      'Pemerintah Provinsi Jawa Timur — Penerapan Layanan SPBE, kelompok Provinsi, 2025: indeks domain Layanan 4,88, peringkat 1',
    );
    expect(draft.winners.map((winner) => winner.agencyId)).toEqual([
      'kemenkeu',
      'prov-jawa-timur',
      'kota-surabaya',
    ]);
    expect(draft.recipients).toBe(3);
  });

  it('moves the next eligible agency up when a winner is excluded, and back when reinstated', () => {
    // Prepare
    const exclude = decision('layanan', 'prov-jawa-timur');
    const reinstate = decision('layanan', 'prov-jawa-timur', 'reinstate', 'Pemeriksaan selesai');

    // Act
    const excluded = awardDraft(layananRules, entries, [exclude], { year: 2025 });
    const reinstated = awardDraft(layananRules, entries, [exclude, reinstate], { year: 2025 });

    // Assess
    const pool = excluded.categories[0]?.pools[1];
    expect(pool?.winners.map((winner) => [winner.agencyId, winner.rank])).toEqual([['prov-jawa-tengah', 1]]);
    expect(pool?.winners[0]?.citation.id).toContain('peringkat 1');
    expect(pool?.excludedByDecision).toEqual([
      {
        agencyId: 'prov-jawa-timur',
        agencyName: 'Pemerintah Provinsi Jawa Timur',
        group: 'provinsi',
        decision: exclude,
      },
    ]);
    expect(pool?.notCompeting).toBe(0);
    expect(excluded.exclusions).toEqual([exclude]);
    expect(reinstated.categories[0]?.pools[1]?.winners.map((winner) => winner.agencyId)).toEqual([
      'prov-jawa-timur',
    ]);
  });

  it('excludes from one category only: the agency still wins the others', () => {
    const draft = awardDraft(defaultAwardRules2023, entries, [decision('layanan', 'prov-jawa-timur')], {
      year: 2025,
    });
    const jatim = draft.winners.filter((winner) => winner.agencyId === 'prov-jawa-timur');
    expect(jatim.map((winner) => winner.categoryId)).toEqual([
      'pencapaian',
      'tata-kelola',
      'kebijakan',
      'manajemen',
    ]);
  });

  it('publishes 2024-style rules as data: the top 10 of each pool plus significant improvement', () => {
    // Prepare: 12 agencies in each of the five pools, each better than last year but the first three
    const groups = ['kementerian', 'lpnk', 'provinsi', 'kota', 'kabupaten'] as const;
    const many = groups.flatMap((group) =>
      Array.from({ length: 12 }, (_, index) =>
        entry(`${group}-${String(index).padStart(2, '0')}`, group, (4.5 - index * 0.1).toFixed(2), {
          previousIndex: (4.5 - index * 0.1 - (index < 3 ? -0.2 : index * 0.05)).toFixed(2),
        }),
      ),
    );

    // Act
    const draft = awardDraft(awardRules2024, many, [], { year: 2024 });

    // Assess
    const [top, improvement] = draft.categories;
    expect(top?.pools.map((pool) => pool.winners.length)).toEqual([10, 10, 10, 10, 10]);
    expect(improvement?.pools.map((pool) => pool.winners.length)).toEqual([3, 3, 3, 3, 3]);
    for (const pool of top?.pools ?? []) {
      const full = rank(many, { measure: 'index', scope: pool.groups });
      expect(pool.winners.map((winner) => winner.agencyId)).toEqual(
        full.rows.slice(0, 10).map((row) => row.agencyId),
      );
    }
    // Who declined cannot win "significant improvement", however high their index.
    expect(improvement?.pools[0]?.winners.map((winner) => winner.agencyId)).toEqual([
      'kementerian-11',
      'kementerian-10',
      'kementerian-09',
    ]);
    expect(improvement?.pools[0]?.notCompeting).toBe(3);
    expect(draft.winners).toHaveLength(65);
  });
});

describe('award records', () => {
  const draftOf = (decisions: readonly AwardDecision[]) =>
    awardDraft(layananRules, entries, decisions, { year: 2025 });
  const recordsOf = (version: number, decisions: readonly AwardDecision[], earlier: AwardRecord[] = []) =>
    awardRecords({
      year: 2025,
      version,
      draft: draftOf(decisions),
      rankingRunId: 'run_1',
      inputsSha256: 'f'.repeat(64),
      results: results(entries),
      earlier,
    });

  it('numbers the first publication’s awards per pool, in rank order, with verifiable hashes', () => {
    // Act
    const records = recordsOf(1, []);

    // Assess
    expect(providersOf(records)).toEqual([
      ['apd-2025-layanan-kementerian-lpnk-lainnya-1', 'kemenkeu', 1],
      ['apd-2025-layanan-provinsi-1', 'prov-jawa-timur', 1],
      ['apd-2025-layanan-kota-1', 'kota-surabaya', 1],
    ]);
    expect(records.every(awardRecordIntact)).toBe(true);
    expect(awardRecordIntact({ ...(records[1] as AwardRecord), valueExact: '4.99' })).toBe(false);
    expect(yearOfAwardId('apd-2025-layanan-provinsi-1')).toBe(2025);
    expect(yearOfAwardId('prov-jawa-timur')).toBeUndefined();
  });

  it('keeps an award’s id for its agency and never gives a withdrawn id to another', () => {
    // Prepare
    const exclude = decision('layanan', 'prov-jawa-timur');
    const reinstate = decision('layanan', 'prov-jawa-timur', 'reinstate', 'Pemeriksaan selesai');
    const first = recordsOf(1, []);

    // Act
    const second = recordsOf(2, [exclude], first);
    const third = recordsOf(3, [exclude, reinstate], [...first, ...second]);

    // Assess
    expect(providersOf(second)).toEqual([
      ['apd-2025-layanan-kementerian-lpnk-lainnya-1', 'kemenkeu', 1],
      ['apd-2025-layanan-provinsi-2', 'prov-jawa-tengah', 1],
      ['apd-2025-layanan-kota-1', 'kota-surabaya', 1],
    ]);
    expect(providersOf(third)).toContainEqual(['apd-2025-layanan-provinsi-1', 'prov-jawa-timur', 1]);
  });

  it('tells each agency what it was awarded and what was withdrawn from it', () => {
    // Prepare
    const first = recordsOf(1, []);
    const second = recordsOf(2, [decision('layanan', 'prov-jawa-timur')], first);

    // Act
    const initial = recipientNotices(first, []);
    const revision = recipientNotices(second, first);

    // Assess
    expect(initial.map((notice) => [notice.agencyId, notice.awarded, notice.withdrawn])).toEqual([
      ['kemenkeu', ['apd-2025-layanan-kementerian-lpnk-lainnya-1'], []],
      ['kota-surabaya', ['apd-2025-layanan-kota-1'], []],
      ['prov-jawa-timur', ['apd-2025-layanan-provinsi-1'], []],
    ]);
    expect(revision.map((notice) => [notice.agencyId, notice.awarded, notice.withdrawn])).toEqual([
      ['kemenkeu', [], []],
      ['kota-surabaya', [], []],
      ['prov-jawa-tengah', ['apd-2025-layanan-provinsi-2'], []],
      ['prov-jawa-timur', [], ['apd-2025-layanan-provinsi-1']],
    ]);
    expect(unchangedAwards(recordsOf(2, [], first), first)).toBe(true);
    expect(unchangedAwards(second, first)).toBe(false);
  });

  it('chains each publication’s hash to the previous version’s', () => {
    // Prepare
    const awards = recordsOf(1, []);
    const common = {
      year: 2025,
      rules: layananRules,
      draft: draftOf([]),
      rankingRunId: 'run_1',
      inputsSha256: 'f'.repeat(64),
      decisionsThrough: 0,
      awards,
      requestedBy: 'admin-1',
      startedAt: '2025-12-01T00:00:00.000Z',
    };

    // Act
    const first = newPublication({ ...common, version: 1, reason: 'initial', previous: undefined });
    const second = newPublication({
      ...common,
      version: 2,
      reason: 'correction',
      note: 'Hasil banding dikabulkan',
      previous: first,
    });
    const forged = newPublication({
      ...common,
      version: 2,
      reason: 'correction',
      note: 'Hasil banding dikabulkan',
      previous: { version: 1, sha256: '0'.repeat(64) },
    });

    // Assess
    expect(first).toMatchObject({
      status: 'publishing',
      awardCount: 3,
      recipientCount: 3,
      previousSha256: null,
    });
    expect(second.previousSha256).toBe(first.sha256);
    expect(second.sha256).not.toBe(forged.sha256);
    expect(second.categories[0]?.pools.map((pool) => pool.nameId)).toEqual([
      'Instansi Pusat',
      'Provinsi',
      'Kabupaten',
      'Kota',
    ]);
  });

  it('refuses a publication record too heavy for one item, whatever the count', () => {
    // Prepare: 300 awards with 200-character names, each written three times per award
    const long = 'N'.repeat(200);
    const award = recordsOf(1, [])[0] as AwardRecord;
    const heavy = Array.from({ length: 300 }, (_, index) => ({
      ...award,
      awardId: `${award.awardId}${index}`,
      agencyName: long,
      citationId: `${long} — ${long}`,
      citationEn: `${long} — ${long}`,
    }));
    const base = {
      year: 2025,
      version: 1,
      reason: 'initial' as const,
      previous: undefined,
      rules: layananRules,
      draft: draftOf([]),
      rankingRunId: 'run_1',
      inputsSha256: 'f'.repeat(64),
      decisionsThrough: 0,
      requestedBy: 'admin-1',
      startedAt: '2025-12-01T00:00:00.000Z',
    };

    // Act + Assess
    expect(publicationSizeProblem(newPublication({ ...base, awards: heavy }))).toMatch(
      /holds at most 350 KB/,
    );
    expect(publicationSizeProblem(newPublication({ ...base, awards: recordsOf(1, []) }))).toBeNull();
  });
});
