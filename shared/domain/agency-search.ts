/**
 * Finding an agency by what people type: "jawa timur", "Kab. Malang", "kota baubau", "Pemprov
 * Sulawesi". Pure: the directory route filters the roster with it.
 *
 * Words are compared without case or diacritics ("Bali" finds "Balí"), and every word typed must
 * begin a word of the agency's name or id ("kab mal" finds Kabupaten Malang, whose id is
 * `kab-malang`), so the order of words does not matter and an id pasted whole finds its agency.
 */

/** Lower-case words of letters and digits, diacritics removed (NFKD, then marks dropped). */
export const searchWords = (text: string): string[] =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);

export interface Searchable {
  readonly id: string;
  readonly name: string;
}

/**
 * A matcher for one query: true when every query word begins a word of the name or the id. A query
 * with no word (only punctuation) matches nothing, so the caller can refuse it before reading.
 */
export const agencyMatcher = (query: string): ((agency: Searchable) => boolean) => {
  const wanted = searchWords(query);
  if (wanted.length === 0) return () => false;
  return (agency) => {
    const words = [...searchWords(agency.name), ...searchWords(agency.id)];
    return wanted.every((prefix) => words.some((word) => word.startsWith(prefix)));
  };
};
