import { describe, expect, it } from 'vitest';
import { rankingActions } from '#shared/dynamodb/ranking-store.ts';
import type { RankingRunRecord } from '#shared/services/rankings/ports.ts';

/**
 * The ranking run's audited writes as built (pure, no database): a confirmation checks the published
 * pointer and never writes it; a publication moves the pointer with the hashes the next run compares.
 */

const inputs = 'a'.repeat(64);
const entries = 'b'.repeat(64);
const run = (status: RankingRunRecord['status']): RankingRunRecord => ({
  year: 2026,
  runId: 'run_02',
  trigger: 'schedule',
  requestedBy: 'scheduler',
  status,
  phase: 'done',
  startedAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:01:00Z',
  progress: { itemsTotal: 10, itemsWritten: 0 },
  report: {
    frameworkId: 'spbe-2020',
    rankedAgencies: 4,
    previousYearAgencies: 0,
    inputsSha256: inputs,
    entriesSha256: entries,
    rankings: [],
    itemsRead: 4,
    itemsWritten: 0,
    consumedCapacity: { read: 0, write: 0 },
    durationMs: 60_000,
    changes: {
      previousRunId: 'run_01',
      moved: 0,
      enteredCount: 0,
      entered: [],
      leftCount: 0,
      left: [],
      biggestMoves: [],
    },
  },
});

describe('rankingActions', () => {
  it('confirms with a ConditionCheck on the pointer (that run, those hashes), leaving it unwritten', () => {
    // Act
    const actions = rankingActions('programme', {
      kind: 'ranking.confirm',
      run: run('unchanged'),
      confirmedRunId: 'run_01',
      inputsSha256: inputs,
      entriesSha256: entries,
    });

    // Assess: the run record (still running), the pointer checked, the lease released; nothing else
    expect(actions.map((action) => Object.keys(action)[0])).toEqual(['Put', 'ConditionCheck', 'Delete']);
    expect(actions[0]?.Put).toMatchObject({
      Item: { SK: 'RUN#run_02', status: 'unchanged' },
      ConditionExpression: '#status = :running',
    });
    expect(actions[1]?.ConditionCheck).toEqual({
      TableName: 'programme',
      Key: { PK: 'CYCLE#2026#RANKINGS', SK: 'PUBLISHED' },
      ConditionExpression: 'runId = :confirmed AND inputsSha256 = :inputs AND entriesSha256 = :entries',
      ExpressionAttributeValues: { ':confirmed': 'run_01', ':inputs': inputs, ':entries': entries },
    });
    expect(actions[2]?.Delete).toMatchObject({
      Key: { SK: 'LEASE' },
      ExpressionAttributeValues: { ':me': 'run_02' },
    });
  });

  it('publishes by moving the pointer from the previous run, with the run’s hashes on it', () => {
    // Act
    const actions = rankingActions('programme', {
      kind: 'ranking.publish',
      run: run('published'),
      previousRunId: 'run_01',
      publishedAt: '2026-12-01T00:01:00Z',
    });

    // Assess
    expect(actions[1]?.Put).toEqual({
      TableName: 'programme',
      Item: {
        PK: 'CYCLE#2026#RANKINGS',
        SK: 'PUBLISHED',
        entity: 'RankingPointer',
        runId: 'run_02',
        publishedAt: '2026-12-01T00:01:00Z',
        inputsSha256: inputs,
        entriesSha256: entries,
      },
      ConditionExpression: 'runId = :previous',
      ExpressionAttributeValues: { ':previous': 'run_01' },
    });
  });
});
