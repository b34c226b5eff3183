import { describe, expect, it } from 'vitest';
import { ScoreWriteSchema } from '#shared/api/assessment/schemas.ts';
import { ResultsImportSchema } from '#shared/api/results/schemas.ts';

/**
 * A level that may be null (a stage score, an imported result) is a union of 1–5 and null: zod's
 * union message alone is "Invalid input", which names the field but not what it takes.
 */
describe('levels that may be null', () => {
  const messageOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
    result.error?.issues.map((issue) => issue.message);

  it.each([
    ['0', { level: 0 }],
    ['6', { level: 6 }],
    ['a string', { level: '3' }],
    ['a fraction', { level: 3.5 }],
  ])('say what a score’s level takes when it is %s', (_name, body) => {
    // Act
    const parsed = ScoreWriteSchema.safeParse(body);

    // Assess
    expect(messageOf(parsed)).toEqual([
      'The level must be a whole number from 1 to 5, or null for none (worth 0)',
    ]);
  });

  it('say the level is required when it is missing', () => {
    expect(messageOf(ScoreWriteSchema.safeParse({ note: 'tanpa level' }))).toEqual([
      'Required: a level from 1 to 5, or null for none (worth 0)',
    ]);
  });

  it('accept 1–5 and null', () => {
    for (const level of [1, 2, 3, 4, 5, null])
      expect(ScoreWriteSchema.safeParse({ level }).success).toBe(true);
  });

  it('say what an imported level takes', () => {
    const parsed = ResultsImportSchema.safeParse({
      results: [{ agencyId: 'prov-bali', levels: [3, 9], reference: 'Laporan' }],
    });
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['results', 0, 'levels', 1],
        message: 'The level must be a whole number from 1 to 5, or null for none (worth 0)',
      }),
    ]);
  });
});

describe('evidence a score relies on', () => {
  it('names each evidence item once: a repeated index is refused where it repeats', () => {
    // Act
    const parsed = ScoreWriteSchema.safeParse({ level: 3, evidenceUsed: [0, 2, 0] });

    // Assess
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['evidenceUsed', 2],
        message: 'Evidence item 0 is listed more than once.',
      }),
    ]);
    expect(ScoreWriteSchema.safeParse({ level: 3, evidenceUsed: [0, 2] }).success).toBe(true);
  });
});
