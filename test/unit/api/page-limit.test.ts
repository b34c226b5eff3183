import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { pageLimit, YearParamSchema } from '#shared/api/common/schemas.ts';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { routeKeyOf } from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';
import { IndicatorNoSchema } from '#shared/api/self-assessment/schemas.ts';

/**
 * A page size arrives as query text. `Number()` would read far more than digits (' 5', '5e1',
 * '0x32'), and a parameter sent twice arrives joined ('1,2', as API Gateway joins repeats), which
 * coercion turned into "received NaN". One rule for every listing: digits only, a clear message.
 */

describe('pageLimit', () => {
  const limit = pageLimit(200, 100);

  it.each([
    ['1', 1],
    ['50', 50],
    ['200', 200],
    [undefined, 100],
  ])('reads %j as %j', (text, expected) => {
    expect(limit.parse(text)).toBe(expected);
  });

  it.each([
    ' 5',
    '5 ',
    '0x10',
    '1e2',
    '1.0',
    '+5',
    '05',
    '1,2',
    '',
    '0',
    '-1',
    '201',
    '99999999999999999999',
  ])('refuses %j, saying what it takes', (text) => {
    // Act
    const result = limit.safeParse(text);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be one whole number from 1 to 200, in decimal digits',
    ]);
  });
});

describe('every listing', () => {
  const listings = routeList.flatMap((route) => {
    const shape = (route.query as z.ZodObject | undefined)?.shape as Record<string, z.ZodType> | undefined;
    return shape?.limit ? [[routeKeyOf(route), shape.limit] as const] : [];
  });

  it('has listings to check', () => {
    expect(listings.length).toBeGreaterThanOrEqual(7);
  });

  it.each(listings)('%s takes its limit as pageLimit does', (_key, limit) => {
    expect(limit.safeParse('1e2').success).toBe(false);
    expect(limit.safeParse('1,2').success).toBe(false);
    expect(limit.safeParse('1').data).toBe(1);
  });
});

describe('whole numbers in paths: the year and the indicator number', () => {
  it.each([
    ['2026', 2026],
    ['2018', 2018],
    ['2100', 2100],
  ])('reads the year %j as %j', (text, expected) => {
    expect(YearParamSchema.parse(text)).toBe(expected);
  });

  it.each(['02026', '2026.0', '0x7EA', '2.026e3', ' 2026', '+2026', '2017', '2101', '', 'tahun'])(
    'refuses the year %j, saying what a year looks like',
    (text) => {
      const result = YearParamSchema.safeParse(text);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([
        'A four-digit year from 2018 to 2100, such as 2026',
      ]);
    },
  );

  it.each([
    ['12', 12],
    ['1', 1],
  ])('reads the indicator number %j as %j', (text, expected) => {
    expect(IndicatorNoSchema.parse(text)).toBe(expected);
  });

  it.each(['012', '0', '1000', '1e1', '-1'])('refuses the indicator number %j', (text) => {
    expect(IndicatorNoSchema.safeParse(text).success).toBe(false);
  });

  it('publishes them as integers with their bounds, so typed clients send numbers', () => {
    const parameters = Object.values(buildOpenApiDocument({ version: 'test' }).paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { parameters?: { name: string; schema: unknown }[] }>).flatMap(
        (operation) => operation.parameters ?? [],
      ),
    );
    const published = (name: string) => parameters.filter((parameter) => parameter.name === name);
    expect(published('year').length).toBeGreaterThan(30);
    for (const parameter of published('year')) {
      expect(parameter.schema).toMatchObject({ type: 'integer', minimum: 2018, maximum: 2100 });
    }
    for (const parameter of published('no')) {
      expect(parameter.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 999 });
    }
  });
});
