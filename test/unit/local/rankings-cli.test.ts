import { describe, expect, it } from 'vitest';
import {
  busyMessage,
  nothingToRankMessage,
  parseRankingsArguments,
  progressShown,
} from '#local/rankings-cli.ts';

/** `npm run rankings`: its arguments, and what it says when the cycle is busy. */

describe('npm run rankings', () => {
  it('starts a new run of the year, or resumes the run it is given', () => {
    expect(parseRankingsArguments(['--year', '2025'])).toEqual({
      kind: 'run',
      request: { year: 2025, quiet: false },
    });
    expect(
      parseRankingsArguments(['--year', '2025', '--run-id', 'run_01M8X9Q9SBD89C7Q5CAFKMAWAA', '--quiet']),
    ).toEqual({
      kind: 'run',
      request: { year: 2025, resume: 'run_01M8X9Q9SBD89C7Q5CAFKMAWAA', quiet: true },
    });
    expect(parseRankingsArguments(['--year', '2025', '--run-id', 'slot-20261202T080000Z'])).toMatchObject({
      request: { resume: 'slot-20261202T080000Z' },
    });
  });

  it.each([
    [['--year', '25'], /--year must be a cycle year/],
    [['--year', '2025', '--run-id', 'anything'], /--run-id must be a ranking run's id.*"anything"/],
    [['--year', '2025', '--runid', 'run_x'], /Unknown option '--runid'/],
  ])('refuses %j, saying why', (args, message) => {
    const parsed = parseRankingsArguments(args);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' ? parsed.message : '').toMatch(message);
  });

  it('names the run holding the cycle and the command that resumes it', () => {
    expect(busyMessage(2025, 'run_01M8X9Q9SBD89C7Q5CAFKMAWAA')).toBe(
      'Another ranking run of 2025 is running (run_01M8X9Q9SBD89C7Q5CAFKMAWAA): nothing done. If it was ' +
        'interrupted (npm start or npm run rankings stopped during it), resume it now: ' +
        'npm run rankings -- --year 2025 --run-id run_01M8X9Q9SBD89C7Q5CAFKMAWAA',
    );
    expect(busyMessage(2025, undefined)).toBe('Another ranking run of 2025 is running: nothing done.');
  });
  it('says a cycle without a final result has nothing to rank, and names no run to read', () => {
    expect(nothingToRankMessage(2026)).toBe(
      'Nothing to rank: the 2026 cycle has no final result yet, so no run was made. Finalize (or import) ' +
        'results first (GET /v1/cycles/2026/results lists them), then run this again.',
    );
  });

  it('names what its progress counts: agencies while ranking, items (the API’s itemsTotal) while writing', () => {
    expect(progressShown({ phase: 'ranking', done: 0, total: 638 })).toEqual({
      phase: 'ranking',
      done: 0,
      total: 638,
      unit: 'agencies',
    });
    expect(progressShown({ phase: 'writing', done: 350, total: 692 })).toEqual({
      phase: 'writing',
      done: 350,
      total: 692,
      unit: 'items',
    });
    // An unchanged run writes nothing (its record: 0 of 0 items): no "692/692" the API never shows.
    expect(progressShown({ phase: 'done', done: 0, total: 0 })).toBeUndefined();
  });
});
