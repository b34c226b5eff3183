import { createHash } from 'node:crypto';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import type { Framework, Level } from '#shared/domain/framework/types.ts';

/**
 * Demo history: the final results of past cycles for the whole roster, with a realistic spread —
 * central agencies ahead of regions on average, most agencies Baik or Sangat Baik, a tail of
 * Cukup and Kurang, a few with unanswered indicators, every agency a little better each year —
 * and the story this product starts from: Pemprov Jawa Timur among the best in Layanan SPBE.
 * Deterministic (hashes of agency, year and indicator), so every fresh demo shows the same.
 *
 * Not published data: the ministry's per-agency results are imported with
 * POST /v1/cycles/{year}/results/import.
 */

/** A number in [0, 1) from a text, stable across runs and platforms. */
const unit = (text: string): number => createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;

const groupMaturity: Readonly<Record<AgencyGroup, number>> = {
  kementerian: 3.35,
  lpnk: 3.0,
  lainnya: 2.7,
  provinsi: 3.2,
  kota: 2.95,
  kabupaten: 2.6,
};

/** Agencies whose demo results tell a story. */
const standouts: Readonly<Record<string, { readonly base: number; readonly layanan: number }>> = {
  // Penerapan Layanan SPBE 2023 (product.md): strong services, index rising from 3.30 to 3.62.
  'prov-jawa-timur': { base: 3.35, layanan: 1.35 },
  'kab-banyuwangi': { base: 3.4, layanan: 0.6 },
  'kota-surabaya': { base: 3.5, layanan: 0.7 },
};

/** Domain of each indicator number in spbe-2020: the Layanan domain is indicators 32–47. */
const layananFrom = 32;

/** Levels of one agency's final result in `year` (null = not answered, worth 0). */
export const historicalLevels = (
  framework: Framework,
  agency: { readonly id: string; readonly group: AgencyGroup },
  year: number,
): (Level | null)[] => {
  const standout = standouts[agency.id];
  // Spread around the group's mean; a yearly gain of about a quarter level, as the national index grew.
  const base =
    (standout?.base ?? groupMaturity[agency.group] + (unit(`${agency.id}`) - 0.5) * 2.2) +
    (year - 2025) * 0.25;
  // About one agency in fifty left indicators without valid evidence (worth 0), as published results show.
  const gaps = unit(`${agency.id}#gaps`) < 0.02;
  return framework.indicators.map((indicator) => {
    if (gaps && unit(`${agency.id}#${year}#gap#${indicator.no}`) < 0.3) return null;
    const layanan = indicator.no >= layananFrom ? (standout?.layanan ?? 0) : 0;
    const noise = (unit(`${agency.id}#${year}#${indicator.no}`) - 0.5) * 1.8;
    return Math.min(5, Math.max(1, Math.round(base + layanan + noise))) as Level;
  });
};
