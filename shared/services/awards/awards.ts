import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { type AwardDecision, decisionConflict } from '#shared/domain/awards/decisions.ts';
import { type AwardDraft, awardDraft } from '#shared/domain/awards/draft.ts';
import {
  type AwardPublication,
  type AwardRecord,
  awardRecords,
  categoryHeading,
  maxAwardsPerPublication,
  newPublication,
  type PublicationReason,
  poolHeading,
  publicationSizeProblem,
  type RecipientNotice,
  type RevisionReason,
  recipientNotices,
  unchangedAwards,
} from '#shared/domain/awards/publication.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { type DomainEvent, domainEvent, eventTypes, type IdSource } from '#shared/domain/events.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { CycleRecord, CycleStore } from '../cycles/ports.ts';
import type { ChangeSet, WritePath } from '../ports.ts';
import type { PublishedRun, RankingInput, RankingStore } from '../rankings/ports.ts';
import { entriesOf, inputsDigest } from '../rankings/run.ts';
import type { AgencyStore } from '../registry/ports.ts';
import type { ResultStore } from '../results/ports.ts';
import type { AwardPointer, AwardPublicationSummary, AwardStore } from './ports.ts';
import { candidateView, publicationView } from './views.ts';

export interface AwardServicePorts {
  readonly cycles: CycleStore;
  /** The winners' registry records: an agency deactivated since its result cannot be given an award. */
  readonly agencies: Pick<AgencyStore, 'getMany'>;
  readonly rankings: RankingStore;
  readonly results: ResultStore;
  readonly awards: AwardStore;
  readonly writes: WritePath;
  readonly ids: IdSource;
}

/**
 * Rounds of finishing a publication in which no recipient got written (two finishers cancelling each
 * other's transactions) tolerated before answering 409; each waits a little longer, with jitter.
 */
const maxIdleRounds = 4;
const pause = (round: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, 25 * 2 ** round * (0.5 + Math.random())));

const withoutAwards = ({ awards: _awards, ...summary }: AwardPublication): AwardPublicationSummary => summary;

/** What a publish or revise call answers: the publication, and whether this call made it. */
export interface PublicationOutcome {
  readonly publication: AwardPublicationSummary;
  readonly created: boolean;
}

/**
 * The award programme's admin side: the draft (computed from the published ranking, the rules and
 * the recorded decisions, never stored), decisions, one publication made of any number of calls, and
 * revisions as new linked versions.
 *
 * Publishing writes more than one transaction holds, so it is made safe to interrupt and to race:
 * 1. claim — one conditional write creates publication version n, `publishing`, holding every award
 *    record it will publish (ids, hashes): a second caller's claim of n fails and it helps finish n;
 * 2. recipients — per agency, its award records, a notice marker and its `award.published` (or
 *    `award.revoked`) event in one transaction, packed by `commitMany`; markers already written are
 *    skipped, so a re-drive after a crash writes each agency's events exactly once;
 * 3. publish — one transaction marks version n `published` and moves the pointer from n − 1 to n;
 *    readers resolve the pointer, so they see the previous version whole or this one whole.
 * Any call that finds an unfinished version finishes it before anything else.
 */
export const createAwardService = (ports: AwardServicePorts) => {
  const { cycles, agencies, rankings, results, awards, writes, ids } = ports;

  const cycleOf = async (year: number): Promise<CycleRecord> => {
    const cycle = await cycles.get(year);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    return cycle;
  };

  /** Everything the draft is computed from, read once. */
  const draftContext = async (year: number, now: Date, known?: CycleRecord) => {
    // The cycle (unless the caller read it) and the ranking pointer in one round trip.
    const [cycle, published]: [CycleRecord, PublishedRun | undefined] = await Promise.all([
      known ?? cycleOf(year),
      rankings.published(year),
    ]);
    if (!published) {
      throw new ConflictError(
        `No published ranking of the ${year} cycle: awards are drawn from it. Run the ranking first (POST /v1/cycles/${year}/rankings/runs).`,
      );
    }
    // The pointer keeps the published run's inputs hash; one published before it did is read from
    // the run record (in the same round trip).
    const [publishedInputs, current, previous, decisions, publications] = await Promise.all([
      published.inputsSha256 ?? rankings.run(year, published.runId).then((run) => run?.report?.inputsSha256),
      rankings.results(year),
      rankings.results(year - 1),
      awards.decisions(year),
      awards.publications(year),
    ]);
    const framework = getFramework(cycle.frameworkId);
    const inputsSha256 = inputsDigest(framework.id, current.results, previous.results);
    const previousById = new Map(previous.results.map((result) => [result.agencyId, result]));
    const draft = awardDraft(cycle.awardRules, entriesOf(current.results, previousById), decisions, {
      year,
      framework,
    });
    const rankingCurrent = publishedInputs === inputsSha256;
    // An agency deactivated after its result (dissolved, merged) is still ranked — it was evaluated —
    // but an award to it must be an admin's decision, not the draft's: one read of the winners.
    const winnerIds = [...new Set(draft.winners.map((winner) => winner.agencyId))];
    const registered = winnerIds.length > 0 ? await agencies.getMany(winnerIds) : [];
    const inactiveWinners = registered
      .filter((agency) => !agency.active)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // After the first publication a change is a revision: publishing again answers the publication made.
    const then = publications.pointer
      ? `then revise (POST /v1/cycles/${year}/awards/revisions)`
      : 'then publish';
    const blockers = [
      ...inactiveWinners.map(
        (agency) =>
          `"${agency.id}" (${agency.name}) wins in the draft but is inactive in the registry: exclude it from its categories (POST /v1/cycles/${year}/awards/decisions, with the reason) so the next agency moves up, or reactivate it, ${then}.`,
      ),
      ...(rankingCurrent
        ? []
        : [
            `Results changed since ranking run ${published.runId} was published: run the ranking again (POST /v1/cycles/${year}/rankings/runs), ${then}.`,
          ]),
      ...(Date.parse(cycle.windows.publication.at) > now.getTime()
        ? [
            `The ${year} cycle’s results become public at ${cycle.windows.publication.at}; its awards are published from then on.`,
          ]
        : []),
      ...(draft.winners.length === 0 ? ['The rules give no award on these results.'] : []),
      ...(draft.winners.length > maxAwardsPerPublication
        ? [
            `The rules give ${draft.winners.length} awards; one publication holds at most ${maxAwardsPerPublication}.`,
          ]
        : []),
    ];
    return {
      cycle,
      published,
      inputsSha256,
      rankingCurrent,
      current: new Map<string, RankingInput>(current.results.map((result) => [result.agencyId, result])),
      draft,
      decisions,
      publications,
      blockers,
    };
  };
  type DraftContext = Awaited<ReturnType<typeof draftContext>>;

  /** The award records version `version` would publish: the draft, numbered against earlier versions. */
  const recordsOf = async (context: DraftContext, version: number): Promise<AwardRecord[]> =>
    awardRecords({
      year: context.cycle.year,
      version,
      draft: context.draft,
      rankingRunId: context.published.runId,
      inputsSha256: context.inputsSha256,
      results: context.current,
      earlier: (await awards.allAwards(context.cycle.year)).filter(
        (award) => award.publicationVersion < version,
      ),
    });

  /** Version `version` as it would be claimed now: the publication record and its awards. */
  const prepareVersion = async (
    actor: Actor,
    context: DraftContext,
    version: number,
    reason: PublicationReason,
    note: string | undefined,
    previous: AwardPointer | undefined,
    known?: AwardRecord[],
  ): Promise<{ publication: AwardPublication; records: AwardRecord[] }> => {
    const records = known ?? (await recordsOf(context, version));
    const publication = newPublication({
      year: context.cycle.year,
      version,
      reason,
      note,
      previous: previous ? { version: previous.version, sha256: previous.sha256 } : undefined,
      rules: context.cycle.awardRules,
      draft: context.draft,
      rankingRunId: context.published.runId,
      inputsSha256: context.inputsSha256,
      decisionsThrough: context.decisions.at(-1)?.number ?? 0,
      awards: records,
      requestedBy: actor.subject,
      startedAt: actor.now.toISOString(),
    });
    const tooLarge = publicationSizeProblem(publication);
    if (tooLarge)
      throw new ConflictError(`The ${context.cycle.year} awards cannot be published: ${tooLarge}`);
    return { publication, records };
  };

  /** Claims a version: false when another call claimed it first. */
  const commitClaim = async (actor: Actor, publication: AwardPublication): Promise<boolean> => {
    const outcome = await writes.commit({
      state: [{ kind: 'award.claim', publication }],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle', year: publication.year },
          'award.publication.started',
          `award publication v${publication.version}`,
          [
            { field: 'status', before: null, after: 'publishing' },
            { field: 'reason', before: null, after: publication.reason },
            { field: 'awardCount', before: null, after: publication.awardCount },
          ],
        ),
      ],
      events: [],
    });
    return outcome.committed;
  };

  /**
   * After a claim that did not commit and no other call claimed that version: a decision recorded
   * or a ranking run published while publishing (after the draft was read) is why. 409 naming it:
   * what was reviewed is not what the draft gives now, and an award (with its webhook) may go to
   * the agency just excluded, or rest on the ranking just replaced. Read together: one round trip.
   */
  const refuseChangedMeanwhile = async (publication: AwardPublication, retry: string): Promise<void> => {
    const { year, decisionsThrough, rankingRunId } = publication;
    const [decisions, ranking] = await Promise.all([awards.decisions(year), rankings.published(year)]);
    const again = `Read the draft again (GET /v1/cycles/${year}/awards/draft) and ${retry}.`;
    const later = decisions.find((decision) => decision.number > decisionsThrough);
    if (later) {
      throw new ConflictError(
        `Decision ${later.number} (${later.action} ${later.agencyId} from ${later.category}) was recorded while publishing: nothing was published. ${again}`,
      );
    }
    if (ranking && ranking.runId !== rankingRunId) {
      throw new ConflictError(
        `Ranking run ${ranking.runId} was published while publishing: nothing was published (the draft drew from run ${rankingRunId}). ${again}`,
      );
    }
  };

  /** One agency's part of a publication version: its awards, its notice marker, its events. */
  const recipientChange = (
    actor: Actor,
    publication: AwardPublication,
    notice: RecipientNotice,
    previous: readonly AwardRecord[],
  ): ChangeSet => {
    const { year, version } = publication;
    const revision = publication.reason === 'initial' ? {} : { reason: publication.reason };
    const events: DomainEvent[] = [
      ...(notice.awarded.length > 0
        ? [
            domainEvent(
              ids,
              eventTypes.awardPublished,
              actor.now,
              { year, agencyId: notice.agencyId },
              {
                publicationVersion: version,
                awards: [...notice.awarded],
                ...revision,
                link: `/v1/agencies/${notice.agencyId}/awards`,
              },
            ),
          ]
        : []),
      ...(notice.withdrawn.length > 0
        ? [
            domainEvent(
              ids,
              eventTypes.awardRevoked,
              actor.now,
              { year, agencyId: notice.agencyId },
              {
                publicationVersion: version,
                awards: [...notice.withdrawn],
                ...revision,
                link: `/v1/agencies/${notice.agencyId}/awards`,
              },
            ),
          ]
        : []),
    ];
    const action =
      notice.awarded.length > 0 && notice.withdrawn.length > 0
        ? 'award.revised'
        : notice.awarded.length > 0
          ? 'award.published'
          : notice.withdrawn.length > 0
            ? 'award.revoked'
            : 'award.carried';
    const before = previous
      .filter((award) => award.agencyId === notice.agencyId)
      .map((award) => award.awardId);
    return {
      state: [
        {
          kind: 'award.recipient',
          year,
          version,
          agencyId: notice.agencyId,
          awards: notice.awards,
          awarded: notice.awarded,
          withdrawn: notice.withdrawn,
        },
      ],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle-agency', year, agencyId: notice.agencyId },
          action,
          `award publication v${version}`,
          [{ field: 'awards', before, after: notice.awards.map((award) => award.awardId) }],
        ),
      ],
      events,
    };
  };

  /**
   * Finishes version `version` of a cycle's publication, whoever claimed it: writes the recipients
   * not yet written, then marks it published and moves the pointer. Idempotent and safe to run
   * concurrently with another finisher.
   */
  const finish = async (actor: Actor, year: number, version: number): Promise<AwardPublicationSummary> => {
    const publication = await awards.publication(year, version);
    if (!publication) throw new NotFoundError(`No award publication ${version} of the ${year} cycle.`);
    if (publication.status === 'published') return withoutAwards(publication);
    const previous = version > 1 ? await awards.awards(year, version - 1) : [];
    const notices = recipientNotices(publication.awards, previous);
    let seen = -1;
    let idleRounds = 0;
    for (;;) {
      const written = await awards.recipients(year, version);
      const remaining = notices.filter((notice) => !written.has(notice.agencyId));
      if (remaining.length === 0) break;
      // A round lost to a concurrent finisher leaves its recipients written: go on while someone
      // progresses. Rounds where nobody did (each cancelled the other) back off, a few times.
      if (written.size === seen) {
        idleRounds += 1;
        if (idleRounds > maxIdleRounds) {
          throw new ConflictError(
            `Award publication ${version} of the ${year} cycle is being finished by another request; retry shortly.`,
            { headers: { 'retry-after': '1' } },
          );
        }
        await pause(idleRounds);
      }
      seen = written.size;
      try {
        const outcome = await writes.commitMany(
          remaining.map((notice) => recipientChange(actor, publication, notice, previous)),
        );
        if (outcome.failed === undefined) break;
      } catch (error) {
        // DynamoDB cancels transactions that touch an item another transaction is writing.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    const published: AwardPublication = {
      ...publication,
      status: 'published',
      publishedAt: actor.now.toISOString(),
    };
    const outcome = await writes.commit({
      state: [{ kind: 'award.publish', publication: published }],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle', year },
          'award.publication.published',
          `award publication v${version}`,
          [{ field: 'publishedVersion', before: publication.previousVersion, after: version }],
        ),
      ],
      events: [],
    });
    if (outcome.committed) return withoutAwards(published);
    // Another finisher published it first: answer with what it published.
    const stored = await awards.publication(year, version);
    if (stored?.status === 'published') return withoutAwards(stored);
    throw new ConflictError(`Award publication ${version} of the ${year} cycle could not be published.`);
  };

  /**
   * The cycle and its publications, read together. An unfinished version (a crash half-way, or a
   * concurrent call still writing) is finished first; `current` is the published version afterwards.
   */
  const publicationState = async (actor: Actor, year: number) => {
    const [cycle, { pointer, versions }] = await Promise.all([cycleOf(year), awards.publications(year)]);
    const unfinished = versions.find((version) => version.status === 'publishing');
    if (!unfinished) {
      const current = pointer ? versions.find((version) => version.version === pointer.version) : undefined;
      return { cycle, pointer, current, finished: undefined };
    }
    const finished = await finish(actor, year, unfinished.version);
    return {
      cycle,
      pointer: await awards.pointer(year),
      current: finished,
      finished: { summary: finished, claim: unfinished },
    };
  };

  const refuseBlocked = (context: DraftContext) => {
    if (context.blockers.length > 0) {
      throw new ConflictError(
        `The ${context.cycle.year} awards cannot be published: ${context.blockers.join(' ')}`,
        {
          extensions: { blockers: context.blockers },
        },
      );
    }
  };

  return {
    /** The draft of a cycle's awards, as an admin reviews it before (or after) publication. */
    draft: async (year: number, now: Date) => {
      const context = await draftContext(year, now);
      const { cycle, draft, publications } = context;
      const current = publications.pointer
        ? publications.versions.find((version) => version.version === publications.pointer?.version)
        : undefined;
      const changed = publications.pointer
        ? !unchangedAwards(
            await recordsOf(context, publications.pointer.version + 1),
            await awards.awards(year, publications.pointer.version),
          )
        : null;
      const frameworkId = cycle.frameworkId;
      const blockers = [
        ...(publications.pointer
          ? [
              `Published (version ${publications.pointer.version}): a change is a revision (POST /v1/cycles/${year}/awards/revisions).`,
            ]
          : []),
        ...context.blockers,
      ];
      return {
        year,
        rules: { id: cycle.awardRules.id, nameId: cycle.awardRules.nameId, nameEn: cycle.awardRules.nameEn },
        ranking: {
          runId: context.published.runId,
          publishedAt: context.published.publishedAt,
          inputsSha256: context.inputsSha256,
          current: context.rankingCurrent,
        },
        publication: current ? publicationView(current) : null,
        changedSincePublication: changed,
        decisionsThrough: context.decisions.at(-1)?.number ?? 0,
        exclusions: [...draft.exclusions],
        publishable: blockers.length === 0,
        blockers,
        totals: { awards: draft.winners.length, recipients: draft.recipients },
        categories: draftCategories(frameworkId, draft),
      };
    },

    /** One decision by its number: one read (no cycle, no decision). */
    decision: async (year: number, number: number): Promise<AwardDecision> => {
      const decision = await awards.decision(year, number);
      if (!decision) throw new NotFoundError(`The ${year} cycle has no award decision ${number}.`);
      return decision;
    },

    /** Every decision of the cycle, in order. */
    decisions: async (year: number) => {
      const [, decisions] = await Promise.all([cycleOf(year), awards.decisions(year)]);
      return decisions;
    },

    /**
     * Records a decision: exclude an agency from a category (the next eligible agency moves up) or
     * reinstate it. Never an edit: the record keeps every decision, audited in the cycle's and the
     * agency's trails.
     */
    decide: async (
      actor: Actor,
      year: number,
      input: Pick<AwardDecision, 'category' | 'agencyId' | 'action' | 'reason'>,
    ): Promise<AwardDecision> => {
      const cycle = await cycleOf(year);
      const categories = cycle.awardRules.categories.map((category) => category.id);
      const category = cycle.awardRules.categories.find((candidate) => candidate.id === input.category);
      if (!category) {
        throw new ValidationError(`The ${year} award rules have no category '${input.category}'.`, {
          errors: [{ pointer: '/body/category', detail: `One of ${categories.join(', ')}` }],
        });
      }
      const [result, decisions] = await Promise.all([
        results.current(year, input.agencyId),
        awards.decisions(year),
      ]);
      if (!result) {
        throw new ValidationError(`${input.agencyId} has no final result in the ${year} cycle.`, {
          errors: [{ pointer: '/body/agencyId', detail: 'An agency with a final result in the cycle' }],
        });
      }
      if (!category.groups.some((pool) => pool.includes(result.group))) {
        throw new ValidationError(`'${input.category}' has no pool for ${result.group} agencies.`, {
          errors: [
            { pointer: '/body/agencyId', detail: `An agency of ${category.groups.flat().join(', ')}` },
          ],
        });
      }
      const conflict = decisionConflict(decisions, input);
      if (conflict) throw new ConflictError(conflict);
      const decision: AwardDecision = {
        year,
        number: (decisions.at(-1)?.number ?? 0) + 1,
        category: input.category,
        agencyId: input.agencyId,
        action: input.action,
        reason: input.reason,
        decidedBy: actor.subject,
        decidedAt: actor.now.toISOString(),
      };
      const changes = [
        { field: 'excluded', before: input.action === 'reinstate', after: input.action === 'exclude' },
        { field: 'reason', before: null, after: input.reason },
      ];
      const target = `award category ${input.category}, agency ${input.agencyId}: decision ${decision.number}`;
      const outcome = await writes.commit({
        state: [{ kind: 'award.decision', decision }],
        audits: [
          auditEntry(actor, { kind: 'cycle', year }, `award.decision.${input.action}`, target, changes),
          auditEntry(
            actor,
            { kind: 'cycle-agency', year, agencyId: input.agencyId },
            `award.decision.${input.action}`,
            target,
            changes,
          ),
        ],
        events: [],
      });
      if (!outcome.committed) {
        throw new ConflictError(
          `Another decision was recorded meanwhile as number ${decision.number}: read the decisions again and decide on the draft as it is now.`,
        );
      }
      return decision;
    },

    /**
     * Publishes the cycle's awards once. A second call (or a concurrent one) answers with the same
     * publication; an unfinished one (a crash half-way) is finished, never duplicated.
     */
    publish: async (actor: Actor, year: number): Promise<PublicationOutcome> => {
      const { cycle, current } = await publicationState(actor, year);
      if (current) return { publication: current, created: false };
      const context = await draftContext(year, actor.now, cycle);
      refuseBlocked(context);
      const { publication } = await prepareVersion(actor, context, 1, 'initial', undefined, undefined);
      const claimed = await commitClaim(actor, publication);
      if (!claimed && !(await awards.publication(year, 1))) {
        await refuseChangedMeanwhile(publication, `publish again (POST /v1/cycles/${year}/awards/publish)`);
      }
      // Lost the claim to a concurrent call: finish its publication with it and answer with that.
      return { publication: await finish(actor, year, 1), created: claimed };
    },

    /**
     * A new publication version linked to the current one (revocation or correction), from the draft
     * as it is now: the public sees the new version and the history.
     */
    revise: async (
      actor: Actor,
      year: number,
      input: { readonly reason: RevisionReason; readonly note: string },
    ): Promise<PublicationOutcome> => {
      const { cycle, pointer, current, finished } = await publicationState(actor, year);
      // A retried request whose revision was claimed before a crash: that revision, now finished.
      if (finished && finished.claim.reason === input.reason && finished.claim.note === input.note) {
        return { publication: finished.summary, created: false };
      }
      if (!pointer) {
        throw new ConflictError(
          `Nothing of the ${year} cycle’s awards is published yet: publish first (POST /v1/cycles/${year}/awards/publish).`,
        );
      }
      const context = await draftContext(year, actor.now, cycle);
      const version = pointer.version + 1;
      const records = await recordsOf(context, version);
      const unchanged = unchangedAwards(records, await awards.awards(year, pointer.version));
      // The current version is a revision with this very reason and note, and the draft still
      // gives its awards: this request was made already (its answer lost, or a double click).
      // Answered as publish answers a second call, not with a 409 saying nothing would change, and
      // before the blockers: what blocks a new version now (a winner deactivated since) does not
      // undo the one made.
      if (unchanged && current && current.reason === input.reason && current.note === input.note) {
        return { publication: current, created: false };
      }
      refuseBlocked(context);
      if (unchanged) {
        throw new ConflictError(
          `The draft gives the awards already published in version ${pointer.version}: a revision would change nothing. Record the decision (or run the ranking) that changes them first.`,
        );
      }
      const { publication } = await prepareVersion(
        actor,
        context,
        version,
        input.reason,
        input.note,
        pointer,
        records,
      );
      if (!(await commitClaim(actor, publication))) {
        const raced = await awards.publication(year, version);
        if (raced && raced.reason === input.reason && raced.note === input.note) {
          return { publication: await finish(actor, year, version), created: false };
        }
        if (!raced) {
          await refuseChangedMeanwhile(
            publication,
            `revise again (POST /v1/cycles/${year}/awards/revisions)`,
          );
        }
        throw new ConflictError(
          `Another revision (version ${version}) of the ${year} awards was made meanwhile: read it, and revise again if still needed.`,
        );
      }
      return { publication: await finish(actor, year, version), created: true };
    },
  };
};

/** The draft's categories as the API shows them. */
const draftCategories = (frameworkId: string, draft: AwardDraft) =>
  draft.categories.map((category) => ({
    ...categoryHeading(category),
    pools: category.pools.map((pool) => ({
      ...poolHeading(pool),
      winnersPerGroup: pool.winnersPerGroup,
      winners: pool.winners.map((winner) => candidateView(frameworkId, winner)),
      runnersUp: pool.runnersUp.map((runner) => candidateView(frameworkId, runner)),
      excludedByDecision: pool.excludedByDecision.map((excluded) => ({
        agency: { id: excluded.agencyId, name: excluded.agencyName, group: excluded.group },
        decision: excluded.decision,
      })),
      notCompeting: pool.notCompeting,
    })),
  }));

export type AwardService = ReturnType<typeof createAwardService>;
