import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AwardRulesSchema } from '#shared/api/cycles/schemas.ts';
import type { Actor } from '#shared/domain/actor.ts';
import { type AgencyGroup, agencyGroups } from '#shared/domain/agency-groups.ts';
import { awardRules2024, defaultAwardRules2023 } from '#shared/domain/awards/rules.ts';
import { ConflictError, ValidationError } from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { type RankingEntry, rank } from '#shared/domain/ranking/rank.ts';
import { createMemoryPorts, type MemoryPorts } from '#shared/memory/ports.ts';
import { createAwardService } from '#shared/services/awards/awards.ts';
import { createAwardReader } from '#shared/services/awards/read.ts';
import { createCycleService } from '#shared/services/cycles/cycles.ts';
import type { WritePath } from '#shared/services/ports.ts';
import { createRankingRunner, entriesOf } from '#shared/services/rankings/run.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createResultService } from '#shared/services/results/results.ts';
import { actor, now, openCycle, sequentialIds } from './support.ts';

/**
 * Award publication on in-memory ports: the draft from the published ranking (each winner the top of
 * its ranking), decisions that move the next eligible agency up, one publication out of repeated,
 * concurrent and interrupted calls with one event per recipient, revisions as linked versions, the
 * public reads, and rules as data (2024 style).
 */

const framework = getFramework('spbe-2020');
const year = 2025;

/** 48 agencies, 8 per group; kabupaten and kota belong to the first province. */
const roster = Array.from({ length: 48 }, (_, index) => {
  const group = agencyGroups[index % agencyGroups.length] as AgencyGroup;
  return {
    index,
    id: `${group}-uji-${String(index).padStart(2, '0')}`,
    name: `Instansi Uji ${index}`,
    group,
  };
});
type RosterAgency = (typeof roster)[number];
const province = roster[3] as RosterAgency;

/** A number in [0, 1) from a text: deterministic spread without ties in practice. */
const unit = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;

/** Levels spread by agency, indicator and year; most agencies a little better in `year`. */
const levelsOf = (agency: RosterAgency, target: number): Level[] => {
  const base = 1.5 + unit(agency.id) * 3 + (target === year ? 0.3 : 0);
  return framework.indicators.map(
    (indicator) =>
      Math.min(
        5,
        Math.max(1, Math.round(base + (unit(`${agency.id}#${target}#${indicator.no}`) - 0.5) * 2)),
      ) as Level,
  );
};

const windowsOf = (target: number) => ({
  selfAssessment: { opensAt: `${target}-02-01T00:00:00Z`, closesAt: `${target}-03-31T00:00:00Z` },
  documentAssessment: { opensAt: `${target}-04-01T00:00:00Z`, closesAt: `${target}-04-30T00:00:00Z` },
  appeals: { opensAt: `${target}-06-01T00:00:00Z`, closesAt: `${target}-06-15T00:00:00Z` },
  publication: { at: `${target}-07-01T00:00:00Z` },
});

const admin = (overrides: Partial<Actor> = {}) => actor({ subject: 'admin-awards', ...overrides });

/** Memory ports with the roster, the 2024 and 2025 cycles, results and the published 2025 ranking. */
const setUp = async (options: { rules?: typeof defaultAwardRules2023; publishedRanking?: boolean } = {}) => {
  const ports = createMemoryPorts();
  await createAgencyService(ports).importAgencies(
    actor(),
    roster.map(({ id, name, group }) =>
      group === 'kabupaten' || group === 'kota'
        ? { id, name, group, parentProvinceId: province.id }
        : { id, name, group },
    ),
  );
  const cycles = createCycleService(ports);
  for (const target of [year - 1, year]) {
    await cycles.createCycle(
      actor(),
      openCycle({
        year: target,
        windows: windowsOf(target),
        // Through the API's schema, as POST /v1/cycles takes them.
        ...(target === year && options.rules ? { awardRules: AwardRulesSchema.parse(options.rules) } : {}),
      }),
    );
  }
  const ids = sequentialIds();
  const results = createResultService({ ...ports, ids });
  for (const target of [year - 1, year]) {
    await results.importResults(
      actor(),
      target,
      roster.map((agency) => ({
        agencyId: agency.id,
        levels: levelsOf(agency, target),
        reference: `uji ${target}`,
      })),
    );
  }
  if (options.publishedRanking !== false) {
    const runner = createRankingRunner({ ...ports, ids });
    const run = await runner.start(actor(), year, 'admin');
    await runner.execute(actor(), run, { remainingMs: () => 900_000, now: () => now });
  }
  const service = createAwardService({ ...ports, ids });
  const reader = createAwardReader(ports);
  return { ports, ids, service, reader };
};

/** The entries the ranking run ranked, for checking winners against the engine. */
const entriesIn = async (ports: MemoryPorts): Promise<RankingEntry[]> => {
  const [current, previous] = await Promise.all([
    ports.rankings.results(year),
    ports.rankings.results(year - 1),
  ]);
  return entriesOf(current.results, new Map(previous.results.map((result) => [result.agencyId, result])));
};

/**
 * The award service over `ports`, its write path running `meanwhile` once just before the first
 * publication claim commits: what another admin does between reading the draft and the claim.
 */
const racingBeforeClaim = (
  ports: MemoryPorts,
  ids: ReturnType<typeof sequentialIds>,
  meanwhile: () => Promise<void>,
) => {
  let raced = false;
  return createAwardService({
    ...ports,
    ids,
    writes: {
      ...ports.writes,
      commit: async (change) => {
        if (!raced && change.state.some((state) => state.kind === 'award.claim')) {
          raced = true;
          await meanwhile();
        }
        return ports.writes.commit(change);
      },
    },
  });
};

const awardEvents = (ports: MemoryPorts) => ports.events.filter((event) => event.type.startsWith('award.'));

describe('the award draft', () => {
  it('gives every category and pool of the 2023 rules its winner: the top of its ranking', async () => {
    // Prepare
    const { ports, service } = await setUp();
    const entries = await entriesIn(ports);

    // Act
    const draft = await service.draft(year, now);

    // Assess
    expect(draft.publishable).toBe(true);
    expect(draft.ranking.current).toBe(true);
    expect(draft.categories.map((category) => category.id)).toEqual(
      defaultAwardRules2023.categories.map((category) => category.id),
    );
    for (const category of draft.categories) {
      for (const pool of category.pools) {
        expect(pool.winners.length).toBeGreaterThanOrEqual(1);
        const ranking = rank(entries, { measure: category.measure, scope: pool.groups });
        // The improvement category's eligibility: an increase above zero.
        const eligibleRows =
          category.measure === 'improvement'
            ? ranking.rows.filter((row) => Number(row.value.exact) > 0)
            : ranking.rows;
        expect(pool.winners.map((winner) => winner.agency.id)).toEqual(
          eligibleRows.filter((row) => row.rank === 1).map((row) => row.agencyId),
        );
      }
    }
    expect(draft.totals.awards).toBeGreaterThanOrEqual(24);
  });

  it('answers 409 before the cycle’s ranking is published', async () => {
    const { service } = await setUp({ publishedRanking: false });
    await expect(service.draft(year, now)).rejects.toThrow(ConflictError);
  });
});

describe('award decisions', () => {
  it('excludes a winner with its reason: the next eligible agency moves up; reinstating undoes it', async () => {
    // Prepare
    const { ports, service } = await setUp();
    const before = await service.draft(year, now);
    const pool = before.categories[0]?.pools[1];
    const winner = pool?.winners[0]?.agency.id ?? '';
    const next = pool?.runnersUp[0]?.agency.id ?? '';

    // Act
    const exclusion = await service.decide(admin(), year, {
      category: 'layanan',
      agencyId: winner,
      action: 'exclude',
      reason: 'Sedang dalam pemeriksaan Inspektorat Jenderal',
    });
    const excluded = await service.draft(year, now);
    const reinstatement = await service.decide(admin(), year, {
      category: 'layanan',
      agencyId: winner,
      action: 'reinstate',
      reason: 'Pemeriksaan selesai tanpa temuan',
    });
    const reinstated = await service.draft(year, now);

    // Assess
    expect(exclusion).toMatchObject({ number: 1, action: 'exclude', decidedBy: 'admin-awards' });
    expect(reinstatement.number).toBe(2);
    const excludedPool = excluded.categories[0]?.pools[1];
    expect(excludedPool?.winners.map((candidate) => candidate.agency.id)).toEqual([next]);
    expect(excludedPool?.winners[0]?.rank).toBe(1);
    expect(excludedPool?.excludedByDecision.map((entry) => [entry.agency.id, entry.decision.number])).toEqual(
      [[winner, 1]],
    );
    expect(excluded.exclusions.map((decision) => decision.number)).toEqual([1]);
    expect(reinstated.categories[0]?.pools[1]?.winners.map((candidate) => candidate.agency.id)).toEqual([
      winner,
    ]);
    expect(await service.decisions(year)).toEqual([exclusion, reinstatement]);
    const trail = await ports.audits.list({ kind: 'cycle-agency', year, agencyId: winner }, { limit: 10 });
    expect(trail.items.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['award.decision.exclude', 'award.decision.reinstate']),
    );
  });

  it('refuses what would record nothing, an unknown category and an agency without a result', async () => {
    const { service } = await setUp();
    const agencyId = roster[0]?.id ?? '';
    const decide = (input: { category?: string; agencyId?: string; action?: 'exclude' | 'reinstate' }) =>
      service.decide(admin(), year, {
        category: input.category ?? 'layanan',
        agencyId: input.agencyId ?? agencyId,
        action: input.action ?? 'exclude',
        reason: 'Alasan yang cukup panjang',
      });
    await expect(decide({ action: 'reinstate' })).rejects.toThrow(ConflictError);
    await decide({});
    await expect(decide({})).rejects.toThrow(/already excluded/);
    await expect(decide({ category: 'tidak-ada' })).rejects.toThrow(ValidationError);
    await expect(decide({ agencyId: 'prov-tidak-ada' })).rejects.toThrow(ValidationError);
  });
  it('refuses an agency the category has no pool for', async () => {
    // Prepare: rules whose only category is for provinces
    const provincesOnly = {
      ...defaultAwardRules2023,
      categories: [{ ...defaultAwardRules2023.categories[0], groups: [['provinsi']] }],
    } as typeof defaultAwardRules2023;
    const { service } = await setUp({ rules: provincesOnly });
    const city = roster.find((agency) => agency.group === 'kota') as RosterAgency;

    // Act + Assess
    await expect(
      service.decide(admin(), year, {
        category: 'layanan',
        agencyId: city.id,
        action: 'exclude',
        reason: 'Alasan yang cukup panjang',
      }),
    ).rejects.toThrow(/no pool for kota agencies/);
  });
});

describe('publishing once', () => {
  it('publishes numbered awards with one award.published event per recipient; again is a no-op', async () => {
    // Prepare
    const { ports, service, reader } = await setUp();
    const draft = await service.draft(year, now);

    // Act
    const first = await service.publish(admin(), year);
    const again = await service.publish(admin(), year);

    // Assess
    expect(first.created).toBe(true);
    expect(again).toEqual({ publication: first.publication, created: false });
    expect(first.publication).toMatchObject({
      version: 1,
      status: 'published',
      reason: 'initial',
      awardCount: draft.totals.awards,
      recipientCount: draft.totals.recipients,
      previousSha256: null,
    });
    const events = awardEvents(ports);
    expect(events).toHaveLength(draft.totals.recipients);
    expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(draft.totals.recipients);
    expect(events.every((event) => event.type === 'award.published' && event.subject.year === year)).toBe(
      true,
    );
    const published = await reader.cycleAwards(year);
    expect(published.publication.version).toBe(1);
    const layananProvinces = published.categories[0]?.pools[1]?.awards[0];
    expect(layananProvinces?.id).toBe(`apd-${year}-layanan-provinsi-1`);
    expect(layananProvinces?.citation.id).toMatch(
      /, kelompok Provinsi, 2025: indeks domain Layanan \d,\d\d, peringkat 1$/,
    );
    expect(layananProvinces?.basis.rankingRunId).toBe(first.publication.rankingRunId);
  });

  it('makes one publication of two concurrent calls, with one set of events', async () => {
    // Prepare
    const { ports, service } = await setUp();

    // Act
    const [a, b] = await Promise.all([service.publish(admin(), year), service.publish(admin(), year)]);

    // Assess
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.publication.sha256).toBe(b.publication.sha256);
    expect(a.publication.version).toBe(1);
    expect((await ports.awards.publications(year)).versions).toHaveLength(1);
    const events = awardEvents(ports);
    expect(events).toHaveLength(a.publication.recipientCount);
    expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(events.length);
  });

  it('does not publish a draft a decision changed while it was being published: 409 naming the decision, nothing claimed', async () => {
    // Prepare: one admin excludes a winner after another's publication read the draft, before its claim
    const { ports, ids, service } = await setUp();
    const winner = (await service.draft(year, now)).categories[0]?.pools[1]?.winners[0]?.agency.id ?? '';
    let decided: Promise<unknown> | undefined;
    const racing = racingBeforeClaim(ports, ids, async () => {
      decided = service.decide(admin(), year, {
        category: 'layanan',
        agencyId: winner,
        action: 'exclude',
        reason: 'Sedang dalam pemeriksaan Inspektorat Jenderal',
      });
      await decided;
    });

    // Act
    const refused = await racing
      .publish(admin({ subject: 'admin-publishes' }), year)
      .catch((e: unknown) => e);

    // Assess: the decision stands; nothing was claimed, so no award (nor webhook) to the agency just
    // excluded; publishing again draws on the decision
    await expect(decided).resolves.toMatchObject({ number: 1 });
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(
      /Decision 1 \(exclude .* from layanan\) was recorded while publishing: nothing was published/,
    );
    expect((await ports.awards.publications(year)).versions).toEqual([]);
    expect(awardEvents(ports)).toEqual([]);
    const again = await service.publish(admin({ subject: 'admin-publishes' }), year);
    expect(again.publication.decisionsThrough).toBe(1);
  });

  it('does not publish from a ranking another run replaced while it was being published: 409 naming the run, nothing claimed', async () => {
    // Prepare: a newcomer's result comes in and a ranking run publishes after the publication read
    // the draft (its winners ranked by the run before), before its claim
    const { ports, ids, service } = await setUp();
    const before = await ports.rankings.published(year);
    const newcomer = {
      index: 48,
      id: 'lainnya-uji-baru',
      name: 'Instansi Uji Baru',
      group: 'lainnya' as const,
    };
    let reranked: string | undefined;
    const racing = racingBeforeClaim(ports, ids, async () => {
      const { id, name, group } = newcomer;
      await createAgencyService(ports).importAgencies(actor(), [{ id, name, group }]);
      await createResultService({ ...ports, ids }).importResults(actor(), year, [
        { agencyId: id, levels: levelsOf(newcomer, year), reference: 'uji susulan' },
      ]);
      const runner = createRankingRunner({ ...ports, ids });
      const run = await runner.start(actor(), year, 'admin');
      await runner.execute(actor(), run, { remainingMs: () => 900_000, now: () => now });
      reranked = run.runId;
    });

    // Act
    const refused = await racing
      .publish(admin({ subject: 'admin-publishes' }), year)
      .catch((e: unknown) => e);

    // Assess: the new run stands; nothing was claimed from the replaced one; publishing again
    // draws on the new run
    expect((await ports.rankings.published(year))?.runId).toBe(reranked);
    expect(reranked).not.toBe(before?.runId);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toContain(
      `Ranking run ${reranked} was published while publishing: nothing was published`,
    );
    expect((await ports.awards.publications(year)).versions).toEqual([]);
    expect(awardEvents(ports)).toEqual([]);
    const again = await service.publish(admin({ subject: 'admin-publishes' }), year);
    expect(again.publication.rankingRunId).toBe(reranked);
  });

  it('finishes a publication interrupted half-way, notifying each recipient once', async () => {
    // Prepare: a write path that dies after the first two recipients are written
    const { ports, ids } = await setUp();
    let written = 0;
    const dying: WritePath = {
      commit: ports.writes.commit,
      commitMany: async (changes) => {
        const outcome = await ports.writes.commitMany(changes.slice(0, 2));
        written += outcome.committed;
        throw new Error('Lambda timed out');
      },
    };
    const crashing = createAwardService({ ...ports, ids, writes: dying });
    await expect(crashing.publish(admin(), year)).rejects.toThrow('timed out');
    const halfway = await ports.awards.publications(year);

    // Act: the retry (any later call)
    const retried = await createAwardService({ ...ports, ids }).publish(admin(), year);

    // Assess
    expect(written).toBe(2);
    expect(halfway.pointer).toBeUndefined();
    expect(halfway.versions.map((version) => version.status)).toEqual(['publishing']);
    expect(retried.publication).toMatchObject({ version: 1, status: 'published' });
    const events = awardEvents(ports);
    expect(events).toHaveLength(retried.publication.recipientCount);
    expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(events.length);
  });

  it('tells a current ranking from a stale one by the pointer’s inputs hash, and by the run record under a pointer written before it kept one', async () => {
    // Prepare: the same ranking seen through a pointer without its hashes (published before they were kept)
    const { ports, service, ids } = await setUp();
    const legacyPorts = {
      ...ports,
      rankings: {
        ...ports.rankings,
        published: async (target: number) => {
          const pointer = await ports.rankings.published(target);
          return pointer ? { runId: pointer.runId, publishedAt: pointer.publishedAt } : undefined;
        },
      },
    };
    const legacy = createAwardService({ ...legacyPorts, ids });
    expect((await ports.rankings.published(year))?.inputsSha256).toMatch(/^[0-9a-f]{64}$/);

    // Act + Assess: current either way
    expect((await service.draft(year, now)).ranking.current).toBe(true);
    expect((await legacy.draft(year, now)).ranking.current).toBe(true);

    // Act + Assess: a result the ranking did not rank makes it stale either way
    await createAgencyService(ports).importAgencies(actor(), [
      { id: 'kementerian-baru', name: 'Kementerian Baru', group: 'kementerian' },
    ]);
    await createResultService({ ...ports, ids }).importResults(actor(), year, [
      { agencyId: 'kementerian-baru', levels: levelsOf(roster[5] as RosterAgency, year), reference: 'uji' },
    ]);
    expect((await service.draft(year, now)).ranking.current).toBe(false);
    expect((await legacy.draft(year, now)).ranking.current).toBe(false);
  });

  it('refuses before the cycle’s results are public, and on results changed since the ranking', async () => {
    // Prepare
    const { ports, service, ids } = await setUp();
    const early = admin({ now: new Date(`${year}-06-30T00:00:00Z`) });
    const withdrawn = roster[5] as RosterAgency;

    // Act + Assess: before the publication time
    await expect(service.publish(early, year)).rejects.toThrow(/become public at/);

    // Prepare: a result the published ranking did not rank (a new agency's)
    await createAgencyService(ports).importAgencies(actor(), [
      { id: 'kementerian-baru', name: 'Kementerian Baru', group: 'kementerian' },
    ]);
    await createResultService({ ...ports, ids }).importResults(actor(), year, [
      { agencyId: 'kementerian-baru', levels: levelsOf(withdrawn, year), reference: 'uji' },
    ]);

    // Act + Assess
    const draft = await service.draft(year, now);
    expect(draft.ranking.current).toBe(false);
    expect(draft.publishable).toBe(false);
    await expect(service.publish(admin(), year)).rejects.toThrow(/run the ranking again/);
    expect(awardEvents(ports)).toEqual([]);
  });
});

describe('the awards page’s open-data run', () => {
  it('names the published ranking’s run, which a re-run since the publication makes differ from the awards’ run', async () => {
    // Prepare
    const { ports, service, reader, ids } = await setUp();
    await service.publish(admin(), year);
    const before = await reader.page(year);
    const awardsRun = before.publication.rankingRunId;
    await createAgencyService(ports).importAgencies(actor(), [
      { id: 'kementerian-baru', name: 'Kementerian Baru', group: 'kementerian' },
    ]);
    await createResultService({ ...ports, ids }).importResults(actor(), year, [
      { agencyId: 'kementerian-baru', levels: levelsOf(roster[5] as RosterAgency, year), reference: 'uji' },
    ]);
    const runner = createRankingRunner({ ...ports, ids });
    const rerun = await runner.start(actor(), year, 'admin');
    await runner.execute(actor(), rerun, { remainingMs: () => 900_000, now: () => now });

    // Act
    const after = await reader.page(year);

    // Assess
    expect(before.openDataRunId).toBe(awardsRun);
    expect(after.publication.rankingRunId).toBe(awardsRun);
    expect(after.openDataRunId).toBe(rerun.runId);
    expect(after.openDataRunId).not.toBe(awardsRun);
  });
});

describe('a winner deactivated in the registry', () => {
  it('blocks the publication until an admin excludes it (or reactivates it): the draft names it, publishing is 409', async () => {
    // Prepare: the layanan winner of the provinces, dissolved after its result
    const { ports, service } = await setUp();
    const before = await service.draft(year, now);
    const winners = before.categories.flatMap((category) =>
      category.pools.flatMap((pool) =>
        pool.winners.map((candidate) => ({ category: category.id, ...candidate })),
      ),
    );
    const winner = before.categories[0]?.pools[1]?.winners[0]?.agency.id ?? '';
    const agencies = createAgencyService(ports);
    const stored = await agencies.getAgency(winner);
    await agencies.putAgency(
      actor(),
      winner,
      { name: stored.name, group: stored.group, active: false },
      stored.version,
    );

    // Act
    const blocked = await service.draft(year, now);
    const refused = await service.publish(admin(), year).catch((caught: unknown) => caught);
    for (const candidate of winners.filter((each) => each.agency.id === winner)) {
      await service.decide(admin(), year, {
        category: candidate.category,
        agencyId: winner,
        action: 'exclude',
        reason: 'Instansi dibubarkan',
      });
    }
    const decided = await service.draft(year, now);

    // Assess
    expect(blocked.publishable).toBe(false);
    expect(blocked.blockers).toEqual([
      expect.stringMatching(
        new RegExp(`^"${winner}" \\(.+\\) wins in the draft but is inactive in the registry: exclude it`),
      ),
    ]);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(awardEvents(ports)).toEqual([]);
    expect(decided.blockers).toEqual([]);
    expect(decided.publishable).toBe(true);
    expect(
      decided.categories.flatMap((category) =>
        category.pools.flatMap((pool) => pool.winners.map((candidate) => candidate.agency.id)),
      ),
    ).not.toContain(winner);
  });
});

describe('revisions', () => {
  it('withdraws an excluded agency’s award in a new linked version; the public sees it and the history', async () => {
    // Prepare
    const { ports, service, reader } = await setUp();
    const first = await service.publish(admin(), year);
    const before = await reader.cycleAwards(year);
    const award = before.categories[0]?.pools[1]?.awards[0];
    const loser = award?.agency.id ?? '';
    const eventsBefore = awardEvents(ports).length;
    await service.decide(admin(), year, {
      category: 'layanan',
      agencyId: loser,
      action: 'exclude',
      reason: 'Terbukti memanipulasi data dukung',
    });

    // Act
    const revised = await service.revise(admin(), year, {
      reason: 'revocation',
      note: 'Penghargaan dicabut: manipulasi data dukung terbukti',
    });

    // Assess: the new version, linked
    expect(revised.created).toBe(true);
    expect(revised.publication).toMatchObject({
      version: 2,
      previousVersion: 1,
      previousSha256: first.publication.sha256,
      reason: 'revocation',
      decisionsThrough: 1,
    });
    const after = await reader.cycleAwards(year);
    expect(after.history.map((version) => version.version)).toEqual([2, 1]);
    const pool = after.categories[0]?.pools[1]?.awards ?? [];
    expect(pool.map((entry) => entry.agency.id)).not.toContain(loser);
    expect(pool[0]?.id).toBe(`apd-${year}-layanan-provinsi-2`);
    // Events: the new winner told it was awarded, the excluded agency that its award was withdrawn.
    const events = awardEvents(ports).slice(eventsBefore);
    expect(events.map((event) => [event.type, event.subject.agencyId, event.data.awards])).toEqual(
      expect.arrayContaining([
        ['award.published', pool[0]?.agency.id, [`apd-${year}-layanan-provinsi-2`]],
        ['award.revoked', loser, [`apd-${year}-layanan-provinsi-1`]],
      ]),
    );
    expect(events).toHaveLength(2);
    // The withdrawn award keeps its id and history.
    const detail = await reader.award(`apd-${year}-layanan-provinsi-1`);
    expect(detail).toMatchObject({
      status: 'withdrawn',
      withdrawnInVersion: 2,
      currentPublicationVersion: 2,
    });
    expect(detail.history.map((entry) => entry.publicationVersion)).toEqual([1]);
    const agency = await reader.agencyAwards(loser);
    expect(agency.items[0]?.withdrawn.map((entry) => [entry.id, entry.withdrawnInVersion])).toEqual([
      [`apd-${year}-layanan-provinsi-1`, 2],
    ]);
    expect(agency.items[0]?.awards.map((entry) => entry.category.id)).not.toContain('layanan');
  });

  it('shows a kept award as kept while the agency’s index still lags the revision', async () => {
    // Prepare: version 2 withdraws one agency's award; every other award is kept in it
    const { ports, service } = await setUp();
    await service.publish(admin(), year);
    const before = await createAwardReader(ports).cycleAwards(year);
    const loser = before.categories[0]?.pools[1]?.awards[0]?.agency.id ?? '';
    const kept = before.categories[0]?.pools[2]?.awards[0]?.agency.id ?? '';
    await service.decide(admin(), year, {
      category: 'layanan',
      agencyId: loser,
      action: 'exclude',
      reason: 'Terbukti memanipulasi data dukung',
    });
    await service.revise(admin(), year, { reason: 'revocation', note: 'Penghargaan dicabut' });
    // The per-agency index has not caught up with version 2 yet (it is eventually consistent).
    const lagging = createAwardReader({
      ...ports,
      awards: {
        ...ports.awards,
        agencyAwards: async (agencyId) =>
          (await ports.awards.agencyAwards(agencyId)).filter((record) => record.publicationVersion < 2),
      },
    });

    // Act
    const keptView = await lagging.agencyAwards(kept);
    const loserView = await lagging.agencyAwards(loser);

    // Assess
    expect(keptView.items[0]?.withdrawn).toEqual([]);
    expect(keptView.items[0]?.awards.map((award) => award.publicationVersion)).toEqual(
      keptView.items[0]?.awards.map(() => 2),
    );
    expect(keptView.items[0]?.awards.length).toBeGreaterThan(0);
    expect(loserView.items[0]?.withdrawn.map((award) => award.withdrawnInVersion)).toContain(2);
  });

  it('refuses a revision before publication and one that would change nothing', async () => {
    const { service } = await setUp();
    const input = { reason: 'correction' as const, note: 'Koreksi hasil banding' };
    await expect(service.revise(admin(), year, input)).rejects.toThrow(/publish first/);
    await service.publish(admin(), year);
    await expect(service.revise(admin(), year, input)).rejects.toThrow(/would change nothing/);
  });
});

describe('award publication under crashes, lost answers and retries', () => {
  /** A write path whose `commit` of `kind` writes, then the invocation dies before hearing so. */
  const losingAnswerOf = (ports: MemoryPorts, kind: string): WritePath => ({
    ...ports.writes,
    commit: async (change) => {
      const outcome = await ports.writes.commit(change);
      if (change.state.some((state) => state.kind === kind)) throw new Error('Task timed out');
      return outcome;
    },
  });

  it.each(['award.claim', 'award.publish'])(
    'finishes once when the %s transaction committed but its answer was lost',
    async (kind) => {
      // Prepare
      const { ports, ids, service } = await setUp();
      const crashing = createAwardService({ ...ports, ids, writes: losingAnswerOf(ports, kind) });
      await expect(crashing.publish(admin(), year)).rejects.toThrow('timed out');

      // Act: the client's retry
      const retried = await service.publish(admin(), year);

      // Assess
      expect(retried).toMatchObject({ created: false, publication: { version: 1, status: 'published' } });
      expect((await ports.awards.publications(year)).versions).toHaveLength(1);
      const events = awardEvents(ports);
      expect(events).toHaveLength(retried.publication.recipientCount);
      expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(events.length);
    },
  );

  it('answers a revision sent again after it finished (a lost answer, a double click) with that revision', async () => {
    // Prepare: version 2 made by a revision whose answer the client never saw
    const { ports, service } = await setUp();
    await service.publish(admin(), year);
    const loser = (await service.draft(year, now)).categories[0]?.pools[1]?.winners[0]?.agency.id ?? '';
    await service.decide(admin(), year, {
      category: 'layanan',
      agencyId: loser,
      action: 'exclude',
      reason: 'Terbukti memanipulasi data dukung',
    });
    const input = { reason: 'revocation' as const, note: 'Penghargaan dicabut' };
    const first = await service.revise(admin(), year, input);
    const eventsBefore = awardEvents(ports).length;

    // Act
    const again = await service.revise(admin(), year, input);

    // Assess: the same version, nothing written; another note is still a revision changing nothing
    expect(again).toEqual({ publication: first.publication, created: false });
    expect((await ports.awards.publications(year)).versions).toHaveLength(2);
    expect(awardEvents(ports)).toHaveLength(eventsBefore);
    await expect(service.revise(admin(), year, { ...input, note: 'Catatan lain' })).rejects.toThrow(
      /would change nothing/,
    );
  });

  it('answers a revision sent again with that revision after one of its winners was deactivated', async () => {
    // Prepare: version 2 made, its answer lost; then a winner it kept is dissolved in the registry
    const { ports, service } = await setUp();
    await service.publish(admin(), year);
    const draft = await service.draft(year, now);
    const loser = draft.categories[0]?.pools[1]?.winners[0]?.agency.id ?? '';
    await service.decide(admin(), year, {
      category: 'layanan',
      agencyId: loser,
      action: 'exclude',
      reason: 'Terbukti memanipulasi data dukung',
    });
    const input = { reason: 'revocation' as const, note: 'Penghargaan dicabut' };
    const first = await service.revise(admin(), year, input);
    const kept = draft.categories[1]?.pools[0]?.winners[0]?.agency.id ?? '';
    const agencies = createAgencyService(ports);
    const stored = await agencies.getAgency(kept);
    await agencies.putAgency(
      actor(),
      kept,
      { name: stored.name, group: stored.group, active: false },
      stored.version,
    );
    const eventsBefore = awardEvents(ports).length;

    // Act: the client's retry of the revision it made
    const again = await service.revise(admin(), year, input);

    // Assess: the revision made, as publishing again answers the publication; a new one is blocked
    expect(again).toEqual({ publication: first.publication, created: false });
    expect(awardEvents(ports)).toHaveLength(eventsBefore);
    await expect(service.revise(admin(), year, { ...input, note: 'Catatan lain' })).rejects.toThrow(
      /inactive in the registry: .+ or reactivate it, then revise \(POST \/v1\/cycles\/\d+\/awards\/revisions\)\./,
    );
  });

  it('shows readers version 1 whole while a revision is cut off half-way, then version 2 once retried', async () => {
    // Prepare: version 1, an exclusion, and a revision dying after its first recipient
    const { ports, ids, service, reader } = await setUp();
    await service.publish(admin(), year);
    const before = await reader.cycleAwards(year);
    const loserAward = before.categories[0]?.pools[1]?.awards[0];
    const loser = loserAward?.agency.id ?? '';
    const carried = before.categories[1]?.pools[0]?.awards[0]?.agency.id ?? '';
    await service.decide(admin(), year, {
      category: 'layanan',
      agencyId: loser,
      action: 'exclude',
      reason: 'Terbukti memanipulasi data dukung',
    });
    const eventsBefore = awardEvents(ports).length;
    const dying: WritePath = {
      commit: ports.writes.commit,
      commitMany: async (changes) => {
        await ports.writes.commitMany(changes.slice(0, changes.length - 1));
        throw new Error('Task timed out');
      },
    };
    const input = { reason: 'revocation' as const, note: 'Penghargaan dicabut' };
    await expect(
      createAwardService({ ...ports, ids, writes: dying }).revise(admin(), year, input),
    ).rejects.toThrow('timed out');

    // Assess: half-way, every public read is still version 1, whole
    expect((await ports.awards.recipients(year, 2)).size).toBeGreaterThan(0);
    expect(await reader.cycleAwards(year)).toEqual(before);
    expect(await reader.award(loserAward?.id ?? '')).toMatchObject({
      status: 'current',
      currentPublicationVersion: 1,
    });
    expect((await reader.agencyAwards(loser)).items[0]).toMatchObject({
      publicationVersion: 1,
      withdrawn: [],
    });
    expect((await reader.agencyAwards(carried)).items[0]).toMatchObject({
      publicationVersion: 1,
      withdrawn: [],
    });
    expect((await reader.publishedYears()).map((entry) => entry.publicationVersion)).toEqual([1]);
    const halfway = await reader.page(year);
    expect(halfway.publication.version).toBe(1);
    expect(halfway.records.every((record) => record.publicationVersion === 1)).toBe(true);
    expect(halfway.withdrawn).toEqual([]);

    // Act: the client's retry of the same revision
    const retried = await service.revise(admin(), year, input);

    // Assess: version 2, answered as already made; each recipient told once
    expect(retried).toMatchObject({ created: false, publication: { version: 2, status: 'published' } });
    const revised = await reader.cycleAwards(year);
    expect(revised.publication.version).toBe(2);
    expect(revised.withdrawn).toEqual([
      expect.objectContaining({ id: loserAward?.id, publicationVersion: 1, withdrawnInVersion: 2 }),
    ]);
    const events = awardEvents(ports).slice(eventsBefore);
    expect(events).toHaveLength(2);
    expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(2);
    expect((await reader.agencyAwards(carried)).items[0]).toMatchObject({
      publicationVersion: 2,
      withdrawn: [],
    });
    // The page keeps the withdrawn award (its anchor), with its last record and the version that left it out
    const page = await reader.page(year);
    expect(page.records.every((record) => record.publicationVersion === 2)).toBe(true);
    expect(page.withdrawn).toEqual([
      {
        record: expect.objectContaining({ awardId: loserAward?.id, agencyId: loser, publicationVersion: 1 }),
        withdrawnInVersion: 2,
      },
    ]);
  });
});

describe('public reads', () => {
  it('answer 404 before the first publication', async () => {
    const { reader } = await setUp();
    await expect(reader.cycleAwards(year)).rejects.toThrow(/No published awards/);
    await expect(reader.award(`apd-${year}-layanan-provinsi-1`)).rejects.toThrow(/No published award/);
    await expect(reader.agencyAwards(roster[3]?.id ?? '')).rejects.toThrow(/No published award/);
  });

  it('tell an agency id the registry does not know from an agency without an award', async () => {
    const { reader } = await setUp();
    await expect(reader.agencyAwards('kab-banyuwangii')).rejects.toThrow('No agency "kab-banyuwangii".');
    await expect(reader.agencyAwards(roster[3]?.id ?? '')).rejects.toThrow(
      `No published award of ${roster[3]?.id}.`,
    );
  });

  it('show one agency its awards and one award its citation', async () => {
    // Prepare
    const { service, reader } = await setUp();
    await service.publish(admin(), year);
    const published = await reader.cycleAwards(year);
    const award = published.categories[1]?.pools[0]?.awards[0];

    // Act
    const detail = await reader.award(award?.id ?? '');
    const agency = await reader.agencyAwards(award?.agency.id ?? '');

    // Assess
    expect(detail).toMatchObject({ status: 'current', currentPublicationVersion: 1, award });
    expect(agency.items[0]).toMatchObject({ year, publicationVersion: 1, withdrawn: [] });
    expect(agency.items[0]?.awards.map((entry) => entry.id)).toContain(award?.id);
  });
});

describe('the years with published awards', () => {
  it('lists only cycles whose awards are published, newest first, with their publication', async () => {
    // Prepare: cycles of 2024 and 2025 exist; nothing is published yet
    const { service, reader } = await setUp();
    const before = await reader.publishedYears();

    // Act
    const { publication } = await service.publish(admin(), year);
    const after = await reader.publishedYears();

    // Assess
    expect(before).toEqual([]);
    expect(after).toEqual([{ year, publicationVersion: 1, publishedAt: publication.publishedAt }]);
  });
});

describe('rules as data', () => {
  it('publishes 2024-style rules: the top 10 of five pools plus significant improvement', async () => {
    // Prepare
    const { ports, service, reader } = await setUp({ rules: awardRules2024 });

    // Act
    const { publication } = await service.publish(admin(), year);

    // Assess
    const published = await reader.cycleAwards(year);
    expect(published.categories.map((category) => category.id)).toEqual([
      'indeks-tertinggi',
      'peningkatan-signifikan',
    ]);
    const top = published.categories[0]?.pools ?? [];
    expect(top.map((pool) => pool.nameId)).toEqual([
      'Kementerian',
      'LPNK dan Lembaga Lainnya',
      'Provinsi',
      'Kota',
      'Kabupaten',
    ]);
    const entries = await entriesIn(ports);
    for (const pool of top) {
      const ranking = rank(entries, { measure: 'index', scope: pool.groups });
      expect(pool.awards.map((entry) => entry.agency.id)).toEqual(
        ranking.rows.filter((row) => row.rank <= 10).map((row) => row.agencyId),
      );
    }
    expect(publication.awardCount).toBe(
      published.categories.flatMap((c) => c.pools.flatMap((p) => p.awards)).length,
    );
    expect(awardEvents(ports)).toHaveLength(publication.recipientCount);
  });
});
