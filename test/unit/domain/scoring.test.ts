import { describe, expect, it } from 'vitest';
import { DomainInputError } from '../../../shared/domain/errors.ts';
import { spbe2020 } from '../../../shared/domain/framework/index.ts';
import type { Level } from '../../../shared/domain/framework/types.ts';
import {
  add,
  computeIndexUnits,
  indexValueOfUnits,
  type PredicateBasis,
  parseRational,
  predicateOf,
  type Rational,
  rational,
  scoreAssessment,
  toExactString,
} from '../../../shared/domain/scoring/index.ts';
import { type Levels, levelsForUnits, uniformLevels } from './helpers.ts';

function levelsAt(units: number): Levels {
  const levels = levelsForUnits(spbe2020, units);
  if (levels === null) throw new Error(`no levels sum to ${units} units`);
  return levels;
}

describe('scoreAssessment', () => {
  it('reproduces the regulation example: 1/100 × 328.20 = 3.28', () => {
    // Prepare: all level 3 (300) plus 4 × 1.3 + 2 × 2.5 + 6 × 3 = 28.2
    const levels = uniformLevels(spbe2020, 3);
    for (const no of [1, 2, 3, 4, 11, 12, 42, 43, 44, 45, 46, 47]) levels[no] = 4;

    // Act
    const result = scoreAssessment(spbe2020, levels);

    // Assess
    expect(result.index).toEqual({ exact: '3.282', display: '3.28', value: 3.28 });
    expect(result.predicate).toEqual({ id: 'baik', name: 'Baik', nameEn: 'Good' });
    expect(result.complete).toBe(true);
    expect(result.unanswered).toEqual([]);
    expect(result.domains.map((d) => [d.no, d.weight, d.index.exact])).toEqual([
      [1, 13, '3.4'],
      [2, 25, '3.2'],
      [3, 16.5, '3'],
      [4, 45.5, '309/91'],
    ]);
  });

  it.each<[string, string, string, string]>([
    // exact index, display, predicate under exact, predicate under rounded
    ['1.8', '1.80', 'cukup', 'cukup'],
    ['1.7975', '1.80', 'kurang', 'cukup'],
    ['2.6', '2.60', 'baik', 'baik'],
    ['2.596', '2.60', 'cukup', 'baik'],
    ['3.5', '3.50', 'sangat-baik', 'sangat-baik'],
    ['3.4985', '3.50', 'baik', 'sangat-baik'],
    ['4.2', '4.20', 'memuaskan', 'memuaskan'],
    ['4.195', '4.20', 'sangat-baik', 'memuaskan'],
    ['4.745', '4.75', 'memuaskan', 'memuaskan'],
    ['5', '5.00', 'memuaskan', 'memuaskan'],
    ['1', '1.00', 'kurang', 'kurang'],
  ])('index %s displays %s: %s under exact, %s under rounded', (exact, display, underExact, underRounded) => {
    // Prepare
    const units = Number(parseRational(exact).num * (10_000n / parseRational(exact).den));
    const levels = levelsAt(units);

    // Act
    const byExact = scoreAssessment(spbe2020, levels);
    const byRounded = scoreAssessment(spbe2020, levels, { predicateBasis: 'rounded' });

    // Assess
    expect(byExact.index).toEqual({ exact, display, value: Number(display) });
    expect(byExact.predicateBasis).toBe('exact');
    expect(byExact.predicate.id).toBe(underExact);
    expect(byRounded.predicateBasis).toBe('rounded');
    expect(byRounded.predicate.id).toBe(underRounded);
    expect(predicateOf(spbe2020, exact, 'exact').id).toBe(underExact);
    expect(predicateOf(spbe2020, exact, 'rounded').id).toBe(underRounded);
  });

  it('scores unanswered indicators as 0 and flags them, never as level 1', () => {
    // Prepare: only the Layanan domain answered, half at level 1
    const levels: Levels = {};
    for (let no = 32; no <= 47; no++) levels[no] = no % 2 === 0 ? 1 : null;

    // Act
    const result = scoreAssessment(spbe2020, levels);

    // Assess
    expect(result.complete).toBe(false);
    expect(result.unanswered).toEqual([
      ...Array.from({ length: 31 }, (_, k) => k + 1),
      33,
      35,
      37,
      39,
      41,
      43,
      45,
      47,
    ]);
    expect(result.indicators[0]).toEqual({
      no: 1,
      aspectNo: 1,
      domainNo: 1,
      level: null,
      answered: false,
      weight: 1.3,
      contribution: { exact: '0', display: '0.00', value: 0 },
    });
    // 5 × 2.75 + 3 × 3 = 22.75 → index 0.2275, Layanan domain 22.75 / 45.5 = 0.5
    expect(result.index.exact).toBe('0.2275');
    expect(result.domains[3]?.index.exact).toBe('0.5');
    expect(result.predicate.id).toBe('kurang');
  });

  it('scores an empty assessment as 0, Kurang', () => {
    const result = scoreAssessment(spbe2020, {});
    expect(result.index.exact).toBe('0');
    expect(result.unanswered).toHaveLength(47);
    expect(result.predicate.id).toBe('kurang');
  });

  it('keeps non-terminating aspect indices exact as fractions', () => {
    // Aspect 6 (weight 4.5) with levels 2, 2, 3 → 7 × 1.5 / 4.5 = 7/3
    const levels = uniformLevels(spbe2020, 2);
    levels[31] = 3;
    const aspect6 = scoreAssessment(spbe2020, levels).aspects[5];
    expect(aspect6?.index).toEqual({ exact: '7/3', display: '2.33', value: 2.33 });
  });

  it('lists contributions that add up to the index exactly', () => {
    const levels = levelsAt(34_985);
    const result = scoreAssessment(spbe2020, levels);
    const sum = result.indicators.reduce<Rational>(
      (s, i) => add(s, parseRational(i.contribution.exact)),
      rational(0),
    );
    expect(toExactString(sum)).toBe('3.4985');
    const first = result.indicators.find((i) => i.no === 32);
    expect(first?.contribution.exact).toBe(toExactString(rational((first?.level ?? 0) * 275, 10_000)));
  });

  it('accepts a Map or a record with the same result', () => {
    const record = levelsAt(30_000);
    const map = new Map<number, Level | null>(Object.entries(record).map(([k, v]) => [Number(k), v]));
    expect(scoreAssessment(spbe2020, map)).toEqual(scoreAssessment(spbe2020, record));
    expect(computeIndexUnits(spbe2020, map)).toBe(30_000);
    expect(indexValueOfUnits(spbe2020, 30_000).display).toBe('3.00');
  });

  it('is plain JSON data that survives a round trip unchanged', () => {
    const result = scoreAssessment(spbe2020, levelsAt(47_450));
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('rejects invalid levels, unknown indicators and unknown bases', () => {
    expect(() => scoreAssessment(spbe2020, { 1: 0 as Level })).toThrow(DomainInputError);
    expect(() => scoreAssessment(spbe2020, { 1: 6 as Level })).toThrow(/level 6; a level is 1..5/);
    expect(() => scoreAssessment(spbe2020, { 2: '3' as unknown as Level })).toThrow(DomainInputError);
    expect(() => scoreAssessment(spbe2020, { 48: 3 })).toThrow(
      /indicator 48, which framework 'spbe-2020' does not have/,
    );
    expect(() => scoreAssessment(spbe2020, new Map([[0, 3 as Level]]))).toThrow(DomainInputError);
    expect(() => computeIndexUnits(spbe2020, { 5: 2.5 as Level })).toThrow(DomainInputError);
    expect(() => scoreAssessment(spbe2020, {}, { predicateBasis: 'floor' as PredicateBasis })).toThrow(
      /predicateBasis/,
    );
    // A null for an unknown indicator carries no level, so it is harmless.
    expect(scoreAssessment(spbe2020, { 48: null }).index.exact).toBe('0');
  });
});
