import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { pageLimit } from '#shared/api/common/schemas.ts';
import { routeKeyOf } from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';

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
