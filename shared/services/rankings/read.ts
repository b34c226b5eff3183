import { rankingMethod } from '#shared/api/rankings/schemas.ts';
import type { Actor } from '#shared/domain/actor.ts';
import { agencyGroups } from '#shared/domain/agency-groups.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Framework } from '#shared/domain/framework/types.ts';
import { measuresOf } from '#shared/domain/ranking/rank.ts';
import type { CycleRecord, CycleStore } from '../cycles/ports.ts';
import type { RankingPageRecord, RankingScopeKey, RankingStore, StoredRankingRow } from './ports.ts';
import { rowsPerPage } from './run.ts';

export interface RankingReaderPorts {
  readonly cycles: CycleStore;
  readonly rankings: RankingStore;
}

const notPublished = (year: number) => new NotFoundError(`No published ranking of the ${year} cycle (yet).`);

/** Cursors are the offset of the next entry, opaque to clients. */
const encodeOffset = (offset: number) =>
  Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
const decodeOffset = (cursor: string | undefined): number => {
  if (cursor === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0) return value.o;
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not one this listing returned.', {
    errors: [
      { pointer: '/query/cursor', detail: 'Use the nextCursor of the previous page with the same filters' },
    ],
  });
};

/** A stored row as served: the agency, the value, the predicate by name. */
export const rankingEntryView = (framework: Framework, row: StoredRankingRow) => {
  const band = framework.predicateBands.find((candidate) => candidate.id === row.predicateId);
  return {
    rank: row.rank,
    agency: { id: row.agencyId, name: row.agencyName, group: row.group },
    value: { exact: row.exact, display: row.display },
    predicate: {
      id: row.predicateId,
      name: band?.name ?? row.predicateId,
      nameEn: band?.nameEn ?? row.predicateId,
    },
    previousRank: row.previousRank,
    change: row.change,
    displayTie: row.displayTie,
    ...(row.best !== undefined && row.worst !== undefined
      ? { rankRange: { best: row.best, worst: row.worst } }
      : {}),
  };
};

/**
 * Reading rankings: the published run of a cycle (public from the cycle's publication time, admins
 * any time), any run's entries (admins), the open-data file, and one agency's positions over years.
 * Readers resolve the published pointer first: they see one run whole, never a mix.
 */
export const createRankingReader = ({ cycles, rankings }: RankingReaderPorts) => {
  const publicCycle = async (actor: Actor | undefined, year: number, now: Date): Promise<CycleRecord> => {
    const cycle = await cycles.get(year);
    const published = cycle !== undefined && Date.parse(cycle.windows.publication.at) <= now.getTime();
    if (!cycle || (!published && actor?.role !== 'admin')) throw notPublished(year);
    return cycle;
  };

  const pageOf = async (
    cycle: CycleRecord,
    runId: string,
    query: { scope: RankingScopeKey; measure: string; limit: number; cursor?: string | undefined },
    publishedAt: string | undefined,
  ) => {
    const framework = getFramework(cycle.frameworkId);
    if (!measuresOf(framework).includes(query.measure as never)) {
      throw new ValidationError(`The ${framework.id} framework has no measure ${query.measure}.`, {
        errors: [{ pointer: '/query/measure', detail: `One of ${measuresOf(framework).join(', ')}` }],
      });
    }
    const offset = decodeOffset(query.cursor);
    // The entries [offset, offset + limit) lie on at most two stored pages.
    const first = Math.floor(offset / rowsPerPage);
    const last = Math.floor((offset + query.limit - 1) / rowsPerPage);
    const loaded = await Promise.all(
      [...new Set([first, last])].map((page) =>
        rankings.page(cycle.year, runId, query.scope, query.measure, page),
      ),
    );
    const pages = loaded.filter((page): page is RankingPageRecord => page !== undefined);
    const head = pages[0];
    if (!head) throw new NotFoundError(`No ${query.scope} ranking by ${query.measure} in run ${runId}.`);
    const rows = pages.flatMap((page) => page.rows);
    const start = offset - first * rowsPerPage;
    const slice = rows.slice(start, start + query.limit);
    const next = offset + slice.length;
    return {
      year: cycle.year,
      runId,
      scope: query.scope,
      measure: query.measure,
      frameworkId: framework.id,
      ...(publishedAt ? { publishedAt } : {}),
      method: rankingMethod,
      total: head.total,
      items: slice.map((row) => rankingEntryView(framework, row)),
      ...(next < head.total ? { nextCursor: encodeOffset(next) } : {}),
    };
  };

  return {
    /** A page of the published ranking of a scope and measure. */
    published: async (
      actor: Actor | undefined,
      year: number,
      query: { scope: RankingScopeKey; measure: string; limit: number; cursor?: string | undefined },
      now: Date,
    ) => {
      const cycle = await publicCycle(actor, year, now);
      const published = await rankings.published(year);
      if (!published) throw notPublished(year);
      return pageOf(cycle, published.runId, query, published.publishedAt);
    },

    /** A page of any run's ranking (admins: inspect a run before or after it is published). */
    ofRun: async (
      year: number,
      runId: string,
      query: { scope: RankingScopeKey; measure: string; limit: number; cursor?: string | undefined },
    ) => {
      const [cycle, run] = await Promise.all([cycles.get(year), rankings.run(year, runId)]);
      if (!cycle || !run) throw new NotFoundError(`No ranking run ${runId} of the ${year} cycle.`);
      return pageOf(cycle, runId, query, undefined);
    },

    run: async (year: number, runId: string) => {
      const run = await rankings.run(year, runId);
      if (!run) throw new NotFoundError(`No ranking run ${runId} of the ${year} cycle.`);
      return run;
    },

    runs: async (year: number) => {
      if (!(await cycles.get(year))) throw new NotFoundError(`No cycle for ${year}.`);
      return (await rankings.runs(year)).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
    },

    /**
     * The open-data file of the published ranking: every agency's national rank by every measure,
     * with its group rank, and the method and framework stated.
     */
    openData: async (year: number, now: Date) => {
      const cycle = await publicCycle(undefined, year, now);
      const published = await rankings.published(year);
      if (!published) throw notPublished(year);
      const framework = getFramework(cycle.frameworkId);
      const measures = measuresOf(framework);
      const scopes: RankingScopeKey[] = ['national', ...agencyGroups];
      const pages = await Promise.all(
        measures.flatMap((measure) =>
          scopes.map(async (scope) => ({
            scope,
            measure,
            rows: (await rankings.pages(year, published.runId, scope, measure)).flatMap((page) => page.rows),
          })),
        ),
      );
      const groupRank = new Map<string, number>();
      for (const ranking of pages.filter((entry) => entry.scope !== 'national')) {
        for (const row of ranking.rows) groupRank.set(`${ranking.measure}#${row.agencyId}`, row.rank);
      }
      const rows = pages
        .filter((entry) => entry.scope === 'national')
        .flatMap((ranking) =>
          ranking.rows.map((row) => ({
            measure: ranking.measure,
            ...rankingEntryView(framework, row),
            groupRank: groupRank.get(`${ranking.measure}#${row.agencyId}`) ?? null,
          })),
        );
      return {
        metadata: {
          title: `Peringkat Indeks SPBE ${year} / SPBE index rankings ${year}`,
          year,
          runId: published.runId,
          publishedAt: published.publishedAt,
          framework: { id: framework.id, name: framework.name, regulation: framework.regulation },
          method: rankingMethod,
          licence: 'Open data of the Government of Indonesia (public information under UU 14/2008)',
        },
        rows,
      };
    },

    /** One agency's positions in the published rankings of published cycles, newest first. */
    ofAgency: async (agencyId: string, now: Date) => {
      const positions = await rankings.positions(agencyId);
      const years = [...new Set(positions.map((entry) => entry.year))];
      const [published, cycleList] = await Promise.all([rankings.publishedMany(years), cycles.list()]);
      const visible = new Set(
        cycleList
          .filter((cycle) => Date.parse(cycle.windows.publication.at) <= now.getTime())
          .map((cycle) => cycle.year),
      );
      return {
        agencyId,
        items: positions
          .filter((entry) => visible.has(entry.year) && published.get(entry.year)?.runId === entry.runId)
          .sort((a, b) => b.year - a.year)
          .map((entry) => ({
            year: entry.year,
            runId: entry.runId,
            positions: entry.positions.map((position) => ({ ...position })),
            ...(entry.rankRange ? { rankRange: entry.rankRange } : {}),
          })),
      };
    },
  };
};

export type RankingReader = ReturnType<typeof createRankingReader>;
