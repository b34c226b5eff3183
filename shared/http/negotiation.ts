/**
 * Content negotiation on Accept (RFC 9110 §12.5.1): media ranges with their weights, the most
 * specific range deciding, `q=0` refusing a type. Its own module, so that the problem-details
 * middleware every function loads does not bring the CSV writer along.
 */

import { NotAcceptableError } from '#shared/domain/errors.ts';

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly quality: number;
}

/** Accept's media ranges with their weights (`q`; an unreadable one counts as 1). */
const mediaRanges = (accept: string): MediaRange[] =>
  accept.split(',').flatMap((entry) => {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) return [];
    const q = parameters.find((parameter) => /^q\s*=/.test(parameter))?.replace(/^q\s*=\s*/, '');
    const quality = q !== undefined && /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q) ? Number(q) : 1;
    return [{ type, subtype, quality }];
  });

/** The weight Accept gives a media type: that of the most specific range matching it, else 0. */
const qualityOf = (ranges: readonly MediaRange[], mediaType: string): number => {
  const [type, subtype] = mediaType.split('/');
  const specificity = (range: MediaRange) =>
    range.type === type && range.subtype === subtype
      ? 2
      : range.type === type && range.subtype === '*'
        ? 1
        : range.type === '*' && range.subtype === '*'
          ? 0
          : -1;
  let best: { readonly specificity: number; readonly quality: number } = { specificity: -1, quality: 0 };
  for (const range of ranges) {
    const rank = specificity(range);
    if (rank > best.specificity) best = { specificity: rank, quality: range.quality };
  }
  return best.quality;
};

/** The media types of a resource offered as JSON or CSV, the default first. */
const jsonOrCsv = ['application/json', 'text/csv'] as const;

/**
 * CSV when the `format` parameter says so, or when Accept weighs CSV above JSON (RFC 9110 §12.5.1:
 * `q=0` refuses a type, the most specific range decides); JSON otherwise, ties and no Accept included.
 * An Accept that allows neither (`application/xml`, `text/csv;q=0`) is answered with 406 listing
 * both (RFC 9110 §15.5.7), not with JSON the client said it cannot read; `format` overrides it.
 */
export const negotiatedCsv = (format: 'csv' | 'json' | undefined, accept: string | undefined): boolean => {
  if (format !== undefined) return format === 'csv';
  const ranges = mediaRanges(accept ?? '');
  if (ranges.length === 0) return false;
  const csv = qualityOf(ranges, 'text/csv');
  const json = qualityOf(ranges, 'application/json');
  if (csv === 0 && json === 0) {
    throw new NotAcceptableError(
      `Accept "${accept}" allows none of the media types this resource is available in: ${jsonOrCsv.join(', ')}. Send Accept with one of them (or */*), or add format=json or format=csv.`,
      { extensions: { available: [...jsonOrCsv] } },
    );
  }
  return csv > json;
};

/**
 * Whether Accept weighs HTML above JSON and problem+json: what a browser's navigation sends
 * (HTML first, any type at q=0.8), never what an API client sends (no Accept, any type, or JSON).
 */
export const prefersHtml = (accept: string | undefined): boolean => {
  const ranges = mediaRanges(accept ?? '');
  if (ranges.length === 0) return false;
  return (
    qualityOf(ranges, 'text/html') >
    Math.max(qualityOf(ranges, 'application/json'), qualityOf(ranges, 'application/problem+json'))
  );
};
