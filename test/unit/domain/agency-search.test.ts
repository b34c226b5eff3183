import { describe, expect, it } from 'vitest';
import { agencyMatcher, searchWords } from '#shared/domain/agency-search.ts';

const jatim = { id: 'prov-jawa-timur', name: 'Pemerintah Provinsi Jawa Timur' };
const kabMalang = { id: 'kab-malang', name: 'Pemerintah Kabupaten Malang' };
const kotaMalang = { id: 'kota-malang', name: 'Pemerintah Kota Malang' };
const kominfo = { id: 'kemkominfo', name: 'Kementerian Komunikasi dan Informatika' };

describe('searchWords', () => {
  it('drops case, diacritics and punctuation', () => {
    expect(searchWords('  Kab. Pulau  Taliabu—Malut ')).toEqual(['kab', 'pulau', 'taliabu', 'malut']);
    expect(searchWords('Bal\u00ED ṣ')).toEqual(['bali', 's']);
  });
});

describe('agencyMatcher', () => {
  it.each([
    ['jawa timur', jatim, true],
    ['Timur jawa', jatim, true],
    ['JAWA TIM', jatim, true],
    ['prov-jawa-timur', jatim, true],
    ['jawa barat', jatim, false],
    ['awa', jatim, false],
    ['kab malang', kabMalang, true],
    ['kab malang', kotaMalang, false],
    ['malang', kotaMalang, true],
    ['komunikasi informatika', kominfo, true],
    ['kemkominfo', kominfo, true],
  ])('%s → %o: %s', (query, agency, expected) => {
    expect(agencyMatcher(query)(agency)).toBe(expected);
  });

  it('matches nothing for a query without letters or digits', () => {
    expect([jatim, kabMalang].filter(agencyMatcher(' -.- '))).toEqual([]);
  });
});
