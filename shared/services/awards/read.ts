import type { AwardRecord } from '#shared/domain/awards/publication.ts';
import { awardsAsOf, yearOfAwardId } from '#shared/domain/awards/publication.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { CycleStore } from '../cycles/ports.ts';
import type { RankingStore, StoredRankingRow } from '../rankings/ports.ts';
import type { AgencyStore } from '../registry/ports.ts';
import type { AwardPointer, AwardPublicationSummary, AwardStore } from './ports.ts';
import { awardView, categoriesView, publicationView } from './views.ts';

export interface AwardReaderPorts {
  readonly awards: AwardStore;
  /** Which cycles exist, for the index of years with published awards. */
  readonly cycles: Pick<CycleStore, 'list'>;
  readonly rankings: Pick<RankingStore, 'pages' | 'published'>;
  /** Only to tell an unknown agency id from an agency without an award. */
  readonly agencies: Pick<AgencyStore, 'get'>;
}

const notPublished = (year: number) => new NotFoundError(`No published awards of the ${year} cycle (yet).`);

const newestFirst = (a: AwardRecord, b: AwardRecord) => b.publicationVersion - a.publicationVersion;

/** The published versions up to the current one, newest first. */
const historyOf = (versions: readonly AwardPublicationSummary[], current: number) =>
  versions
    .filter((version) => version.status === 'published' && version.version <= current)
    .sort((a, b) => b.version - a.version);

/**
 * Public reads of published awards. Each resolves the cycle's published pointer first and then reads
 * the awards up to that version only (those of later versions are left out), so a reader sees one
 * publication whole — never a version being written — and before the first publication every route
 * answers 404.
 */
export const createAwardReader = ({ awards, rankings, agencies, cycles }: AwardReaderPorts) => {
  /**
   * The current publication with every version's award records (one Query, as one version's
   * would be): the current awards, and those revisions withdrew, newest withdrawal first.
   */
  const currentWithWithdrawn = async <Extra>(
    year: number,
    alongside: (current: AwardPublicationSummary) => Promise<Extra>,
  ) => {
    const { pointer, versions } = await awards.publications(year);
    const current = pointer ? versions.find((version) => version.version === pointer.version) : undefined;
    if (!pointer || !current) throw notPublished(year);
    // Once the pointer is known, the records and what the caller reads beside them: one round trip.
    const [all, extra] = await Promise.all([awards.allAwards(year), alongside(current)]);
    const { current: records, withdrawn } = awardsAsOf(all, pointer.version);
    withdrawn.sort(
      (a, b) => b.withdrawnInVersion - a.withdrawnInVersion || (a.record.awardId < b.record.awardId ? -1 : 1),
    );
    return { current, history: historyOf(versions, pointer.version), records, withdrawn, extra };
  };

  const cycleAwards = async (year: number) => {
    const { current, history, records, withdrawn } = await currentWithWithdrawn(year, async () => undefined);
    return {
      year,
      publication: publicationView(current),
      history: history.map(publicationView),
      categories: categoriesView(current, records),
      withdrawn: withdrawn.map(({ record, withdrawnInVersion }) => ({
        ...awardView(record),
        withdrawnInVersion,
      })),
    };
  };

  return {
    /** Every category and pool of a cycle's current publication, with the history of versions. */
    cycleAwards,

    /** One award: as the current publication holds it, or as last held, and every version of it. */
    award: async (awardId: string) => {
      const year = yearOfAwardId(awardId);
      const pointer: AwardPointer | undefined = year === undefined ? undefined : await awards.pointer(year);
      if (year === undefined || !pointer) throw new NotFoundError(`No published award ${awardId}.`);
      const versions = Array.from({ length: pointer.version }, (_, index) => index + 1);
      const records = (await awards.awardVersions(year, awardId, versions)).sort(newestFirst);
      const latest = records[0];
      if (!latest) throw new NotFoundError(`No published award ${awardId}.`);
      const current = latest.publicationVersion === pointer.version;
      return {
        award: awardView(latest),
        status: current ? ('current' as const) : ('withdrawn' as const),
        currentPublicationVersion: pointer.version,
        ...(current ? {} : { withdrawnInVersion: latest.publicationVersion + 1 }),
        history: records.map(awardView),
      };
    },

    /**
     * One agency's published awards across cycles, newest first, with those a revision withdrew.
     * 404 until the agency has a published award; for an id the registry does not know, 404 saying so.
     */
    agencyAwards: async (agencyId: string) => {
      const indexed = await awards.agencyAwards(agencyId);
      const years = [...new Set(indexed.map((record) => record.year))];
      const pointers = await awards.pointers(years);
      /** A cycle's records up to its published version: those in it, and the awards withdrawn before. */
      const split = (records: readonly AwardRecord[], year: number, version: number) =>
        awardsAsOf(
          records.filter((record) => record.year === year),
          version,
        );
      // The agency's index is eventually consistent: just after a revision it may not hold an
      // award's record in the new version yet, and the award would read as withdrawn. An award that
      // looks withdrawn is checked against the published version's record, read consistently.
      const lagging = years.flatMap((year) => {
        const version = pointers.get(year)?.version;
        if (version === undefined) return [];
        return split(indexed, year, version).withdrawn.map(({ record }) => ({
          year,
          version,
          awardId: record.awardId,
        }));
      });
      const records = [...indexed, ...(await awards.awardsAt(lagging))];
      const items = years
        .sort((a, b) => b - a)
        .flatMap((year) => {
          const pointer = pointers.get(year);
          if (!pointer) return [];
          const { current, withdrawn } = split(records, year, pointer.version);
          if (current.length === 0 && withdrawn.length === 0) return [];
          return [
            {
              year,
              publicationVersion: pointer.version,
              awards: current.map(awardView),
              withdrawn: withdrawn.map(({ record, withdrawnInVersion }) => ({
                ...awardView(record),
                withdrawnInVersion,
              })),
            },
          ];
        });
      if (items.length === 0) {
        // A mistyped id must not read as "won nothing": the registry read only on this path.
        if (indexed.length === 0 && !(await agencies.get(agencyId))) {
          throw new NotFoundError(`No agency "${agencyId}".`);
        }
        throw new NotFoundError(`No published award of ${agencyId}.`);
      }
      return { agencyId, items };
    },

    /**
     * The cycles whose awards are published, newest first: the index of the awards pages. Two reads:
     * the cycles, then their published pointers in one batch.
     */
    publishedYears: async () => {
      const years = (await cycles.list()).map((cycle) => cycle.year);
      const pointers = await awards.pointers(years);
      return years
        .sort((a, b) => b - a)
        .flatMap((year) => {
          const pointer = pointers.get(year);
          return pointer
            ? [{ year, publicationVersion: pointer.version, publishedAt: pointer.publishedAt }]
            : [];
        });
    },

    /**
     * What the public awards page shows: the current publication, the awards revisions withdrew (a
     * link shared before a revision still lands on its award, marked withdrawn) and the national
     * index ranking. The cycle's award records of every version are one Query, as one version's are.
     * The published ranking's pointer is read alongside (no extra round trip): the page's open-data
     * link serves that run, which a re-run after appeals makes newer than the one the awards rest on.
     */
    page: async (year: number) => {
      const [{ current, history, records, withdrawn, extra }, published] = await Promise.all([
        currentWithWithdrawn(year, (publication) =>
          rankings.pages(year, publication.rankingRunId, 'national', 'index'),
        ),
        rankings.published(year),
      ]);
      const national: StoredRankingRow[] = extra.flatMap((page) => page.rows);
      return {
        publication: current satisfies AwardPublicationSummary,
        history,
        records,
        withdrawn,
        national,
        openDataRunId: published?.runId,
      };
    },
  };
};

export type AwardReader = ReturnType<typeof createAwardReader>;
