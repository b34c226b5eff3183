import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import type { WritePath } from '#shared/services/ports.ts';
import type { RankingRunRecord } from '#shared/services/rankings/ports.ts';

/**
 * Publishes an empty ranking run `runId` for `year` through the write path (started, then
 * published): what an award publication written by hand in a test or bench claims to draw from,
 * since the claim checks that the cycle's published ranking is that run.
 */
export const publishRankingRun = async (writes: WritePath, actor: Actor, year: number, runId: string) => {
  const now = actor.now.toISOString();
  const run: RankingRunRecord = {
    year,
    runId,
    trigger: 'admin',
    requestedBy: actor.subject,
    status: 'running',
    phase: 'reading',
    startedAt: now,
    updatedAt: now,
    progress: { itemsTotal: 0, itemsWritten: 0 },
  };
  const audit = (action: string) =>
    auditEntry(actor, { kind: 'cycle', year }, action, `ranking run ${runId}`, []);
  const started = await writes.commit({
    state: [
      { kind: 'ranking.start', run, leaseUntil: new Date(actor.now.getTime() + 60_000).toISOString(), now },
    ],
    audits: [audit('ranking.started')],
    events: [],
  });
  const published = await writes.commit({
    state: [
      {
        kind: 'ranking.publish',
        run: { ...run, status: 'published', phase: 'done', finishedAt: now },
        previousRunId: undefined,
        publishedAt: now,
      },
    ],
    audits: [audit('ranking.published')],
    events: [],
  });
  if (!started.committed || !published.committed) {
    throw new Error(`Ranking run ${runId} of ${year} could not be published (another is published already?)`);
  }
};
