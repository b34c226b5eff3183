import type { AwardDecision } from '#shared/domain/awards/decisions.ts';
import type { AwardPublication, AwardRecord } from '#shared/domain/awards/publication.ts';

/** A cycle's published pointer: the publication version the public sees. */
export interface AwardPointer {
  readonly version: number;
  readonly publishedAt: string;
  readonly sha256: string;
}

/** A publication version claimed and not yet published: a publication under way, or cut off. */
export interface UnfinishedPublication {
  readonly year: number;
  readonly version: number;
  readonly startedAt: string;
}

/** A publication version without its awards (they are read from the award items). */
export type AwardPublicationSummary = Omit<AwardPublication, 'awards'>;

/**
 * Where a cycle's awards live: its decisions, publication versions, the published pointer, the award
 * records of every version and which recipients of a version are written.
 */
export interface AwardStore {
  /** Every decision of the cycle, in number order. */
  decisions(year: number): Promise<AwardDecision[]>;
  /** One decision by its number. */
  decision(year: number, number: number): Promise<AwardDecision | undefined>;
  /** The published pointer and every publication version's summary, oldest first: one read. */
  publications(
    year: number,
  ): Promise<{ readonly pointer: AwardPointer | undefined; readonly versions: AwardPublicationSummary[] }>;
  /** One publication version whole, with its awards (what an unfinished publication is finished from). */
  publication(year: number, version: number): Promise<AwardPublication | undefined>;
  pointer(year: number): Promise<AwardPointer | undefined>;
  pointers(years: readonly number[]): Promise<Map<number, AwardPointer>>;
  /** The award records of one version, by award id. */
  awards(year: number, version: number): Promise<AwardRecord[]>;
  /** The award records of every version of the cycle (award numbering reads them). */
  allAwards(year: number): Promise<AwardRecord[]>;
  /** These award records, read consistently (those that exist), across cycles: one round trip. */
  awardsAt(
    refs: readonly { readonly year: number; readonly version: number; readonly awardId: string }[],
  ): Promise<AwardRecord[]>;
  /** One award id's records in these versions (those that exist). */
  awardVersions(year: number, awardId: string, versions: readonly number[]): Promise<AwardRecord[]>;
  /** The agencies whose awards and notice of a version are written. */
  recipients(year: number, version: number): Promise<Set<string>>;
  /** Every award record naming the agency, in every version of every cycle. */
  agencyAwards(agencyId: string): Promise<AwardRecord[]>;
  /**
   * Publications of every cycle claimed at or before `startedBy` and still `publishing`, oldest
   * first: what the dispatcher's sweep reports as stalled.
   */
  unfinished(startedBy: string): Promise<UnfinishedPublication[]>;
}

/**
 * Award writes through the audited path. Conditions the write path enforces:
 * - award.decision: the decision's number is new (two admins deciding at once: one wins);
 * - award.claim: the publication version is new and the pointer is at the version before it (none
 *   for the first): the claim that makes one publication out of concurrent calls; no decision
 *   numbered after its `decisionsThrough` exists (one recorded while publishing is not in it); and
 *   the cycle's published ranking is still the run it draws from (`rankingRunId`: a run published
 *   while publishing would leave the awards on the ranking it replaced);
 * - award.recipient: one agency's award records of a version and its notice marker, all new, with
 *   its events in the same transaction — so a re-drive after a crash skips the agencies done;
 * - award.publish: the publication still `publishing`; the pointer still at the previous version.
 */
export type AwardStateChange =
  | { readonly kind: 'award.decision'; readonly decision: AwardDecision }
  | { readonly kind: 'award.claim'; readonly publication: AwardPublication }
  | {
      readonly kind: 'award.recipient';
      readonly year: number;
      readonly version: number;
      readonly agencyId: string;
      readonly awards: readonly AwardRecord[];
      readonly awarded: readonly string[];
      readonly withdrawn: readonly string[];
    }
  | { readonly kind: 'award.publish'; readonly publication: AwardPublication };
