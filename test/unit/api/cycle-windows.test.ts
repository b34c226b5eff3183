import { describe, expect, it } from 'vitest';
import { WindowSchema } from '#shared/api/cycles/schemas.ts';

/** A window's rule (closesAt after opensAt) speaks only when both instants are valid. */

const pointersOf = (value: unknown): string[][] => {
  const result = WindowSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => [issue.path.join('/'), issue.message]);
};

const instantMessage =
  'An instant with its offset (RFC 3339), e.g. 2026-03-01T08:00:00+07:00 for 08:00 in Jakarta (WIB), or 2026-03-01T01:00:00Z';

describe('a cycle window', () => {
  it.each([
    ['a 30 February', '2031-02-30T00:00:00Z'],
    ['a 60th second', '2031-01-01T00:00:60Z'],
    ['an offset of 99 hours', '2031-01-01T00:00:00+99:00'],
    ['not an instant', 'soon'],
    // What an admin in Jakarta types first: the local time, or the day alone.
    ['a local time without its offset', '2031-01-02T08:00:00'],
    ['a date without a time', '2031-01-02'],
  ])('names only opensAt when it is %s, saying what an instant looks like', (_what, opensAt) => {
    expect(pointersOf({ opensAt, closesAt: '2031-03-01T00:00:00Z' })).toEqual([['opensAt', instantMessage]]);
  });

  it('names closesAt when it is not after opensAt', () => {
    expect(pointersOf({ opensAt: '2031-03-01T00:00:00Z', closesAt: '2031-03-01T00:00:00+00:00' })).toEqual([
      ['closesAt', 'closesAt must be after opensAt'],
    ]);
  });
});
