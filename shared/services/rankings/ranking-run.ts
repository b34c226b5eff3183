import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import {
  prepareRanking,
  type Ranking,
  type RankingEntry,
  rank,
  standardRankingQueries,
} from '#shared/domain/ranking/rank.ts';
import type { ResultSummary } from '#shared/domain/results.ts';
import type { CycleRecord } from '../cycles/ports.ts';

/** A cycle's final result of one agency, as the ranking run reads it. */
export interface FinalResult {
  readonly agencyId: string;
  readonly agencyName?: string | undefined;
  readonly group: AgencyGroup;
  readonly summary: ResultSummary;
}

export interface RankingRunSummary {
  readonly year: number;
  readonly runId: string;
  readonly trigger: 'schedule' | 'admin';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly frameworkId: string;
  readonly rankedAgencies: number;
  readonly previousYearAgencies: number;
  readonly rankings: number;
}

export interface RankingStore {
  cycle(year: number): Promise<CycleRecord | undefined>;
  /** Every final result of a cycle (empty before results are computed). */
  finalResults(year: number): Promise<FinalResult[]>;
  /** Writes the rankings under a new run id, then the run summary; never overwrites a run. */
  saveRun(summary: RankingRunSummary, rankings: readonly Ranking[]): Promise<void>;
}

const entriesOf = (
  results: readonly FinalResult[],
  previous: ReadonlyMap<string, FinalResult>,
): RankingEntry[] =>
  results.map((result) => ({
    agencyId: result.agencyId,
    ...(result.agencyName ? { agencyName: result.agencyName } : {}),
    group: result.group,
    index: result.summary.index,
    domains: result.summary.domains,
    previousIndex: previous.get(result.agencyId)?.summary.index ?? null,
    predicateId: result.summary.predicateId,
    complete: result.summary.complete,
  }));

/**
 * The national ranking run (scheduled yearly, or on demand): ranks every final result of the
 * cycle by every measure of its framework, nationally and per group, with last year's rank and the
 * change, and stores the rankings as a new immutable run.
 */
export const runRankings = async (
  store: RankingStore,
  options: { year: number; runId: string; trigger: 'schedule' | 'admin'; now: () => Date },
): Promise<RankingRunSummary> => {
  const startedAt = options.now().toISOString();
  const cycle = await store.cycle(options.year);
  if (!cycle) throw new NotFoundError(`No cycle for ${options.year}: nothing to rank.`);
  const framework = getFramework(cycle.frameworkId);
  const [current, previous] = await Promise.all([
    store.finalResults(options.year),
    store.finalResults(options.year - 1),
  ]);
  const previousById = new Map(previous.map((result) => [result.agencyId, result]));
  const prepared = prepareRanking(entriesOf(current, previousById));
  const preparedPrevious = prepareRanking(entriesOf(previous, new Map()));
  const rankings = standardRankingQueries(framework).map((query) => {
    // Last year's rank per agency in the same scope and measure gives `previousRank` and `change`.
    const lastYear = query.measure === 'improvement' ? undefined : rank(preparedPrevious, query);
    return rank(prepared, { ...query, ...(lastYear ? { previous: lastYear } : {}) });
  });
  const summary: RankingRunSummary = {
    year: options.year,
    runId: options.runId,
    trigger: options.trigger,
    startedAt,
    finishedAt: options.now().toISOString(),
    frameworkId: framework.id,
    rankedAgencies: current.length,
    previousYearAgencies: previous.length,
    rankings: rankings.length,
  };
  await store.saveRun(summary, rankings);
  return summary;
};
