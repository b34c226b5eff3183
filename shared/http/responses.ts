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

/**
 * Cells a spreadsheet would run as a formula start with =, +, - or @ (and tab or carriage return):
 * an apostrophe in front makes them text (OWASP, CSV injection). A cell that is nothing but a
 * negative decimal number ("-3", "-0.0145") is read as that number, never as a formula, so it is
 * left alone: prefixed, it would be the text "'-3" that a spreadsheet can neither sum nor sort.
 */
const neutralise = (cell: string): string =>
  /^[=+\-@\t\r]/.test(cell) && !/^-\d+(\.\d+)?$/.test(cell) ? `'${cell}` : cell;

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
