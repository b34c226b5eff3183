/**
 * Agency groups (kelompok IPPD) of the SPBE evaluation. Rankings and award pools are scoped by them.
 * Source: methodology.md "Groups and scale" (Laporan Evaluasi SPBE 2023/2024).
 */
export const agencyGroups = ['kementerian', 'lpnk', 'lainnya', 'provinsi', 'kabupaten', 'kota'] as const;

export type AgencyGroup = (typeof agencyGroups)[number];

/** Display names of each group, Indonesian and English, as used in citations. */
export const agencyGroupNames: Readonly<
  Record<AgencyGroup, { readonly nameId: string; readonly nameEn: string }>
> = {
  kementerian: { nameId: 'Kementerian', nameEn: 'Ministries' },
  lpnk: { nameId: 'LPNK', nameEn: 'Non-ministerial government agencies' },
  // LNS (lembaga non-struktural) and the other central bodies share one group in the reports.
  lainnya: { nameId: 'Lembaga Lainnya', nameEn: 'Other central agencies' },
  provinsi: { nameId: 'Provinsi', nameEn: 'Provinces' },
  kabupaten: { nameId: 'Kabupaten', nameEn: 'Regencies' },
  kota: { nameId: 'Kota', nameEn: 'Cities' },
};

/** Central agencies (instansi pusat) as opposed to regional governments (pemerintah daerah). */
export const centralAgencyGroups: readonly AgencyGroup[] = ['kementerian', 'lpnk', 'lainnya'];

const groupSet: ReadonlySet<string> = new Set(agencyGroups);

/** Type guard for data read from storage or a request. */
export function isAgencyGroup(value: unknown): value is AgencyGroup {
  return typeof value === 'string' && groupSet.has(value);
}

/**
 * Name of a pool of groups competing together, e.g. `['lpnk', 'lainnya']` → "LPNK dan Lembaga Lainnya".
 * The three central groups together are called "Instansi Pusat", as in the ministry's reports.
 */
export function poolName(groups: readonly AgencyGroup[]): { nameId: string; nameEn: string } {
  const unique = agencyGroups.filter((g) => groups.includes(g));
  if (unique.length === centralAgencyGroups.length && centralAgencyGroups.every((g) => unique.includes(g))) {
    return { nameId: 'Instansi Pusat', nameEn: 'Central agencies' };
  }
  if (unique.length === agencyGroups.length) return { nameId: 'Nasional', nameEn: 'National' };
  return {
    nameId: joinNames(
      unique.map((g) => agencyGroupNames[g].nameId),
      'dan',
    ),
    nameEn: joinNames(
      unique.map((g) => agencyGroupNames[g].nameEn),
      'and',
    ),
  };
}

function joinNames(names: readonly string[], conjunction: string): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}
