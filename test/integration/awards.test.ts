import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { awardsPageContentSecurityPolicy } from '#shared/api/awards/routes.ts';
import type {
  AgencyAwardsSchema,
  AwardDecisionSchema,
  AwardDetailSchema,
  AwardDraftSchema,
  AwardPublicationSchema,
  CycleAwardsSchema,
} from '#shared/api/awards/schemas.ts';
import type { RankingPageSchema } from '#shared/api/rankings/schemas.ts';
import { auditEntry } from '#shared/domain/actor.ts';
import { type AgencyGroup, agencyGroups } from '#shared/domain/agency-groups.ts';
import { awardRules2024, defaultAwardRules2023 } from '#shared/domain/awards/rules.ts';
import type { DomainEvent } from '#shared/domain/events.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { createAwardService } from '#shared/services/awards/awards.ts';
import type { WritePath } from '#shared/services/ports.ts';
import { claimedPublication } from '#test/helpers/award-publications.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { expectProblem, expectStatus, outboxEventsToday, shiftYears, windowsFrom } from './support.ts';

/**
 * Award publication through the whole local stack (HTTP → the awards function → DynamoDB Local): the
 * draft from a published ranking, decisions moving the next eligible agency up, publishing once
 * (again: a no-op; concurrently: one publication and one event per recipient), who may do what, the
 * public reads before and after publication with ETag/304, the page, revisions and their history,
 * and 2024-style rules created through POST /v1/cycles as data.
 */

type Draft = z.output<typeof AwardDraftSchema>;
type Publication = z.output<typeof AwardPublicationSchema>;
type CycleAwards = z.output<typeof CycleAwardsSchema>;
type AgencyAwards = z.output<typeof AgencyAwardsSchema>;
type AwardDetail = z.output<typeof AwardDetailSchema>;
type Decision = z.output<typeof AwardDecisionSchema>;
type RankingPage = z.output<typeof RankingPageSchema>;

const framework = getFramework('spbe-2020');
/** The finished cycle (default 2023 rules); the one before it (2024-style rules); and one more for improvement. */
const year = new Date().getUTCFullYear() - 1;
const rules2024Year = year - 1;
const firstYear = year - 2;

let api: TestApi;
let admin: string;

/** 42 agencies, 7 per group, with names. */
const agencies = Array.from({ length: 42 }, (_, index) => {
  const group = agencyGroups[index % agencyGroups.length] as AgencyGroup;
  return { id: `${group}-uji-${String(index).padStart(2, '0')}`, name: `Instansi Uji ${index}`, group };
});
const province = agencies.find((agency) => agency.group === 'provinsi');

const unit = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;

/** Levels spread by agency and indicator, every agency somewhat better each year: no ties in practice. */
const levelsOf = (agencyId: string, target: number) => {
  const base = 1.5 + unit(agencyId) * 3 + (target - firstYear) * 0.25;
  return framework.indicators.map((indicator) =>
    Math.min(5, Math.max(1, Math.round(base + (unit(`${agencyId}#${target}#${indicator.no}`) - 0.5) * 2))),
  );
};

/** Every award event in the outbox today, through its designed index (events by day). */
const awardEvents = async (target: number): Promise<DomainEvent[]> =>
  (await outboxEventsToday(api)).filter(
    (event) => event.type.startsWith('award.') && event.subject.year === target,
  );

const draftOf = async (target: number) =>
  expectStatus(await api.request<Draft>('GET', `/v1/cycles/${target}/awards/draft`, { token: admin }), 200);

const decide = (target: number, body: Record<string, unknown>) =>
  api.request<Decision>('POST', `/v1/cycles/${target}/awards/decisions`, { token: admin, body });

const publish = (target: number, headers: Record<string, string> = {}) =>
  api.request<Publication>('POST', `/v1/cycles/${target}/awards/publish`, { token: admin, headers });

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
  expectStatus(
    await api.request('POST', '/v1/agencies/import', {
      token: admin,
      body: {
        agencies: agencies.map((agency) =>
          agency.group === 'kabupaten' || agency.group === 'kota'
            ? { ...agency, parentProvinceId: province?.id }
            : agency,
        ),
      },
    }),
    200,
  );
  // Three past cycles, all windows over: the first for improvement only, the second with 2024-style
  // rules created through the API as data, the third (the finished one) with the default rules.
  for (const target of [firstYear, rules2024Year, year]) {
    expectStatus(
      await api.request('POST', '/v1/cycles', {
        token: admin,
        body: {
          year: target,
          type: 'pemantauan',
          windows: shiftYears(windowsFrom(-100), target - year - 1),
          predicateBasis: 'exact',
          ...(target === rules2024Year ? { awardRules: awardRules2024 } : {}),
        },
      }),
      201,
    );
    expectStatus(
      await api.request('POST', `/v1/cycles/${target}/results/import`, {
        token: admin,
        body: {
          results: agencies.map((agency) => ({
            agencyId: agency.id,
            levels: levelsOf(agency.id, target),
            reference: `Uji penghargaan ${target}`,
          })),
        },
      }),
      200,
    );
  }
  for (const target of [firstYear, rules2024Year, year]) {
    expectStatus(await api.request('POST', `/v1/cycles/${target}/rankings/runs`, { token: admin }), 202);
    await api.runtime.lambda.settle();
  }
}, 180_000);

afterAll(async () => {
  await api?.stop();
});

describe('before publication', () => {
  it('answers 404 on every public awards route', async () => {
    // Act
    const responses = await Promise.all([
      api.request('GET', `/v1/cycles/${year}/awards`),
      api.request('GET', `/v1/agencies/${agencies[0]?.id}/awards`),
      api.request('GET', `/v1/awards/apd-${year}-layanan-provinsi-1`),
      api.request('GET', `/awards/${year}`),
    ]);

    // Assess
    for (const response of responses) expectProblem(response, 404);
  });

  it('lists no year on the index of awards pages, saying none are published yet', async () => {
    // Act
    const index = await api.request('GET', '/awards');

    // Assess
    expect(index.status).toBe(200);
    expect(index.text).toContain('Belum ada penghargaan yang diterbitkan.');
    expect(index.text).not.toContain(`/awards/${year}`);
    expect(expectStatus(await api.request('GET', '/v1/awards'), 200)).toEqual({ items: [] });
  });

  it('says so when the agency id is unknown, not that it won nothing', async () => {
    const unknown = expectProblem(await api.request('GET', '/v1/agencies/kab-no-such-agency/awards'), 404);
    const known = expectProblem(await api.request('GET', `/v1/agencies/${agencies[0]?.id}/awards`), 404);
    expect(unknown.detail).toBe('No agency "kab-no-such-agency".');
    expect(known.detail).toBe(`No published award of ${agencies[0]?.id}.`);
  });

  it('lets only admins draft, decide and publish: agencies and assessors get 403', async () => {
    // Prepare
    const tokens = [await api.token('agency', { agencyId: agencies[3]?.id }), await api.token('assessor')];

    // Act + Assess
    for (const token of tokens) {
      expectProblem(await api.request('GET', `/v1/cycles/${year}/awards/draft`, { token }), 403);
      expectProblem(
        await api.request('POST', `/v1/cycles/${year}/awards/decisions`, {
          token,
          body: {
            category: 'layanan',
            agencyId: agencies[3]?.id,
            action: 'exclude',
            reason: 'Tidak berwenang',
          },
        }),
        403,
      );
      expectProblem(await api.request('POST', `/v1/cycles/${year}/awards/publish`, { token }), 403);
      expectProblem(
        await api.request('POST', `/v1/cycles/${year}/awards/revisions`, {
          token,
          body: { reason: 'correction', note: 'Tidak berwenang merevisi' },
        }),
        403,
      );
    }
    expect(await awardEvents(year)).toEqual([]);
  });
});

describe('the draft', () => {
  it('has winners in all six default categories for every pool, each the top of its published ranking', async () => {
    // Act
    const draft = await draftOf(year);

    // Assess
    expect(draft).toMatchObject({
      publishable: true,
      blockers: [],
      publication: null,
      changedSincePublication: null,
    });
    expect(draft.ranking.current).toBe(true);
    expect(draft.categories.map((category) => category.id)).toEqual(
      defaultAwardRules2023.categories.map((category) => category.id),
    );
    for (const category of draft.categories) {
      expect(category.pools).toHaveLength(4);
      for (const pool of category.pools) {
        expect(pool.winners.length).toBeGreaterThanOrEqual(1);
        const [group] = pool.groups;
        if (pool.groups.length !== 1 || group === undefined) continue;
        // A one-group pool's winners are the top of the public ranking of that group and measure.
        const ranking = expectStatus(
          await api.request<RankingPage>(
            'GET',
            `/v1/cycles/${year}/rankings?scope=${group}&measure=${category.measure}&limit=10`,
          ),
          200,
        );
        const top = ranking.items.filter((entry) => entry.rank === 1).map((entry) => entry.agency.id);
        expect(pool.winners.map((winner) => winner.agency.id)).toEqual(top);
      }
    }
  });

  it('moves the next eligible agency up on an exclusion (reason mandatory), and back on reinstatement', async () => {
    // Prepare
    const before = await draftOf(year);
    const pool = before.categories.find((category) => category.id === 'kebijakan')?.pools[1];
    const winner = pool?.winners[0]?.agency.id ?? '';
    const next = pool?.runnersUp[0]?.agency.id ?? '';

    // Act
    const noReason = await decide(year, { category: 'kebijakan', agencyId: winner, action: 'exclude' });
    const excluded = await decide(year, {
      category: 'kebijakan',
      agencyId: winner,
      action: 'exclude',
      reason: 'Sedang dalam pemeriksaan Inspektorat',
    });
    const twice = await decide(year, {
      category: 'kebijakan',
      agencyId: winner,
      action: 'exclude',
      reason: 'Sedang dalam pemeriksaan Inspektorat',
    });
    const during = await draftOf(year);
    const reinstated = await decide(year, {
      category: 'kebijakan',
      agencyId: winner,
      action: 'reinstate',
      reason: 'Pemeriksaan selesai tanpa temuan',
    });
    const after = await draftOf(year);

    // Assess
    expectProblem(noReason, 400);
    expect(expectStatus(excluded, 201)).toMatchObject({ number: 1, action: 'exclude', agencyId: winner });
    expectProblem(twice, 409);
    const duringPool = during.categories.find((category) => category.id === 'kebijakan')?.pools[1];
    expect(duringPool?.winners.map((candidate) => [candidate.agency.id, candidate.rank])).toEqual([
      [next, 1],
    ]);
    expect(duringPool?.excludedByDecision.map((entry) => entry.agency.id)).toEqual([winner]);
    expect(expectStatus(reinstated, 201).number).toBe(2);
    const afterPool = after.categories.find((category) => category.id === 'kebijakan')?.pools[1];
    expect(afterPool?.winners.map((candidate) => candidate.agency.id)).toEqual([winner]);
    const decisions = expectStatus(
      await api.request<{ items: Decision[] }>('GET', `/v1/cycles/${year}/awards/decisions`, {
        token: admin,
      }),
      200,
    );
    expect(decisions.items.map((decision) => [decision.number, decision.action])).toEqual([
      [1, 'exclude'],
      [2, 'reinstate'],
    ]);
    const trail = expectStatus(
      await api.request<{ items: { action: string }[] }>(
        'GET',
        `/v1/cycles/${year}/agencies/${winner}/audit`,
        {
          token: admin,
        },
      ),
      200,
    );
    expect(trail.items.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['award.decision.exclude', 'award.decision.reinstate']),
    );
    // Each 201 names where its decision can be read again.
    const location = reinstated.headers.get('location') ?? '';
    expect(location).toBe(`/v1/cycles/${year}/awards/decisions/2`);
    expect(expectStatus(await api.request<Decision>('GET', location, { token: admin }), 200)).toEqual(
      reinstated.body,
    );
    expectProblem(await api.request('GET', `/v1/cycles/${year}/awards/decisions/3`, { token: admin }), 404);
    expectProblem(await api.request('GET', `/v1/cycles/${year}/awards/decisions/0`, { token: admin }), 400);
  });
});

describe('publishing', () => {
  it('publishes once with one award.published per recipient; again, with or without the key, is a no-op', async () => {
    // Prepare
    const draft = await draftOf(year);

    // Act
    const first = await publish(year, { 'idempotency-key': 'awards-publish-1' });
    const replayed = await publish(year, { 'idempotency-key': 'awards-publish-1' });
    const again = await publish(year);

    // Assess
    const publication = expectStatus(first, 201);
    expect(first.headers.get('location')).toBe(`/v1/cycles/${year}/awards`);
    expect(publication).toMatchObject({
      year,
      version: 1,
      status: 'published',
      reason: 'initial',
      awardCount: draft.totals.awards,
      recipientCount: draft.totals.recipients,
      decisionsThrough: 2,
      rankingRunId: draft.ranking.runId,
      inputsSha256: draft.ranking.inputsSha256,
    });
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(expectStatus(again, 200)).toEqual(publication);
    const events = await awardEvents(year);
    expect(events).toHaveLength(draft.totals.recipients);
    expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(events.length);
    expect(events.every((event) => event.type === 'award.published')).toBe(true);
  });

  it('makes one publication and one set of events of two concurrent calls (2024-style rules from POST /v1/cycles)', async () => {
    // Prepare
    const draft = await draftOf(rules2024Year);

    // Act
    const [a, b] = await Promise.all([publish(rules2024Year), publish(rules2024Year)]);

    // Assess
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.sha256).toBe(b.body.sha256);
    expect(a.body.version).toBe(1);
    const events = await awardEvents(rules2024Year);
    expect(events).toHaveLength(draft.totals.recipients);
    expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(events.length);
    // The rules as data: the top 10 (or all, in a pool of 7) of five pools, and improvement.
    const awards = expectStatus(
      await api.request<CycleAwards>('GET', `/v1/cycles/${rules2024Year}/awards`),
      200,
    );
    expect(awards.categories.map((category) => category.id)).toEqual([
      'indeks-tertinggi',
      'peningkatan-signifikan',
    ]);
    expect(awards.categories[0]?.pools.map((pool) => [pool.nameId, pool.awards.length])).toEqual([
      ['Kementerian', 7],
      ['LPNK dan Lembaga Lainnya', 10],
      ['Provinsi', 7],
      ['Kota', 7],
      ['Kabupaten', 7],
    ]);
    expect(awards.categories[1]?.pools.every((pool) => pool.awards.length >= 1)).toBe(true);
  });
});

describe('a publication cut off half-way (DynamoDB Local)', () => {
  it('claims no publication when a decision was recorded after its draft was read: 409 naming it (the claim’s condition)', async () => {
    // Prepare: the awards service on the same tables; another admin's exclusion commits just before the claim
    const ports = createDynamoDbPorts(
      createDocumentClient(api.runtime.dynamodb.client),
      api.runtime.dynamodb.tables,
    );
    const actorOf = (requestId: string) => ({
      subject: 'awards-test',
      role: 'admin' as const,
      requestId,
      route: 'test',
      now: new Date(),
    });
    const service = createAwardService({ ...ports, ids: systemIds });
    const category = (await service.draft(firstYear, new Date())).categories[0];
    const decision = {
      category: category?.id ?? '',
      agencyId: category?.pools[0]?.winners[0]?.agency.id ?? '',
      reason: 'Sedang dalam pemeriksaan Inspektorat Jenderal',
    };
    let excluded: Promise<unknown> | undefined;
    const racing: WritePath = {
      commitMany: ports.writes.commitMany,
      commit: async (change) => {
        if (!excluded && change.state.some((state) => state.kind === 'award.claim')) {
          excluded = service.decide(actorOf('awards-race-2'), firstYear, { ...decision, action: 'exclude' });
          await excluded;
        }
        return ports.writes.commit(change);
      },
    };

    // Act
    const refused = await createAwardService({ ...ports, ids: systemIds, writes: racing })
      .publish(actorOf('awards-race-1'), firstYear)
      .catch((error: unknown) => error);

    // Assess: nothing claimed, the decision named
    expect((refused as Error).message).toMatch(/^Decision \d+ \(exclude .*\) was recorded while publishing/);
    expect((await ports.awards.publications(firstYear)).versions).toEqual([]);
    // The next test publishes the draft as it was: the exclusion is undone
    await service.decide(actorOf('awards-race-3'), firstYear, {
      ...decision,
      action: 'reinstate',
      reason: 'Pemeriksaan selesai tanpa temuan',
    });
  });

  it('refuses, in the claim’s transaction, a publication drawn from a ranking run that is no longer the published one', async () => {
    // Prepare: the draft as a publication would claim it, but drawn from another run than the
    // published one (as when a ranking run publishes between reading the draft and the claim)
    const ports = createDynamoDbPorts(
      createDocumentClient(api.runtime.dynamodb.client),
      api.runtime.dynamodb.tables,
    );
    const actor = {
      subject: 'awards-test',
      role: 'admin' as const,
      requestId: 'awards-replaced-run',
      route: 'test',
      now: new Date(),
    };
    const published = await ports.rankings.published(firstYear);
    const publication = claimedPublication(firstYear, actor.now.toISOString(), {
      rankingRunId: 'run-replaced',
      // No decision numbered after it exists: only the ranking's check can refuse the claim.
      decisionsThrough: 1_000,
    });

    // Act
    const outcome = await ports.writes.commit({
      state: [{ kind: 'award.claim', publication }],
      audits: [
        auditEntry(actor, { kind: 'cycle', year: firstYear }, 'award.publication.started', 'awards', []),
      ],
      events: [],
    });

    // Assess: refused and nothing written, while another run is the published one
    expect(published?.runId).toBeDefined();
    expect(published?.runId).not.toBe('run-replaced');
    expect(outcome.committed).toBe(false);
    expect((await ports.awards.publications(firstYear)).versions).toEqual([]);
  });

  it('is finished by the next call, each recipient told once, nothing duplicated', async () => {
    // Prepare: the awards service on the same tables, its write path dying after two recipients
    const ports = createDynamoDbPorts(
      createDocumentClient(api.runtime.dynamodb.client),
      api.runtime.dynamodb.tables,
    );
    const dying: WritePath = {
      commit: ports.writes.commit,
      commitMany: async (changes) => {
        await ports.writes.commitMany(changes.slice(0, 2));
        throw new Error('Task timed out after 30.00 seconds');
      },
    };
    const actor = {
      subject: 'awards-test',
      role: 'admin' as const,
      requestId: 'awards-crash-1',
      route: 'test',
      now: new Date(),
    };
    await expect(
      createAwardService({ ...ports, ids: systemIds, writes: dying }).publish(actor, firstYear),
    ).rejects.toThrow('timed out');
    const halfway = await ports.awards.publications(firstYear);
    expectProblem(await api.request('GET', `/v1/cycles/${firstYear}/awards`), 404);

    // Act: the client's retry
    const retried = await publish(firstYear);

    // Assess
    expect(halfway.versions.map((version) => version.status)).toEqual(['publishing']);
    expect((await ports.awards.recipients(firstYear, 1)).size).toBe(
      expectStatus(retried, 200).recipientCount,
    );
    expect(retried.body).toMatchObject({
      version: 1,
      status: 'published',
      sha256: halfway.versions[0]?.sha256,
    });
    const events = await awardEvents(firstYear);
    expect(events).toHaveLength(retried.body.recipientCount);
    expect(new Set(events.map((event) => event.subject.agencyId)).size).toBe(events.length);
    const published = expectStatus(
      await api.request<CycleAwards>('GET', `/v1/cycles/${firstYear}/awards`),
      200,
    );
    expect(
      published.categories.flatMap((category) => category.pools.flatMap((pool) => pool.awards)),
    ).toHaveLength(retried.body.awardCount);
  });
});

describe('the public reads', () => {
  it('shows the cycle’s awards with citations, cacheable: ETag and 304', async () => {
    // Act
    const response = await api.request<CycleAwards>('GET', `/v1/cycles/${year}/awards`);
    const etag = response.headers.get('etag') ?? '';
    const revalidated = await api.request('GET', `/v1/cycles/${year}/awards`, {
      headers: { 'if-none-match': etag },
    });

    // Assess
    const awards = expectStatus(response, 200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe('');
    expect(awards.history.map((version) => version.version)).toEqual([1]);
    const award = awards.categories.find((category) => category.id === 'layanan')?.pools[1]?.awards[0];
    expect(award?.id).toBe(`apd-${year}-layanan-provinsi-1`);
    expect(award?.citation.id).toMatch(
      new RegExp(
        `^Instansi Uji \\d+ — Penerapan Layanan SPBE, kelompok Provinsi, ${year}: indeks domain Layanan \\d,\\d\\d, peringkat 1$`,
      ),
    );
    expect(award?.citation.en).toMatch(/Services domain index \d\.\d\d, rank 1$/);
    expect(award?.basis.result.version).toBe(1);
  });

  it('shows one award and one agency’s history', async () => {
    // Act
    const detail = await api.request<AwardDetail>('GET', `/v1/awards/apd-${year}-layanan-provinsi-1`);
    const agencyId = detail.body.award.agency.id;
    const agency = await api.request<AgencyAwards>('GET', `/v1/agencies/${agencyId}/awards`);
    const etag = agency.headers.get('etag') ?? '';

    // Assess
    expect(expectStatus(detail, 200)).toMatchObject({ status: 'current', currentPublicationVersion: 1 });
    expect(expectStatus(agency, 200).items[0]).toMatchObject({ year, publicationVersion: 1, withdrawn: [] });
    expect(
      (await api.request('GET', `/v1/agencies/${agencyId}/awards`, { headers: { 'if-none-match': etag } }))
        .status,
    ).toBe(304);
    expectProblem(await api.request('GET', `/v1/awards/apd-${year}-layanan-provinsi-99`), 404);
  });

  it('serves the page: winners with citations and the national chart, Indonesian or English, under its own policy', async () => {
    // Act
    const page = await api.request('GET', `/awards/${year}`);
    const english = await api.request('GET', `/awards/${year}?lang=en`);
    const styles = await api.request('GET', '/awards/awards.css');

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(awardsPageContentSecurityPolicy);
    expect(page.text).toContain(`<title>Anugerah Pemerintahan Digital ${year} — Pemenang</title>`);
    expect(page.text).toMatch(/kelompok Provinsi, \d{4}: indeks domain Layanan \d,\d\d, peringkat 1/);
    expect(page.text).toContain('<svg id="national-chart" role="img"');
    expect(page.text.match(/<circle [^>]*class="winner"/g)?.length).toBeGreaterThan(0);
    expect(page.text).not.toMatch(/<script|style="/);
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toMatch(/Provinces group, \d{4}: Services domain index \d\.\d\d, rank 1/);
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expectProblem(await api.request('GET', `/awards/${year}?lang=fr`), 400);
  });

  it('lists the published year on the index of awards pages, which each year’s page links back to', async () => {
    // Act
    const index = await api.request('GET', '/awards');
    const english = await api.request('GET', '/awards?lang=en&utm_source=newsletter');
    const page = await api.request('GET', `/awards/${year}?lang=en`);

    // Assess
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(awardsPageContentSecurityPolicy);
    expect(index.text).toContain('<title>Anugerah Pemerintahan Digital</title>');
    expect(index.text).toMatch(
      new RegExp(
        `<a href="/awards/${year}">Anugerah Pemerintahan Digital ${year}</a> — publikasi versi 1, diterbitkan \\d{1,2} [A-Z][a-z]+ \\d{4}`,
      ),
    );
    expect(index.text).not.toContain('Belum ada penghargaan');
    expect(english.text).toContain(`<a href="/awards/${year}?lang=en">Digital Government Award ${year}</a>`);
    expect(page.text).toContain('<a href="/awards?lang=en">All years</a>');
    const years = expectStatus(await api.request<{ items: unknown[] }>('GET', '/v1/awards'), 200);
    expect(years.items).toContainEqual({
      year,
      publicationVersion: 1,
      publishedAt: expect.any(String),
      links: { awards: `/v1/cycles/${year}/awards`, page: `/awards/${year}` },
    });
  });

  it('revalidates the page and its stylesheet: an ETag per language, 304 without a body while unchanged', async () => {
    // Prepare
    const page = await api.request('GET', `/awards/${year}`);
    const english = await api.request('GET', `/awards/${year}?lang=en`);
    const styles = await api.request('GET', '/awards/awards.css');
    const etag = page.headers.get('etag') ?? '';

    // Act
    const again = await api.request('GET', `/awards/${year}`, { headers: { 'if-none-match': etag } });
    const otherLanguage = await api.request('GET', `/awards/${year}?lang=en`, {
      headers: { 'if-none-match': etag },
    });
    const stylesAgain = await api.request('GET', '/awards/awards.css', {
      headers: { 'if-none-match': styles.headers.get('etag') ?? '' },
    });

    // Assess
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(english.headers.get('etag')).not.toBe(etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(otherLanguage.status).toBe(200);
    expect(stylesAgain.status).toBe(304);
  });

  it('serves the page to a link shared with tracking parameters (?fbclid=…, ?utm_source=…)', async () => {
    // Act: social networks and newsletters append these to every link a reader follows.
    const shared = await api.request('GET', `/awards/${year}?lang=en&fbclid=IwAR0abc&utm_source=twitter`);

    // Assess
    expect(shared.status).toBe(200);
    expect(shared.text).toContain('<html lang="en">');
  });
});

describe('revisions', () => {
  it('withdraws an award in a new linked version; the public sees it and the history', async () => {
    // Prepare
    const current = expectStatus(await api.request<CycleAwards>('GET', `/v1/cycles/${year}/awards`), 200);
    const loser = current.categories.find((category) => category.id === 'layanan')?.pools[1]?.awards[0]
      ?.agency.id;
    expectStatus(
      await decide(year, {
        category: 'layanan',
        agencyId: loser,
        action: 'exclude',
        reason: 'Manipulasi data dukung terbukti',
      }),
      201,
    );
    const eventsBefore = (await awardEvents(year)).length;

    // Act
    const revised = await api.request<Publication>('POST', `/v1/cycles/${year}/awards/revisions`, {
      token: admin,
      body: { reason: 'revocation', note: 'Penghargaan dicabut setelah pemeriksaan Inspektorat' },
    });
    const nothingMore = await api.request('POST', `/v1/cycles/${year}/awards/revisions`, {
      token: admin,
      body: { reason: 'correction', note: 'Tidak ada yang berubah lagi' },
    });

    // Assess
    expect(expectStatus(revised, 201)).toMatchObject({
      version: 2,
      previousVersion: 1,
      previousSha256: current.publication.sha256,
      reason: 'revocation',
    });
    expectProblem(nothingMore, 409);
    const after = expectStatus(await api.request<CycleAwards>('GET', `/v1/cycles/${year}/awards`), 200);
    expect(after.history.map((version) => version.version)).toEqual([2, 1]);
    const provinces = after.categories.find((category) => category.id === 'layanan')?.pools[1]?.awards ?? [];
    expect(provinces.map((award) => award.id)).toEqual([`apd-${year}-layanan-provinsi-2`]);
    // The cycle's awards list it among the withdrawn, as last published, with the version that withdrew it
    expect(after.withdrawn).toEqual([
      expect.objectContaining({
        id: `apd-${year}-layanan-provinsi-1`,
        publicationVersion: 1,
        withdrawnInVersion: 2,
        agency: expect.objectContaining({ id: loser }),
      }),
    ]);
    const withdrawn = expectStatus(
      await api.request<AwardDetail>('GET', `/v1/awards/apd-${year}-layanan-provinsi-1`),
      200,
    );
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      withdrawnInVersion: 2,
      award: { agency: { id: loser } },
    });
    const events = (await awardEvents(year)).slice(eventsBefore);
    expect(events.map((event) => [event.type, event.subject.agencyId]).sort()).toEqual(
      [
        ['award.published', provinces[0]?.agency.id],
        ['award.revoked', loser],
      ].sort(),
    );
    // The agency's own history: the award withdrawn in version 2 (checked against version 2's records).
    const agencyAwards = expectStatus(
      await api.request<{ items: { withdrawn: { id: string; withdrawnInVersion: number }[] }[] }>(
        'GET',
        `/v1/agencies/${loser}/awards`,
      ),
      200,
    );
    expect(agencyAwards.items[0]?.withdrawn).toContainEqual(
      expect.objectContaining({ id: `apd-${year}-layanan-provinsi-1`, withdrawnInVersion: 2 }),
    );
    const page = await api.request('GET', `/awards/${year}`);
    expect(page.text).toContain('Revisi (pencabutan)');
    // A link shared before the revision still lands on the award's row, now among the withdrawn
    expect(page.text).toMatch(
      new RegExp(
        `<h2 id="withdrawn-heading">[\\s\\S]*<tr id="apd-${year}-layanan-provinsi-1">.*versi 2, .*: Penghargaan dicabut setelah pemeriksaan Inspektorat</td></tr>`,
      ),
    );
  });
});
