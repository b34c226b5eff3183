import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type BodyContentType, defaultMaxBodyBytes } from '#shared/api/route-spec.ts';
import {
  type AppError,
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { readCsvBody } from '#shared/http/csv-body.ts';
import { maxJsonDepth, readRequestBody } from '#shared/http/request-body.ts';

const jsonRoute = { body: z.object({}).loose() };
const csvRoute = {
  body: z.object({ agencies: z.array(z.unknown()) }),
  bodyContentTypes: ['application/json', 'text/csv'] as readonly BodyContentType[],
  csvRowsField: 'agencies',
};

const event = (body: string | undefined, contentType?: string, isBase64Encoded = false) => ({
  ...(body === undefined ? {} : { body }),
  isBase64Encoded,
  headers: contentType === undefined ? {} : { 'content-type': contentType },
});

const errorOf = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('Expected an error');
};

describe('readRequestBody: routes without a body', () => {
  it('reads nothing when nothing is sent', () => {
    expect(readRequestBody({}, event(undefined))).toBeUndefined();
    expect(readRequestBody({}, event(''))).toBeUndefined();
  });

  it('accepts an empty JSON object, as many clients send on a bare POST', () => {
    expect(readRequestBody({}, event('{}', 'application/json'))).toBeUndefined();
    expect(readRequestBody({}, event(' { } ', 'application/json'))).toBeUndefined();
  });

  it('answers any other body with 400', () => {
    const error = errorOf(() => readRequestBody({}, event('{"force":true}', 'application/json')));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
  });
});

describe('readRequestBody: a body whose every field has a default (bodyOptional)', () => {
  const optionalRoute = { body: z.strictObject({ hours: z.int().default(24) }), bodyOptional: true as const };

  it('reads nothing sent, with or without a Content-Type, as {}', () => {
    expect(readRequestBody(optionalRoute, event(undefined))).toEqual({
      mediaType: 'application/json',
      value: {},
    });
    expect(readRequestBody(optionalRoute, event(' ', 'application/json'))).toEqual({
      mediaType: 'application/json',
      value: {},
    });
  });

  it('reads a body that is sent as on any other route', () => {
    expect(readRequestBody(optionalRoute, event('{"hours":2}', 'application/json'))?.value).toEqual({
      hours: 2,
    });
    expect(errorOf(() => readRequestBody(optionalRoute, event('hours=2', 'text/plain')))).toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
  });

  it('reads a bare request (no body, no Content-Type) on a route whose body is required as {}, so its schema names each required field', () => {
    // Before: 415 "got none", and a client learned the fields one round trip later
    expect(readRequestBody(jsonRoute, event(undefined))).toEqual({
      mediaType: 'application/json',
      value: {},
    });
    expect(readRequestBody(csvRoute, event(''))).toEqual({ mediaType: 'application/json', value: {} });
  });

  it('still answers an empty body sent as another media type with 415', () => {
    expect(errorOf(() => readRequestBody(jsonRoute, event('', 'text/plain')))).toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
  });
});

describe('readRequestBody: size limit', () => {
  it('accepts a body of exactly the default limit', () => {
    const body = JSON.stringify({ padding: 'x'.repeat(defaultMaxBodyBytes - 14) });
    expect(Buffer.byteLength(body)).toBe(defaultMaxBodyBytes);
    expect(readRequestBody(jsonRoute, event(body, 'application/json'))?.mediaType).toBe('application/json');
  });

  it('answers one byte more with 413 stating size and limit', () => {
    // Prepare
    const body = JSON.stringify({ padding: 'x'.repeat(defaultMaxBodyBytes - 13) });

    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, event(body, 'application/json')));

    // Assess
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.status).toBe(413);
    expect(error.detail).toContain(`${defaultMaxBodyBytes + 1} bytes`);
    expect(error.detail).toContain(String(defaultMaxBodyBytes));
  });

  it('applies the route’s own limit', () => {
    const error = errorOf(() =>
      readRequestBody({ ...jsonRoute, maxBodyBytes: 10 }, event('{"a":"12345"}', 'application/json')),
    );
    expect(error).toBeInstanceOf(PayloadTooLargeError);
  });

  it('counts bytes, not characters (multi-byte UTF-8)', () => {
    // Prepare: 4 characters, 12 bytes
    const body = JSON.stringify({ a: 'ééé' });

    // Act + Assess
    expect(() =>
      readRequestBody({ ...jsonRoute, maxBodyBytes: body.length }, event(body, 'application/json')),
    ).toThrow(PayloadTooLargeError);
  });

  it('measures a base64-encoded body after decoding', () => {
    // Prepare: 13 bytes of JSON, 20 characters of base64
    const body = Buffer.from('{"a":"12345"}').toString('base64');

    // Act
    const read = readRequestBody({ ...jsonRoute, maxBodyBytes: 13 }, event(body, 'application/json', true));

    // Assess
    expect(read).toEqual({ mediaType: 'application/json', value: { a: '12345' } });
  });

  it('checks the size before the media type', () => {
    const error = errorOf(() =>
      readRequestBody({ ...jsonRoute, maxBodyBytes: 2 }, event('hello', 'text/plain')),
    );
    expect(error).toBeInstanceOf(PayloadTooLargeError);
  });
});

describe('readRequestBody: media types', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    ' application/json ;charset=UTF-8',
  ])('accepts %s on a JSON route', (contentType) => {
    expect(readRequestBody(jsonRoute, event('{"a":1}', contentType))).toEqual({
      mediaType: 'application/json',
      value: { a: 1 },
    });
  });

  it.each([
    ['text/plain', '"text/plain"'],
    ['application/xml', '"application/xml"'],
    ['text/csv', '"text/csv"'],
    ['application/jsonx', '"application/jsonx"'],
    [undefined, 'none'],
  ])('answers %s on a JSON route with 415 and an Accept header', (contentType, quoted) => {
    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, event('{"a":1}', contentType)));

    // Assess
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error.status).toBe(415);
    expect(error.detail).toContain(quoted);
    expect(error.headers).toEqual({ accept: 'application/json' });
  });

  it.each([
    ['application/json; charset=latin1', jsonRoute, 'latin1'],
    ['application/json; charset="ISO-8859-1"', jsonRoute, 'iso-8859-1'],
    ['application/json;CHARSET=windows-1252', jsonRoute, 'windows-1252'],
    ['text/csv; charset=utf-16', csvRoute, 'utf-16'],
  ])(
    'answers %s (a charset other than UTF-8) with 415 naming Content-Type and UTF-8',
    (contentType, route, charset) => {
      // Act
      const error = errorOf(() => readRequestBody(route, event('{"a":1}', contentType), readCsvBody));

      // Assess
      expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
      expect(error.status).toBe(415);
      expect(error.detail).toContain('Content-Type');
      expect(error.detail).toContain(`"${charset}"`);
      expect(error.detail).toContain('UTF-8');
    },
  );

  it.each([
    'application/json; charset="utf-8"',
    'application/json; charset=UTF8',
    'application/json; Charset=Utf-8',
  ])('accepts %s (UTF-8, spelled any way)', (contentType) => {
    expect(readRequestBody(jsonRoute, event('{"a":1}', contentType))).toEqual({
      mediaType: 'application/json',
      value: { a: 1 },
    });
  });

  it('lists every accepted type on a route that takes JSON or CSV', () => {
    const error = errorOf(() => readRequestBody(csvRoute, event('a', 'text/plain'), readCsvBody));
    expect(error.headers).toEqual({ accept: 'application/json, text/csv' });
  });
});

describe('readRequestBody: JSON', () => {
  it.each(['', '   ', '\n'])('answers an empty body %j with 400 pointing at /body', (body) => {
    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, event(body, 'application/json')));

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.errors).toEqual([{ pointer: '/body', detail: 'Required' }]);
  });

  it.each(['{"a":', "{'a':1}", '{"a":1}}', 'undefined', '{"a":1,}'])(
    'answers malformed JSON %s with 400',
    (body) => {
      // Act
      const error = errorOf(() => readRequestBody(jsonRoute, event(body, 'application/json')));

      // Assess
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.detail).toMatch(/^The request body is not valid JSON/);
      expect(error.errors).toEqual([{ pointer: '/body', detail: 'Malformed JSON' }]);
    },
  );

  it('answers a JSON body that begins with a byte order mark with 400 saying so (a file saved by Notepad)', () => {
    // Prepare: UTF-8 with a BOM, as Windows tools save and send a file
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"level":3}')]).toString(
      'base64',
    );

    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, event(body, 'application/json', true)));

    // Assess: the detail names the mark in words, not as an invisible character
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.detail).toContain('byte order mark (U+FEFF)');
    expect(error.detail).not.toContain('\uFEFF');
    expect(error.errors).toEqual([{ pointer: '/body', detail: 'Begins with a byte order mark (U+FEFF)' }]);
  });

  it('returns any JSON value; the schema decides whether it fits', () => {
    expect(readRequestBody(jsonRoute, event('[1,2]', 'application/json'))?.value).toEqual([1, 2]);
    expect(readRequestBody(jsonRoute, event('null', 'application/json'))?.value).toBeNull();
  });
});

describe('readRequestBody: content coding', () => {
  it('answers a compressed body with 415 saying to send it uncompressed, not with its bytes read as text', () => {
    // Prepare: what an HTTP client that gzips request bodies sends
    const gzipped = gzipSync('{"level":3}').toString('base64');
    const sent = {
      ...event(gzipped, 'application/json', true),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    };

    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, sent));

    // Assess
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error.detail).toContain('Content-Encoding "gzip"');
    expect(error.detail).toContain('send it uncompressed');
    expect(error.headers).toEqual({ 'accept-encoding': 'identity' });
  });

  it('reads a body sent with Content-Encoding identity as any other', () => {
    // Prepare
    const sent = {
      ...event('{"a":1}', 'application/json'),
      headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
    };

    // Act
    const read = readRequestBody(jsonRoute, sent);

    // Assess
    expect(read).toEqual({ mediaType: 'application/json', value: { a: 1 } });
  });
});

describe('readRequestBody: UTF-8', () => {
  const base64 = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((part) => Buffer.from(part as string))).toString('base64');

  it('answers a JSON body with a byte that is not UTF-8 with 400 naming /body', () => {
    // Prepare: Latin-1 "é" (0xE9), as a legacy client would send it
    const body = base64('{"name":"Bal', [0xe9], '"}');

    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, event(body, 'application/json', true)));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.detail).toBe('The request body is not valid UTF-8.');
    expect(error.errors).toEqual([{ pointer: '/body', detail: 'Not valid UTF-8' }]);
  });

  it('answers a CSV body with a byte that is not UTF-8 with 400 naming its line', () => {
    // Prepare: a truncated two-byte sequence on line 4 (a quoted line break spans lines 2 and 3)
    const body = base64('id,name,group\nbps,"Badan\nPusat",lpnk\nbrin,Badan Riset ', [0xc3], ',lpnk\n');

    // Act
    const error = errorOf(() => readRequestBody(csvRoute, event(body, 'text/csv', true), readCsvBody));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.detail).toBe('The CSV body is not valid UTF-8 on line 4.');
    expect(error.errors).toEqual([{ pointer: '/body', detail: 'Not valid UTF-8 (line 4)' }]);
  });

  it('reads valid multi-byte UTF-8 and keeps a BOM for the CSV reader to drop', () => {
    const json = base64('{"name":"Kementerian Pendidikan – Riset ✓"}');
    expect(readRequestBody(jsonRoute, event(json, 'application/json', true))?.value).toEqual({
      name: 'Kementerian Pendidikan – Riset ✓',
    });
    const csv = base64('\uFEFFid,name\nbps,Badan – Statistik\n');
    expect(readRequestBody(csvRoute, event(csv, 'text/csv', true), readCsvBody)?.value).toEqual({
      agencies: [{ id: 'bps', name: 'Badan – Statistik' }],
    });
  });
});

describe('readRequestBody: JSON nesting depth', () => {
  const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it.each([
    ['arrays', nestedArrays],
    ['objects', nestedObjects],
  ])('accepts %s nested exactly to the limit', (_name, nested) => {
    expect(readRequestBody(jsonRoute, event(nested(maxJsonDepth), 'application/json'))?.value).toBeDefined();
  });

  it.each([
    ['arrays one level over the limit', nestedArrays(maxJsonDepth + 1)],
    ['objects one level over the limit', nestedObjects(maxJsonDepth + 1)],
    ['arrays 100,000 levels deep', nestedArrays(100_000)],
    ['objects 5,000 levels deep', nestedObjects(5_000)],
    ['an unclosed deep array', '['.repeat(10_000)],
  ])('answers %s with 400 naming the limit and /body', (_name, body) => {
    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, event(body, 'application/json')));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.detail).toContain(`${maxJsonDepth} levels`);
    expect(error.errors).toEqual([{ pointer: '/body', detail: `Nested deeper than ${maxJsonDepth} levels` }]);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    // Prepare: 1 level of structure, many brackets in text
    const body = JSON.stringify({ a: `\\"${'[{'.repeat(maxJsonDepth * 2)}` });

    // Act + Assess
    expect(readRequestBody(jsonRoute, event(body, 'application/json'))?.value).toEqual(JSON.parse(body));
  });
});

describe('readRequestBody: duplicate member names (I-JSON, RFC 7493 §2.3)', () => {
  it.each([
    ['at the top', '{"level":3,"level":5}', '/body/level'],
    ['in an array’s object', '{"answers":[{"a":1},{"a":1,"b":2,"a":2}]}', '/body/answers/1/a'],
    ['spelt with an escape', '{"level":3,"le\\u0076el":5}', '/body/level'],
    ['under a key with / and ~', '{"a/b~c":{"x":1,"x":2}}', '/body/a~1b~0c/x'],
    ['as __proto__', '{"__proto__":1,"__proto__":2}', '/body/__proto__'],
  ])('answers a name repeated %s with 400 naming its pointer', (_where, body, pointer) => {
    // Act
    const error = errorOf(() => readRequestBody(jsonRoute, event(body, 'application/json')));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.errors).toEqual([{ pointer, detail: 'Duplicate member name' }]);
  });

  it('accepts the same name in sibling and nested objects, and names that are values elsewhere', () => {
    // Prepare
    const body = '{"a":{"a":"a"},"b":[{"a":1},{"a":2}],"c":"a","d":["a","a"],"e":{"s":"\\"a\\":"}}';

    // Act + Assess
    expect(readRequestBody(jsonRoute, event(body, 'application/json'))?.value).toEqual(JSON.parse(body));
  });
});

describe('readRequestBody: CSV', () => {
  it('names the line of each row even across blank lines and quoted line breaks', () => {
    const csv = ['id,name,group', '', 'a-1,"Nama, dengan koma",lpnk', '', 'b-2,"Baris', 'kedua",lpnk'].join(
      '\n',
    );

    const read = readRequestBody(csvRoute, event(csv, 'text/csv'), readCsvBody);

    expect(read?.csvLines).toEqual([3, 6]);
  });

  it('turns rows into objects keyed by the header under the route’s field, dropping empty cells', () => {
    // Prepare
    const csv = [
      'id,name,group,parentProvinceId',
      'prov-jawa-timur,Pemerintah Provinsi Jawa Timur,provinsi,',
      'kab-malang,Pemerintah Kabupaten Malang,kabupaten,prov-jawa-timur',
      '',
    ].join('\n');

    // Act
    const read = readRequestBody(csvRoute, event(csv, 'text/csv'), readCsvBody);

    // Assess
    expect(read?.csvLines).toEqual([2, 3]);
    expect({ mediaType: read?.mediaType, value: read?.value }).toEqual({
      mediaType: 'text/csv',
      value: {
        agencies: [
          { id: 'prov-jawa-timur', name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' },
          {
            id: 'kab-malang',
            name: 'Pemerintah Kabupaten Malang',
            group: 'kabupaten',
            parentProvinceId: 'prov-jawa-timur',
          },
        ],
      },
    });
  });

  it('reads quoted fields with commas, CRLF line ends, a BOM, blank lines and surrounding spaces', () => {
    // Prepare
    const csv =
      '\uFEFFid,name,group\r\n"kemendikbudristek","Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi",kementerian\r\n\r\n  bps , Badan Pusat Statistik ,lpnk\r\n';

    // Act
    const read = readRequestBody(csvRoute, event(csv, 'text/csv; charset=utf-8'), readCsvBody);

    // Assess
    expect(read?.value).toEqual({
      agencies: [
        {
          id: 'kemendikbudristek',
          name: 'Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi',
          group: 'kementerian',
        },
        { id: 'bps', name: 'Badan Pusat Statistik', group: 'lpnk' },
      ],
    });
  });

  it('keeps every cell a string (no casting)', () => {
    const read = readRequestBody(csvRoute, event('id,active\n007,false\n', 'text/csv'), readCsvBody);
    expect(read?.value).toEqual({ agencies: [{ id: '007', active: 'false' }] });
  });

  it('uses "rows" when the route names no field', () => {
    const route = { body: z.unknown(), bodyContentTypes: ['text/csv'] as readonly BodyContentType[] };
    expect(readRequestBody(route, event('a\n1\n', 'text/csv'), readCsvBody)?.value).toEqual({
      rows: [{ a: '1' }],
    });
  });

  it('reads a header without rows as no rows', () => {
    expect(readRequestBody(csvRoute, event('id,name,group\n', 'text/csv'), readCsvBody)?.value).toEqual({
      agencies: [],
    });
  });

  it.each([
    ['a row with more cells than the header', 'id,name,group\nbps,Badan Pusat Statistik,lpnk,extra\n'],
    ['an unclosed quote', 'id,name,group\nbps,"Badan Pusat Statistik,lpnk\n'],
    ['a quote inside an unquoted field', 'id,name,group\nbps,Badan "Pusat" Statistik,lpnk\n'],
  ])('answers %s with 400 pointing at /body and naming the line', (_name, csv) => {
    // Act
    const error = errorOf(() => readRequestBody(csvRoute, event(csv, 'text/csv'), readCsvBody));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(error.errors).toEqual([{ pointer: '/body', detail: 'Malformed CSV' }]);
    expect(error.detail).toMatch(/^The CSV body cannot be read: .*line 2/);
  });

  it.each([
    ['with rows', 'id,name,group,name\nbps,Badan Pusat Statistik,lpnk,BPS\n'],
    ['without rows', 'id,name,group,name\n'],
    ['told apart only by spaces', 'id, name ,group,name\nbps,Badan Pusat Statistik,lpnk,BPS\n'],
  ])('answers a header naming a column twice (%s) with 400 naming the column and line 1', (_name, csv) => {
    // Act
    const error = errorOf(() => readRequestBody(csvRoute, event(csv, 'text/csv'), readCsvBody));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.detail).toBe('The CSV header (line 1) names the column "name" more than once.');
    expect(error.errors).toEqual([{ pointer: '/body', detail: 'Duplicate column "name" on line 1' }]);
  });

  it('still reads JSON on a route that also takes CSV', () => {
    expect(
      readRequestBody(csvRoute, event('{"agencies":[]}', 'application/json'), readCsvBody)?.value,
    ).toEqual({
      agencies: [],
    });
  });
});
