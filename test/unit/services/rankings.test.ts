import { describe, expect, it } from 'vitest';
import { type AgencyGroup, agencyGroups } from '#shared/domain/agency-groups.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { measuresOf } from '#shared/domain/ranking/rank.ts';
import { defaultStability } from '#shared/domain/ranking/stability.ts';
import type { PredicateBasis } from '#shared/domain/scoring/types.ts';
import { createMemoryPorts, type MemoryPorts } from '#shared/memory/ports.ts';
import { createCycleService } from '#shared/services/cycles/cycles.ts';
import type { WritePath } from '#shared/services/ports.ts';
import type { RankingInput, RankingRunRecord, RankingStore } from '#shared/services/rankings/ports.ts';
import { createRankingReader } from '#shared/services/rankings/read.ts';
import {
  computeRun,
  createRankingRunner,
  type ExecuteOptions,
  launchGraceMs,
  leaseDuration,
  NothingToRankError,
  type RunProgress,
  slotRunId,
} from '#shared/services/rankings/run.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createResultService } from '#shared/services/results/results.ts';
import { actor, now, openCycle, sequentialIds } from './support.ts';

/**
 * The national ranking run on in-memory ports: one run per slot, the cycle's lease, publication
 * through the audited path, resumption after running out of time or failing (publishing what an
 * uninterrupted run publishes), the run report, and the tie rules of the stored rows.
 */

const framework = getFramework('spbe-2020');
const year = 2026;
const minute = 60_000;

/** 120 agencies, 20 per group; kabupaten and kota belong to the first province (index 3). */
const roster = Array.from({ length: 120 }, (_, index) => {
  const group = agencyGroups[index % agencyGroups.length] as AgencyGroup;
  return {
    index,
    id: `${group}-uji-${String(index).padStart(3, '0')}`,
    name: `Instansi Uji ${index}`,
    group,
  };
});
type RosterAgency = (typeof roster)[number];
const province = roster[3] as RosterAgency;

/** Levels giving ties (agencies 13 apart score alike), distinct values and a spread of predicates. */
const variedLevels = (agency: RosterAgency, salt: number): Level[] =>
  framework.indicators.map(
    (indicator) => ((((agency.index % 13) * 3 + indicator.no * 7 + salt) % 5) + 1) as Level,
  );

/** Every indicator at one level, 1 … 5 by agency: the index is that level, so ranks are known. */
const uniformLevels = (agency: RosterAgency): Level[] =>
  framework.indicators.map(() => ((agency.index % 5) + 1) as Level);

const windowsOf = (target: number) => ({
  selfAssessment: { opensAt: `${target}-02-01T00:00:00Z`, closesAt: `${target}-03-31T00:00:00Z` },
  documentAssessment: { opensAt: `${target}-04-01T00:00:00Z`, closesAt: `${target}-04-30T00:00:00Z` },
  appeals: { opensAt: `${target}-06-01T00:00:00Z`, closesAt: `${target}-06-15T00:00:00Z` },
  publication: { at: `${target}-07-01T00:00:00Z` },
});

/**
 * Memory ports with the roster, the 2025 and 2026 cycles, and final results imported as the
 * results service imports them: 2026 for `current` agencies, 2025 for all but the first 20.
 */
const setUp = async (
  options: {
    current?: readonly RosterAgency[];
    levels?: (agency: RosterAgency, salt: number) => Level[];
    predicateBasis?: PredicateBasis;
  } = {},
) => {
  const { current = roster, levels = variedLevels, predicateBasis = 'exact' } = options;
  const ports = createMemoryPorts();
  await createAgencyService(ports).importAgencies(
    actor(),
    roster.map(({ id, name, group }) =>
      group === 'kabupaten' || group === 'kota'
        ? { id, name, group, parentProvinceId: province.id }
        : { id, name, group },
    ),
  );
  const cycles = createCycleService(ports);
  for (const target of [year - 1, year]) {
    await cycles.createCycle(
      actor(),
      openCycle({ year: target, windows: windowsOf(target), predicateBasis }),
    );
  }
  const ids = sequentialIds();
  const results = createResultService({ ...ports, ids });
  const importResults = (target: number, agencies: readonly RosterAgency[]) =>
    results.importResults(
      actor(),
      target,
      agencies.map((agency) => ({
        agencyId: agency.id,
        levels: levels(agency, target),
        reference: `Laporan uji ${target}`,
      })),
    );
  await importResults(year - 1, roster.slice(20));
  await importResults(year, current);
  const runner = (
    overrides: { rankings?: RankingStore; checkpointEvery?: number; writes?: WritePath } = {},
  ) => createRankingRunner({ ...ports, ids, checkpointEvery: 5, ...overrides });
  return { ports, ids, importResults, runner };
};

const forever: ExecuteOptions = { remainingMs: () => 15 * minute, now: () => now };

/** Time for `batches` bulk writes, then less than the runner's one-minute safety margin. */
const timeFor = (batches: number): ExecuteOptions => {
  let calls = 0;
  return { remainingMs: () => (++calls <= batches ? 15 * minute : minute - 1), now: () => now };
};

type WrittenItems = Parameters<RankingStore['writeItems']>[0];

/** The store with its bulk writes recorded, batch by batch. */
const recording = (store: RankingStore) => {
  const batches: WrittenItems[] = [];
  const rankings: RankingStore = {
    ...store,
    writeItems: async (items) => {
      batches.push(items);
      return store.writeItems(items);
    },
  };
  return { rankings, batches, written: () => batches.reduce((total, batch) => total + batch.length, 0) };
};

/** The store whose `call`-th bulk write fails with `error` (and only that one). */
const failingOnce = (store: RankingStore, call: number, error: Error): RankingStore => {
  let calls = 0;
  return {
    ...store,
    writeItems: async (items) => {
      calls += 1;
      if (calls === call) throw error;
      return store.writeItems(items);
    },
  };
};

const scopes = ['national', ...agencyGroups] as const;

/** Everything a run wrote (every page of every ranking, every agency's positions), run id aside. */
const writtenBy = async (ports: MemoryPorts, runId: string) => {
  const pages = [];
  for (const scope of scopes) {
    for (const measure of measuresOf(framework)) {
      for (const { runId: _run, ...page } of await ports.rankings.pages(year, runId, scope, measure)) {
        pages.push(page);
      }
    }
  }
  const positions = [];
  for (const agency of roster) {
    for (const { runId: of, ...entry } of await ports.rankings.positions(agency.id)) {
      if (of === runId) positions.push(entry);
    }
  }
  return { pages, positions };
};

/**
 * What an uninterrupted run writes on the same data, in ports of its own: a second run here would
 * find its result published already and write nothing (it confirms the published run).
 */
const uninterruptedRun = async () => {
  const { ports, runner } = await setUp();
  const run = await runner().start(actor(), year, 'admin');
  await runner().execute(actor(), run, forever);
  return writtenBy(ports, run.runId);
};

const auditsOfCycle = async (ports: MemoryPorts) =>
  (await ports.audits.list({ kind: 'cycle', year }, { limit: 100 })).items;

const itemsOf = (agencies: number) => 7 * 6 + agencies;

describe('slotRunId', () => {
  it('names a scheduled run by its slot, in UTC to the second', () => {
    // Act + Assess
    expect(slotRunId('2026-12-01T00:00:00Z')).toBe('slot-20261201T000000Z');
    expect(slotRunId('2026-12-01T07:30:15.250+07:00')).toBe('slot-20261201T003015Z');
  });

  it('refuses what is not a time', () => {
    // Act + Assess
    expect(() => slotRunId('next tuesday')).toThrow('Not a schedule time: next tuesday');
    expect(() => slotRunId('')).toThrow('Not a schedule time');
  });
});

describe('starting a ranking run (in-memory ports)', () => {
  it('creates a slot’s run once: a retried start returns it, with one record and one audit entry', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const slot = slotRunId('2026-12-01T00:00:00Z');

    // Act
    const first = await runner().start(actor(), year, 'schedule', slot);
    const again = await runner().start(
      actor({ now: new Date(now.getTime() + minute) }),
      year,
      'schedule',
      slot,
    );

    // Assess
    expect(first).toEqual({
      year,
      runId: 'slot-20261201T000000Z',
      trigger: 'schedule',
      requestedBy: 'admin-1',
      status: 'running',
      phase: 'reading',
      startedAt: '2026-03-10T00:00:00.000Z',
      updatedAt: '2026-03-10T00:00:00.000Z',
      progress: { itemsTotal: 0, itemsWritten: 0 },
    });
    expect(again).toEqual(first);
    expect(await ports.rankings.runs(year)).toEqual([first]);
    expect(await ports.rankings.lease(year)).toEqual({
      runId: slot,
      until: new Date(now.getTime() + leaseDuration).toISOString(),
    });
    const started = (await auditsOfCycle(ports)).filter((entry) => entry.action === 'ranking.run.started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({
      target: `ranking run ${slot}`,
      changes: [{ field: 'trigger', before: null, after: 'schedule' }],
    });
  });

  it('answers 409 with the running run’s link while another run holds the cycle’s lease', async () => {
    // Prepare: a run its worker has taken up (and paused at a checkpoint, out of time)
    const { ports, runner } = await setUp();
    const running = await runner().start(actor(), year, 'admin');
    const takenUpAt = new Date(now.getTime() + 1_000);
    await runner().execute(actor({ now: takenUpAt }), running, {
      remainingMs: () => 0,
      now: () => takenUpAt,
    });

    // Act
    const error = await runner()
      .start(actor({ now: new Date(now.getTime() + 5 * minute) }), year, 'admin', 'run_other')
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    const conflict = error as ConflictError;
    expect(conflict.status).toBe(409);
    expect(conflict.message).toContain(`Ranking run ${running.runId} of the 2026 cycle is still running`);
    // An operator facing a run that stopped (a crash) learns when the cycle is free again.
    expect(conflict.message).toContain(
      `until ${new Date(takenUpAt.getTime() + leaseDuration).toISOString()}`,
    );
    expect(conflict.extensions).toEqual({
      runningRunId: running.runId,
      link: `/v1/cycles/2026/rankings/runs/${running.runId}`,
    });
    expect(conflict.headers).toEqual({ location: `/v1/cycles/2026/rankings/runs/${running.runId}` });
    expect((await ports.rankings.runs(year)).map((run) => run.runId)).toEqual([running.runId]);
    expect(
      (await auditsOfCycle(ports)).filter((entry) => entry.action === 'ranking.run.started'),
    ).toHaveLength(1);
  });

  it('lets another run start once the lease has expired, by time alone', async () => {
    // Prepare: a run whose worker took it up and then went silent (no checkpoint renewed its lease)
    const { ports, runner } = await setUp();
    const silent = await runner().start(actor(), year, 'admin', 'run_silent');
    // Taken up 1 ms after its start: the lease runs until 1 ms past the start's.
    const takenUp = new Date(now.getTime() + 1);
    await runner().execute(actor({ now: takenUp }), silent, { remainingMs: () => 0, now: () => takenUp });
    const at = (ms: number) => actor({ now: new Date(now.getTime() + ms) });

    // Act
    const early = await runner()
      .start(at(leaseDuration), year, 'admin', 'run_early')
      .catch((caught: unknown) => caught);
    const late = await runner().start(at(leaseDuration + 2), year, 'admin', 'run_late');
    const silentAgain = await runner().execute(at(leaseDuration + 3), silent, {
      ...forever,
      now: () => new Date(now.getTime() + leaseDuration + 3),
    });

    // Assess
    expect(early).toBeInstanceOf(ConflictError);
    expect(late).toMatchObject({ runId: 'run_late', status: 'running' });
    expect(await ports.rankings.lease(year)).toEqual({
      runId: 'run_late',
      until: new Date(now.getTime() + 2 * leaseDuration + 2).toISOString(),
    });
    expect(silentAgain).toEqual({ outcome: 'busy', holder: 'run_late' });
    expect((await ports.rankings.runs(year)).map((run) => run.runId).sort()).toEqual([
      'run_late',
      'run_silent',
    ]);
  });

  it('hands back a run no worker took up (its starter died before launching it) to be launched again, audited', async () => {
    // Prepare: a run recorded with its lease, whose worker was never started
    const { ports, runner } = await setUp();
    const orphan = await runner().start(actor(), year, 'admin', 'run_orphan');
    const at = (ms: number) => actor({ now: new Date(now.getTime() + ms) });

    // Act
    const tooSoon = await runner()
      .start(at(launchGraceMs - 1), year, 'admin', 'run_soon')
      .catch((caught: unknown) => caught);
    const retried = await runner().start(at(launchGraceMs), year, 'admin', 'run_retry');
    const outcome = await runner().execute(at(launchGraceMs + 1), retried, {
      ...forever,
      now: () => new Date(now.getTime() + launchGraceMs + 1),
    });

    // Assess: the worker may be slow to start; after the grace the orphan is launched again
    expect(tooSoon).toBeInstanceOf(ConflictError);
    expect(retried).toMatchObject({ runId: 'run_orphan', status: 'running' });
    expect(outcome).toMatchObject({ outcome: 'published', run: { runId: orphan.runId } });
    expect((await ports.rankings.runs(year)).map((run) => run.runId)).toEqual(['run_orphan']);
    expect((await auditsOfCycle(ports)).filter((entry) => entry.action === 'ranking.run.relaunched')).toEqual(
      [expect.objectContaining({ target: 'ranking run run_orphan' })],
    );
  });

  it('refuses a cycle that does not exist', async () => {
    // Prepare
    const { ports, runner } = await setUp();

    // Act
    const started = runner().start(actor(), 2030, 'admin');

    // Assess
    await expect(started).rejects.toThrow(NotFoundError);
    await expect(started).rejects.toThrow('No cycle for 2030');
    expect(await ports.rankings.runs(2030)).toEqual([]);
  });
});

describe('executing a ranking run (in-memory ports)', () => {
  it('publishes: the pointer moves, with an audit entry and a ranking.published event', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const later = new Date(now.getTime() + 90_000);
    const run = await runner().start(actor(), year, 'admin');
    const reader = createRankingReader(ports);
    const afterPublication = new Date(`${year}-07-02T00:00:00Z`);

    // Act
    const outcome = await runner().execute(actor({ now: later }), run, { ...forever, now: () => later });

    // Assess
    expect(outcome.outcome).toBe('published');
    expect(outcome).toMatchObject({
      run: {
        runId: run.runId,
        status: 'published',
        phase: 'done',
        finishedAt: later.toISOString(),
        progress: { itemsTotal: itemsOf(120), itemsWritten: itemsOf(120) },
      },
    });
    expect(await ports.rankings.run(year, run.runId)).toEqual(
      outcome.outcome === 'published' ? outcome.run : undefined,
    );
    // The pointer keeps the run's hashes: what the next run compares its own result with.
    expect(await ports.rankings.published(year)).toEqual({
      runId: run.runId,
      publishedAt: later.toISOString(),
      inputsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      entriesSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await ports.rankings.published(year)).toMatchObject(
      outcome.outcome === 'published'
        ? { inputsSha256: outcome.run.report?.inputsSha256, entriesSha256: outcome.run.report?.entriesSha256 }
        : {},
    );
    expect(await ports.rankings.lease(year)).toBeUndefined();
    expect(ports.events.filter((event) => event.type === 'ranking.published')).toEqual([
      {
        id: expect.stringMatching(/^evt_/),
        type: 'ranking.published',
        occurredAt: later.toISOString(),
        subject: { year },
        data: { runId: run.runId, rankedAgencies: 120, link: '/v1/cycles/2026/rankings' },
      },
    ]);
    const published = (await auditsOfCycle(ports)).filter((entry) => entry.action === 'ranking.published');
    expect(published).toEqual([
      expect.objectContaining({
        at: later.toISOString(),
        target: `ranking run ${run.runId}`,
        changes: [{ field: 'publishedRunId', before: null, after: run.runId }],
      }),
    ]);
    const page = await reader.published(
      undefined,
      year,
      { scope: 'national', measure: 'index', limit: 200 },
      afterPublication,
    );
    expect(page).toMatchObject({ runId: run.runId, total: 120, publishedAt: later.toISOString() });
    expect(page.items).toHaveLength(120);
  });

  it('tells the public from when a published run is public, and says nothing of a cycle that does not exist', async () => {
    // Prepare: a published run (ranking.published has gone out) before the cycle's publication time
    const { ports, runner } = await setUp();
    const later = new Date(now.getTime() + 90_000);
    const run = await runner().start(actor(), year, 'admin');
    await runner().execute(actor({ now: later }), run, { ...forever, now: () => later });
    const reader = createRankingReader(ports);
    const query = { scope: 'national', measure: 'index', limit: 10 } as const;
    const publicationAt = (await ports.cycles.get(year))?.windows.publication.at;

    // Act
    const early = await reader.published(undefined, year, query, later).catch((caught: unknown) => caught);
    const unknown = await reader.published(undefined, 2099, query, later).catch((caught: unknown) => caught);

    // Assess
    expect(early).toBeInstanceOf(NotFoundError);
    expect((early as NotFoundError).detail).toBe(
      `The ${year} cycle’s ranking is public from its publication time, ${publicationAt}.`,
    );
    expect((unknown as NotFoundError).detail).toBe('No published ranking of the 2099 cycle (yet).');
  });

  it('reports its writing progress every 50 items, between checkpoints too, so a progress bar moves', async () => {
    // Prepare: the default checkpoint (2,000 items) is more than this whole run writes
    const { runner } = await setUp();
    const run = await runner({ checkpointEvery: 2_000 }).start(actor(), year, 'admin');
    const done: number[] = [];

    // Act
    await runner({ checkpointEvery: 2_000 }).execute(actor(), run, {
      ...forever,
      onProgress: (progress) => {
        if (progress.phase === 'writing') done.push(progress.done);
      },
    });

    // Assess
    const total = itemsOf(roster.length);
    expect(total).toBeGreaterThan(100);
    expect(done[0]).toBe(0);
    expect(done.at(-1)).toBe(total);
    const steps = done.slice(1).map((value, index) => value - (done[index] ?? 0));
    expect(Math.max(...steps)).toBeLessThanOrEqual(50);
  });

  it('moves the published pointer to the next run, auditing the switch', async () => {
    // Prepare: a result is finalized after the first run
    const { ports, runner, importResults } = await setUp({ current: roster.slice(0, 119) });
    const first = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), first, forever);
    await importResults(year, [roster[119] as RosterAgency]);

    // Act
    const second = await runner().start(actor(), year, 'admin');
    const outcome = await runner().execute(actor(), second, forever);

    // Assess
    expect(outcome.outcome).toBe('published');
    expect((await ports.rankings.published(year))?.runId).toBe(second.runId);
    expect(
      (await auditsOfCycle(ports))
        .filter((entry) => entry.action === 'ranking.published')
        .map((entry) => entry.changes),
    ).toEqual([
      [{ field: 'publishedRunId', before: first.runId, after: second.runId }],
      [{ field: 'publishedRunId', before: null, after: first.runId }],
    ]);
    expect(ports.events.filter((event) => event.type === 'ranking.published')).toHaveLength(2);
  });

  it('answers already-published for a published run and writes nothing more', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'schedule', slotRunId('2026-12-01T00:00:00Z'));
    const done = await runner().execute(actor(), run, forever);
    const commits = ports.commits();
    const events = ports.events.length;
    const audits = (await auditsOfCycle(ports)).length;
    const store = recording(ports.rankings);

    // Act
    const again = await runner({ rankings: store.rankings }).execute(actor(), run, forever);
    const restarted = await runner().start(actor(), year, 'schedule', run.runId);

    // Assess
    expect(done.outcome).toBe('published');
    expect(again).toEqual({ outcome: 'already-published', run: await ports.rankings.run(year, run.runId) });
    expect(again.outcome === 'already-published' && again.run.status).toBe('published');
    expect(restarted.status).toBe('published');
    expect(store.batches).toHaveLength(0);
    expect(ports.commits()).toBe(commits);
    expect(ports.events).toHaveLength(events);
    expect(await auditsOfCycle(ports)).toHaveLength(audits);
    expect(await ports.rankings.lease(year)).toBeUndefined();
  });

  it('stops in time with its progress saved, and resumes to publish what an uninterrupted run publishes', async () => {
    // Prepare: time for three bulk writes of 5 items
    const { ports, runner } = await setUp();
    const store = recording(ports.rankings);
    const run = await runner().start(actor(), year, 'admin');

    // Act
    const stopped = await runner({ rankings: store.rankings }).execute(actor(), run, timeFor(3));
    const saved = await ports.rankings.run(year, run.runId);
    const writtenBefore = store.written();
    const resumed = await runner({ rankings: store.rankings }).execute(actor(), run, forever);
    const uninterrupted = await uninterruptedRun();

    // Assess: stopped after 15 items, still holding the cycle, nothing published
    expect(stopped.outcome).toBe('continue');
    expect(saved).toMatchObject({
      status: 'running',
      phase: 'writing',
      progress: {
        itemsTotal: itemsOf(120),
        itemsWritten: 15,
        inputsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect(stopped.outcome === 'continue' && stopped.run).toEqual(saved);
    expect(writtenBefore).toBe(15);
    // Resumed at item 15: every item written exactly once over the two invocations.
    expect(resumed.outcome).toBe('published');
    expect(store.written()).toBe(itemsOf(120));
    expect(store.batches.slice(3).every((batch) => batch.length <= 5)).toBe(true);
    expect(await writtenBy(ports, run.runId)).toEqual(uninterrupted);
  });

  it('starts the writes over when its inputs changed between invocations, and ranks the new inputs', async () => {
    // Prepare: the last agency's result is not final yet when the run starts
    const last = roster[119] as RosterAgency;
    const { ports, runner, importResults } = await setUp({ current: roster.slice(0, 119) });
    const store = recording(ports.rankings);
    const run = await runner().start(actor(), year, 'admin');
    const stopped = await runner({ rankings: store.rankings }).execute(actor(), run, timeFor(2));
    const before = await ports.rankings.run(year, run.runId);

    // Act: the result is imported, then the run continues
    await importResults(year, [last]);
    const resumed = await runner({ rankings: store.rankings }).execute(actor(), run, forever);
    const uninterrupted = await uninterruptedRun();

    // Assess
    expect(stopped.outcome).toBe('continue');
    expect(before?.progress).toMatchObject({ itemsTotal: itemsOf(119), itemsWritten: 10 });
    expect(resumed.outcome).toBe('published');
    if (resumed.outcome !== 'published') return;
    // The second invocation wrote everything again, from the first page of the national index.
    expect(store.written()).toBe(10 + itemsOf(120));
    expect(store.batches[2]?.[0]).toMatchObject({
      kind: 'page',
      page: { scope: 'national', measure: 'index', page: 0 },
    });
    // Work is counted over both invocations: 119 + 100 results read, then 120 + 100; 10 + all written.
    const io = { itemsRead: 219 + 220, itemsWritten: 10 + itemsOf(120), readCapacity: 0, writeCapacity: 0 };
    expect(resumed.run.progress).toEqual({
      itemsTotal: itemsOf(120),
      itemsWritten: itemsOf(120),
      inputsSha256: resumed.run.report?.inputsSha256,
      io,
    });
    expect(resumed.run.report).toMatchObject({ itemsRead: io.itemsRead, itemsWritten: io.itemsWritten });
    expect(resumed.run.report?.inputsSha256).not.toBe(before?.progress.inputsSha256);
    expect(resumed.run.report?.rankedAgencies).toBe(120);
    const national = await ports.rankings.pages(year, run.runId, 'national', 'index');
    expect(national.flatMap((page) => page.rows).map((row) => row.agencyId)).toContain(last.id);
    expect(await writtenBy(ports, run.runId)).toEqual(uninterrupted);
  });

  it('records a failure with its error, frees the cycle and rethrows', async () => {
    // Prepare: the third bulk write fails
    const { ports, runner } = await setUp();
    const failure = new Error('ProvisionedThroughputExceeded, retries exhausted');
    const run = await runner().start(actor(), year, 'admin');

    // Act
    const thrown = await runner({ rankings: failingOnce(ports.rankings, 3, failure) })
      .execute(actor(), run, forever)
      .catch((caught: unknown) => caught);
    const next = await runner().start(actor(), year, 'admin');
    const failedAgain = await runner().execute(actor(), run, forever);

    // Assess
    expect(thrown).toBe(failure);
    expect(await ports.rankings.run(year, run.runId)).toMatchObject({
      status: 'failed',
      phase: 'writing',
      error: 'ProvisionedThroughputExceeded, retries exhausted',
      progress: { itemsTotal: itemsOf(120), itemsWritten: 10 },
    });
    expect(next).toMatchObject({ status: 'running' });
    expect(await ports.rankings.lease(year)).toMatchObject({ runId: next.runId });
    // The next run now holds the cycle: the failed one waits its turn.
    expect(failedAgain).toEqual({ outcome: 'busy', holder: next.runId });
    expect(await ports.rankings.published(year)).toBeUndefined();
    expect(ports.events.filter((event) => event.type === 'ranking.published')).toHaveLength(0);
  });

  it('abandons a run whose worker never started: recorded failed, the cycle free at once', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');

    // Act
    await runner().abandon(year, run.runId, 'The ranking worker could not be started');
    const next = await runner().start(actor(), year, 'admin');

    // Assess
    expect(await ports.rankings.run(year, run.runId)).toMatchObject({
      status: 'failed',
      error: 'The ranking worker could not be started',
    });
    expect(next.runId).not.toBe(run.runId);
    expect(await ports.rankings.lease(year)).toMatchObject({ runId: next.runId });
  });

  it('resumes a failed run from its checkpoint and publishes what an uninterrupted run publishes', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');
    await runner({ rankings: failingOnce(ports.rankings, 3, new Error('boom')) })
      .execute(actor(), run, forever)
      .catch(() => undefined);
    const store = recording(ports.rankings);

    // Act
    const retried = await runner({ rankings: store.rankings }).execute(actor(), run, forever);
    const uninterrupted = await uninterruptedRun();

    // Assess: the 10 items written before the failure are not written again
    expect(retried.outcome).toBe('published');
    expect(retried.outcome === 'published' && retried.run).toMatchObject({ status: 'published' });
    expect(retried.outcome === 'published' && retried.run.error).toBeUndefined();
    expect(store.written()).toBe(itemsOf(120) - 10);
    expect(await ports.rankings.published(year)).toMatchObject({ runId: run.runId });
    expect(await writtenBy(ports, run.runId)).toEqual(uninterrupted);
  });
});

describe('a ranking run under crashes and retries (in-memory ports)', () => {
  it('finds its publication committed when the answer was lost, and publishes nothing twice on the retry', async () => {
    // Prepare: the pointer switch commits, then the invocation dies before hearing so
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');
    const lostAnswer: WritePath = {
      ...ports.writes,
      commit: async (change) => {
        await ports.writes.commit(change);
        throw new Error('Task timed out after 900.00 seconds');
      },
    };
    await expect(runner({ writes: lostAnswer }).execute(actor(), run, forever)).rejects.toThrow('timed out');

    // Act: Lambda's retry of the invocation
    const retried = await runner().execute(actor(), run, forever);

    // Assess: published once, the record says so (the failed checkpoint never overwrote it)
    expect(retried.outcome).toBe('already-published');
    expect(await ports.rankings.run(year, run.runId)).toMatchObject({ status: 'published', phase: 'done' });
    expect(await ports.rankings.published(year)).toMatchObject({ runId: run.runId });
    expect(await ports.rankings.lease(year)).toBeUndefined();
    expect(ports.events.filter((event) => event.type === 'ranking.published')).toHaveLength(1);
  });

  it('publishes once when two invocations of one run race to the end (a resume beside a live run)', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');

    // Act
    const outcomes = await Promise.allSettled([
      runner().execute(actor(), run, forever),
      runner().execute(actor(), run, forever),
    ]);

    // Assess: one publication, one event; the other invocation ends without undoing it
    const published = outcomes.filter(
      (outcome) =>
        outcome.status === 'fulfilled' &&
        (outcome.value.outcome === 'published' || outcome.value.outcome === 'already-published'),
    );
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(await ports.rankings.run(year, run.runId)).toMatchObject({ status: 'published' });
    expect(await ports.rankings.published(year)).toMatchObject({ runId: run.runId });
    expect(ports.events.filter((event) => event.type === 'ranking.published')).toHaveLength(1);
    expect(await ports.rankings.lease(year)).toBeUndefined();
  });
});

describe('re-running a ranking whose result is already published (in-memory ports)', () => {
  const afterPublication = new Date(`${year}-07-02T00:00:00Z`);
  const rankingEvents = (ports: MemoryPorts) =>
    ports.events.filter((event) => event.type === 'ranking.published');
  const confirmations = async (ports: MemoryPorts) =>
    (await auditsOfCycle(ports)).filter((entry) => entry.action === 'ranking.confirmed');

  /** The store as `view` changes what the run reads of it (its results, its published pointer). */
  const viewOf = (store: RankingStore, view: Partial<RankingStore>): RankingStore => ({ ...store, ...view });

  it('confirms the published run: the pointer stays, no ranking.published, no entries written, audited', async () => {
    // Prepare: the ranking published; nothing it depends on changes; the schedule runs it again
    const { ports, runner } = await setUp();
    const first = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), first, forever);
    const pointer = await ports.rankings.published(year);
    const later = new Date(now.getTime() + 3_600_000);
    const store = recording(ports.rankings);
    const slot = slotRunId('2026-12-01T00:00:00Z');
    const second = await runner().start(actor({ now: later }), year, 'schedule', slot);

    const reported: RunProgress[] = [];

    // Act
    const outcome = await runner({ rankings: store.rankings }).execute(actor({ now: later }), second, {
      ...forever,
      now: () => later,
      onProgress: (progress) => reported.push(progress),
    });

    // Assess
    expect(outcome.outcome).toBe('unchanged');
    // Its progress ends as its record's does (0 of 0 items): a progress bar agrees with the API.
    expect(reported.at(-1)).toEqual({ phase: 'done', done: 0, total: 0 });
    const record = await ports.rankings.run(year, slot);
    expect(outcome.outcome === 'unchanged' && outcome.run).toEqual(record);
    expect(record).toMatchObject({
      status: 'unchanged',
      phase: 'done',
      finishedAt: later.toISOString(),
      confirms: { runId: first.runId, publishedAt: pointer?.publishedAt },
      // Nothing to write: a finished run reads as complete, not as 0 of every entry written
      progress: { itemsTotal: 0, itemsWritten: 0 },
      report: {
        rankedAgencies: 120,
        inputsSha256: pointer?.inputsSha256,
        entriesSha256: pointer?.entriesSha256,
        itemsWritten: 0,
        changes: {
          previousRunId: first.runId,
          moved: 0,
          enteredCount: 0,
          entered: [],
          leftCount: 0,
          left: [],
          biggestMoves: [],
        },
      },
    });
    expect(record?.error).toBeUndefined();
    expect(await ports.rankings.published(year)).toEqual(pointer);
    expect(rankingEvents(ports)).toHaveLength(1);
    expect(store.batches).toHaveLength(0);
    expect(await ports.rankings.lease(year)).toBeUndefined();
    expect(await confirmations(ports)).toEqual([
      expect.objectContaining({
        at: later.toISOString(),
        target: `ranking run ${slot}`,
        changes: [
          { field: 'confirmedRunId', before: null, after: first.runId },
          { field: 'entriesSha256', before: null, after: pointer?.entriesSha256 },
        ],
      }),
    ]);
    expect((await auditsOfCycle(ports)).filter((entry) => entry.action === 'ranking.published')).toHaveLength(
      1,
    );
    // The status read says so, and the run's entries are those of the run it confirmed.
    const reader = createRankingReader(ports);
    expect(await reader.run(year, slot, later)).toMatchObject({
      status: 'unchanged',
      confirms: { runId: first.runId },
    });
    const query = { scope: 'national', measure: 'index', limit: 200 } as const;
    const entries = await reader.ofRun(year, slot, query);
    expect(entries.runId).toBe(slot);
    expect(entries.items).toEqual((await reader.ofRun(year, first.runId, query)).items);
    expect((await reader.published(undefined, year, query, afterPublication)).runId).toBe(first.runId);
  });

  it('publishes again once a result changed since, and confirms that ranking on the next run', async () => {
    // Prepare: the last agency's result is finalized after the first publication
    const { ports, runner, importResults } = await setUp({ current: roster.slice(0, 119) });
    const first = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), first, forever);
    await importResults(year, [roster[119] as RosterAgency]);

    // Act
    const second = await runner().start(actor(), year, 'admin');
    const changed = await runner().execute(actor(), second, forever);
    const third = await runner().start(actor(), year, 'admin');
    const unchanged = await runner().execute(actor(), third, forever);

    // Assess
    expect(changed.outcome).toBe('published');
    expect(unchanged.outcome).toBe('unchanged');
    expect(unchanged.outcome === 'unchanged' && unchanged.run.confirms?.runId).toBe(second.runId);
    expect((await ports.rankings.published(year))?.runId).toBe(second.runId);
    expect(rankingEvents(ports).map((event) => event.data)).toEqual([
      expect.objectContaining({ runId: first.runId, rankedAgencies: 119 }),
      expect.objectContaining({ runId: second.runId, rankedAgencies: 120 }),
    ]);
  });

  it('publishes again when only the inputs changed (awards check the published run’s inputs hash) or only the entries', async () => {
    // Prepare: a view of the store whose results differ from the stored ones as the test says
    const { ports, runner } = await setUp();
    let change: 'none' | 'inputs' | 'entries' = 'none';
    const view = viewOf(ports.rankings, {
      results: async (target) => {
        const read = await ports.rankings.results(target);
        const results = read.results.map((result, index) => {
          if (target !== year || index !== 0) return result;
          // A new version of the same values (a re-finalized result), or the same inputs ranked into
          // other entries (as a new ranking method would).
          if (change === 'inputs') return { ...result, version: result.version + 1, sha256: 'f'.repeat(64) };
          if (change === 'entries') return { ...result, agencyName: `${result.agencyName} (baru)` };
          return result;
        });
        return { ...read, results };
      },
    });
    const runOnce = async () => {
      const run = await runner({ rankings: view }).start(actor(), year, 'admin');
      return runner({ rankings: view }).execute(actor(), run, forever);
    };

    // Act
    const first = await runOnce();
    change = 'inputs';
    const inputsOnly = await runOnce();
    change = 'entries';
    const entriesOnly = await runOnce();

    // Assess: each hash alone tells a different ranking
    expect([first.outcome, inputsOnly.outcome, entriesOnly.outcome]).toEqual([
      'published',
      'published',
      'published',
    ]);
    const [a, b, c] = [first, inputsOnly, entriesOnly].map((outcome) =>
      outcome.outcome === 'published' ? outcome.run.report : undefined,
    );
    expect(b?.entriesSha256).toBe(a?.entriesSha256);
    expect(b?.inputsSha256).not.toBe(a?.inputsSha256);
    expect(c?.entriesSha256).not.toBe(b?.entriesSha256);
    expect(rankingEvents(ports)).toHaveLength(3);
  });

  it('publishes once more over a ranking published before its hashes were kept, then confirms it', async () => {
    // Prepare: a pointer as written before the hashes were kept on it
    const { ports, runner } = await setUp();
    const first = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), first, forever);
    const legacy = viewOf(ports.rankings, {
      published: async (target) => {
        const pointer = await ports.rankings.published(target);
        return pointer ? { runId: pointer.runId, publishedAt: pointer.publishedAt } : undefined;
      },
    });

    // Act
    const second = await runner({ rankings: legacy }).start(actor(), year, 'admin');
    const republished = await runner({ rankings: legacy }).execute(actor(), second, forever);
    const third = await runner().start(actor(), year, 'admin');
    const confirmed = await runner().execute(actor(), third, forever);

    // Assess: nothing says the two are equal, so the ranking goes out once more, hashes and all
    expect(republished.outcome).toBe('published');
    expect(confirmed.outcome).toBe('unchanged');
    expect(confirmed.outcome === 'unchanged' && confirmed.run.confirms?.runId).toBe(second.runId);
    expect(rankingEvents(ports)).toHaveLength(2);
  });

  it('answers unchanged to a retry of a confirmed run whose answer was lost, confirming once', async () => {
    // Prepare: the confirmation commits, then the invocation dies before hearing so
    const { ports, runner } = await setUp();
    const first = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), first, forever);
    const second = await runner().start(actor(), year, 'admin');
    const lostAnswer: WritePath = {
      ...ports.writes,
      commit: async (change) => {
        await ports.writes.commit(change);
        throw new Error('Task timed out after 900.00 seconds');
      },
    };
    await expect(runner({ writes: lostAnswer }).execute(actor(), second, forever)).rejects.toThrow(
      'timed out',
    );

    // Act: Lambda's retry of the invocation
    const retried = await runner().execute(actor(), second, forever);

    // Assess: the failed checkpoint never overwrote the finished run
    expect(retried.outcome).toBe('unchanged');
    expect(await ports.rankings.run(year, second.runId)).toMatchObject({
      status: 'unchanged',
      confirms: { runId: first.runId },
    });
    expect(await confirmations(ports)).toHaveLength(1);
    expect(rankingEvents(ports)).toHaveLength(1);
    expect(await ports.rankings.lease(year)).toBeUndefined();
  });

  it('does not confirm a run the pointer no longer names: 409, the run failed, nothing sent', async () => {
    // Prepare: the pointer moves (another run published) between this run’s read of it and its commit
    const { ports, runner } = await setUp();
    const first = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), first, forever);
    const pointer = await ports.rankings.published(year);
    const stale = viewOf(ports.rankings, { published: async () => pointer });
    const second = await runner().start(actor(), year, 'admin');
    const moved: WritePath = {
      ...ports.writes,
      commit: async (change) =>
        ports.writes.commit({
          ...change,
          state: change.state.map((state) =>
            state.kind === 'ranking.confirm' ? { ...state, confirmedRunId: 'run_other' } : state,
          ),
        }),
    };

    // Act
    const thrown = await runner({ rankings: stale, writes: moved })
      .execute(actor(), second, forever)
      .catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(ConflictError);
    expect(await ports.rankings.run(year, second.runId)).toMatchObject({ status: 'failed' });
    expect(await ports.rankings.published(year)).toEqual(pointer);
    expect(await confirmations(ports)).toHaveLength(0);
    expect(rankingEvents(ports)).toHaveLength(1);
  });
});

describe('reading a published ranking (in-memory ports)', () => {
  const afterPublication = new Date(`${year}-07-02T00:00:00Z`);
  const cursorOf = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

  it('pages through the ranking with the cursors it returns, the last page without one', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), run, forever);
    const reader = createRankingReader(ports);
    const query = { scope: 'national', measure: 'index', limit: 100 } as const;

    // Act
    const first = await reader.published(undefined, year, query, afterPublication);
    const second = await reader.published(
      undefined,
      year,
      { ...query, cursor: first.nextCursor },
      afterPublication,
    );

    // Assess
    expect(first.items).toHaveLength(100);
    expect(second.items).toHaveLength(20);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses with 409 the next page once another run is published: its pages would mix two rankings', async () => {
    // Prepare: the first page of one run, then a result finalized and a second run published
    const { ports, runner, importResults } = await setUp({ current: roster.slice(0, 119) });
    const first = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), first, forever);
    const reader = createRankingReader(ports);
    const query = { scope: 'national', measure: 'index', limit: 50 } as const;
    const page = await reader.published(undefined, year, query, afterPublication);
    await importResults(year, [roster[119] as RosterAgency]);
    const second = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), second, forever);

    // Act
    const next = await reader
      .published(undefined, year, { ...query, cursor: page.nextCursor }, afterPublication)
      .catch((error: unknown) => error);
    const again = await reader.published(undefined, year, query, afterPublication);

    // Assess
    expect(next).toBeInstanceOf(ConflictError);
    expect((next as ConflictError).message).toContain(second.runId);
    expect(again.runId).toBe(second.runId);
  });

  it('refuses with 400 on /query/cursor a cursor of another scope, measure or cycle, rather than reading it as an offset there', async () => {
    // Prepare: both cycles ranked and published; a cursor of the national index ranking
    const { ports, runner } = await setUp();
    for (const target of [year - 1, year]) {
      const run = await runner().start(actor(), target, 'admin');
      await runner().execute(actor(), run, forever);
    }
    const reader = createRankingReader(ports);
    const query = { scope: 'national', measure: 'index', limit: 10 } as const;
    const { nextCursor: cursor } = await reader.published(undefined, year, query, afterPublication);

    // Act
    const refused = await Promise.all(
      [
        reader.published(undefined, year, { ...query, measure: 'domain-1', cursor }, afterPublication),
        reader.published(undefined, year, { ...query, scope: 'kabupaten', cursor }, afterPublication),
        reader.published(undefined, year - 1, { ...query, cursor }, afterPublication),
      ].map((read) => read.catch((error: unknown) => error)),
    );

    // Assess: not a page of another listing, and not "published again" for a cycle that was not
    for (const error of refused) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors.map((field) => field.pointer)).toEqual(['/query/cursor']);
    }
  });

  it('refuses with 400 on /query/cursor a cursor at or past the end, or beyond any page, that it never returned', async () => {
    // Prepare: 120 ranked agencies, one stored page
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), run, forever);
    const reader = createRankingReader(ports);
    const read = (offset: number) =>
      reader.published(
        undefined,
        year,
        { scope: 'national', measure: 'index', limit: 10, cursor: cursorOf(offset) },
        afterPublication,
      );

    // Act
    const refused = await Promise.all(
      [120, 121, 100_000, 1e21].map((offset) => read(offset).catch((error: unknown) => error)),
    );

    // Assess
    for (const error of refused) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors.map((field) => field.pointer)).toEqual(['/query/cursor']);
    }
  });
});

describe('the predicate a ranking shows (in-memory ports)', () => {
  const afterPublication = new Date(`${year}-07-02T00:00:00Z`);

  it('says it is the agency’s index predicate and on which value the cycle decides it, in the page and the open data', async () => {
    for (const predicateBasis of ['exact', 'rounded'] as const) {
      // Prepare: an index of 3.499 is shown 3.50; under `exact` it is Baik, the band below 3.50
      const { ports, runner } = await setUp({ predicateBasis });
      const run = await runner().start(actor(), year, 'admin');
      await runner().execute(actor(), run, forever);
      const reader = createRankingReader(ports);

      // Act
      const page = await reader.published(
        undefined,
        year,
        { scope: 'national', measure: 'domain-1', limit: 5 },
        afterPublication,
      );
      const openData = await reader.openData(year, afterPublication);

      // Assess
      expect(page.predicateBasis).toBe(predicateBasis);
      expect(openData.metadata.predicateBasis).toBe(predicateBasis);
      expect(page.predicate).toBe(openData.metadata.predicate);
      expect(page.predicate).toContain('SPBE index');
      expect(page.predicate).toContain(
        predicateBasis === 'exact' ? 'exact index' : 'index rounded half-up to 2 decimals',
      );
    }
  });
});

describe('one agency’s published positions (in-memory ports)', () => {
  const afterPublication = new Date(`${year}-07-02T00:00:00Z`);

  it('answers 404 for an agency id the registry does not know, and an empty list for one never ranked', async () => {
    // Prepare: a published run; one registered agency without a result
    const { ports, runner } = await setUp({ current: roster.slice(1) });
    const run = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), run, forever);
    const reader = createRankingReader(ports);
    const unranked = roster[0] as RosterAgency;

    // Act
    const typo = await reader.ofAgency('kab-banyuwangii', afterPublication).catch((error: unknown) => error);
    const none = await reader.ofAgency(unranked.id, afterPublication);
    const ranked = await reader.ofAgency((roster[1] as RosterAgency).id, afterPublication);

    // Assess
    expect(typo).toBeInstanceOf(NotFoundError);
    expect((typo as NotFoundError).message).toBe('No agency "kab-banyuwangii".');
    expect(none.items.filter((item) => item.year === year)).toEqual([]);
    expect(ranked.items.map((item) => item.year)).toContain(year);
  });
});

describe('one agency’s predicate beside its positions (in-memory ports)', () => {
  const afterPublication = new Date(`${year}-07-02T00:00:00Z`);

  it('gives each year’s predicate, the one the published ranking shows for the agency', async () => {
    for (const predicateBasis of ['exact', 'rounded'] as const) {
      // Prepare
      const { ports, runner } = await setUp({ predicateBasis });
      const run = await runner().start(actor(), year, 'admin');
      await runner().execute(actor(), run, forever);
      const reader = createRankingReader(ports);
      const ranking = await reader.published(
        undefined,
        year,
        { scope: 'national', measure: 'index', limit: 200 },
        afterPublication,
      );

      // Act
      const agencies = await Promise.all(
        ranking.items.map((entry) => reader.ofAgency(entry.agency.id, afterPublication)),
      );

      // Assess
      expect(agencies.map((agency) => agency.items[0]?.predicate)).toEqual(
        ranking.items.map((entry) => entry.predicate),
      );
    }
  });
});

describe('the open data’s predicate counts (in-memory ports)', () => {
  it('counts the ranked agencies of each predicate, best first, as the national index ranking shows them', async () => {
    // Prepare
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');
    await runner().execute(actor(), run, forever);
    const reader = createRankingReader(ports);

    // Act
    const { metadata, rows } = await reader.openData(year, new Date(`${year}-07-02T00:00:00Z`));

    // Assess
    const ranked = rows.filter((row) => row.measure === 'index');
    expect(metadata.predicateCounts.map((count) => count.id)).toEqual(
      framework.predicateBands.map((band) => band.id),
    );
    for (const count of metadata.predicateCounts) {
      expect(count.agencies).toBe(ranked.filter((row) => row.predicate.id === count.id).length);
    }
    expect(metadata.predicateCounts.reduce((sum, count) => sum + count.agencies, 0)).toBe(ranked.length);
  });
});

describe('the run report (in-memory ports)', () => {
  it('counts every ranking by scope and measure, the agencies, items and time', async () => {
    // Prepare: 2025 results for all but the first 20 agencies (4 kementerian, 4 lpnk, 3 of each other group)
    const { ports, runner } = await setUp();
    const later = new Date(now.getTime() + 90_000);
    const run = await runner().start(actor(), year, 'admin');

    // Act
    const outcome = await runner().execute(actor(), run, { ...forever, now: () => later });

    // Assess
    expect(outcome.outcome).toBe('published');
    const report = (await ports.rankings.run(year, run.runId))?.report;
    const withoutPrevious: Record<string, number> = {
      national: 20,
      kementerian: 4,
      lpnk: 4,
      lainnya: 3,
      provinsi: 3,
      kabupaten: 3,
      kota: 3,
    };
    expect(report?.rankings).toEqual(
      scopes.flatMap((scope) =>
        ['index', 'domain-1', 'domain-2', 'domain-3', 'domain-4', 'improvement'].map((measure) => {
          const size = scope === 'national' ? 120 : 20;
          const excluded = measure === 'improvement' ? (withoutPrevious[scope] ?? 0) : 0;
          return { scope, measure, entries: size - excluded, excluded };
        }),
      ),
    );
    expect(report).toMatchObject({
      frameworkId: 'spbe-2020',
      rankedAgencies: 120,
      previousYearAgencies: 100,
      inputsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      itemsRead: 220,
      itemsWritten: itemsOf(120),
      consumedCapacity: { read: 0, write: 0 },
      durationMs: 90_000,
    });
  });

  it('hashes the same inputs alike, and changed inputs otherwise', async () => {
    // Prepare
    const { ports, runner, importResults } = await setUp({ current: roster.slice(0, 119) });
    const runOnce = async () => {
      const run = await runner().start(actor(), year, 'admin');
      await runner().execute(actor(), run, forever);
      return (await ports.rankings.run(year, run.runId))?.report?.inputsSha256;
    };

    // Act
    const first = await runOnce();
    const second = await runOnce();
    await importResults(year, [roster[119] as RosterAgency]);
    const third = await runOnce();

    // Assess
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(third).toMatch(/^[0-9a-f]{64}$/);
    expect(third).not.toBe(first);
  });

  it('reports who moved, entered and left since the previous published run, listing at most 100 ids', async () => {
    // Prepare: index = the agency's uniform level, so the national ranks are 1, 25, 49, 73 and 97;
    // a view of the store shows the runs all results, then only 15 agencies at level 1, then all again.
    const { ports, runner } = await setUp({ levels: uniformLevels });
    const few = roster.filter((agency) => agency.index % 5 === 0).slice(0, 15);
    const fewIds = new Set(few.map((agency) => agency.id));
    let onlyFew = false;
    const view: RankingStore = {
      ...ports.rankings,
      results: async (target) => {
        const all = await ports.rankings.results(target);
        const results = all.results.filter(
          (result) => !onlyFew || target !== year || fewIds.has(result.agencyId),
        );
        return { results, stats: { items: results.length, capacity: 0 } };
      },
    };
    const publish = async () => {
      const run = await runner({ rankings: view }).start(actor(), year, 'admin');
      await runner({ rankings: view }).execute(actor(), run, forever);
      return (await ports.rankings.run(year, run.runId)) as RankingRunRecord;
    };
    const others = roster
      .filter((agency) => !fewIds.has(agency.id))
      .map((agency) => agency.id)
      .sort();

    // Act
    const first = await publish();
    onlyFew = true;
    const second = await publish();
    onlyFew = false;
    const third = await publish();

    // Assess: the first run enters everyone (the list is the first 100 ids: all but the provinces)
    expect(first.report?.changes).toEqual({
      previousRunId: null,
      moved: 0,
      enteredCount: 120,
      entered: roster
        .map((agency) => agency.id)
        .filter((id) => !id.startsWith('provinsi-'))
        .sort(),
      leftCount: 0,
      left: [],
      biggestMoves: [],
    });
    expect(first.report?.changes.entered[0]).toBe('kabupaten-uji-004');
    expect(first.report?.changes.entered[99]).toBe('lpnk-uji-115');
    // Then 105 leave, and the 15 left move from 97th to 1st.
    expect(second.report?.changes).toEqual({
      previousRunId: first.runId,
      moved: 15,
      enteredCount: 0,
      entered: [],
      leftCount: 105,
      left: others.slice(0, 100),
      biggestMoves: [...fewIds].sort().map((agencyId) => ({ agencyId, from: 97, to: 1 })),
    });
    expect(second.report?.changes.left).toHaveLength(100);
    // Then they come back.
    expect(third.report?.changes).toMatchObject({
      previousRunId: second.runId,
      moved: 15,
      enteredCount: 105,
      entered: others.slice(0, 100),
      leftCount: 0,
      left: [],
    });
    expect(third.report?.changes.biggestMoves[0]).toEqual({
      agencyId: [...fewIds].sort()[0],
      from: 1,
      to: 97,
    });
  });
});

/** A hand-made input whose four domain indices all equal its index. */
const input = (agencyId: string, index: string, group: AgencyGroup = 'provinsi'): RankingInput => ({
  agencyId,
  agencyName: `Instansi ${agencyId}`,
  group,
  version: 1,
  sha256: '0'.repeat(64),
  summary: {
    index,
    domains: { 1: index, 2: index, 3: index, 4: index },
    predicateId: 'baik',
    complete: true,
  },
});

const nationalRows = (inputs: readonly RankingInput[], previous: readonly RankingInput[] = []) =>
  computeRun(framework, year, 'run_test', inputs, previous, defaultStability).nationalIndex.flatMap(
    (page) => page.rows,
  );

describe('computeRun: the stored rows', () => {
  it('shares a rank between equal exact values (1, 2, 2, 4), listed by agency id', () => {
    // Prepare: given out of order
    const inputs = [input('m', '3.5'), input('a', '3.1'), input('z-top', '3.9'), input('k', '3.50')];

    // Act
    const rows = nationalRows(inputs);

    // Assess
    expect(rows.map((row) => [row.rank, row.agencyId, row.exact, row.display, row.displayTie])).toEqual([
      [1, 'z-top', '3.9', '3.90', false],
      [2, 'k', '3.5', '3.50', false],
      [2, 'm', '3.5', '3.50', false],
      [4, 'a', '3.1', '3.10', false],
    ]);
  });

  it('flags entries shown with the same 2 decimals as a neighbour yet ranked apart', () => {
    // Prepare
    const inputs = [input('x', '3.496'), input('y', '3.4951'), input('w', '3.4949'), input('z', '3.48')];

    // Act
    const rows = nationalRows(inputs);

    // Assess
    expect(rows.map((row) => [row.rank, row.agencyId, row.display, row.displayTie])).toEqual([
      [1, 'x', '3.50', true],
      [2, 'y', '3.50', true],
      [3, 'w', '3.49', false],
      [4, 'z', '3.48', false],
    ]);
  });

  // Inside a tie (same exact value as its neighbours) shown equal to the next rank group: every member
  // of the tie is flagged, not only the one at its edge.
  it('flags every entry of a tie shown equal to an entry ranked apart, not only the one at its edge', () => {
    // Prepare: c is 1st at 3.4960; a and b share 2nd at 3.4951; all three are shown as 3.50
    const inputs = [input('c', '3.4960'), input('a', '3.4951'), input('b', '3.4951')];

    // Act
    const rows = nationalRows(inputs);

    // Assess
    expect(rows.map((row) => [row.rank, row.agencyId, row.display, row.displayTie])).toEqual([
      [1, 'c', '3.50', true],
      [2, 'a', '3.50', true],
      [2, 'b', '3.50', true],
    ]);
  });

  it('gives last year’s rank and change, and rank ranges on the national index only', () => {
    // Prepare
    const inputs = [input('a', '4.1'), input('b', '3.2'), input('c', '2.5', 'kota')];
    const previous = [input('a', '3.0'), input('b', '3.9')];

    // Act
    const computed = computeRun(framework, year, 'run_test', inputs, previous, defaultStability);

    // Assess
    expect(
      computed.nationalIndex
        .flatMap((page) => page.rows)
        .map((row) => [row.agencyId, row.rank, row.previousRank, row.change, row.best, row.worst]),
    ).toEqual([
      ['a', 1, 2, 1, 1, 1],
      ['b', 2, 1, -1, 2, 2],
      ['c', 3, null, null, 3, 3],
    ]);
    const domainPage = computed.items.find(
      (item) => item.kind === 'page' && item.page.scope === 'national' && item.page.measure === 'domain-4',
    );
    expect(domainPage?.kind === 'page' && domainPage.page.rows[0]).toMatchObject({ agencyId: 'a', rank: 1 });
    expect(domainPage?.kind === 'page' && domainPage.page.rows.some((row) => 'best' in row)).toBe(false);
    expect(computed.items.filter((item) => item.kind === 'positions')).toHaveLength(3);
  });
});

describe('rescheduling a cycle whose publication time has passed', () => {
  it('corrects it while nothing is published, and refuses once the ranking is: 409 naming the field', async () => {
    // Prepare: the 2025 cycle's publication (1 July 2025) has passed; nothing is published yet.
    const { ports, runner } = await setUp();
    const cycles = createCycleService(ports);
    const last = await cycles.getCycle(year - 1);
    const corrected = { ...last.windows, publication: { at: '2025-07-02T00:00:00.000Z' } };

    // Act + Assess: a correction before anything is published
    const moved = await cycles.rescheduleCycle(actor(), year - 1, corrected, last.version);
    expect(moved).toMatchObject({
      version: last.version + 1,
      windows: { publication: corrected.publication },
    });

    // Act: the ranking is published, then the publication moved into the future
    const run = await runner().start(actor(), year - 1, 'admin');
    expect((await runner().execute(actor(), run, forever)).outcome).toBe('published');
    const hidden = { ...corrected, publication: { at: '2026-04-01T00:00:00.000Z' } };
    const error = await cycles
      .rescheduleCycle(actor(), year - 1, hidden, moved.version)
      .catch((caught: unknown) => caught);

    // Assess: the field as the request body holds it (PUT …/windows sends the windows themselves)
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors.map((field) => field.pointer)).toEqual(['/body/publication/at']);
    expect(await cycles.getCycle(year - 1)).toEqual(moved);
    // The other windows may still be corrected while the publication time stays.
    const shorterAppeals = {
      ...corrected,
      appeals: { ...corrected.appeals, closesAt: '2025-06-14T00:00:00.000Z' },
    };
    expect((await cycles.rescheduleCycle(actor(), year - 1, shorterAppeals, moved.version)).version).toBe(
      moved.version + 1,
    );
  });
});

describe('a cycle with nothing final', () => {
  it('refuses to start a run (409): no run, no lease, nothing published to subscribers', async () => {
    // Prepare: a 2027 cycle beside the ranked years, without a single final result
    const { ports, runner } = await setUp();
    await createCycleService(ports).createCycle(actor(), openCycle({ year: 2027, windows: windowsOf(2027) }));

    // Act
    const started = runner().start(actor(), 2027, 'admin');

    // Assess
    await expect(started).rejects.toThrow(NothingToRankError);
    await expect(started).rejects.toThrow(/no final result yet/);
    expect(await ports.rankings.runs(2027)).toEqual([]);
    expect(await ports.rankings.lease(2027)).toBeUndefined();
    expect(ports.events.filter((event) => event.type === 'ranking.published')).toEqual([]);
  });
});

describe('a run that stopped', () => {
  it('reads as stalled once its last checkpoint is older than its lease, and only then', async () => {
    // Prepare: a run started at `now`, never executed (its worker crashed before the first checkpoint)
    const { ports, runner } = await setUp();
    const run = await runner().start(actor(), year, 'admin');
    const reader = createRankingReader(ports);
    const later = (ms: number) => new Date(now.getTime() + ms);

    // Act
    const within = await reader.run(year, run.runId, later(leaseDuration - minute));
    const after = await reader.run(year, run.runId, later(leaseDuration + minute));
    const listed = await reader.runs(year, later(leaseDuration + minute));

    // Assess
    expect(within.stalled).toBeUndefined();
    expect(after).toMatchObject({ status: 'running', stalled: true });
    expect(listed.find((item) => item.runId === run.runId)?.stalled).toBe(true);
  });
});
