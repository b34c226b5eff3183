import type { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { createRankingWorker } from '#functions/rankings/worker.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { RankingRunRecord } from '#shared/services/rankings/ports.ts';
import { NothingToRankError, type RankingRunner } from '#shared/services/rankings/run.ts';

/** A logger that records what the worker tells it: appended keys and each line. */
const loggerSpy = () => {
  const keys: Record<string, unknown> = {};
  const lines: { level: string; message: string; extra: unknown }[] = [];
  const logger = {
    appendKeys: (more: Record<string, unknown>) => Object.assign(keys, more),
    info: (message: string, extra?: unknown) => lines.push({ level: 'INFO', message, extra }),
    warn: (message: string, extra?: unknown) => lines.push({ level: 'WARN', message, extra }),
    error: (message: string, extra?: unknown) => lines.push({ level: 'ERROR', message, extra }),
  };
  return { logger: logger as unknown as Logger, keys, lines };
};

const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 900_000 };

describe('the ranking run worker', () => {
  it('logs a failed invocation at ERROR with its run id and the error, and lets the error through', async () => {
    // Prepare: a run that starts, then fails while writing
    const { logger, keys, lines } = loggerSpy();
    const runner = {
      start: vi.fn(async () => ({ runId: 'run_1' }) as RankingRunRecord),
      execute: vi.fn(async () => {
        throw new Error('Throughput exceeded writing entries');
      }),
    } as unknown as RankingRunner;
    const worker = createRankingWorker({ runner, launcher: { launch: vi.fn() }, logger });

    // Act
    const outcome = worker({ year: 2025, runId: 'run_1' }, context);

    // Assess: Lambda retries it; the log says which run failed and why
    await expect(outcome).rejects.toThrow('Throughput exceeded writing entries');
    expect(keys).toMatchObject({ year: 2025, runId: 'run_1' });
    expect(lines).toEqual([
      {
        level: 'ERROR',
        message: 'Ranking run invocation failed',
        extra: { error: expect.objectContaining({ message: 'Throughput exceeded writing entries' }) },
      },
    ]);
  });

  it('ends a scheduled trigger of a cycle with nothing final at WARN, without a retry or a run', async () => {
    // Prepare: the schedule fires before any result of the year is final
    const { logger, lines } = loggerSpy();
    const runner = {
      start: vi.fn(async () => {
        throw new NothingToRankError('The 2025 cycle has no final result yet: nothing to rank.');
      }),
      execute: vi.fn(),
    } as unknown as RankingRunner;
    const worker = createRankingWorker({ runner, launcher: { launch: vi.fn() }, logger });

    // Act
    const outcome = await worker({ scheduledTime: '2025-12-01T00:00:00Z' }, context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'nothing-to-rank', year: 2025 });
    expect(runner.execute).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({ level: 'WARN', message: expect.stringContaining('Nothing to rank') }),
    ]);
  });
  it('names the run that holds the cycle’s lease when a new trigger finds it busy', async () => {
    // Prepare: a crashed run still holds the lease, and a new run is asked for
    const { logger, lines } = loggerSpy();
    const runner = {
      start: vi.fn(async () => {
        throw new ConflictError('Ranking run run_crashed of the 2025 cycle is still running.', {
          extensions: { runningRunId: 'run_crashed', link: '/v1/cycles/2025/rankings/runs/run_crashed' },
        });
      }),
      execute: vi.fn(),
    } as unknown as RankingRunner;
    const worker = createRankingWorker({ runner, launcher: { launch: vi.fn() }, logger });

    // Act
    const outcome = await worker({ year: 2025, runId: 'run_new' }, context);

    // Assess: `npm run rankings` says which run to resume (its holder), and the log line does too
    expect(outcome).toEqual({ outcome: 'busy', year: 2025, runId: 'run_new', holder: 'run_crashed' });
    expect(runner.execute).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'Another ranking run of the cycle is running',
        extra: expect.objectContaining({ holder: 'run_crashed' }),
      }),
    ]);
  });

  it('ends a run identical to the published ranking as unchanged, naming the run it confirmed', async () => {
    // Prepare: the schedule's run finds the published ranking unchanged
    const { logger, lines } = loggerSpy();
    const report = { durationMs: 1_200 };
    const run = {
      runId: 'slot-20251201T000000Z',
      status: 'unchanged',
      confirms: { runId: 'run_published' },
      report,
    } as unknown as RankingRunRecord;
    const launcher = { launch: vi.fn() };
    const runner = {
      start: vi.fn(async () => run),
      execute: vi.fn(async () => ({ outcome: 'unchanged', run })),
    } as unknown as RankingRunner;
    const worker = createRankingWorker({ runner, launcher, logger });

    // Act
    const outcome = await worker({ scheduledTime: '2025-12-01T00:00:00Z' }, context);

    // Assess
    expect(outcome).toEqual({ outcome: 'unchanged', year: 2025, runId: 'slot-20251201T000000Z', report });
    expect(launcher.launch).not.toHaveBeenCalled();
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'Ranking run finished',
        extra: { outcome: 'unchanged', confirmedRunId: 'run_published' },
      },
    ]);
  });

  it('takes up the orphaned run start hands back (no worker took it up) instead of one never recorded', async () => {
    // Prepare: a run recorded by the API whose worker never started holds the cycle; start hands it back
    const { logger, keys } = loggerSpy();
    const report = { durationMs: 900 };
    const orphan = { runId: 'run_orphan', status: 'published', report } as unknown as RankingRunRecord;
    const runner = {
      start: vi.fn(async () => ({ ...orphan, status: 'running' })),
      execute: vi.fn(async () => ({ outcome: 'published', run: orphan })),
    } as unknown as RankingRunner;
    const worker = createRankingWorker({ runner, launcher: { launch: vi.fn() }, logger });

    // Act
    const outcome = await worker({ year: 2025, runId: 'run_new' }, context);

    // Assess: the orphan is the run done (run_new was never recorded: executing it fails as not found)
    expect(runner.execute).toHaveBeenCalledWith(
      expect.anything(),
      { year: 2025, runId: 'run_orphan' },
      expect.anything(),
    );
    expect(outcome).toEqual({ outcome: 'published', year: 2025, runId: 'run_orphan', report });
    expect(keys).toMatchObject({ runId: 'run_orphan' });
  });
});
