import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { RankingPageSchema, RankingRunSchema } from '#shared/api/rankings/schemas.ts';
import type { Actor } from '#shared/domain/actor.ts';
import { agencyGroups } from '#shared/domain/agency-groups.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { rankingKeys } from '#shared/dynamodb/keys.ts';
import { createDynamoDbPorts, type DynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { createCycleService } from '#shared/services/cycles/cycles.ts';
import type { RankingStore } from '#shared/services/rankings/ports.ts';
import { createRankingReader } from '#shared/services/rankings/read.ts';
import { createRankingRunner, launchGraceMs, slotRunId } from '#shared/services/rankings/run.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createResultService } from '#shared/services/results/results.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  expectFieldProblem,
  expectProblem,
  expectStatus,
  outboxEventsToday,
  shiftYears,
  windowsFrom,
} from './support.ts';

/**
 * The national ranking run on DynamoDB Local: exactly one publication under concurrent and repeated
 * triggers, resumption after a crash giving what an uninterrupted run gives, readers seeing one run
 * whole, and the HTTP surface (202 and polling, 409 while running, public only after publication,
 * open data).
 */

type RankingRun = z.output<typeof RankingRunSchema>;
type RankingPage = z.output<typeof RankingPageSchema>;

const framework = getFramework('spbe-2020');
const year = new Date().getUTCFullYear() - 1;
let api: TestApi;
let ports: DynamoDbPorts;
let sequence = 0;

const actor = (): Actor => ({
  subject: 'ranking-test',
  role: 'admin',
  requestId: `ranking-test-${++sequence}`,
  route: 'test',
  now: new Date(),
});

/** 40 agencies over every group; levels that give ties, distinct values and a spread of predicates. */
const agencies = Array.from({ length: 40 }, (_, index) => {
  const group = agencyGroups[index % agencyGroups.length] as (typeof agencyGroups)[number];
  const id = `${group}-uji-${String(index).padStart(2, '0')}`;
  return { id, group, name: `Instansi Uji ${index}` };
});
const levelsOf = (index: number, salt: number): Level[] =>
  framework.indicators.map((indicator) => ((((index % 13) * 3 + indicator.no * 7 + salt) % 5) + 1) as Level);

const importYear = async (target: number, salt: number, only = agencies) => {
  const results = createResultService({ ...ports, ids: systemIds });
  await results.importResults(
    actor(),
    target,
    only.map((agency) => ({
      agencyId: agency.id,
      levels: levelsOf(agencies.indexOf(agency), salt),
      reference: `uji ${target}`,
    })),
  );
};

const forever = { remainingMs: () => 10 * 60_000, now: () => new Date() };

/** Every row of a published or run ranking, through the reader. */
const allRows = async (runId: string, scope = 'national', measure = 'index') => {
  const reader = createRankingReader(ports);
  const rows: RankingPage['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.ofRun(year, runId, { scope: scope as 'national', measure, limit: 7, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
};

/**
 * Makes the next run publish although nothing changed: the published pointer loses its hashes, as
 * a pointer written before they were kept has none. For the tests of the run's machinery (slots,
 * leases, resumption, readers), which each need a run that publishes; a run over unchanged inputs
 * would otherwise only confirm the published one (tested at the end).
 */
const forgetPublishedHashes = async () => {
  const client = createDocumentClient(api.runtime.dynamodb.client);
  await client
    .send(
      new UpdateCommand({
        TableName: api.runtime.dynamodb.tables.programme,
        Key: rankingKeys.published(year),
        UpdateExpression: 'REMOVE inputsSha256, entriesSha256',
        ConditionExpression: 'attribute_exists(PK)',
      }),
    )
    .catch((error: unknown) => {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    });
};

beforeAll(async () => {
  api = await startTestApi();
  ports = createDynamoDbPorts(createDocumentClient(api.runtime.dynamodb.client), api.runtime.dynamodb.tables);
  const registry = createAgencyService(ports);
  await registry.importAgencies(
    actor(),
    agencies.map((agency) =>
      agency.group === 'kabupaten' || agency.group === 'kota'
        ? { ...agency, parentProvinceId: agencies.find((candidate) => candidate.group === 'provinsi')?.id }
        : agency,
    ),
  );
  const cycles = createCycleService(ports);
  // Last year's cycle is published (its windows all past); the year before gives improvement.
  for (const target of [year - 1, year]) {
    await cycles.createCycle(actor(), {
      year: target,
      frameworkId: 'spbe-2020',
      type: 'pemantauan',
      windows: shiftYears(windowsFrom(-100), target - year - 1) as never,
      predicateBasis: 'exact',
      assessorLoadCap: 25,
    });
  }
  await importYear(year - 1, 1, agencies.slice(5));
  await importYear(year, 2);
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('the ranking run (services on DynamoDB Local)', () => {
  it('ranks by every measure nationally and per group, with previous ranks, improvement and rank ranges', async () => {
    // Act
    const runner = createRankingRunner({ ...ports, ids: systemIds });
    const run = await runner.start(actor(), year, 'admin');
    const outcome = await runner.execute(actor(), run, forever);

    // Assess
    expect(outcome.outcome).toBe('published');
    if (outcome.outcome !== 'published') return;
    expect(outcome.run.report).toMatchObject({
      rankedAgencies: 40,
      previousYearAgencies: 35,
      rankings: expect.arrayContaining([
        { scope: 'national', measure: 'index', entries: 40, excluded: 0 },
        { scope: 'national', measure: 'improvement', entries: 35, excluded: 5 },
      ]),
    });
    expect(outcome.run.report?.rankings).toHaveLength(7 * 6);
    const national = await allRows(run.runId);
    expect(national).toHaveLength(40);
    expect(
      national.every(
        (row) => row.rankRange && row.rankRange.best <= row.rank && row.rank <= row.rankRange.worst,
      ),
    ).toBe(true);
    for (let index = 1; index < national.length; index++) {
      const [before, row] = [national[index - 1], national[index]];
      if (!before || !row) continue;
      // Competition ranking on exact values: equal values share a rank, then the rank skips.
      expect(row.rank).toBe(before.value.exact === row.value.exact ? before.rank : index + 1);
    }
    expect(national.some((row) => row.previousRank !== null)).toBe(true);
  });

  it('runs one slot once: the same slot delivered twice is one run, published once', async () => {
    // Act
    await forgetPublishedHashes();
    const runner = createRankingRunner({ ...ports, ids: systemIds });
    const slot = slotRunId('2031-12-01T00:00:00Z');
    const first = await runner.start(actor(), year, 'schedule', slot);
    const again = await runner.start(actor(), year, 'schedule', slot);
    const done = await runner.execute(actor(), first, forever);
    const repeated = await runner.execute(actor(), again, forever);

    // Assess
    expect(again).toEqual(first);
    expect(done.outcome).toBe('published');
    expect(repeated.outcome).toBe('already-published');
    expect((await ports.rankings.runs(year)).filter((run) => run.runId === slot)).toHaveLength(1);
  });

  it('lets one of two concurrent triggers run; the other is told the cycle’s run is running', async () => {
    await forgetPublishedHashes();
    const runner = createRankingRunner({ ...ports, ids: systemIds });
    const outcomes = await Promise.allSettled([
      runner.start(actor(), year, 'admin'),
      runner.start(actor(), year, 'admin'),
    ]);
    const started = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.status === 'rejected' && String(refused[0].reason)).toContain('is still running');
    const run = started[0]?.status === 'fulfilled' ? started[0].value : undefined;
    if (!run) throw new Error('no run');
    expect((await runner.execute(actor(), run, forever)).outcome).toBe('published');
  });

  it('launches again a run no worker took up, once the grace has passed (the lease as its start wrote it)', async () => {
    // Prepare: a run started and never launched (its starter died)
    await forgetPublishedHashes();
    const runner = createRankingRunner({ ...ports, ids: systemIds });
    const orphan = await runner.start(actor(), year, 'admin');
    const later = { ...actor(), now: new Date(Date.now() + launchGraceMs + 1_000) };

    // Act
    const retried = await runner.start(later, year, 'admin');
    const outcome = await runner.execute(later, retried, forever);

    // Assess
    expect(retried.runId).toBe(orphan.runId);
    expect(outcome.outcome).toBe('published');
  });

  it('resumes a run killed half-way and publishes exactly what an uninterrupted run publishes', async () => {
    // Prepare: checkpoints every 20 items, and a store whose third bulk write dies (a crash mid-run)
    await forgetPublishedHashes();
    let calls = 0;
    const crashing: RankingStore = {
      ...ports.rankings,
      writeItems: async (items) => {
        calls += 1;
        if (calls === 3) throw new Error('killed');
        return ports.rankings.writeItems(items);
      },
    };
    const small = { ...ports, ids: systemIds, checkpointEvery: 20 };
    const run = await createRankingRunner({ ...small, rankings: crashing }).start(actor(), year, 'admin');
    await expect(
      createRankingRunner({ ...small, rankings: crashing }).execute(actor(), run, forever),
    ).rejects.toThrow('killed');
    expect(await ports.rankings.run(year, run.runId)).toMatchObject({
      status: 'failed',
      progress: { itemsWritten: 40 },
    });

    // Act: triggered again (the retry), then an uninterrupted run for comparison
    const healthy = createRankingRunner(small);
    const resumed = await healthy.execute(actor(), run, forever);
    await forgetPublishedHashes();
    const uninterrupted = await healthy.execute(
      actor(),
      await healthy.start(actor(), year, 'admin'),
      forever,
    );

    // Assess: the same rows, rank for rank (previous ranks aside: the first is the second's "before")
    expect(resumed.outcome).toBe('published');
    expect(uninterrupted.outcome).toBe('published');
    if (resumed.outcome !== 'published' || uninterrupted.outcome !== 'published') return;
    for (const [scope, measure] of [
      ['national', 'index'],
      ['provinsi', 'domain-4'],
      ['national', 'improvement'],
    ] as const) {
      expect(await allRows(resumed.run.runId, scope, measure)).toEqual(
        await allRows(uninterrupted.run.runId, scope, measure),
      );
    }
  });

  it('shows readers the previous ranking whole while a run writes, then the new one whole', async () => {
    // Prepare: the published ranking now, and a run that publishes again
    await forgetPublishedHashes();
    const reader = createRankingReader(ports);
    const published = (await ports.rankings.published(year))?.runId;
    const before = await reader.published(
      actor(),
      year,
      { scope: 'national', measure: 'index', limit: 200 },
      new Date(),
    );
    let release: () => void = () => undefined;
    let paused: () => void = () => undefined;
    const writing = new Promise<void>((resolve) => {
      paused = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pausing: RankingStore = {
      ...ports.rankings,
      writeItems: async (items) => {
        const stats = await ports.rankings.writeItems(items);
        paused();
        await gate;
        return stats;
      },
    };
    const runner = createRankingRunner({ ...ports, rankings: pausing, ids: systemIds });
    const run = await runner.start(actor(), year, 'admin');
    const running = runner.execute(actor(), run, forever);

    // Act: read while the new run's items are half written
    await writing;
    const during = await reader.published(
      actor(),
      year,
      { scope: 'national', measure: 'index', limit: 200 },
      new Date(),
    );
    release();
    await running;
    const after = await reader.published(
      actor(),
      year,
      { scope: 'national', measure: 'index', limit: 200 },
      new Date(),
    );

    // Assess
    expect(during).toEqual(before);
    expect(during.runId).toBe(published);
    expect(after.runId).toBe(run.runId);
    expect(after.items).toHaveLength(40);
  });
});

describe('the rankings API', () => {
  it('starts a run with 202 and a link to poll, and publishes', async () => {
    // Act
    await forgetPublishedHashes();
    const admin = await api.token('admin');
    const started = await api.request<RankingRun>('POST', `/v1/cycles/${year}/rankings/runs`, {
      token: admin,
    });
    await api.runtime.lambda.settle();
    const run = expectStatus(started, 202);
    const polled = await api.request<RankingRun>('GET', `/v1/cycles/${year}/rankings/runs/${run.runId}`, {
      token: admin,
    });

    // Assess
    expect(started.headers.get('location')).toBe(`/v1/cycles/${year}/rankings/runs/${run.runId}`);
    expect(expectStatus(polled, 200)).toMatchObject({
      status: 'published',
      phase: 'done',
      report: { rankedAgencies: 40, itemsRead: 75 },
    });
  });

  it('answers 409 with the running run’s link while another run of the cycle goes', async () => {
    // Prepare: a run that holds the lease and has not finished
    const runner = createRankingRunner({ ...ports, ids: systemIds });
    const running = await runner.start(actor(), year, 'admin');

    // Act
    const response = await api.request('POST', `/v1/cycles/${year}/rankings/runs`, {
      token: await api.token('admin'),
    });

    // Assess
    const problem = expectProblem(response, 409);
    expect(problem).toMatchObject({ link: `/v1/cycles/${year}/rankings/runs/${running.runId}` });
    expect(response.headers.get('location')).toBe(`/v1/cycles/${year}/rankings/runs/${running.runId}`);
    await forgetPublishedHashes();
    expect((await runner.execute(actor(), running, forever)).outcome).toBe('published');
  });

  it('serves the published ranking publicly after the publication time, paginated, with ETag and 304', async () => {
    const first = await api.request<RankingPage>(
      'GET',
      `/v1/cycles/${year}/rankings?scope=national&measure=index&limit=25`,
    );
    const page = expectStatus(first, 200);
    expect(page.items).toHaveLength(25);
    expect(page.method).toContain('1, 2, 2, 4');
    const next = expectStatus(
      await api.request<RankingPage>('GET', `/v1/cycles/${year}/rankings?limit=25&cursor=${page.nextCursor}`),
      200,
    );
    expect(next.items).toHaveLength(15);
    expect(next.nextCursor).toBeUndefined();
    const etag = first.headers.get('etag') ?? '';
    const cached = await api.request(
      'GET',
      `/v1/cycles/${year}/rankings?scope=national&measure=index&limit=25`,
      {
        headers: { 'if-none-match': etag },
      },
    );
    expect(cached.status).toBe(304);
  });

  it('answers 404 to the public before the publication time; admins read the run', async () => {
    // Prepare: this year's cycle, published in the future, ranked
    const admin = await api.token('admin');
    const current = year + 1;
    await createCycleService(ports).createCycle(actor(), {
      year: current,
      frameworkId: 'spbe-2020',
      type: 'pemantauan',
      windows: windowsFrom(-1) as never,
      predicateBasis: 'exact',
      assessorLoadCap: 25,
    });
    await importYear(current, 3);
    const run = expectStatus(
      await api.request<RankingRun>('POST', `/v1/cycles/${current}/rankings/runs`, { token: admin }),
      202,
    );
    await api.runtime.lambda.settle();

    // Act + Assess
    expectProblem(await api.request('GET', `/v1/cycles/${current}/rankings`), 404);
    expectProblem(await api.request('GET', `/v1/cycles/${current}/rankings/open-data?format=csv`), 404);
    const entries = await api.request<RankingPage>(
      'GET',
      `/v1/cycles/${current}/rankings/runs/${run.runId}/entries?scope=kota&measure=domain-4`,
      { token: admin },
    );
    expect(expectStatus(entries, 200).items.every((entry) => entry.agency.group === 'kota')).toBe(true);
  });

  it('publishes open data as CSV (method stated, formulas neutralised) and JSON', async () => {
    const csv = await api.request('GET', `/v1/cycles/${year}/rankings/open-data?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toMatch(/^# title: /);
    expect(lines.some((line) => line.startsWith('# method: Standard competition ranking'))).toBe(true);
    // A spreadsheet reads an exact fraction such as 28/11 as a date: the file says so where it is read.
    expect(lines.find((line) => line.startsWith('# columns: '))).toMatch(/valueExact .*n\/d.* as text/);
    // The year's predicate counts, readable where the file is opened, and what the predicate column is.
    expect(lines.find((line) => line.startsWith('# predicateCounts: '))).toMatch(
      /^# predicateCounts: Memuaskan \d+; Sangat Baik \d+; Baik \d+; Cukup \d+; Kurang \d+ \(agencies ranked by index\)$/,
    );
    expect(lines.find((line) => line.startsWith('# predicate: '))).toContain('predicateBasis is exact');
    const header = lines.find((line) => !line.startsWith('#'));
    expect(header).toBe(
      'measure,rank,groupRank,agencyId,agencyName,group,valueExact,valueDisplay,predicate,previousRank,change,displayTie,rankBest,rankWorst',
    );
    // No cell begins a formula; negative numbers (changes, improvements) stay numbers.
    expect(csv.text).not.toMatch(/(^|,)([=+@]|-(?!\d+(\.\d+)?(,|\r?$)))/m);
    expect(csv.text).toMatch(/,-\d+(\.\d+)?,/);
    expect(csv.text).not.toMatch(/,'-\d+(\.\d+)?(,|\r?$)/m);
    const json = await api.request<{ metadata: { framework: { id: string } }; rows: unknown[] }>(
      'GET',
      `/v1/cycles/${year}/rankings/open-data`,
      { headers: { accept: 'application/json' } },
    );
    expect(expectStatus(json, 200).metadata.framework.id).toBe('spbe-2020');
    expect(json.body.rows).toHaveLength(40 * 5 + 35);
  });

  it.each([
    ['application/json;q=0.5, text/csv', /^text\/csv/],
    ['text/csv;q=0, */*', /^application\/json/],
    ['application/xml, */*;q=0.1', /^application\/json/],
    ['text/*', /^text\/csv/],
  ])('weighs Accept %s by its q values and ranges', async (accept, contentType) => {
    // Act
    const response = await api.request('GET', `/v1/cycles/${year}/rankings/open-data`, {
      headers: { accept },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(contentType);
  });

  it('answers an Accept that allows neither JSON nor CSV with 406 problem+json listing both, unless `format` decides', async () => {
    // Act
    const refused = await api.request<{ detail: string; available: string[] }>(
      'GET',
      `/v1/cycles/${year}/rankings/open-data`,
      { headers: { accept: 'application/xml' } },
    );
    const overridden = await api.request('GET', `/v1/cycles/${year}/rankings/open-data?format=csv`, {
      headers: { accept: 'application/xml' },
    });

    // Assess
    expectProblem(refused, 406);
    expect(refused.body.available).toEqual(['application/json', 'text/csv']);
    expect(refused.body.detail).toContain('application/xml');
    expect(overridden.status).toBe(200);
    expect(overridden.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('tells shared caches that open data varies with Accept (CSV and JSON share one URL)', async () => {
    // Act
    const csv = await api.request('GET', `/v1/cycles/${year}/rankings/open-data`, {
      headers: { accept: 'text/csv' },
    });
    const json = await api.request('GET', `/v1/cycles/${year}/rankings/open-data`, {
      headers: { accept: 'application/json' },
    });
    const revalidated = await api.request('GET', `/v1/cycles/${year}/rankings/open-data`, {
      headers: { accept: 'text/csv', 'if-none-match': csv.headers.get('etag') ?? '' },
    });

    // Assess: both publicly cacheable, both keyed on Accept, the 304 too (RFC 9110 §15.4.5).
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    for (const response of [csv, json, revalidated]) {
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(
        response.headers
          .get('vary')
          ?.split(/\s*,\s*/)
          .map((name) => name.toLowerCase()),
      ).toContain('accept');
    }
    expect(revalidated.status).toBe(304);
  });

  it('refuses a run of a cycle without a final result: 409, and no run recorded', async () => {
    // Prepare: a cycle with nothing final yet
    const admin = await api.token('admin');
    const empty = year + 2;
    await createCycleService(ports).createCycle(actor(), {
      year: empty,
      frameworkId: 'spbe-2020',
      type: 'pemantauan',
      windows: shiftYears(windowsFrom(-1), 1) as never,
      predicateBasis: 'exact',
      assessorLoadCap: 25,
    });

    // Act
    const refused = await api.request('POST', `/v1/cycles/${empty}/rankings/runs`, { token: admin });

    // Assess
    expect(expectProblem(refused, 409).detail).toContain('no final result yet');
    const runs = await api.request<{ items: unknown[] }>('GET', `/v1/cycles/${empty}/rankings/runs`, {
      token: admin,
    });
    expect(expectStatus(runs, 200).items).toEqual([]);
  });

  it('refuses to move a passed publication time once the ranking is published: 409 naming the field, the cycle unchanged', async () => {
    // Prepare: the cycle's ranking is published (above) and its publication time has passed.
    expectStatus(await api.request('GET', `/v1/cycles/${year}/rankings`), 200);
    const admin = await api.token('admin');
    const read = await api.request<{ version: number; windows: { publication: { at: string } } }>(
      'GET',
      `/v1/cycles/${year}`,
      { token: admin },
    );
    const cycle = expectStatus(read, 200);
    const future = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString();

    // Act
    const moved = await api.request('PUT', `/v1/cycles/${year}/windows`, {
      token: admin,
      body: { ...cycle.windows, publication: { at: future } },
      headers: { 'if-match': read.headers.get('etag') ?? '' },
    });

    // Assess
    const problem = expectFieldProblem(moved, 409, '/body/publication/at');
    expect(problem.detail).toContain('ranking or awards are published');
    const after = expectStatus(
      await api.request<typeof cycle>('GET', `/v1/cycles/${year}`, { token: admin }),
      200,
    );
    expect(after).toMatchObject({
      version: cycle.version,
      windows: { publication: cycle.windows.publication },
    });
    expectStatus(await api.request('GET', `/v1/cycles/${year}/rankings`), 200);
  });

  it('shows one agency’s published positions across cycles', async () => {
    const agencyId = agencies[10]?.id ?? '';
    const response = await api.request<{ items: { year: number; positions: { scope: string }[] }[] }>(
      'GET',
      `/v1/agencies/${agencyId}/rankings`,
    );
    const body = expectStatus(response, 200);
    expect(body.items.map((item) => item.year)).toEqual([year]);
    expect(body.items[0]?.positions.map((position) => position.scope)).toEqual(
      expect.arrayContaining(['national', agencies[10]?.group]),
    );
  });

  it('answers 404 for an agency id the registry does not know, not an empty list that reads as never ranked', async () => {
    const response = await api.request('GET', '/v1/agencies/kab-no-such-agency/rankings');
    const problem = expectStatus(response, 404);
    expect(problem).toMatchObject({ type: '/problems/not-found', detail: 'No agency "kab-no-such-agency".' });
  });
});

describe('re-running a ranking over unchanged inputs (DynamoDB Local)', () => {
  const client = () => createDocumentClient(api.runtime.dynamodb.client);
  const pointerItem = async () =>
    (
      await client().send(
        new GetCommand({
          TableName: api.runtime.dynamodb.tables.programme,
          Key: rankingKeys.published(year),
          ConsistentRead: true,
        }),
      )
    ).Item;
  /** This cycle's `ranking.published` events in today's outbox, through its index (events by day). */
  const rankingEvents = async () =>
    (await outboxEventsToday(api)).filter(
      (event) => event.type === 'ranking.published' && event.subject.year === year,
    );

  it('confirms the published ranking without a second ranking.published, and publishes once a result changed', async () => {
    // Prepare: a ranking published (with its hashes) through the API, as an admin runs it
    await forgetPublishedHashes();
    const admin = await api.token('admin');
    const runThroughApi = async () => {
      const started = await api.request<RankingRun>('POST', `/v1/cycles/${year}/rankings/runs`, {
        token: admin,
      });
      await api.runtime.lambda.settle();
      const run = expectStatus(started, 202);
      return expectStatus(
        await api.request<RankingRun>('GET', `/v1/cycles/${year}/rankings/runs/${run.runId}`, {
          token: admin,
        }),
        200,
      );
    };
    const first = await runThroughApi();
    const pointer = await pointerItem();
    const events = await rankingEvents();

    // Act: nothing changed; then a result is finalized (a new agency's) and the ranking runs again
    const again = await runThroughApi();
    const pointerAfter = await pointerItem();
    const eventsAfter = await rankingEvents();
    const newcomer = { id: 'lainnya-uji-baru', group: 'lainnya' as const, name: 'Instansi Uji Baru' };
    await createAgencyService(ports).importAgencies(actor(), [newcomer]);
    await createResultService({ ...ports, ids: systemIds }).importResults(actor(), year, [
      { agencyId: newcomer.id, levels: levelsOf(7, 2), reference: `uji ${year}` },
    ]);
    const changed = await runThroughApi();

    // Assess: the second run confirmed the first, which stays published; nothing went out
    expect(first.status).toBe('published');
    expect(pointer).toMatchObject({
      runId: first.runId,
      inputsSha256: first.report?.inputsSha256,
      entriesSha256: first.report?.entriesSha256,
    });
    expect(events.filter((event) => event.data.runId === first.runId)).toHaveLength(1);
    expect(again).toMatchObject({
      status: 'unchanged',
      phase: 'done',
      confirms: { runId: first.runId, publishedAt: pointer?.publishedAt },
      report: { entriesSha256: first.report?.entriesSha256, itemsWritten: 0, changes: { moved: 0 } },
    });
    expect(pointerAfter).toEqual(pointer);
    expect(eventsAfter).toEqual(events);
    const audits = (await ports.audits.list({ kind: 'cycle', year }, { limit: 100 })).items;
    expect(audits.filter((entry) => entry.action === 'ranking.confirmed')).toEqual([
      expect.objectContaining({ target: `ranking run ${again.runId}` }),
    ]);
    expect(
      expectStatus(
        await api.request<RankingPage>('GET', `/v1/cycles/${year}/rankings/runs/${again.runId}/entries`, {
          token: admin,
        }),
        200,
      ).items,
    ).toEqual(await allRows(first.runId).then((rows) => rows.slice(0, 100)));
    // Then a changed result: published, the pointer moved, one more ranking.published
    expect(changed).toMatchObject({ status: 'published', report: { rankedAgencies: 41 } });
    expect((await pointerItem())?.runId).toBe(changed.runId);
    expect((await rankingEvents()).map((event) => event.data.runId)).toEqual([
      ...events.map((event) => event.data.runId),
      changed.runId,
    ]);
  });
});
