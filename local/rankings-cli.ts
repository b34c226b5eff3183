import { parseArgs } from 'node:util';
import type { RunProgress } from '#shared/services/rankings/run.ts';

/**
 * What `npm run rankings` is asked (pure, so that its arguments and messages are tested without a
 * database): a cycle year, and optionally the id of a run to resume — the local counterpart of
 * invoking the ranking run function with `{"year", "runId"}` (docs/operations.md, "Re-running a
 * ranking"), so that a run interrupted with `npm start` need not wait out its 20-minute lease.
 */

export const rankingsUsage = `Usage: npm run rankings -- --year <year> [--run-id <runId>] [--quiet]

Ranks every final result of the cycle (nationally and per group; by index, each domain and
improvement), writes the entries and publishes them, as the scheduled Lambda does.

  --run-id <runId>  resume that run of the cycle from its checkpoint (one interrupted with
                    npm start, still holding the cycle's lease) instead of starting a new one`;

export interface RankingsRequest {
  readonly year: number;
  /** A run to resume; a new run when absent. */
  readonly resume?: string;
  readonly quiet: boolean;
}

export type RankingsArguments =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly request: RankingsRequest }
  | { readonly kind: 'invalid'; readonly message: string };

/** Run ids as the API mints them (`run_<ULID>`) or a schedule slot names them (`slot-<time>`). */
const runIdPattern = /^(run_[0-9A-HJKMNP-TV-Z]{26}|slot-\d{8}T\d{6}Z)$/;

export const parseRankingsArguments = (args: readonly string[]): RankingsArguments => {
  let values: { year?: string; 'run-id'?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        year: { type: 'string' },
        'run-id': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return { kind: 'invalid', message: `${(error as Error).message}\n\n${rankingsUsage}` };
  }
  if (values.help) return { kind: 'help' };
  const year = Number(values.year);
  if (!Number.isInteger(year) || year < 2018 || year > 2100) {
    return {
      kind: 'invalid',
      message: `--year must be a cycle year (2018–2100); got "${values.year ?? ''}".\n\n${rankingsUsage}`,
    };
  }
  const resume = values['run-id'];
  if (resume !== undefined && !runIdPattern.test(resume)) {
    return {
      kind: 'invalid',
      message:
        `--run-id must be a ranking run's id (run_… or slot-…, as GET /v1/cycles/${year}/rankings/runs lists ` +
        `them); got "${resume}".`,
    };
  }
  return {
    kind: 'run',
    request: { year, ...(resume === undefined ? {} : { resume }), quiet: values.quiet === true },
  };
};

/** A cycle whose lease another run holds: which run, and how to resume it now rather than wait. */
export const busyMessage = (year: number, holder: string | undefined): string =>
  holder === undefined
    ? `Another ranking run of ${year} is running: nothing done.`
    : `Another ranking run of ${year} is running (${holder}): nothing done. If it was interrupted ` +
      `(npm start or npm run rankings stopped during it), resume it now: npm run rankings -- --year ${year} --run-id ${holder}`;

/**
 * A cycle with no final result: the worker makes no run (the schedule's case too), so there is no
 * run to read and the command has failed at what it was asked.
 */
export const nothingToRankMessage = (year: number): string =>
  `Nothing to rank: the ${year} cycle has no final result yet, so no run was made. Finalize (or import) ` +
  `results first (GET /v1/cycles/${year}/results lists them), then run this again.`;

/**
 * What the progress bar shows of the worker's progress: the ranking phase counts agencies (the cycle's
 * final results), the writing counts items — ranking pages and each agency's positions, the
 * `progress.itemsTotal` that `GET /v1/cycles/{year}/rankings/runs/{runId}` shows — so the two totals
 * (638 agencies, 692 items) are named, not read as one count that changed. A run that writes nothing
 * (unchanged: done, 0 of 0 items) shows nothing more: its closing line says so.
 */
export const progressShown = (
  progress: RunProgress,
):
  | { readonly phase: string; readonly done: number; readonly total: number; readonly unit?: string }
  | undefined => {
  const { phase, done, total } = progress;
  if (phase === 'done' && total === 0) return undefined;
  if (phase === 'reading') return { phase, done, total };
  if (phase === 'ranking') return { phase, done, total, unit: 'agencies' };
  return { phase, done, total, unit: 'items' };
};
