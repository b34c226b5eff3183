import type * as z from 'zod';
import type { AwardPublicationSchema, AwardSchema } from '#shared/api/awards/schemas.ts';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import type { AwardCandidate } from '#shared/domain/awards/draft.ts';
import { type AwardRecord, categoryHeading, poolHeading } from '#shared/domain/awards/publication.ts';
import { findFramework, predicateRef } from '#shared/domain/framework/registry.ts';
import type { AwardPublicationSummary } from './ports.ts';

type AwardView = z.input<typeof AwardSchema>;
type PublicationView = z.input<typeof AwardPublicationSchema>;

/** A predicate by its names in the framework (the id itself when the framework does not know it). */
export const predicateView = (frameworkId: string, predicateId: string | undefined) =>
  predicateRef(findFramework(frameworkId), predicateId ?? '');

/** An award record as the API shows it. */
export const awardView = (record: AwardRecord): AwardView => ({
  id: record.awardId,
  year: record.year,
  publicationVersion: record.publicationVersion,
  number: record.number,
  category: {
    id: record.categoryId,
    nameId: record.categoryNameId,
    nameEn: record.categoryNameEn,
    measure: record.measure,
  },
  pool: { groups: [...record.poolGroups], nameId: record.poolNameId, nameEn: record.poolNameEn },
  agency: { id: record.agencyId, name: record.agencyName, group: record.group },
  rank: record.rank,
  value: { exact: record.valueExact, display: record.valueDisplay },
  predicate: predicateView(record.frameworkId, record.predicateId),
  citation: { id: record.citationId, en: record.citationEn },
  basis: {
    rankingRunId: record.rankingRunId,
    inputsSha256: record.inputsSha256,
    result: { version: record.resultVersion, sha256: record.resultSha256 },
  },
  sha256: record.sha256,
});

/** A publication version as the API shows it (who asked for it is in the audit trail). */
export const publicationView = (publication: AwardPublicationSummary): PublicationView => ({
  year: publication.year,
  version: publication.version,
  status: publication.status,
  reason: publication.reason,
  ...(publication.note === undefined ? {} : { note: publication.note }),
  previousVersion: publication.previousVersion,
  previousSha256: publication.previousSha256,
  rules: { id: publication.rulesId, nameId: publication.rulesNameId, nameEn: publication.rulesNameEn },
  rankingRunId: publication.rankingRunId,
  inputsSha256: publication.inputsSha256,
  decisionsThrough: publication.decisionsThrough,
  awardCount: publication.awardCount,
  recipientCount: publication.recipientCount,
  startedAt: publication.startedAt,
  ...(publication.publishedAt === undefined ? {} : { publishedAt: publication.publishedAt }),
  sha256: publication.sha256,
});

/** A draft winner or runner-up. */
export const candidateView = (frameworkId: string, candidate: AwardCandidate) => ({
  rank: candidate.rank,
  agency: { id: candidate.agencyId, name: candidate.agencyName, group: candidate.group },
  value: { exact: candidate.value.exact, display: candidate.value.display },
  predicate: predicateView(frameworkId, candidate.predicateId),
  citation: candidate.citation,
});

/** Awards grouped by the publication's categories and pools, in the rules' order. */
export const categoriesView = (publication: AwardPublicationSummary, awards: readonly AwardRecord[]) => {
  const poolKey = (categoryId: string, groups: readonly AgencyGroup[]) => `${categoryId}#${groups.join('-')}`;
  const byPool = new Map<string, AwardRecord[]>();
  for (const award of awards) {
    const key = poolKey(award.categoryId, award.poolGroups);
    byPool.set(key, [...(byPool.get(key) ?? []), award]);
  }
  return publication.categories.map((category) => ({
    ...categoryHeading(category),
    pools: category.pools.map((pool) => ({
      ...poolHeading(pool),
      awards: (byPool.get(poolKey(category.id, pool.groups)) ?? [])
        .sort((a, b) => a.rank - b.rank || (a.agencyId < b.agencyId ? -1 : 1))
        .map(awardView),
    })),
  }));
};
