import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import { defaultAwardRules2023 } from '#shared/domain/awards/rules.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { buildResultVersion } from '#shared/domain/results.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createRankingStore } from '#shared/dynamodb/ranking-store.ts';
import { programmeTable } from '#shared/dynamodb/table-definitions.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { runRankings } from '#shared/services/rankings/ranking-run.ts';

const framework = getFramework('spbe-2020');
let local: DynamoDbLocal;
let client: DynamoDBDocumentClient;
let tableName: string;

/** Writes a final result through the write path, as an import of a past result would. */
const putResult = async (year: number, agencyId: string, group: AgencyGroup, level: Level) => {
  const result = buildResultVersion(
    framework,
    {
      year,
      agencyId,
      levels: framework.indicators.map(() => level),
      sources: framework.indicators.map(() => ({ kind: 'import' as const, reference: 'test' })),
      predicateBasis: 'exact',
      finalizedAt: `${year}-06-01T00:00:00Z`,
      finalizedBy: 'test',
      reason: 'test',
    },
    undefined,
  );
  const outcome = await createWritePath(client, local.tables).commit({
    state: [{ kind: 'result.import', year, agencyId, agencyName: agencyId, group, result }],
    audits: [
      {
        trail: { kind: 'cycle-agency', year, agencyId },
        at: `${year}-06-01T00:00:00Z`,
        actor: { subject: 'test', role: 'admin' },
        action: 'result.imported',
        route: 'test',
        requestId: `result-${year}-${agencyId}`,
        target: 'result',
        changes: [],
      },
    ],
    events: [],
  });
  expect(outcome.committed).toBe(true);
};

beforeAll(async () => {
  local = await startDynamoDbLocal();
  assertLoopbackEndpoint(local.endpoint);
  client = createDocumentClient(local.client);
  tableName = local.tableNames[programmeTable.constructId] ?? '';
  const window = (from: string, to: string) => ({ opensAt: from, closesAt: to });
  const cycle = {
    year: 2025,
    frameworkId: 'spbe-2020',
    type: 'pemantauan',
    windows: {
      selfAssessment: window('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'),
      documentAssessment: window('2025-02-02T00:00:00Z', '2025-03-01T00:00:00Z'),
      appeals: window('2025-03-02T00:00:00Z', '2025-03-10T00:00:00Z'),
      publication: { at: '2025-04-01T00:00:00Z' },
    },
    predicateBasis: 'exact',
    awardRules: defaultAwardRules2023,
    assessorLoadCap: 25,
    createdAt: '2025-01-01T00:00:00Z',
    createdBy: 'test',
    version: 1,
  } as const;
  const outcome = await createWritePath(client, local.tables).commit({
    state: [{ kind: 'cycle', cycle }],
    audits: [
      {
        trail: { kind: 'cycle', year: 2025 },
        at: '2025-01-01T00:00:00Z',
        actor: { subject: 'test', role: 'admin' },
        action: 'cycle.created',
        route: 'test',
        requestId: 'test',
        target: 'cycle 2025',
        changes: [],
      },
    ],
    events: [],
  });
  expect(outcome.committed).toBe(true);
  // Prepare: three provinces and a city this year; two of them also had a result last year.
  await Promise.all([
    putResult(2025, 'prov-jawa-timur', 'provinsi', 4),
    putResult(2025, 'prov-jawa-tengah', 'provinsi', 4),
    putResult(2025, 'prov-bali', 'provinsi', 3),
    putResult(2025, 'kota-surabaya', 'kota', 5),
    putResult(2024, 'prov-jawa-timur', 'provinsi', 3),
    putResult(2024, 'prov-bali', 'provinsi', 3),
  ]);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe('the national ranking run on DynamoDB Local', () => {
  it('ranks every measure nationally and per group, stores an immutable run, and refuses to overwrite it', async () => {
    // Act
    const store = createRankingStore(client, tableName);
    const options = {
      year: 2025,
      runId: 'run-1',
      trigger: 'schedule' as const,
      now: () => new Date('2025-12-01T00:00:00Z'),
    };
    const summary = await runRankings(store, options);

    // Assess
    expect(summary).toMatchObject({
      year: 2025,
      rankedAgencies: 4,
      previousYearAgencies: 2,
      rankings: 7 * 6,
    });
    const stored = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'CYCLE#2025#RANKING#run-1' },
      }),
    );
    const bySortKey = new Map((stored.Items ?? []).map((item) => [item.SK as string, item]));
    const national = bySortKey.get('national#index#000');
    expect(national?.rows.map((row: { agencyId: string; rank: number }) => [row.rank, row.agencyId])).toEqual(
      [
        [1, 'kota-surabaya'],
        [2, 'prov-jawa-tengah'],
        [2, 'prov-jawa-timur'],
        [4, 'prov-bali'],
      ],
    );
    const improvement = bySortKey.get('provinsi#improvement#000');
    expect(improvement?.rows.map((row: { agencyId: string }) => row.agencyId)).toEqual([
      'prov-jawa-timur',
      'prov-bali',
    ]);
    expect(
      improvement?.excluded.map((entry: { agencyId: string; reason: string }) => [
        entry.agencyId,
        entry.reason,
      ]),
    ).toEqual([['prov-jawa-tengah', 'no-previous-result']]);
    const provinces = bySortKey.get('provinsi#index#000');
    const jatim = provinces?.rows.find((row: { agencyId: string }) => row.agencyId === 'prov-jawa-timur');
    expect(jatim).toMatchObject({ rank: 1, previousRank: 1 });
    await expect(runRankings(store, options)).rejects.toThrow();
  });

  it('answers 404-style NotFound for a year without a cycle', async () => {
    const store = createRankingStore(client, tableName);
    await expect(
      runRankings(store, { year: 2030, runId: 'x', trigger: 'admin', now: () => new Date() }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
