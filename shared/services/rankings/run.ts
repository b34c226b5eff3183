import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { canonicalJson } from '#shared/domain/audit.ts';
import { ConflictError, NotFoundError } from '#shared/domain/errors.ts';
import { domainEvent, eventTypes, type IdSource } from '#shared/domain/events.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Framework } from '#shared/domain/framework/types.ts';
import {
  prepareRanking,
  type Ranking,
  type RankingEntry,
  rank,
  standardRankingQueries,
} from '#shared/domain/ranking/rank.ts';
import {
  approximate,
  defaultStability,
  type RankRange,
  rankRanges,
  type StabilityOptions,
} from '#shared/domain/ranking/stability.ts';
import { sha256Hex, sha256HexOfLines } from '#shared/domain/results.ts';
import type { CycleStore } from '../cycles/ports.ts';
import type { WritePath } from '../ports.ts';
import type {
  AgencyPositionsRecord,
  IoStats,
  PublishedRun,
  RankingInput,
  RankingLease,
  RankingPageRecord,
  RankingRunRecord,
  RankingScopeKey,
  RankingStore,
  StoredRankingRow,
} from './ports.ts';

/** Rows per stored page: ~400 × 250 bytes ≈ 100 KB, well inside DynamoDB's 400 KB item limit. */
export const rowsPerPage = 400;

/**
 * A run holds the cycle's lease for this long from its last checkpoint: longer than one Lambda
 * invocation (15 min), so a live run never loses it, short enough that a crashed run's cycle is free
 * again the same hour.
 */
export const leaseDuration = 20 * 60 * 1000;

/** A run no worker has taken up this long after its start is orphaned: the next start launches it. */
export const launchGraceMs = 2 * 60 * 1000;

/** Agency ids listed per change in a run report (entered, left); the counts are complete. */
const changeListLimit = 100;

/** Leave this much of a Lambda invocation for the checkpoint and the self-continuation. */
const safetyMarginMs = 60_000;

/** Checkpoint after this many items written: a restarted run redoes at most this much. */
const checkpointEvery = 2_000;

/**
 * Report the writing's progress after this many items (two bulk writes of 25), between checkpoints
 * too: 620 agencies are about 660 items, one checkpoint, and a bar that jumped from 0 to 100 %.
 */
const progressEvery = 50;

export const scopeKeyOf = (scope: Ranking['scope']): RankingScopeKey =>
  scope === 'national' ? 'national' : ((scope[0] ?? 'national') as RankingScopeKey);

/** A cycle without a single final result: a run would publish an empty ranking. */
export class NothingToRankError extends ConflictError {}

export interface RankingRunnerPorts {
  readonly cycles: CycleStore;
  readonly rankings: RankingStore;
  readonly writes: WritePath;
  readonly ids: IdSource;
  readonly stability?: StabilityOptions;
  /** Items written between checkpoints; default {@link checkpointEvery}. */
  readonly checkpointEvery?: number;
}

export interface RunProgress {
  readonly phase: RankingRunRecord['phase'];
  readonly done: number;
  readonly total: number;
}

export interface ExecuteOptions {
  /** Time left in this invocation (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  readonly now: () => Date;
  readonly onProgress?: (progress: RunProgress) => void;
}

export type ExecuteOutcome =
  | { readonly outcome: 'published'; readonly run: RankingRunRecord }
  | { readonly outcome: 'already-published'; readonly run: RankingRunRecord }
  /**
   * Identical to the published ranking (same inputs, same entries): the run is recorded `unchanged`,
   * confirming the published run; the pointer stays, no `ranking.published` is sent. A retry of a
   * run already finished this way answers the same.
   */
  | { readonly outcome: 'unchanged'; readonly run: RankingRunRecord }
  /** Out of time: progress saved; continue with another invocation for the same run id. */
  | { readonly outcome: 'continue'; readonly run: RankingRunRecord }
  /** Another run of the cycle holds the lease. */
  | { readonly outcome: 'busy'; readonly holder: string };

/** Scheduled runs are named by their schedule slot, so the Scheduler's retries of a slot are one run. */
export const slotRunId = (scheduledTime: string): string => {
  const time = new Date(scheduledTime);
  if (Number.isNaN(time.getTime())) throw new Error(`Not a schedule time: ${scheduledTime}`);
  return `slot-${time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
};

/** SHA-256 over every input result (agency, version, hash), in agency order: what the run ranked. */
export const inputsDigest = (
  frameworkId: string,
  current: readonly RankingInput[],
  previous: readonly RankingInput[],
) =>
  sha256Hex(
    [
      frameworkId,
      ...[current, previous].map((results) =>
        [...results]
          .sort((a, b) => (a.agencyId < b.agencyId ? -1 : a.agencyId > b.agencyId ? 1 : 0))
          .map((result) => `${result.agencyId}:${result.version}:${result.sha256}`)
          .join('\n'),
      ),
    ].join('\n--\n'),
  );

/**
 * SHA-256 over everything a run would publish (every ranking page's rows, every agency's positions),
 * the run id left out: two runs with equal entries hash alike, whatever their ids. Key order does
 * not count (canonical JSON).
 */
export const entriesDigest = (items: ReturnType<typeof computeRun>['items']): string =>
  sha256HexOfLines(
    (function* () {
      for (const item of items) {
        const { runId: _page, ...entry } = item.kind === 'page' ? item.page : item.positions;
        yield `${item.kind}:${canonicalJson(entry)}`;
      }
    })(),
  );

/** The ranking entries of a cycle's results, with last year's index for improvement. */
export const entriesOf = (
  results: readonly RankingInput[],
  previous: ReadonlyMap<string, RankingInput>,
): RankingEntry[] =>
  results.map((result) => ({
    agencyId: result.agencyId,
    agencyName: result.agencyName,
    group: result.group,
    index: result.summary.index,
    domains: result.summary.domains,
    previousIndex: previous.get(result.agencyId)?.summary.index ?? null,
    predicateId: result.summary.predicateId,
    complete: result.summary.complete,
  }));

/**
 * Everything a run writes, computed from its inputs alone — the same inputs give the same items in
 * the same order, so a run resumed after a crash continues exactly where it stopped.
 */
export const computeRun = (
  framework: Framework,
  year: number,
  runId: string,
  current: readonly RankingInput[],
  previous: readonly RankingInput[],
  stability: StabilityOptions,
) => {
  const byId = new Map(current.map((result) => [result.agencyId, result]));
  const previousById = new Map(previous.map((result) => [result.agencyId, result]));
  const prepared = prepareRanking(entriesOf(current, previousById));
  const preparedPrevious = prepareRanking(entriesOf(previous, new Map()));
  const rankings = standardRankingQueries(framework).map((query) => {
    // Last year's rank in the same scope and measure gives `previousRank` and `change`.
    const lastYear = query.measure === 'improvement' ? undefined : rank(preparedPrevious, query);
    return rank(prepared, { ...query, ...(lastYear ? { previous: lastYear } : {}) });
  });
  const ranges: Map<string, RankRange> = rankRanges(
    framework,
    current.map((result) => ({
      agencyId: result.agencyId,
      domainIndices: framework.domains.map((domain) => approximate(result.summary.domains[domain.no] ?? '0')),
    })),
    stability,
  );

  const pages: RankingPageRecord[] = [];
  const positions = new Map<string, AgencyPositionsRecord['positions'][number][]>();
  for (const ranking of rankings) {
    const scope = scopeKeyOf(ranking.scope);
    const withRanges = scope === 'national' && ranking.measure === 'index';
    // Shown equal (2 decimals) to another entry, yet ranked apart: readers must not be misled. Every
    // entry of such a display value is flagged, so members of one exact tie always agree.
    const exactsByDisplay = new Map<string, Set<string>>();
    for (const row of ranking.rows) {
      const exacts = exactsByDisplay.get(row.value.display) ?? new Set<string>();
      exacts.add(row.value.exact);
      exactsByDisplay.set(row.value.display, exacts);
    }
    const rows: StoredRankingRow[] = ranking.rows.map((row) => {
      const displayTie = (exactsByDisplay.get(row.value.display)?.size ?? 0) > 1;
      const range = withRanges ? ranges.get(row.agencyId) : undefined;
      return {
        rank: row.rank,
        agencyId: row.agencyId,
        agencyName: row.agencyName ?? row.agencyId,
        group: row.group,
        exact: row.value.exact,
        display: row.value.display,
        predicateId: byId.get(row.agencyId)?.summary.predicateId ?? '',
        previousRank: row.previousRank,
        change: row.change,
        displayTie,
        ...(range ? { best: range.best, worst: range.worst } : {}),
      };
    });
    const count = Math.max(1, Math.ceil(rows.length / rowsPerPage));
    for (let page = 0; page < count; page++) {
      pages.push({
        year,
        runId,
        scope,
        measure: ranking.measure,
        page,
        pages: count,
        total: rows.length,
        rows: rows.slice(page * rowsPerPage, (page + 1) * rowsPerPage),
      });
    }
    for (const row of rows) {
      const list = positions.get(row.agencyId) ?? [];
      list.push({
        scope,
        measure: ranking.measure,
        rank: row.rank,
        of: rows.length,
        value: { exact: row.exact, display: row.display },
      });
      positions.set(row.agencyId, list);
    }
  }
  const agencyItems: AgencyPositionsRecord[] = [...positions]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([agencyId, list]) => {
      const range = ranges.get(agencyId);
      return { year, runId, agencyId, positions: list, ...(range ? { rankRange: range } : {}) };
    });
  const items = [
    ...pages.map((page) => ({ kind: 'page' as const, page })),
    ...agencyItems.map((entry) => ({ kind: 'positions' as const, positions: entry })),
  ];
  return {
    rankings,
    items,
    nationalIndex: pages.filter((page) => page.scope === 'national' && page.measure === 'index'),
  };
};

/**
 * The national ranking run: ranks every final result of a cycle by every measure, nationally and per
 * group, with last year's rank, improvement and rank stability; writes the entries under the run id;
 * publishes by switching the cycle's pointer in one audited transaction with `ranking.published`.
 *
 * Exactly once: a scheduled run's id is its schedule slot, an admin run's a new id; the run record is
 * created once; a lease (times compared, never TTL) keeps two runs of a cycle apart; the writes are
 * deterministic by position, so a run stopped half-way resumes from its last checkpoint (or restarts,
 * when its inputs changed meanwhile) and publishes what an uninterrupted run would have.
 */
export const createRankingRunner = (ports: RankingRunnerPorts) => {
  const { cycles, rankings, writes, ids } = ports;
  const stability = ports.stability ?? defaultStability;
  const batchSize = ports.checkpointEvery ?? checkpointEvery;

  /**
   * The run holding the cycle's lease if no worker ever took it up: the lease is still the one its
   * start wrote (a worker renews it the moment it begins), and the start is `launchGraceMs` old. Its
   * starter died between recording the run and launching its worker (a Lambda timeout), and
   * nothing else would run it before the lease lapses in 20 minutes.
   */
  const orphanOf = async (
    year: number,
    holder: RankingLease,
    now: Date,
  ): Promise<RankingRunRecord | undefined> => {
    const run = await rankings.run(year, holder.runId);
    if (run?.status !== 'running') return undefined;
    const started = Date.parse(run.startedAt);
    const untouched = Date.parse(holder.until) === started + leaseDuration;
    return untouched && now.getTime() - started >= launchGraceMs ? run : undefined;
  };

  /** An orphaned run, handed back to be launched again: the caller starts its worker. Audited. */
  const relaunched = async (actor: Actor, run: RankingRunRecord): Promise<RankingRunRecord> => {
    await writes.commit({
      state: [],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle', year: run.year },
          'ranking.run.relaunched',
          `ranking run ${run.runId}`,
          [{ field: 'reason', before: null, after: 'no worker took the run up' }],
        ),
      ],
      events: [],
    });
    return run;
  };

  /**
   * Creates a run and takes the cycle's lease for it. 409 with the running run's link when another
   * run holds the lease; an existing run of that id (a retried slot) is returned as it is.
   */
  const start = async (
    actor: Actor,
    year: number,
    trigger: RankingRunRecord['trigger'],
    runId: string = ids.next('run'),
  ): Promise<RankingRunRecord> => {
    // The cycle and a run of this id (a retried slot) in one read; whether anything is final, beside it.
    const [{ cycle, run: existing }, anyResult] = await Promise.all([
      rankings.read(year, { runId }),
      rankings.hasResults(year),
    ]);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}: nothing to rank.`);
    if (existing) return existing;
    if (!anyResult) {
      throw new NothingToRankError(
        `The ${year} cycle has no final result yet: nothing to rank. Finalize (or import) results first; a ranking of none would be published to every subscriber.`,
      );
    }
    const now = actor.now.toISOString();
    const run: RankingRunRecord = {
      year,
      runId,
      trigger,
      requestedBy: actor.subject,
      status: 'running',
      phase: 'reading',
      startedAt: now,
      updatedAt: now,
      progress: { itemsTotal: 0, itemsWritten: 0 },
    };
    const outcome = await writes.commit({
      state: [
        {
          kind: 'ranking.start',
          run,
          leaseUntil: new Date(actor.now.getTime() + leaseDuration).toISOString(),
          now,
        },
      ],
      audits: [
        auditEntry(actor, { kind: 'cycle', year }, 'ranking.run.started', `ranking run ${runId}`, [
          { field: 'trigger', before: null, after: trigger },
        ]),
      ],
      events: [],
    });
    if (!outcome.committed) {
      const raced = await rankings.run(year, runId);
      if (raced) return raced;
      const holder = await rankings.lease(year);
      const orphan = holder ? await orphanOf(year, holder, actor.now) : undefined;
      if (orphan) return relaunched(actor, orphan);
      throw new ConflictError(
        `Ranking run ${holder?.runId ?? '(unknown)'} of the ${year} cycle is still running; poll it instead of starting another.` +
          // A crashed run still holds the lease: say when the cycle is free again without it.
          (holder
            ? ` Its lease, renewed at every checkpoint, lasts until ${holder.until}; if the run has stopped, a new one can start then.`
            : ''),
        {
          extensions: {
            runningRunId: holder?.runId,
            link: holder ? `/v1/cycles/${year}/rankings/runs/${holder.runId}` : undefined,
          },
          headers: holder ? { location: `/v1/cycles/${year}/rankings/runs/${holder.runId}` } : {},
        },
      );
    }
    return run;
  };

  /** Does the run's work, resuming from its checkpoint, until published or out of time. */
  const execute = async (
    actor: Actor,
    request: { readonly year: number; readonly runId: string },
    options: ExecuteOptions,
  ): Promise<ExecuteOutcome> => {
    const { year, runId } = request;
    let run = await rankings.run(year, runId);
    if (!run) throw new NotFoundError(`No ranking run ${runId} of the ${year} cycle.`);
    if (run.status === 'published') return { outcome: 'already-published', run };
    if (run.status === 'unchanged') return { outcome: 'unchanged', run };
    const lease = () => new Date(options.now().getTime() + leaseDuration).toISOString();
    const holder = await rankings.acquireLease(year, runId, lease(), options.now().toISOString());
    if (holder) return { outcome: 'busy', holder: holder.runId };

    const save = async (changes: Partial<RankingRunRecord>) => {
      run = { ...(run as RankingRunRecord), ...changes, updatedAt: options.now().toISOString() };
      await rankings.checkpoint(run);
      await rankings.acquireLease(year, runId, lease(), options.now().toISOString());
    };
    try {
      if (run.status === 'failed') await save({ status: 'running', error: undefined });
      const cycle = await cycles.get(year);
      if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
      const framework = getFramework(cycle.frameworkId);
      options.onProgress?.({ phase: 'reading', done: 0, total: 0 });
      const [current, previous] = await Promise.all([rankings.results(year), rankings.results(year - 1)]);
      const inputsSha256 = inputsDigest(framework.id, current.results, previous.results);
      options.onProgress?.({ phase: 'ranking', done: 0, total: current.results.length });
      const computed = computeRun(framework, year, runId, current.results, previous.results, stability);
      const entriesSha256 = entriesDigest(computed.items);
      const total = computed.items.length;
      // Inputs changed since the last checkpoint (a result finalized meanwhile): start the writes over.
      const resumeAt =
        run.progress.inputsSha256 === inputsSha256 ? Math.min(run.progress.itemsWritten, total) : 0;
      let written = resumeAt;
      // Work over every invocation of this run: what earlier ones recorded, plus this one's.
      const before = run.progress.io ?? { itemsRead: 0, itemsWritten: 0, readCapacity: 0, writeCapacity: 0 };
      const io = {
        itemsRead: before.itemsRead + current.stats.items + previous.stats.items,
        itemsWritten: before.itemsWritten,
        readCapacity: before.readCapacity + current.stats.capacity + previous.stats.capacity,
        writeCapacity: before.writeCapacity,
      };
      const progress = () => ({ itemsTotal: total, itemsWritten: written, inputsSha256, io: { ...io } });
      const report = (
        finishedAt: string,
        changes: NonNullable<RankingRunRecord['report']>['changes'],
      ): NonNullable<RankingRunRecord['report']> => ({
        frameworkId: framework.id,
        rankedAgencies: current.results.length,
        previousYearAgencies: previous.results.length,
        inputsSha256,
        entriesSha256,
        rankings: computed.rankings.map((ranking) => ({
          scope: scopeKeyOf(ranking.scope),
          measure: ranking.measure,
          entries: ranking.rows.length,
          excluded: ranking.excluded.length,
        })),
        itemsRead: io.itemsRead,
        itemsWritten: io.itemsWritten,
        consumedCapacity: { read: io.readCapacity, write: io.writeCapacity },
        durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse((run as RankingRunRecord).startedAt)),
        changes,
      });

      // The published ranking, before anything is written: identical to this run's (the same input
      // results, the same entries; both hashes, since awards check the published run's inputs hash
      // against the current results), the run confirms it instead of publishing it again.
      const published = await rankings.published(year);
      if (
        published?.inputsSha256 === inputsSha256 &&
        published.entriesSha256 === entriesSha256 &&
        published.runId !== runId
      ) {
        const confirmed = await confirm(actor, run, published, {
          finishedAt: options.now().toISOString(),
          // It writes nothing: a finished run whose progress reads 0 of every entry would look stuck.
          progress: { ...progress(), itemsTotal: 0, itemsWritten: 0 },
          report,
          entriesSha256,
        });
        // Nothing to write: the progress goes from ranking to done, 0 of 0 items as the record says
        // (not `total` of `total`: a progress bar would claim writes the API shows were never made).
        options.onProgress?.({ phase: 'done', done: 0, total: 0 });
        return confirmed;
      }

      await save({ phase: 'writing', progress: progress() });
      options.onProgress?.({ phase: 'writing', done: written, total });
      while (written < total) {
        if (options.remainingMs() < safetyMarginMs) {
          await save({ progress: progress() });
          return { outcome: 'continue', run };
        }
        const checkpointAt = Math.min(written + batchSize, total);
        while (written < checkpointAt) {
          const part = computed.items.slice(written, Math.min(written + progressEvery, checkpointAt));
          const wrote: IoStats = await rankings.writeItems(part);
          io.itemsWritten += wrote.items;
          io.writeCapacity += wrote.capacity;
          written += part.length;
          options.onProgress?.({ phase: 'writing', done: written, total });
        }
        await save({ progress: progress() });
      }

      options.onProgress?.({ phase: 'publishing', done: total, total });
      const changes = await changesAgainst(year, published?.runId, computed.nationalIndex);
      const finishedAt = options.now().toISOString();
      const done: RankingRunRecord = {
        ...run,
        status: 'published',
        phase: 'done',
        updatedAt: finishedAt,
        finishedAt,
        progress: { itemsTotal: total, itemsWritten: total, inputsSha256, io: { ...io } },
        report: report(finishedAt, changes),
      };
      const outcome = await writes.commit({
        state: [
          { kind: 'ranking.publish', run: done, previousRunId: published?.runId, publishedAt: finishedAt },
        ],
        audits: [
          auditEntry(actor, { kind: 'cycle', year }, 'ranking.published', `ranking run ${runId}`, [
            { field: 'publishedRunId', before: published?.runId ?? null, after: runId },
          ]),
        ],
        events: [
          domainEvent(
            ids,
            eventTypes.rankingPublished,
            options.now(),
            { year },
            {
              runId,
              rankedAgencies: current.results.length,
              link: `/v1/cycles/${year}/rankings`,
            },
          ),
        ],
      });
      if (!outcome.committed) {
        throw new ConflictError(
          `Ranking run ${runId} could not be published: another run published meanwhile.`,
        );
      }
      options.onProgress?.({ phase: 'done', done: total, total });
      return { outcome: 'published', run: done };
    } catch (error) {
      // Recorded as failed with its progress, and the cycle freed: a retry of this run resumes it.
      run = {
        ...(run as RankingRunRecord),
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
      };
      await rankings.checkpoint(run).catch(() => undefined);
      await rankings.releaseLease(year, runId).catch(() => undefined);
      throw error;
    }
  };

  /**
   * Finishes a run whose result is the published ranking: recorded `unchanged` with the run it
   * confirms, audited, the lease released — one transaction of the audited path that checks the
   * pointer (still that run, with these hashes) and leaves it, with no event. It wrote no entries
   * (they would be the published run's again); its report says nothing moved.
   */
  const confirm = async (
    actor: Actor,
    run: RankingRunRecord,
    published: PublishedRun,
    result: {
      readonly finishedAt: string;
      readonly progress: RankingRunRecord['progress'];
      readonly report: (
        finishedAt: string,
        changes: NonNullable<RankingRunRecord['report']>['changes'],
      ) => NonNullable<RankingRunRecord['report']>;
      readonly entriesSha256: string;
    },
  ): Promise<ExecuteOutcome> => {
    const { finishedAt } = result;
    const report = result.report(finishedAt, {
      previousRunId: published.runId,
      moved: 0,
      enteredCount: 0,
      entered: [],
      leftCount: 0,
      left: [],
      biggestMoves: [],
    });
    const done: RankingRunRecord = {
      ...run,
      status: 'unchanged',
      phase: 'done',
      updatedAt: finishedAt,
      finishedAt,
      progress: result.progress,
      confirms: { runId: published.runId, publishedAt: published.publishedAt },
      report,
    };
    const outcome = await writes.commit({
      state: [
        {
          kind: 'ranking.confirm',
          run: done,
          confirmedRunId: published.runId,
          inputsSha256: report.inputsSha256,
          entriesSha256: result.entriesSha256,
        },
      ],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle', year: run.year },
          'ranking.confirmed',
          `ranking run ${run.runId}`,
          [
            { field: 'confirmedRunId', before: null, after: published.runId },
            { field: 'entriesSha256', before: null, after: result.entriesSha256 },
          ],
        ),
      ],
      events: [],
    });
    if (!outcome.committed) {
      throw new ConflictError(
        `Ranking run ${run.runId} could not confirm the published run ${published.runId}: another run published meanwhile.`,
      );
    }
    return { outcome: 'unchanged', run: done };
  };

  /** Who moved, entered and left the national index ranking since the previous published run. */
  const changesAgainst = async (
    year: number,
    previousRunId: string | undefined,
    pages: readonly RankingPageRecord[],
  ): Promise<NonNullable<RankingRunRecord['report']>['changes']> => {
    const now = new Map(pages.flatMap((page) => page.rows).map((row) => [row.agencyId, row.rank]));
    // Lists are capped (a first run "enters" every agency: 100,000 ids would not fit the run record);
    // the counts are complete.
    const listed = (agencyIds: string[]) => agencyIds.sort().slice(0, changeListLimit);
    if (!previousRunId)
      return {
        previousRunId: null,
        moved: 0,
        enteredCount: now.size,
        entered: listed([...now.keys()]),
        leftCount: 0,
        left: [],
        biggestMoves: [],
      };
    const before = new Map(
      (await rankings.pages(year, previousRunId, 'national', 'index'))
        .flatMap((page) => page.rows)
        .map((row) => [row.agencyId, row.rank]),
    );
    const entered = [...now.keys()].filter((agencyId) => !before.has(agencyId));
    const left = [...before.keys()].filter((agencyId) => !now.has(agencyId));
    const moves = [...now]
      .filter(([agencyId, rankNow]) => before.has(agencyId) && before.get(agencyId) !== rankNow)
      .map(([agencyId, to]) => ({ agencyId, from: before.get(agencyId) as number, to }));
    return {
      previousRunId,
      moved: moves.length,
      enteredCount: entered.length,
      entered: listed(entered),
      leftCount: left.length,
      left: listed(left),
      biggestMoves: moves.sort((a, b) => Math.abs(b.from - b.to) - Math.abs(a.from - a.to)).slice(0, 20),
    };
  };

  /**
   * Records a run that could not be started (its worker never launched) as failed and frees the
   * cycle, so the next trigger need not wait for the lease to expire.
   */
  const abandon = async (year: number, runId: string, reason: string): Promise<void> => {
    const run = await rankings.run(year, runId);
    if (run?.status === 'running') await rankings.checkpoint({ ...run, status: 'failed', error: reason });
    await rankings.releaseLease(year, runId);
  };

  return { start, execute, abandon };
};

export type RankingRunner = ReturnType<typeof createRankingRunner>;
