import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { fieldErrorsFromZod, jsonPointer } from '#shared/api/field-errors.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { parseRequestPart } from '#shared/http/validation.ts';

const errorOf = (run: () => unknown): ValidationError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('Expected a ValidationError');
};

describe('jsonPointer', () => {
  it('joins the location and the path into an RFC 6901 pointer', () => {
    expect(jsonPointer('body', ['answers', 0, 'level'])).toBe('/body/answers/0/level');
    expect(jsonPointer('params', ['no'])).toBe('/params/no');
    expect(jsonPointer('body', [])).toBe('/body');
  });

  it('takes a location of several tokens, e.g. one import row', () => {
    expect(jsonPointer(['body', 'agencies', 3], ['group'])).toBe('/body/agencies/3/group');
    expect(jsonPointer(['body', 'a/b'], [])).toBe('/body/a~1b');
  });

  it('escapes ~ as ~0 and / as ~1, ~ first so that "~1" stays literal', () => {
    expect(jsonPointer('body', ['a/b'])).toBe('/body/a~1b');
    expect(jsonPointer('body', ['m~n'])).toBe('/body/m~0n');
    expect(jsonPointer('body', ['~1'])).toBe('/body/~01');
    expect(jsonPointer('query', ['x/~y', 'z'])).toBe('/query/x~1~0y/z');
  });
});

describe('a missing field', () => {
  const schema = z.strictObject({
    since: z.iso.datetime({ offset: true, error: 'An instant with its offset (RFC 3339)' }),
    indicators: z.array(z.strictObject({ no: z.int(), reason: z.string() })),
    note: z.string().nullable(),
  });

  it('says it is missing, whatever the schema’s own message, and names it', () => {
    // Act
    const error = errorOf(() => parseRequestPart('body', schema, { indicators: [{ no: 3 }], note: null }));

    // Assess
    expect(error.errors).toEqual([
      { pointer: '/body/since', detail: 'Missing (required): An instant with its offset (RFC 3339)' },
      { pointer: '/body/indicators/0/reason', detail: 'Missing (required): expected string' },
    ]);
  });

  it('keeps the plain message for a value that is there but wrong (null included)', () => {
    // Act
    const error = errorOf(() => parseRequestPart('body', schema, { since: 5, indicators: [], note: 7 }));

    // Assess
    expect(error.errors).toEqual([
      { pointer: '/body/since', detail: 'An instant with its offset (RFC 3339)' },
      { pointer: '/body/note', detail: 'Invalid input: expected string, received number' },
    ]);
  });
});

describe('fieldErrorsFromZod', () => {
  it('gives one error per unrecognized key, each pointing at the key itself', () => {
    // Prepare
    const schema = z.strictObject({ answers: z.array(z.strictObject({ level: z.number() })) });
    const result = schema.safeParse({
      answers: [{ level: 1 }, { level: 2, colour: 'red', 'a/b': 1 }],
      extra: true,
    });
    if (result.success) throw new Error('expected a failure');

    // Act
    const errors = fieldErrorsFromZod('body', result.error);

    // Assess
    expect(errors.map((error) => error.pointer).sort()).toEqual([
      '/body/answers/1/a~1b',
      '/body/answers/1/colour',
      '/body/extra',
    ]);
    expect(errors.find((error) => error.pointer === '/body/extra')?.detail).toContain(
      'Unknown field "extra"',
    );
  });

  it('points at nested array items and keeps zod’s message', () => {
    // Prepare
    const schema = z.object({ answers: z.array(z.object({ level: z.int().min(1).max(5) })) });
    const result = schema.safeParse({ answers: [{ level: 3 }, { level: 6 }, { level: 0 }] });
    if (result.success) throw new Error('expected a failure');

    // Act
    const errors = fieldErrorsFromZod('body', result.error);

    // Assess
    expect(errors.map((error) => error.pointer)).toEqual(['/body/answers/1/level', '/body/answers/2/level']);
    for (const error of errors) expect(error.detail.length).toBeGreaterThan(0);
  });

  it('prefixes every pointer with a multi-token location', () => {
    const result = z.strictObject({ group: z.enum(['provinsi']) }).safeParse({ group: 'x', extra: 1 });
    if (result.success) throw new Error('expected a failure');
    expect(
      fieldErrorsFromZod(['body', 'agencies', 3], result.error)
        .map((error) => error.pointer)
        .sort(),
    ).toEqual(['/body/agencies/3/extra', '/body/agencies/3/group']);
  });

  it('points at the whole part for a root-level issue', () => {
    const result = z.object({}).safeParse('not an object');
    if (result.success) throw new Error('expected a failure');
    expect(fieldErrorsFromZod('body', result.error).map((error) => error.pointer)).toEqual(['/body']);
  });
});

describe('parseRequestPart', () => {
  const params = z.strictObject({
    year: z.coerce.number().int().min(2018),
    no: z.coerce.number().int().max(47),
  });

  it('returns the parsed (coerced) value when valid', () => {
    expect(parseRequestPart('params', params, { year: '2026', no: '12' })).toEqual({ year: 2026, no: 12 });
  });

  it('throws a 400 ValidationError naming the one invalid field in its detail', () => {
    // Act
    const error = errorOf(() => parseRequestPart('params', params, { year: '2026', no: '48' }));

    // Assess
    expect(error.status).toBe(400);
    expect(error.slug).toBe('validation-failed');
    expect(error.errors).toEqual([{ pointer: '/params/no', detail: expect.any(String) }]);
    expect(error.detail).toMatch(/^Invalid path parameter \/params\/no: /);
  });

  it('summarises several invalid fields by their pointers', () => {
    // Act
    const error = errorOf(() => parseRequestPart('query', params, { year: 'x', no: '48', sort: 'name' }));

    // Assess
    expect(error.errors.map((e) => e.pointer).sort()).toEqual(['/query/no', '/query/sort', '/query/year']);
    expect(error.detail).toMatch(/^3 invalid fields: /);
    for (const pointer of ['/query/no', '/query/sort', '/query/year'])
      expect(error.detail).toContain(pointer);
  });

  it('counts a field that breaks two rules once, giving both reasons', () => {
    // Act
    const error = errorOf(() =>
      parseRequestPart(
        'params',
        z.strictObject({
          id: z
            .string()
            .min(2)
            .regex(/^[a-z]+$/),
        }),
        { id: '\u0000' },
      ),
    );

    // Assess
    expect(error.errors.map((e) => e.pointer)).toEqual(['/params/id', '/params/id']);
    expect(error.detail).toMatch(/^Invalid path parameter \/params\/id: .+; .+/);
    expect(error.detail).not.toContain('2 invalid fields');
  });

  it('bounds the answer to a body with thousands of invalid fields: detail names 20, errors the first 2000', () => {
    // Prepare: an import of 638 rows whose 47 levels are on a 0–4 scale (every level 0 is refused, and
    // with all of them the answer was 15 times the request and, deployed, past Lambda's 6 MB response)
    const rows = z.strictObject({
      results: z.array(z.strictObject({ levels: z.array(z.number().int().min(1).max(5)) })),
    });
    const body = {
      results: Array.from({ length: 638 }, () => ({ levels: Array.from({ length: 47 }, () => 0) })),
    };

    // Act
    const error = errorOf(() => parseRequestPart('body', rows, body));

    // Assess: every row's first fields are named; the count says how many there are in all
    expect(error.errors).toHaveLength(2000);
    expect(error.errors[0]?.pointer).toBe('/body/results/0/levels/0');
    expect(error.errors.at(-1)?.pointer).toBe(`/body/results/${Math.floor(1999 / 47)}/levels/${1999 % 47}`);
    expect(error.detail).toMatch(/^29986 invalid fields: \/body\/results\/0\/levels\/0, /);
    expect(error.detail).toContain(', and 29966 more (errors lists the first 2000)');
    expect(error.detail?.length ?? 0).toBeLessThan(1000);
  });

  it('lists every invalid field of a body under the bound, and names only 20 in the detail', () => {
    const levels = z.strictObject({ levels: z.array(z.number().int().min(1)) });
    const error = errorOf(() =>
      parseRequestPart('body', levels, { levels: Array.from({ length: 30 }, () => 0) }),
    );
    expect(error.errors).toHaveLength(30);
    expect(error.detail).toMatch(/^30 invalid fields: .*\/body\/levels\/19, and 10 more\.?$/);
  });

  it('uses the location name as given for parts it does not know', () => {
    const error = errorOf(() => parseRequestPart('cookies', z.object({ a: z.string() }), {}));
    expect(error.detail).toMatch(/^Invalid cookies \/cookies\/a: /);
  });
});
