import { predicateNote, rankingMethod } from '#shared/api/rankings/schemas.ts';
import type { Actor } from '#shared/domain/actor.ts';
import { agencyGroups } from '#shared/domain/agency-groups.ts';
import { ConflictError, foreignCursorError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { getFramework, predicateRef } from '#shared/domain/framework/registry.ts';
import type { Framework } from '#shared/domain/framework/types.ts';
import { measuresOf } from '#shared/domain/ranking/rank.ts';
import { predicateOf } from '#shared/domain/scoring/score.ts';
import type { CycleRecord, CycleStore } from '../cycles/ports.ts';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../paging.ts';
import type { AgencyStore } from '../registry/ports.ts';
import type {
  AgencyPositionsRecord,
  RankingPageRecord,
  RankingRunRecord,
  RankingScopeKey,
  RankingStore,
  StoredRankingRow,
} from './ports.ts';
import { leaseDuration, rowsPerPage } from './run.ts';

/**
 * A run as an admin reads it: one still `running` on record whose last checkpoint is older than
 * its lease has stopped (a crash, a timeout) and is marked `stalled`, so the on-call engineer need not
 * guess from `updatedAt`.
 */
export const runView = (run: RankingRunRecord, now: Date): RankingRunRecord & { stalled?: true } =>
  run.status === 'running' && Date.parse(run.updatedAt) + leaseDuration < now.getTime()
    ? { ...run, stalled: true }
    : run;

export interface RankingReaderPorts {
  readonly cycles: CycleStore;
  readonly rankings: RankingStore;
  /** Only to tell an unknown agency id from an agency never ranked. */
  readonly agencies: Pick<AgencyStore, 'get'>;
}

const notPublished = (year: number) => new NotFoundError(`No published ranking of the ${year} cycle (yet).`);

/**
 * Cursors are the offset of the next entry, the run it pages through and the listing it belongs to
 * (cycle, scope, measure), opaque to clients: a cursor of a run since replaced by a newer
 * publication is refused, not read on in the new run (its pages would repeat or skip agencies whose
 * rank changed), and so is a cursor of another listing (read as an offset there, it would skip that
 * listing's first entries without a word). Cursors without a run or a listing (issued before they
 * were named in them) are read as offsets.
 */
interface Listing {
  readonly year: number;
  readonly scope: string;
  readonly measure: string;
}
/** What a cursor holds: the offset, and (from when they were named in it) the run and the listing. */
interface RankingCursor {
  readonly o: number;
  readonly r?: string;
  readonly y?: number;
  readonly s?: string;
  readonly m?: string;
}
const encodeCursor = (offset: number, runId: string, listing: Listing) =>
  encodeOpaqueCursor({
    o: offset,
    r: runId,
    y: listing.year,
    s: listing.scope,
    m: listing.measure,
  } satisfies RankingCursor);
const foreignCursor = () => foreignCursorError();
const absentOr = (value: unknown, type: 'string' | 'number') => value === undefined || typeof value === type;
const decodeCursor = (cursor: string | undefined): RankingCursor => {
  if (cursor === undefined) return { o: 0 };
  const value = decodeOpaqueCursor(cursor) as
    | Partial<Record<keyof RankingCursor, unknown>>
    | null
    | undefined;
  if (
    typeof value?.o === 'number' &&
    Number.isSafeInteger(value.o) &&
    value.o >= 0 &&
    absentOr(value.r, 'string') &&
    absentOr(value.y, 'number') &&
    absentOr(value.s, 'string') &&
    absentOr(value.m, 'string')
  ) {
    return value as RankingCursor;
  }
  throw foreignCursor();
};

/** The run a cursor pages through, once it is known to belong to this listing (400 otherwise). */
const cursorRunOf = (cursor: string | undefined, listing: Listing): string | undefined => {
  const { r, y = listing.year, s = listing.scope, m = listing.measure } = decodeCursor(cursor);
  if (y !== listing.year || s !== listing.scope || m !== listing.measure) throw foreignCursor();
  return r;
};

/** A stored row as served: the agency, the value, the predicate by name. */
export const rankingEntryView = (framework: Framework, row: StoredRankingRow) => {
  return {
    rank: row.rank,
    agency: { id: row.agencyId, name: row.agencyName, group: row.group },
    value: { exact: row.exact, display: row.display },
    predicate: predicateRef(framework, row.predicateId),
    previousRank: row.previousRank,
    change: row.change,
    displayTie: row.displayTie,
    ...(row.best !== undefined && row.worst !== undefined
      ? { rankRange: { best: row.best, worst: row.worst } }
      : {}),
  };
};

/**
 * An agency's predicate in one cycle, from its national index as ranked, by the framework's bands
 * under the cycle's predicate basis: how its result's predicate was decided, so the agency's page
 * says what the ranking says without storing it again in every positions item.
 */
const predicateOfEntry = (cycle: CycleRecord | undefined, entry: AgencyPositionsRecord) => {
  const index = entry.positions.find(
    (position) => position.scope === 'national' && position.measure === 'index',
  );
  if (!cycle || !index) return undefined;
  return predicateOf(getFramework(cycle.frameworkId), index.value.exact, cycle.predicateBasis);
};

/**
 * Reading rankings: the published run of a cycle (public from the cycle's publication time, admins
 * any time), any run's entries (admins), the open-data file, and one agency's positions over years.
 * Readers resolve the published pointer first: they see one run whole, never a mix.
 */
export const createRankingReader = ({ cycles, rankings, agencies }: RankingReaderPorts) => {
  /** The cycle, when the caller may see its published ranking: from its publication time, or an admin. */
  const visibleCycle = (
    actor: Actor | undefined,
    year: number,
    cycle: CycleRecord | undefined,
    now: Date,
  ): CycleRecord => {
    if (!cycle) throw notPublished(year);
    const publicationAt = cycle.windows.publication.at;
    if (Date.parse(publicationAt) > now.getTime() && actor?.role !== 'admin') {
      // Said whether or not a run is published: `ranking.published` may already have sent readers here.
      throw new NotFoundError(
        `The ${year} cycle’s ranking is public from its publication time, ${publicationAt}.`,
      );
    }
    return cycle;
  };

  /** The cycle and its published pointer, in one round trip; 404 until the caller may see them. */
  const publication = async (actor: Actor | undefined, year: number, now: Date) => {
    const read = await rankings.read(year, { published: true });
    const cycle = visibleCycle(actor, year, read.cycle, now);
    if (!read.published) throw notPublished(year);
    return { cycle, published: read.published };
  };

  type PageQuery = { scope: RankingScopeKey; measure: string; limit: number; cursor?: string | undefined };

  const frameworkFor = (cycle: CycleRecord, measure: string) => {
    const framework = getFramework(cycle.frameworkId);
    if (!measuresOf(framework).includes(measure as never)) {
      throw new ValidationError(`The ${framework.id} framework has no measure ${measure}.`, {
        errors: [{ pointer: '/query/measure', detail: `One of ${measuresOf(framework).join(', ')}` }],
      });
    }
    return framework;
  };

  /** The stored pages holding entries [offset, offset + limit): at most two. */
  const pageNumbersOf = (query: PageQuery) => {
    const { o: offset } = decodeCursor(query.cursor);
    return {
      offset,
      first: Math.floor(offset / rowsPerPage),
      numbers: [Math.floor(offset / rowsPerPage), Math.floor((offset + query.limit - 1) / rowsPerPage)],
    };
  };

  const pageOf = (
    cycle: CycleRecord,
    runId: string,
    query: PageQuery,
    publishedAt: string | undefined,
    pages: readonly RankingPageRecord[],
  ) => {
    const framework = frameworkFor(cycle, query.measure);
    const { offset, first } = pageNumbersOf(query);
    const head = pages[0];
    // A returned cursor always points inside the ranking (0 < offset < total). One past its end, or
    // on a page that does not exist, was made or kept from another listing: a 400 naming it, not a
    // 404 saying that a ranking which exists does not.
    if (query.cursor !== undefined && (head ? offset >= head.total : first > 0)) throw foreignCursor();
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
      predicateBasis: cycle.predicateBasis,
      predicate: predicateNote(cycle.predicateBasis),
      total: head.total,
      items: slice.map((row) => rankingEntryView(framework, row)),
      ...(next < head.total ? { nextCursor: encodeCursor(next, runId, { year: cycle.year, ...query }) } : {}),
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
      const { cycle, published } = await publication(actor, year, now);
      frameworkFor(cycle, query.measure);
      const paging = cursorRunOf(query.cursor, { year, ...query });
      if (paging !== undefined && paging !== published.runId) {
        throw new ConflictError(
          `The ${year} ranking was published again (run ${published.runId}) after this cursor’s page (run ${paging}): start again from the first page, without a cursor.`,
        );
      }
      const { pages } = await rankings.read(year, {
        pages: { runId: published.runId, ...query, numbers: pageNumbersOf(query).numbers },
      });
      return pageOf(cycle, published.runId, query, published.publishedAt, pages);
    },

    /**
     * A page of any run's ranking (admins: inspect a run before or after it is published; an
     * unchanged run shows the entries of the published run it confirmed).
     */
    ofRun: async (
      year: number,
      runId: string,
      query: { scope: RankingScopeKey; measure: string; limit: number; cursor?: string | undefined },
    ) => {
      const paging = cursorRunOf(query.cursor, { year, ...query });
      if (paging !== undefined && paging !== runId) throw foreignCursor();
      // Every key is known: the cycle, the run and its pages in one round trip.
      const numbers = pageNumbersOf(query).numbers;
      const { cycle, run, pages } = await rankings.read(year, {
        runId,
        pages: { runId, ...query, numbers },
      });
      if (!cycle || !run) throw new NotFoundError(`No ranking run ${runId} of the ${year} cycle.`);
      // An unchanged run wrote no entries: its entries are those of the run it confirmed (equal by
      // their hash), read in a second step.
      if (run.status === 'unchanged' && run.confirms && pages.length === 0) {
        const confirmed = await rankings.read(year, {
          pages: { runId: run.confirms.runId, ...query, numbers },
        });
        return pageOf(cycle, runId, query, undefined, confirmed.pages);
      }
      return pageOf(cycle, runId, query, undefined, pages);
    },

    run: async (year: number, runId: string, now: Date) => {
      const run = await rankings.run(year, runId);
      if (!run) throw new NotFoundError(`No ranking run ${runId} of the ${year} cycle.`);
      return runView(run, now);
    },

    runs: async (year: number, now: Date) => {
      const runs = await rankings.runs(year);
      // No run yet: is there such a cycle? (A run proves it; no second read when there is one.)
      if (runs.length === 0 && !(await cycles.get(year))) throw new NotFoundError(`No cycle for ${year}.`);
      return runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1)).map((run) => runView(run, now));
    },

    /**
     * The open-data file of the published ranking: every agency's national rank by every measure,
     * with its group rank, and the method and framework stated.
     */
    openData: async (year: number, now: Date) => {
      const { cycle, published } = await publication(undefined, year, now);
      const framework = getFramework(cycle.frameworkId);
      const measures = measuresOf(framework);
      const scopes: RankingScopeKey[] = ['national', ...agencyGroups];
      // Every ranking of the run in one Query of its partition, then grouped by scope and measure.
      const stored = await rankings.allPages(year, published.runId);
      const pages = measures.flatMap((measure) =>
        scopes.map((scope) => ({
          scope,
          measure,
          rows: stored
            .filter((page) => page.scope === scope && page.measure === measure)
            .sort((a, b) => a.page - b.page)
            .flatMap((page) => page.rows),
        })),
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
      // The year's first figure in the press ("how many agencies are Baik or better?"), best first.
      const indexRows = rows.filter((row) => row.measure === 'index');
      const predicateCounts = [...framework.predicateBands]
        .sort((a, b) => b.min - a.min)
        .map((band) => ({
          id: band.id,
          name: band.name,
          nameEn: band.nameEn,
          agencies: indexRows.filter((row) => row.predicate.id === band.id).length,
        }));
      return {
        metadata: {
          title: `Peringkat Indeks SPBE ${year} / SPBE index rankings ${year}`,
          year,
          runId: published.runId,
          publishedAt: published.publishedAt,
          framework: { id: framework.id, name: framework.name, regulation: framework.regulation },
          method: rankingMethod,
          predicateBasis: cycle.predicateBasis,
          predicate: predicateNote(cycle.predicateBasis),
          predicateCounts,
          licence: 'Open data of the Government of Indonesia (public information under UU 14/2008)',
        },
        rows,
      };
    },

    /**
     * One agency's positions in the published rankings of published cycles, newest first. 404 for an
     * id the registry does not know: a mistyped id must not read as "never ranked". Positions prove
     * the agency exists, so only an empty list needs the registry read.
     */
    ofAgency: async (agencyId: string, now: Date) => {
      const positions = await rankings.positions(agencyId);
      if (positions.length === 0 && !(await agencies.get(agencyId))) {
        throw new NotFoundError(`No agency "${agencyId}".`);
      }
      const years = [...new Set(positions.map((entry) => entry.year))];
      // The cycles and pointers of those years only, in one round trip.
      const publications = years.length > 0 ? await rankings.publications(years) : new Map();
      const published = new Map(
        [...publications].flatMap(([year, { published: pointer }]) => (pointer ? [[year, pointer]] : [])),
      );
      const visible = new Set(
        [...publications.values()]
          .filter(({ cycle }) => Date.parse(cycle.windows.publication.at) <= now.getTime())
          .map(({ cycle }) => cycle.year),
      );
      return {
        agencyId,
        items: positions
          .filter((entry) => visible.has(entry.year) && published.get(entry.year)?.runId === entry.runId)
          .sort((a, b) => b.year - a.year)
          .map((entry) => {
            const predicate = predicateOfEntry(publications.get(entry.year)?.cycle, entry);
            return {
              year: entry.year,
              runId: entry.runId,
              ...(predicate ? { predicate } : {}),
              positions: entry.positions.map((position) => ({ ...position })),
              ...(entry.rankRange ? { rankRange: entry.rankRange } : {}),
            };
          }),
      };
    },
  };
};

export type RankingReader = ReturnType<typeof createRankingReader>;
