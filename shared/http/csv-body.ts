import { parse } from 'csv-parse/sync';
import { BadRequestError } from '#shared/domain/errors.ts';
import type { CsvBodyReader } from './request-body.ts';

/**
 * CSV request bodies (RFC 4180, header line first), read with csv-parse. Only the functions whose
 * routes accept `text/csv` pass this reader to their HTTP stack (`HttpOptions.csv`), so csv-parse is
 * in their bundles alone.
 */

/**
 * The header line as csv-parse's `columns` option: the names as given (already trimmed), but a
 * name given twice is refused, since otherwise its last cell would silently win.
 */
const uniqueColumns = (header: string[]): string[] => {
  const duplicate = header.find((name, index) => header.indexOf(name) !== index);
  if (duplicate !== undefined) {
    throw new BadRequestError(`The CSV header (line 1) names the column "${duplicate}" more than once.`, {
      errors: [{ pointer: '/body', detail: `Duplicate column "${duplicate}" on line 1` }],
    });
  }
  return header;
};

/** Parses CSV into `{ [field]: rows }` (empty cells left out); syntax errors name the line. */
export const readCsvBody: CsvBodyReader = (text, field) => {
  try {
    const records = parse(text, {
      columns: uniqueColumns,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      cast: false,
      info: true,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
    const withoutEmptyCells = records.map(({ record }) =>
      Object.fromEntries(Object.entries(record).filter(([, cell]) => cell !== '')),
    );
    return { value: { [field]: withoutEmptyCells }, csvLines: records.map(({ info }) => info.lines) };
  } catch (error) {
    if (error instanceof BadRequestError) throw error;
    throw new BadRequestError(`The CSV body cannot be read: ${(error as Error).message}`, {
      errors: [{ pointer: '/body', detail: 'Malformed CSV' }],
      cause: error,
    });
  }
};
