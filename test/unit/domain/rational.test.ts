import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainInputError } from '../../../shared/domain/errors.ts';
import {
  add,
  compare,
  compareExact,
  indexValueFromInts,
  parseDecimalNumber,
  parseRational,
  rational,
  roundHalfUp,
  sub,
  toDisplayString,
  toExactString,
  toIndexValue,
} from '../../../shared/domain/scoring/rational.ts';

describe('rational', () => {
  it('keeps values in lowest terms with a positive denominator', () => {
    expect(rational(6, -4)).toEqual({ num: -3n, den: 2n });
    expect(add(rational(1, 3), rational(1, 6))).toEqual({ num: 1n, den: 2n });
    expect(sub(rational(1, 3), rational(1, 3))).toEqual({ num: 0n, den: 1n });
  });

  it('writes terminating values as shortest decimals and others as n/d', () => {
    expect(toExactString(rational(34985, 10000))).toBe('3.4985');
    expect(toExactString(rational(5))).toBe('5');
    expect(toExactString(rational(-1, 4))).toBe('-0.25');
    expect(toExactString(rational(37, 11))).toBe('37/11');
    expect(toExactString(rational(-7, 3))).toBe('-7/3');
  });

  it('parses exactly what it writes and nothing looser', () => {
    for (const s of ['3.4985', '5', '-0.25', '37/11', '-7/3', '0'])
      expect(toExactString(parseRational(s))).toBe(s);
    expect(parseRational('3.50')).toEqual(parseRational('3.5'));
    for (const bad of ['', '1e3', '+1', ' 1', '1.', '.5', '1/0', '1/2/3', 'abc', '--1']) {
      expect(() => parseRational(bad)).toThrow(DomainInputError);
    }
  });

  it('reads decimal numbers from data without binary error', () => {
    expect(parseDecimalNumber(2.75)).toEqual({ num: 11n, den: 4n });
    expect(parseDecimalNumber(1.3)).toEqual({ num: 13n, den: 10n });
    expect(() => parseDecimalNumber(1e-7)).toThrow(/not a plain decimal/);
  });

  it('rounds half-up to 2 decimals (half away from zero for negatives)', () => {
    expect(toDisplayString(parseRational('4.745'))).toBe('4.75');
    expect(toDisplayString(parseRational('3.4985'))).toBe('3.50');
    expect(toDisplayString(parseRational('3.28199'))).toBe('3.28');
    expect(toDisplayString(parseRational('-0.125'))).toBe('-0.13');
    expect(toDisplayString(parseRational('-0.001'))).toBe('0.00');
    expect(toDisplayString(parseRational('2/3'))).toBe('0.67');
    expect(roundHalfUp(parseRational('0.005'), 2)).toBe(1n);
  });

  it('compares exact strings exactly', () => {
    expect(compareExact('3.4985', '3.5')).toBe(-1);
    expect(compareExact('7/2', '3.5')).toBe(0);
    expect(compareExact('37/11', '3.3636')).toBe(1);
  });

  it('fast integer path agrees with the bigint path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (num, den) => {
          expect(indexValueFromInts(num, den)).toEqual(toIndexValue(rational(num, den)));
        },
      ),
    );
    expect(indexValueFromInts(Number.MAX_SAFE_INTEGER, 3)).toEqual(
      toIndexValue(rational(Number.MAX_SAFE_INTEGER, 3)),
    );
  });

  it('value is the number of the display string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 1, max: 20_000 }), (num, den) => {
        const v = indexValueFromInts(num, den);
        expect(v.value).toBe(Number(v.display));
        expect(compare(parseRational(v.exact), rational(num, den))).toBe(0);
      }),
    );
  });
});
