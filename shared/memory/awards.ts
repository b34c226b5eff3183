import type { AwardDecision } from '#shared/domain/awards/decisions.ts';
import type { AwardPublication, AwardRecord } from '#shared/domain/awards/publication.ts';
import type { AwardPointer, AwardStateChange, AwardStore } from '#shared/services/awards/ports.ts';

/**
 * A cycle's awards in memory, with the DynamoDB adapter's conditions (`shared/dynamodb/award-store.ts`),
 * for service unit tests.
 */
export const createMemoryAwards = () => {
  const decisions = new Map<string, AwardDecision>();
  const publications = new Map<string, AwardPublication>();
  const pointers = new Map<number, AwardPointer>();
  const records = new Map<string, AwardRecord>();
  const recipients = new Map<string, Set<string>>();
  const versionKey = (year: number, version: number) => `${year}#${version}`;
  const recordKey = (year: number, version: number, awardId: string) => `${year}#${version}#${awardId}`;

  const holds = (change: AwardStateChange): boolean => {
    switch (change.kind) {
      case 'award.decision':
        return !decisions.has(`${change.decision.year}#${change.decision.number}`);
      case 'award.claim': {
        const { year, version, previousVersion, decisionsThrough } = change.publication;
        return (
          !publications.has(versionKey(year, version)) &&
          pointers.get(year)?.version === (previousVersion ?? undefined) &&
          !decisions.has(`${year}#${decisionsThrough + 1}`)
        );
      }
      case 'award.recipient':
        return (
          !recipients.get(versionKey(change.year, change.version))?.has(change.agencyId) &&
          change.awards.every((award) => !records.has(recordKey(change.year, change.version, award.awardId)))
        );
      case 'award.publish': {
        const { year, version, previousVersion } = change.publication;
        return (
          publications.get(versionKey(year, version))?.status === 'publishing' &&
          pointers.get(year)?.version === (previousVersion ?? undefined)
        );
      }
    }
  };

  const apply = (change: AwardStateChange): void => {
    switch (change.kind) {
      case 'award.decision':
        decisions.set(`${change.decision.year}#${change.decision.number}`, change.decision);
        return;
      case 'award.claim':
        publications.set(versionKey(change.publication.year, change.publication.version), change.publication);
        return;
      case 'award.recipient': {
        const key = versionKey(change.year, change.version);
        recipients.set(key, new Set([...(recipients.get(key) ?? []), change.agencyId]));
        for (const award of change.awards)
          records.set(recordKey(change.year, change.version, award.awardId), award);
        return;
      }
      case 'award.publish': {
        const { year, version, publishedAt, sha256 } = change.publication;
        const stored = publications.get(versionKey(year, version));
        if (stored)
          publications.set(versionKey(year, version), { ...stored, status: 'published', publishedAt });
        pointers.set(year, { version, publishedAt: publishedAt ?? '', sha256 });
        return;
      }
    }
  };

  const ofYear = (year: number) => [...records.values()].filter((record) => record.year === year);
  const byId = (a: AwardRecord, b: AwardRecord) =>
    a.awardId < b.awardId ? -1 : a.awardId > b.awardId ? 1 : 0;

  const store: AwardStore = {
    decision: async (year, number) => decisions.get(`${year}#${number}`),
    decisions: async (year) =>
      [...decisions.values()]
        .filter((decision) => decision.year === year)
        .sort((a, b) => a.number - b.number),
    publications: async (year) => ({
      pointer: pointers.get(year),
      versions: [...publications.values()]
        .filter((publication) => publication.year === year)
        .sort((a, b) => a.version - b.version)
        .map(({ awards: _awards, ...summary }) => summary),
    }),
    publication: async (year, version) => publications.get(versionKey(year, version)),
    pointer: async (year) => pointers.get(year),
    pointers: async (years) =>
      new Map(
        years.flatMap((year) => {
          const pointer = pointers.get(year);
          return pointer ? [[year, pointer] as const] : [];
        }),
      ),
    awards: async (year, version) =>
      ofYear(year)
        .filter((record) => record.publicationVersion === version)
        .sort(byId),
    allAwards: async (year) => ofYear(year).sort(byId),
    awardsAt: async (refs) =>
      refs.flatMap(({ year, version, awardId }) => {
        const record = records.get(recordKey(year, version, awardId));
        return record ? [record] : [];
      }),
    awardVersions: async (year, awardId, versions) =>
      versions.flatMap((version) => {
        const record = records.get(recordKey(year, version, awardId));
        return record ? [record] : [];
      }),
    recipients: async (year, version) => new Set(recipients.get(versionKey(year, version)) ?? []),
    agencyAwards: async (agencyId) => [...records.values()].filter((record) => record.agencyId === agencyId),
    unfinished: async (startedBy) =>
      [...publications.values()]
        .filter((publication) => publication.status === 'publishing' && publication.startedAt <= startedBy)
        .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0))
        .map(({ year, version, startedAt }) => ({ year, version, startedAt })),
  };

  /** Whether a year's awards are published (the pointer exists): what `cycle.unpublished` checks. */
  const isPublished = (year: number): boolean => pointers.has(year);

  return { store, holds, apply, isPublished };
};
