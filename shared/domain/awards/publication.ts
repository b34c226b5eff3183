/**
 * Award publication, pure: the numbered, immutable award records of a publication version, their
 * hashes and the publication's (chained to the previous version's), and what each recipient is told.
 *
 * Ids. An award's id names the cycle, the category, the pool and a number: `apd-2025-layanan-
 * provinsi-1`. Numbers are given per pool in rank order at the first publication; a later version
 * keeps the id of every award an agency still holds in that pool and gives a new winner the next
 * number never used in the pool. So an id always means the same agency's award — a link in a press
 * article never comes to show another agency — and a withdrawn award keeps its id in the history.
 */
import type { AgencyGroup } from '../agency-groups.ts';
import { canonicalJson } from '../audit.ts';
import type { Measure } from '../ranking/rank.ts';
import { sha256Hex } from '../results.ts';
import type { AwardDraft } from './draft.ts';
import type { AwardRules } from './rules.ts';

/** "Anugerah Pemerintahan Digital": the prefix of every award id. */
export const awardIdPrefix = 'apd';

/**
 * The most awards one publication holds: they travel inside the publication record (the claim a
 * crashed publication is finished from), which must stay under DynamoDB's 400 KB item limit at about
 * 1 KB an award. The largest known rule set (2024: top 10 of five pools plus improvement) gives 65.
 */
export const maxAwardsPerPublication = 300;

/**
 * The most a publication record may weigh, as JSON (which over-counts DynamoDB's own measure): long
 * agency and category names (up to 200 characters, each written three times per award) can make 300
 * awards too heavy for one item, so the size is checked as well as the count.
 */
export const maxPublicationBytes = 350_000;

/** Why a publication record would be too large for one item, or null. */
export const publicationSizeProblem = (publication: AwardPublication): string | null => {
  const bytes = Buffer.byteLength(JSON.stringify(publication), 'utf8');
  return bytes > maxPublicationBytes
    ? `The ${publication.awardCount} awards come to ${Math.round(bytes / 1000)} KB; one publication holds at most ${maxPublicationBytes / 1000} KB.`
    : null;
};

export const revisionReasons = ['revocation', 'correction'] as const;
export type RevisionReason = (typeof revisionReasons)[number];
/** Why a publication version exists: the first publication, or a revision of the one before. */
export type PublicationReason = 'initial' | RevisionReason;

/** One award of one publication version, as stored and published: written once, never changed. */
export interface AwardRecord {
  readonly awardId: string;
  readonly year: number;
  readonly publicationVersion: number;
  /** The number in the id: per pool, in the order first awarded. */
  readonly number: number;
  readonly categoryId: string;
  readonly categoryNameId: string;
  readonly categoryNameEn: string;
  readonly measure: Measure;
  readonly poolGroups: readonly AgencyGroup[];
  readonly poolNameId: string;
  readonly poolNameEn: string;
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
  readonly rank: number;
  readonly valueExact: string;
  readonly valueDisplay: string;
  readonly predicateId: string;
  /** The framework of the results (the predicate's bands, the domains' names). */
  readonly frameworkId: string;
  readonly citationId: string;
  readonly citationEn: string;
  /** The published ranking run it rests on, and the SHA-256 of every result that run ranked. */
  readonly rankingRunId: string;
  readonly inputsSha256: string;
  /** The winner's own result version and its hash. */
  readonly resultVersion: number;
  readonly resultSha256: string;
  /** SHA-256 of the canonical encoding of every field above. */
  readonly sha256: string;
}

/** The rules' shape as published: categories and their pools, names included. */
export interface PublicationCategory {
  readonly id: string;
  readonly nameId: string;
  readonly nameEn: string;
  readonly measure: Measure;
  readonly pools: readonly {
    readonly groups: readonly AgencyGroup[];
    readonly nameId: string;
    readonly nameEn: string;
  }[];
}

type CategoryPool = PublicationCategory['pools'][number];

/** A category's heading (the draft's, a publication's): what every view of awards groups them under. */
export const categoryHeading = ({ id, nameId, nameEn, measure }: PublicationCategory) => ({
  id,
  nameId,
  nameEn,
  measure,
});

/** A pool's heading within its category: its groups and names. */
export const poolHeading = ({ groups, nameId, nameEn }: CategoryPool): CategoryPool => ({
  groups: [...groups],
  nameId,
  nameEn,
});

/** A category as a publication records it, from the draft's fuller one. */
const publicationCategory = (category: PublicationCategory): PublicationCategory => ({
  ...categoryHeading(category),
  pools: category.pools.map(poolHeading),
});

export interface AwardPublication {
  readonly year: number;
  readonly version: number;
  /** `publishing` from its claim until every award and notice is written and the pointer moved. */
  readonly status: 'publishing' | 'published';
  readonly reason: PublicationReason;
  /** Why a revision was made, in the admin's words. */
  readonly note?: string | undefined;
  readonly previousVersion: number | null;
  readonly previousSha256: string | null;
  readonly rulesId: string;
  /** The framework the rules (and the predicates named) refer to. */
  readonly frameworkId: string;
  readonly rulesNameId: string;
  readonly rulesNameEn: string;
  readonly categories: readonly PublicationCategory[];
  readonly rankingRunId: string;
  readonly inputsSha256: string;
  /** Decisions 1 … decisionsThrough were applied. */
  readonly decisionsThrough: number;
  readonly awards: readonly AwardRecord[];
  readonly awardCount: number;
  readonly recipientCount: number;
  readonly requestedBy: string;
  readonly startedAt: string;
  readonly publishedAt?: string | undefined;
  /**
   * SHA-256 over the version, its reason and note, the previous version's hash, the rules, the
   * ranking run and its inputs' hash, the decisions applied and every award's hash.
   */
  readonly sha256: string;
}

/** The part of a pool's award ids after the category: its groups, e.g. `lpnk-lainnya`. */
export const poolSlug = (groups: readonly AgencyGroup[]): string => groups.join('-');

export const awardIdOf = (
  year: number,
  categoryId: string,
  groups: readonly AgencyGroup[],
  number: number,
): string => `${awardIdPrefix}-${year}-${categoryId}-${poolSlug(groups)}-${number}`;

const awardIdPattern = /^apd-(\d{4})-[a-z0-9-]+-(\d{1,4})$/;

/** The cycle year an award id names, or undefined when it is not an award id. */
export const yearOfAwardId = (awardId: string): number | undefined => {
  const match = awardIdPattern.exec(awardId);
  return match ? Number(match[1]) : undefined;
};

const digest = (value: unknown): string => sha256Hex(canonicalJson(value));

/** The winner's result the award rests on. */
export interface WinnerResult {
  readonly version: number;
  readonly sha256: string;
}

export interface AwardRecordsInput {
  readonly year: number;
  readonly version: number;
  readonly draft: AwardDraft;
  readonly rankingRunId: string;
  readonly inputsSha256: string;
  /** Each winner's current result (version and hash). */
  readonly results: ReadonlyMap<string, WinnerResult>;
  /** Every award record of the earlier versions of this cycle's publication (any order). */
  readonly earlier: readonly AwardRecord[];
}

/**
 * The award records of a new publication version: one per winner of the draft, numbered as the
 * module comment says, each with its hash.
 * @throws Error when a winner has no result (the draft and the results disagree: a defect).
 */
export function awardRecords(input: AwardRecordsInput): AwardRecord[] {
  const numbers = new Map<string, Map<string, number>>();
  const highest = new Map<string, number>();
  for (const record of [...input.earlier].sort((a, b) => a.publicationVersion - b.publicationVersion)) {
    const pool = `${record.categoryId}#${poolSlug(record.poolGroups)}`;
    const byAgency = numbers.get(pool) ?? new Map<string, number>();
    byAgency.set(record.agencyId, record.number);
    numbers.set(pool, byAgency);
    highest.set(pool, Math.max(highest.get(pool) ?? 0, record.number));
  }
  return input.draft.categories.flatMap((category) =>
    category.pools.flatMap((pool) => {
      const key = `${category.id}#${poolSlug(pool.groups)}`;
      return pool.winners.map((winner): AwardRecord => {
        let number = numbers.get(key)?.get(winner.agencyId);
        if (number === undefined) {
          number = (highest.get(key) ?? 0) + 1;
          highest.set(key, number);
        }
        const result = input.results.get(winner.agencyId);
        if (!result) throw new Error(`Winner ${winner.agencyId} has no result in ${input.year}`);
        const fields: Omit<AwardRecord, 'sha256'> = {
          awardId: awardIdOf(input.year, category.id, pool.groups, number),
          year: input.year,
          publicationVersion: input.version,
          number,
          categoryId: category.id,
          categoryNameId: category.nameId,
          categoryNameEn: category.nameEn,
          measure: category.measure,
          poolGroups: [...pool.groups],
          poolNameId: pool.nameId,
          poolNameEn: pool.nameEn,
          agencyId: winner.agencyId,
          agencyName: winner.agencyName,
          group: winner.group,
          rank: winner.rank,
          valueExact: winner.value.exact,
          valueDisplay: winner.value.display,
          predicateId: winner.predicateId ?? '',
          frameworkId: input.draft.frameworkId,
          citationId: winner.citation.id,
          citationEn: winner.citation.en,
          rankingRunId: input.rankingRunId,
          inputsSha256: input.inputsSha256,
          resultVersion: result.version,
          resultSha256: result.sha256,
        };
        return { ...fields, sha256: digest(fields) };
      });
    }),
  );
}

/** Verifies an award record's hash against its fields. */
export const awardRecordIntact = (record: AwardRecord): boolean => {
  const { sha256, ...fields } = record;
  return digest(fields) === sha256;
};

export interface NewPublicationInput {
  readonly year: number;
  readonly version: number;
  readonly reason: PublicationReason;
  readonly note?: string | undefined;
  readonly previous: Pick<AwardPublication, 'version' | 'sha256'> | undefined;
  readonly rules: AwardRules;
  readonly draft: AwardDraft;
  readonly rankingRunId: string;
  readonly inputsSha256: string;
  readonly decisionsThrough: number;
  readonly awards: readonly AwardRecord[];
  readonly requestedBy: string;
  readonly startedAt: string;
}

/** A new publication version, `publishing`, with its hash (chained to the previous version's). */
export function newPublication(input: NewPublicationInput): AwardPublication {
  const hashed = {
    year: input.year,
    version: input.version,
    reason: input.reason,
    note: input.note,
    previousVersion: input.previous?.version ?? null,
    previousSha256: input.previous?.sha256 ?? null,
    rulesId: input.rules.id,
    rankingRunId: input.rankingRunId,
    inputsSha256: input.inputsSha256,
    decisionsThrough: input.decisionsThrough,
    awards: input.awards.map((award) => award.sha256),
  };
  return {
    year: input.year,
    version: input.version,
    status: 'publishing',
    reason: input.reason,
    ...(input.note === undefined ? {} : { note: input.note }),
    previousVersion: hashed.previousVersion,
    previousSha256: hashed.previousSha256,
    rulesId: input.rules.id,
    frameworkId: input.rules.frameworkId,
    rulesNameId: input.rules.nameId,
    rulesNameEn: input.rules.nameEn,
    categories: input.draft.categories.map(publicationCategory),
    rankingRunId: input.rankingRunId,
    inputsSha256: input.inputsSha256,
    decisionsThrough: input.decisionsThrough,
    awards: input.awards,
    awardCount: input.awards.length,
    recipientCount: new Set(input.awards.map((award) => award.agencyId)).size,
    requestedBy: input.requestedBy,
    startedAt: input.startedAt,
    sha256: digest(hashed),
  };
}

/** The same award in two versions: the same agency, rank and value on the same result. */
const sameAward = (a: AwardRecord, b: AwardRecord): boolean =>
  a.agencyId === b.agencyId &&
  a.rank === b.rank &&
  a.valueExact === b.valueExact &&
  a.resultSha256 === b.resultSha256 &&
  a.citationId === b.citationId;

/**
 * What one agency receives from a publication version: its awards in it (written with its notice, in
 * one transaction), the ids it is told are awarded (new, or changed since the previous version) and
 * those withdrawn from it.
 */
export interface RecipientNotice {
  readonly agencyId: string;
  readonly awards: readonly AwardRecord[];
  readonly awarded: readonly string[];
  readonly withdrawn: readonly string[];
}

/**
 * Every agency a version concerns, by agency id: each holding an award in it, and each that held one
 * in the previous version and holds it no longer.
 */
export function recipientNotices(
  current: readonly AwardRecord[],
  previous: readonly AwardRecord[],
): RecipientNotice[] {
  const before = new Map(previous.map((award) => [award.awardId, award]));
  const now = new Map(current.map((award) => [award.awardId, award]));
  const agencies = [...new Set([...current, ...previous].map((award) => award.agencyId))].sort();
  return agencies.map((agencyId) => {
    const awards = current.filter((award) => award.agencyId === agencyId);
    const awarded = awards
      .filter((award) => {
        const earlier = before.get(award.awardId);
        return earlier === undefined || !sameAward(earlier, award);
      })
      .map((award) => award.awardId);
    const withdrawn = previous
      .filter((award) => award.agencyId === agencyId && !now.has(award.awardId))
      .map((award) => award.awardId);
    return { agencyId, awards, awarded, withdrawn };
  });
}

/** Whether a version would change nothing against the previous one: same ids, same awards. */
export const unchangedAwards = (current: readonly AwardRecord[], previous: readonly AwardRecord[]): boolean =>
  current.length === previous.length &&
  recipientNotices(current, previous).every(
    (notice) => notice.awarded.length === 0 && notice.withdrawn.length === 0,
  );

/** An award a revision withdrew: its last record, and the version that left it out. */
export interface WithdrawnAward {
  readonly record: AwardRecord;
  readonly withdrawnInVersion: number;
}

/**
 * One cycle's award records as of a published version: the awards that version holds, and each award
 * an earlier version held that it does not (its last record). Records of later versions (a revision
 * still being written) are left out, so a reader never sees them before the pointer moves.
 */
export const awardsAsOf = (
  records: readonly AwardRecord[],
  version: number,
): { readonly current: AwardRecord[]; readonly withdrawn: WithdrawnAward[] } => {
  const visible = records
    .filter((record) => record.publicationVersion <= version)
    .sort((a, b) => b.publicationVersion - a.publicationVersion);
  const current = visible.filter((record) => record.publicationVersion === version);
  const held = new Set(current.map((record) => record.awardId));
  const withdrawn = new Map<string, WithdrawnAward>();
  for (const record of visible) {
    if (!held.has(record.awardId) && !withdrawn.has(record.awardId)) {
      withdrawn.set(record.awardId, { record, withdrawnInVersion: record.publicationVersion + 1 });
    }
  }
  return { current, withdrawn: [...withdrawn.values()] };
};
