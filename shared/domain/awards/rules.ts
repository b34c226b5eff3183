/**
 * Digital Government Award rules as data: a cycle's rules are configuration, not code (product.md). Each
 * category names a measure, the pools of agency groups that compete separately, how many win per pool, and
 * who is eligible.
 */
import type { AgencyGroup } from '../agency-groups.ts';
import type { Measure } from '../ranking/rank.ts';

export interface AwardEligibility {
  /** Lowest predicate (band id) a result needs, e.g. 'baik'. */
  readonly minPredicate?: string;
  /** Only results with every indicator answered. */
  readonly requireComplete?: boolean;
  /** The measure's exact value must be strictly above this (e.g. '0' for improvement awards). */
  readonly valueAbove?: string;
}

export interface AwardCategory {
  /** Stable id, e.g. 'layanan'. */
  readonly id: string;
  readonly nameId: string;
  readonly nameEn: string;
  readonly measure: Measure;
  /** Competition pools: each inner array is one pool, e.g. [['provinsi'], ['lpnk', 'lainnya']]. */
  readonly groups: readonly (readonly AgencyGroup[])[];
  /** Winners per pool. Ties at the cut-off all win (see `selectAwardWinners`). */
  readonly winnersPerGroup: number;
  readonly eligibility?: AwardEligibility;
}

export interface AwardRules {
  readonly id: string;
  /** Framework whose domains and predicates the rules refer to. */
  readonly frameworkId: string;
  readonly nameId: string;
  readonly nameEn: string;
  readonly categories: readonly AwardCategory[];
}

// 2023 reports group agencies as instansi pusat, provinsi, kabupaten and kota (spbe-2020-framework.json
// agency_groups.2023), so the 2023 categories compete in those four pools.
const pools2023: readonly (readonly AgencyGroup[])[] = [
  ['kementerian', 'lpnk', 'lainnya'],
  ['provinsi'],
  ['kabupaten'],
  ['kota'],
];

/**
 * The six categories of the 2023 award (for the 2022 cycle), product.md. Only `layanan` = domain 4 is
 * confirmed; the other measures are the natural reading. Winners per category were not published: one per
 * pool is an assumption to be set per cycle.
 */
export const defaultAwardRules2023: AwardRules = {
  id: 'dga-2023',
  frameworkId: 'spbe-2020',
  nameId: 'Anugerah Pemerintahan Digital 2023',
  nameEn: 'Digital Government Award 2023',
  categories: [
    {
      id: 'layanan',
      nameId: 'Penerapan Layanan SPBE',
      nameEn: 'Application of SPBE Services',
      measure: 'domain-4',
      groups: pools2023,
      winnersPerGroup: 1,
    },
    {
      id: 'pencapaian',
      nameId: 'Pencapaian Indeks SPBE',
      nameEn: 'SPBE Index Achievement',
      measure: 'index',
      groups: pools2023,
      winnersPerGroup: 1,
    },
    {
      id: 'peningkatan',
      nameId: 'Peningkatan Indeks SPBE',
      nameEn: 'SPBE Index Improvement',
      measure: 'improvement',
      groups: pools2023,
      winnersPerGroup: 1,
      eligibility: { valueAbove: '0' },
    },
    {
      id: 'tata-kelola',
      nameId: 'Pelaksanaan Tata Kelola SPBE',
      nameEn: 'Implementation of SPBE Governance',
      measure: 'domain-2',
      groups: pools2023,
      winnersPerGroup: 1,
    },
    {
      id: 'kebijakan',
      nameId: 'Penguatan Kebijakan SPBE',
      nameEn: 'Strengthening of SPBE Policy',
      measure: 'domain-1',
      groups: pools2023,
      winnersPerGroup: 1,
    },
    {
      id: 'manajemen',
      nameId: 'Penerapan Manajemen SPBE',
      nameEn: 'Application of SPBE Management',
      measure: 'domain-3',
      groups: pools2023,
      winnersPerGroup: 1,
    },
  ],
};

// The five pools of the 2024 award: kementerian; LPNK, LNS and other bodies; provinsi; kota; kabupaten.
const pools2024: readonly (readonly AgencyGroup[])[] = [
  ['kementerian'],
  ['lpnk', 'lainnya'],
  ['provinsi'],
  ['kota'],
  ['kabupaten'],
];

/**
 * The 2024 style (for the 2023 cycle): top 10 by index in each of five pools, plus "significant
 * improvement". The improvement count per pool is unpublished; 3 per pool gives the 65 recipients reported
 * (5 × 10 + 5 × 3), an inference.
 */
export const awardRules2024: AwardRules = {
  id: 'dga-2024',
  frameworkId: 'spbe-2020',
  nameId: 'Anugerah Pemerintahan Digital 2024',
  nameEn: 'Digital Government Award 2024',
  categories: [
    {
      id: 'indeks-tertinggi',
      nameId: 'Indeks SPBE Tertinggi',
      nameEn: 'Highest SPBE Index',
      measure: 'index',
      groups: pools2024,
      winnersPerGroup: 10,
    },
    {
      id: 'peningkatan-signifikan',
      nameId: 'Peningkatan Indeks SPBE Signifikan',
      nameEn: 'Significant SPBE Index Improvement',
      measure: 'improvement',
      groups: pools2024,
      winnersPerGroup: 3,
      eligibility: { valueAbove: '0' },
    },
  ],
};
