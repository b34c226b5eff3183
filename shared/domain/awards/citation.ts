/**
 * Award citations: the sentence the press quotes, in Indonesian and English, naming the agency, the
 * category, the pool, the year, the value and the rank. Indonesian writes the decimal comma ("4,88"),
 * English the decimal point ("4.88"). Category and pool names come from the rules and the group
 * names (data); the measure's label from the framework (domain short names).
 */
import type { Framework } from '../framework/types.ts';
import { type Measure, measureDomainNo } from '../ranking/rank.ts';

/** How a measure is named in a citation, e.g. "indeks domain Layanan" / "Services domain index". */
export interface MeasureLabel {
  readonly id: string;
  readonly en: string;
}

export function measureLabel(framework: Framework, measure: Measure): MeasureLabel {
  if (measure === 'index') return { id: 'Indeks SPBE', en: 'SPBE index' };
  if (measure === 'improvement') return { id: 'peningkatan Indeks SPBE', en: 'SPBE index increase' };
  const domain = framework.domains.find((d) => d.no === measureDomainNo(measure));
  return {
    id: `indeks domain ${domain?.shortName ?? measure}`,
    en: `${domain?.shortNameEn ?? measure} domain index`,
  };
}

/**
 * A displayed decimal ("4.88", "-0.10") written the Indonesian way ("4,88", "-0,10"). Values are
 * below a thousand, so there is no digit grouping to add.
 */
export const indonesianDecimal = (display: string): string => display.replace('.', ',');

export interface CitationInput {
  readonly agencyName: string;
  readonly categoryNameId: string;
  readonly categoryNameEn: string;
  readonly poolNameId: string;
  readonly poolNameEn: string;
  /** The evaluation cycle's year; left out of the sentence when unknown. */
  readonly year?: number | undefined;
  readonly label: MeasureLabel;
  /** The value as displayed: rounded half-up to two decimals, with a decimal point. */
  readonly display: string;
  readonly rank: number;
}

export interface Citation {
  readonly id: string;
  readonly en: string;
}

/**
 * The citation of one award, e.g. "Pemerintah Provinsi Jawa Timur — Penerapan Layanan SPBE,
 * kelompok Provinsi, 2023: indeks domain Layanan 4,88, peringkat 1".
 */
export function awardCitation(input: CitationInput): Citation {
  const year = input.year === undefined ? '' : `, ${input.year}`;
  return {
    id: `${input.agencyName} — ${input.categoryNameId}, kelompok ${input.poolNameId}${year}: ${input.label.id} ${indonesianDecimal(input.display)}, peringkat ${input.rank}`,
    en: `${input.agencyName} — ${input.categoryNameEn}, ${input.poolNameEn} group${year}: ${input.label.en} ${input.display}, rank ${input.rank}`,
  };
}
