import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import type { AwardPublication } from '#shared/domain/awards/publication.ts';
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

/**
 * Version 1 of a cycle's awards as its claim writes it, `publishing`, with no awards (enough where
 * only the publication's own records matter), drawn from ranking run `run-test`: publish that run
 * first (`publishRankingRun`), since the claim checks it.
 */
export const claimedPublication = (
  year: number,
  startedAt: string,
  overrides: Partial<AwardPublication> = {},
): AwardPublication => ({
  year,
  version: 1,
  status: 'publishing',
  reason: 'initial',
  previousVersion: null,
  previousSha256: null,
  rulesId: 'test-rules',
  frameworkId: 'spbe-2020',
  rulesNameId: 'aturan uji',
  rulesNameEn: 'test rules',
  categories: [],
  rankingRunId: 'run-test',
  inputsSha256: 'inputs',
  decisionsThrough: 0,
  awards: [],
  awardCount: 0,
  recipientCount: 0,
  requestedBy: 'test-publisher',
  startedAt,
  sha256: 'sha-test',
  ...overrides,
});
