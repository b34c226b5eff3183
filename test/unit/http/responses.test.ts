import { describe, expect, it } from 'vitest';
import { type AppError, NotAcceptableError } from '#shared/domain/errors.ts';
import { negotiatedCsv } from '#shared/http/negotiation.ts';
import { toCsv } from '#shared/http/responses.ts';

describe('negotiatedCsv: CSV or JSON from `format`, else from Accept (RFC 9110 §12.5.1)', () => {
  it.each([
    [undefined, 'JSON: no preference stated'],
    ['', 'JSON: no preference stated'],
    ['*/*', 'JSON: anything goes'],
    ['application/json', 'JSON'],
    ['text/csv', 'CSV'],
    ['TEXT/CSV; charset=utf-8', 'CSV: media types compare without case, parameters aside'],
    ['text/csv, application/json', 'JSON: equally welcome, JSON is the default'],
    ['text/csv;q=0, */*', 'JSON: CSV refused, anything else goes'],
    ['application/json;q=0.5, text/csv', 'CSV: preferred over JSON'],
    ['application/json;q=0, text/csv;q=0.1', 'CSV: JSON refused'],
    ['text/csv;q=0.9, */*;q=0.1', 'CSV: preferred over the rest'],
    ['text/*', 'CSV: the only text type on offer'],
    ['text/*;q=0.5, application/*;q=0.6', 'JSON: application/json preferred'],
    ['text/csv ; q=0.8 , application/json ; q=0.7', 'CSV: spaces around parameters'],
    ['text/csv;q=bogus, application/json', 'JSON: an unreadable q counts as 1, a tie'],
  ])('Accept %j: %s', (accept, expected) => {
    expect(negotiatedCsv(undefined, accept)).toBe(expected.startsWith('CSV'));
  });

  it('lets `format` decide over Accept', () => {
    expect(negotiatedCsv('json', 'text/csv')).toBe(false);
    expect(negotiatedCsv('csv', 'application/json')).toBe(true);
    expect(negotiatedCsv('json', 'application/xml')).toBe(false);
    expect(negotiatedCsv('csv', 'application/xml')).toBe(true);
  });

  it.each([
    'application/xml',
    'text/html, application/xhtml+xml',
    'text/csv;q=0',
    'application/json;q=0, text/csv;q=0',
    'text/*;q=0, application/*;q=0, */*;q=0.5',
  ])('answers Accept %j, which allows neither JSON nor CSV, with 406 listing both', (accept) => {
    // Act
    let error: AppError | undefined;
    try {
      negotiatedCsv(undefined, accept);
    } catch (thrown) {
      error = thrown as AppError;
    }

    // Assess
    expect(error).toBeInstanceOf(NotAcceptableError);
    expect(error?.status).toBe(406);
    expect(error?.detail).toContain('Accept');
    expect(error?.detail).toContain('application/json');
    expect(error?.detail).toContain('text/csv');
    expect(error?.extensions).toEqual({ available: ['application/json', 'text/csv'] });
  });
});

describe('toCsv: cells a spreadsheet would run as a formula are neutralised, numbers stay numbers', () => {
  const cellOf = (value: string | number) => toCsv([], ['cell'], [{ cell: value }]).split('\r\n')[1];

  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+1', "'+1+1"],
    ["-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-3/11', "'-3/11"],
    ['-', "'-"],
  ])('prefixes %s with an apostrophe', (value, cell) => {
    expect(cellOf(value)).toBe(cell);
  });

  it.each([
    [-3, '-3'],
    ['-3', '-3'],
    ['-0.0145', '-0.0145'],
    ['-0.01', '-0.01'],
    ['4.156', '4.156'],
  ])('leaves the number %s as it is, so a spreadsheet sums and sorts it', (value, cell) => {
    expect(cellOf(value)).toBe(cell);
  });
});
