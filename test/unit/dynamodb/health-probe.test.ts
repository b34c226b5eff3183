import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createHealthProbe, type ProbedTable } from '#shared/dynamodb/health-probe.ts';

/** The readiness probe: one round trip for every table, and per-table probes only to name a failure. */

const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const tables: readonly ProbedTable[] = [
  { name: 'programme', tableName: 'programme-t', key: { PK: 'HEALTH', SK: 'HEALTH' } },
  { name: 'events', tableName: 'events-t', key: { PK: 'HEALTH', SK: 'HEALTH' } },
  { name: 'idempotency', tableName: 'idempotency-t', key: { id: 'HEALTH' } },
];

describe('health probe', () => {
  it('reads every table in one BatchGetItem when they all answer', async () => {
    // Prepare
    dynamo.on(BatchGetCommand).resolves({ Responses: {} });
    const probe = createHealthProbe(createDocumentClient(), tables);

    // Act
    const checks = await probe.check();

    // Assess
    expect(checks.map((check) => [check.name, check.status])).toEqual([
      ['programme', 'ok'],
      ['events', 'ok'],
      ['idempotency', 'ok'],
    ]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(Object.keys(dynamo.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems ?? {})).toEqual([
      'programme-t',
      'events-t',
      'idempotency-t',
    ]);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('names the table that does not answer, probing each alone once the batch fails', async () => {
    // Prepare
    const missing = new ResourceNotFoundException({ message: 'no table', $metadata: {} });
    dynamo.on(BatchGetCommand).rejects(missing);
    dynamo.on(GetCommand).resolves({});
    dynamo.on(GetCommand, { TableName: 'events-t' }).rejects(missing);
    const failures: string[] = [];
    const probe = createHealthProbe(createDocumentClient(), tables, (table) => failures.push(table));

    // Act
    const checks = await probe.check();

    // Assess
    expect(checks.map((check) => [check.name, check.status])).toEqual([
      ['programme', 'ok'],
      ['events', 'failed'],
      ['idempotency', 'ok'],
    ]);
    expect(failures).toEqual(['events']);
  });
});
