import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import type { Actor } from '#shared/domain/actor.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { RunLauncher } from '#shared/services/rankings/ports.ts';
import {
  NothingToRankError,
  type RankingRunner,
  type RunProgress,
  slotRunId,
} from '#shared/services/rankings/run.ts';

/**
 * The national ranking run's worker. Invoked three ways:
 * - by EventBridge Scheduler with `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`: the run id
 *   derives from the slot, so the Scheduler's retries of one slot are one run (ranking the slot's year
 *   unless the input names one);
 * - by the rankings API (`POST …/rankings/runs`) or `npm run rankings` with `{ "year", "runId" }` of the
 *   run it created;
 * - by itself with the same, to continue a run that needed more than one invocation.
 * A failure is thrown, so Lambda retries it and finally dead-letters it; the retry resumes the run.
 */
export const RankingEventSchema = z
  .object({
    year: z.int().min(2018).max(2100).optional(),
    runId: z.string().min(1).optional(),
    scheduledTime: z.iso.datetime({ offset: true }).optional(),
  })
  .loose();

export type RankingEvent = z.infer<typeof RankingEventSchema>;

export interface RankingWorkerDependencies {
  readonly runner: RankingRunner;
  /** How the worker continues itself when an invocation runs out of time. */
  readonly launcher: RunLauncher;
  readonly logger: Logger;
  readonly onProgress?: (progress: RunProgress) => void;
}

export type RankingWorkerResult =
  | { readonly outcome: 'busy'; readonly year: number; readonly runId: string; readonly holder?: string }
  | { readonly outcome: 'nothing-to-rank'; readonly year: number; readonly runId: string }
  | {
      readonly outcome: 'published' | 'already-published' | 'unchanged' | 'continue';
      readonly year: number;
      readonly runId: string;
      readonly report: unknown;
    };

export const createRankingWorker =
  ({ runner, launcher, logger, onProgress }: RankingWorkerDependencies) =>
  async (event: unknown, context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) => {
    const parsed = RankingEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      // Retrying a malformed event cannot help: log it loudly and let it go to the dead-letter queue.
      logger.error('Malformed ranking event', { issues: parsed.error.issues });
      throw new Error(`Malformed ranking event: ${parsed.error.message}`);
    }
    const now = new Date();
    const scheduledTime = parsed.data.scheduledTime;
    const year = parsed.data.year ?? new Date(scheduledTime ?? now).getUTCFullYear();
    const actor: Actor = {
      subject: parsed.data.runId ? 'ranking-run' : 'scheduler',
      role: 'admin',
      requestId: context.awsRequestId,
      route: 'ranking run',
      now,
    };
    const runId =
      parsed.data.runId ??
      slotRunId(scheduledTime ?? new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString());
    logger.appendKeys({ year, runId });
    // A failure is thrown for Lambda to retry; the runtime's own line of it carries no run id, so the
    // runbook's "read the ranking run function's log for the runId" needs this one.
    const failed = (error: unknown): never => {
      logger.error('Ranking run invocation failed', { error: error as Error });
      throw error;
    };
    let started: Awaited<ReturnType<RankingRunner['start']>>;
    try {
      started = await runner.start(actor, year, parsed.data.runId ? 'admin' : 'schedule', runId);
    } catch (error) {
      // Nothing final to rank (a schedule earlier than the results): said, and done (no retry).
      if (error instanceof NothingToRankError) {
        logger.warn('Nothing to rank: the cycle has no final result yet', { detail: error.message });
        return { outcome: 'nothing-to-rank', year, runId } satisfies RankingWorkerResult;
      }
      // Another run of the cycle holds the lease: this trigger reports it and is done (no retry).
      // Named, so that whoever triggered it can resume that run rather than wait for its lease.
      if (error instanceof ConflictError) {
        const holder = error.extensions.runningRunId;
        const named = typeof holder === 'string' ? { holder } : {};
        logger.info('Another ranking run of the cycle is running', { detail: error.message, ...named });
        return { outcome: 'busy', year, runId, ...named } satisfies RankingWorkerResult;
      }
      return failed(error);
    }
    // Instead of starting this run, start hands back an orphaned one (recorded, its worker never
    // started) that holds the cycle: that run is the one to do, under its own id — this one was never
    // recorded, so executing it would fail as not found on every retry.
    const target = started.runId;
    if (target !== runId) {
      logger.appendKeys({ runId: target });
      logger.info('Taking up an orphaned ranking run instead of starting one', { requestedRunId: runId });
    }
    const result = await runner
      .execute(
        actor,
        { year, runId: target },
        {
          remainingMs: () => context.getRemainingTimeInMillis(),
          now: () => new Date(),
          ...(onProgress ? { onProgress } : {}),
        },
      )
      .catch(failed);
    if (result.outcome === 'continue') {
      logger.info('Ranking run continues in a new invocation', { progress: result.run.progress });
      await launcher.launch({ year, runId: target });
    } else {
      // `unchanged`: identical to the published ranking, which it confirmed; nothing was sent.
      const confirmed = result.outcome === 'unchanged' ? { confirmedRunId: result.run.confirms?.runId } : {};
      logger.info('Ranking run finished', { outcome: result.outcome, ...confirmed });
    }
    return (
      result.outcome === 'busy'
        ? { outcome: result.outcome, year, runId: target, holder: result.holder }
        : { outcome: result.outcome, year, runId: target, report: result.run.report }
    ) satisfies RankingWorkerResult;
  };
