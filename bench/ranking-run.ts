/**
 * The national ranking run, end to end on DynamoDB Local, at 620 (today's programme), 10,000 and
 * 100,000 agencies — against a floor measured in the same run: reading the same result items (the
 * same Query on the same index, both cycles at once, as the run does) and writing the same ranking
 * items (the same pages and positions, 25 a BatchWriteItem, one call at a time, as the run does)
 * with bare SDK calls and nothing else.
 *
 * Targets (issue #9): the run within 2× the floor at 100,000; the time per agency at 100,000 within
 * 1.2× that at 10,000 (linear); 620 agencies end to end under 10 s.
 *
 * What the run adds over the floor is its own work: ranking 42 scope × measure lists, rank ranges
 * over 1,000 weight vectors, the run record's checkpoints and lease renewals, the audited publication
 * and the report (with the changes against the previous published run).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { createProgressBar } from '../local/progress.ts';
import { pastCycle } from '../local/seed/cycle-windows.ts';
import type { Actor } from '../shared/domain/actor.ts';
import { type AgencyGroup, agencyGroups } from '../shared/domain/agency-groups.ts';
import { spbe2020 } from '../shared/domain/framework/index.ts';
import type { Level } from '../shared/domain/framework/types.ts';
import { defaultStability } from '../shared/domain/ranking/stability.ts';
import { buildResultVersion } from '../shared/domain/results.ts';
import { batchWriteAll } from '../shared/dynamodb/batch.ts';
import { createDocumentClient } from '../shared/dynamodb/client.ts';
import { resultKeys } from '../shared/dynamodb/keys.ts';
import { createDynamoDbPorts } from '../shared/dynamodb/ports.ts';
import { derivedRankingItem } from '../shared/dynamodb/ranking-store.ts';
import { currentResultItem } from '../shared/dynamodb/result-store.ts';
import { systemIds } from '../shared/runtime/system.ts';
import { createCycleService } from '../shared/services/cycles/cycles.ts';
import type { RankingInput } from '../shared/services/rankings/ports.ts';
import { computeRun, createRankingRunner } from '../shared/services/rankings/run.ts';
import { type BenchReport, type Measurement, seededRandom, type Target } from './lib.ts';

const defaultSizes = [620, 10_000, 100_000];
/** `BENCH_RANKING_SIZES=620,10000` measures other sizes (the targets then name what is missing). */
const sizes = (process.env.BENCH_RANKING_SIZES?.split(',').map(Number) ?? defaultSizes).filter(
  (size) => Number.isInteger(size) && size > 0,
);

// Roughly the 2024 mix: 34 kementerian, 21 LPNK, 37 other central, 38 provinces, 392 regencies, 93 cities.
const groupMix: Readonly<Record<AgencyGroup, number>> = {
  kementerian: 34,
  lpnk: 21,
  lainnya: 37,
  provinsi: 38,
  kabupaten: 392,
  kota: 93,
};
const mixTotal = agencyGroups.reduce((sum, group) => sum + groupMix[group], 0);
const groupOf = (index: number): AgencyGroup => {
  let slot = index % mixTotal;
  for (const group of agencyGroups) {
    if (slot < groupMix[group]) return group;
    slot -= groupMix[group];
  }
  return 'kabupaten';
};

const actorAt = (now: Date): Actor => ({
  subject: 'bench',
  role: 'admin',
  requestId: `bench-${now.getTime()}-${Math.random()}`,
  route: 'bench',
  now,
});

/** A cycle of `year`, all windows past, as the ranking run expects of a finished cycle. */
const createFinishedCycle = async (
  cycles: ReturnType<typeof createCycleService>,
  year: number,
): Promise<void> => {
  await cycles.createCycle(actorAt(new Date(`${year}-01-01T00:00:00Z`)), pastCycle(year, spbe2020.id));
};

/** `count` final results of `year` (seeded levels; last year's a little lower), as the result store writes them. */
const resultItems = (year: number, count: number, seed: number): Record<string, unknown>[] => {
  const random = seededRandom(seed);
  const indicators = spbe2020.indicators.length;
  return Array.from({ length: count }, (_, index) => {
    const agencyId = `bench-${String(index).padStart(6, '0')}`;
    const group = groupOf(index);
    const levels = Array.from({ length: indicators }, () => (1 + Math.floor(random() * 5)) as Level);
    const result = buildResultVersion(
      spbe2020,
      {
        year,
        agencyId,
        levels,
        sources: levels.map(() => ({ kind: 'import' as const, reference: 'bench' })),
        predicateBasis: 'exact',
        finalizedAt: `${year}-07-01T00:00:00.000Z`,
        finalizedBy: 'bench',
        reason: 'bench',
      },
      undefined,
    );
    return currentResultItem({ year, agencyId, agencyName: `Instansi Uji ${index}`, group }, result);
  });
};

/** The floor's read: every current result of both cycles, one Query page after another, concurrently. */
const bareReadResults = async (client: DynamoDBDocumentClient, tableName: string, year: number) => {
  const read = async (cycleYear: number) => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': resultKeys.cycleResultsPartition(cycleYear) },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };
  return Promise.all([read(year), read(year - 1)]);
};

/** The floor's write: the items, 25 a call, one call at a time, no retry logic, no bookkeeping. */
const bareWrite = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
) => {
  for (let start = 0; start < items.length; start += 25) {
    await client.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName]: items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: item } })),
        },
      }),
    );
  }
};

const inputOf = (item: Record<string, unknown>): RankingInput => ({
  agencyId: item.agencyId as string,
  agencyName: item.agencyName as string,
  group: item.group as AgencyGroup,
  version: item.version as number,
  sha256: item.sha256 as string,
  summary: item.summary as RankingInput['summary'],
});

interface SizeResult {
  readonly agencies: number;
  readonly runMs: number;
  readonly floorMs: number;
  readonly floorPhases: string;
  readonly itemsRead: number;
  readonly itemsWritten: number;
  readonly phases: string;
}

export async function runRankingRunBench(): Promise<BenchReport> {
  const results: SizeResult[] = [];
  for (const [index, agencies] of sizes.entries()) {
    // A fresh DynamoDB Local per size: no size measures on what an earlier one left behind.
    const local = await startDynamoDbLocal();
    const client = createDocumentClient(local.client);
    const ports = createDynamoDbPorts(client, local.tables);
    const cycles = createCycleService(ports);
    const tableName = local.tables.programme;
    try {
      const year = 2090 + index * 2;
      const bar = createProgressBar();
      // Prepare (untimed): two finished cycles with every agency's final result.
      await createFinishedCycle(cycles, year - 1);
      await createFinishedCycle(cycles, year);
      for (const [offset, cycleYear] of [year - 1, year].entries()) {
        const items = resultItems(cycleYear, agencies, 1000 * index + offset);
        // Four writers at once: seeding is not what is measured.
        const chunk = 2_500;
        let written = 0;
        for (let start = 0; start < items.length; start += 4 * chunk) {
          await Promise.all(
            [0, 1, 2, 3].map(async (lane) => {
              const part = items.slice(start + lane * chunk, start + (lane + 1) * chunk);
              await batchWriteAll(client, tableName, part);
              written += part.length;
            }),
          );
          bar.update(`seed ${cycleYear}`, written, items.length);
        }
      }

      // The run, as the scheduled Lambda does it (one invocation; no time limit locally).
      const runner = createRankingRunner({ ...ports, ids: systemIds });
      const phaseStarts = new Map<string, number>();
      const runStarted = performance.now();
      const run = await runner.start(actorAt(new Date()), year, 'admin');
      const outcome = await runner.execute(
        actorAt(new Date()),
        { year, runId: run.runId },
        {
          remainingMs: () => Number.POSITIVE_INFINITY,
          now: () => new Date(),
          onProgress: ({ phase, done, total }) => {
            if (!phaseStarts.has(phase)) phaseStarts.set(phase, performance.now());
            bar.update(`run ${agencies}`, phase === 'ranking' ? 0 : done, total);
          },
        },
      );
      const runMs = performance.now() - runStarted;
      // Where the run's time went: reading (both cycles), ranking (in memory), writing, publishing.
      const marks = ['reading', 'ranking', 'writing', 'publishing', 'done'].map(
        (phase) => phaseStarts.get(phase) ?? Number.NaN,
      );
      const phases = ['read', 'rank', 'write', 'publish']
        .map((name, i) => `${name} ${(((marks[i + 1] ?? 0) - (marks[i] ?? 0)) / 1000).toFixed(1)} s`)
        .join(', ');
      if (outcome.outcome !== 'published') throw new Error(`The ${agencies} run ended ${outcome.outcome}`);
      const report = outcome.run.report;

      // The floor: the same reads and the same number and size of writes, bare.
      const floorReadStarted = performance.now();
      const [current, previous] = await bareReadResults(client, tableName, year);
      const floorReadMs = performance.now() - floorReadStarted;
      // (Untimed) the very items the run wrote, under another run id so nothing is overwritten.
      const floorItems = computeRun(
        spbe2020,
        year,
        'floor',
        current.map(inputOf),
        previous.map(inputOf),
        defaultStability,
      ).items.map(derivedRankingItem);
      const floorWriteStarted = performance.now();
      await bareWrite(client, tableName, floorItems);
      const floorWriteMs = performance.now() - floorWriteStarted;
      const floorMs = floorReadMs + floorWriteMs;
      bar.done(
        `${agencies.toLocaleString('en')} agencies: run ${(runMs / 1000).toFixed(1)} s, floor ${(floorMs / 1000).toFixed(1)} s`,
      );
      results.push({
        agencies,
        runMs,
        floorMs,
        floorPhases: `read ${(floorReadMs / 1000).toFixed(1)} s, write ${(floorWriteMs / 1000).toFixed(1)} s`,
        itemsRead: report?.itemsRead ?? 0,
        itemsWritten: report?.itemsWritten ?? 0,
        phases,
      });
    } finally {
      await local.stop();
    }
  }

  const measurements: Measurement[] = results.flatMap((result) => [
    {
      name: `floor: ${result.agencies} (bare reads + writes)`,
      ms: result.floorMs,
      ratio: 1,
      note: `${result.itemsRead} read, ${result.itemsWritten} written; ${(result.floorMs / result.agencies).toFixed(3)} ms/agency; ${result.floorPhases}`,
    },
    {
      name: `ranking run: ${result.agencies} agencies`,
      ms: result.runMs,
      ratio: result.runMs / result.floorMs,
      note: `${(result.runMs / result.agencies).toFixed(3)} ms/agency; ${result.phases}`,
    },
  ]);
  const at = (agencies: number) => results.find((result) => result.agencies === agencies);
  const small = at(620);
  const medium = at(10_000);
  const large = at(100_000);
  const perAgency = (result: SizeResult | undefined) =>
    result ? result.runMs / result.agencies : Number.NaN;
  const targets: Target[] = [
    {
      name: '620 agencies end to end under 10 s',
      pass: (small?.runMs ?? Number.POSITIVE_INFINITY) < 10_000,
      detail: `${((small?.runMs ?? Number.NaN) / 1000).toFixed(2)} s`,
    },
    {
      name: 'the 100,000-agency run within 2× its floor',
      pass: large !== undefined && large.runMs <= 2 * large.floorMs,
      detail: `${((large?.runMs ?? Number.NaN) / (large?.floorMs ?? Number.NaN)).toFixed(2)}×`,
    },
    {
      name: 'linear: time per agency at 100,000 within 1.2× that at 10,000',
      pass: perAgency(large) <= 1.2 * perAgency(medium),
      detail: `${perAgency(large).toFixed(3)} vs ${perAgency(medium).toFixed(3)} ms/agency (${(perAgency(large) / perAgency(medium)).toFixed(2)}×)`,
    },
  ];
  return {
    title: 'National ranking run on DynamoDB Local (one run per size; the floor measured beside it)',
    measurements,
    targets,
  };
}
