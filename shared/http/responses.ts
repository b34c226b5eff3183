import { stringify } from 'csv-stringify/sync';
import { etagOf } from '#shared/domain/versions.ts';

/**
 * The answer of every versioned PUT: 201 with `Location` when it created the record, 200 when it
 * updated it (or found it unchanged); both carry the record's ETag.
 */
export const putResponse = <B extends { readonly version: number }>(
  created: boolean,
  body: B,
  location: string,
) => {
  const headers: Record<string, string> = { etag: etagOf(body.version) };
  if (created) return { status: 201 as const, body, headers: { ...headers, location } };
  return { status: 200 as const, body, headers };
};

/** A page of a listing: `nextCursor` only while there is more. */
export const pageBody = <T>(result: { readonly items: T[]; readonly nextCursor: string | undefined }) => ({
  items: result.items,
  ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
});

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

/**
 * CSV when the `format` parameter says so, or when Accept weighs CSV above JSON (RFC 9110 §12.5.1:
 * `q=0` refuses a type, the most specific range decides); JSON otherwise, ties and no Accept included.
 */
export const negotiatedCsv = (format: 'csv' | 'json' | undefined, accept: string | undefined): boolean => {
  if (format !== undefined) return format === 'csv';
  const ranges = mediaRanges(accept ?? '');
  if (ranges.length === 0) return false;
  return qualityOf(ranges, 'text/csv') > qualityOf(ranges, 'application/json');
};

/**
 * Cells a spreadsheet would run as a formula start with =, +, - or @ (and tab or carriage return):
 * an apostrophe in front makes them text (OWASP, CSV injection). Applied to every cell, numbers
 * included, because a reader cannot tell a crafted "number" from a real one.
 */
const neutralise = (cell: string): string => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/**
 * A CSV document (RFC 4180, CRLF) with leading `#` comment lines of metadata, a header line, and one
 * line per row; `null` is an empty cell.
 */
export const toCsv = <Column extends string>(
  metadata: readonly string[],
  columns: readonly Column[],
  rows: readonly Readonly<Record<Column, string | number | boolean | null>>[],
): string => {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const value = row[column];
      return value === null ? '' : neutralise(String(value));
    }),
  );
  const comments = metadata.map((line) => `# ${line.replaceAll(/[\r\n]+/g, ' ')}\r\n`).join('');
  return comments + stringify([[...columns], ...cells], { record_delimiter: 'windows' });
};
