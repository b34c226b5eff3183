import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';
import { ConflictError, IdempotencyKeyReuseError } from '#shared/domain/errors.ts';
import { idempotencyTable } from '#shared/dynamodb/table-definitions.ts';
import {
  createIdempotencyGuard,
  type IdempotencyGuard,
  type IdempotentRequest,
  type StoredResponse,
} from '#shared/http/idempotency.ts';

/** The Idempotency-Key guard (Powertools on DynamoDB Local) in the cases HTTP tests cannot time. */

let local: DynamoDbLocal;
let guard: IdempotencyGuard;
const unstorable: number[] = [];
const context = { getRemainingTimeInMillis: () => 29_000, awsRequestId: 'test' } as Context;
const request = (key: string, body = '{}'): IdempotentRequest => ({
  subject: 'operator',
  role: 'agency',
  agencyId: 'prov-jawa-timur',
  routeKey: 'POST /v1/x',
  key,
  path: '/v1/x',
  body,
});

beforeAll(async () => {
  process.env.AWS_LAMBDA_FUNCTION_NAME ??= 'idempotency-test';
  local = await startDynamoDbLocal();
  assertLoopbackEndpoint(local.endpoint);
  guard = createIdempotencyGuard(
    local.tableNames[idempotencyTable.constructId] ?? '',
    local.client,
    (bytes) => unstorable.push(bytes),
  );
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe('Idempotency-Key guard', () => {
  it('replays the stored response without running again', async () => {
    let runs = 0;
    const execute = async (): Promise<StoredResponse> => ({ status: 201, body: { run: ++runs } });

    const first = await guard.run(request('k-replay'), context, execute);
    const second = await guard.run(request('k-replay'), context, execute);

    expect(runs).toBe(1);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers).toMatchObject({ 'idempotent-replayed': 'true' });
  });

  it.each([
    ['agency', { agencyId: 'prov-jawa-barat' }],
    ['role', { role: 'admin', agencyId: undefined }],
    ['subject', { subject: 'another-operator' }],
    ['route', { routeKey: 'POST /v1/y', path: '/v1/x' }],
  ] as const)('runs afresh, never replays, for the same key from another %s', async (_what, change) => {
    // Prepare
    let runs = 0;
    const execute = async (): Promise<StoredResponse> => ({ status: 201, body: { run: ++runs } });
    const key = `k-scope-${_what}`;
    await guard.run(request(key), context, execute);

    // Act
    const other = await guard.run({ ...request(key), ...change }, context, execute);

    // Assess
    expect(runs).toBe(2);
    expect(other.body).toEqual({ run: 2 });
    expect(other.headers?.['idempotent-replayed']).toBeUndefined();
  });

  it('refuses the same key with another body (422)', async () => {
    const execute = async (): Promise<StoredResponse> => ({ status: 200, body: {} });
    await guard.run(request('k-body', '{"a":1}'), context, execute);

    await expect(guard.run(request('k-body', '{"a":2}'), context, execute)).rejects.toBeInstanceOf(
      IdempotencyKeyReuseError,
    );
  });

  it('answers 409 to a duplicate while the first is still running', async () => {
    let release: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = async (): Promise<StoredResponse> => {
      await running;
      return { status: 200, body: { done: true } };
    };
    const first = guard.run(request('k-flight'), context, slow);
    await new Promise((resolve) => setTimeout(resolve, 300));

    await expect(guard.run(request('k-flight'), context, slow)).rejects.toBeInstanceOf(ConflictError);
    release();
    expect((await first).body).toEqual({ done: true });
  });

  it('returns a response too large to store, unstored, so a retry runs again instead of failing', async () => {
    let runs = 0;
    const big = async (): Promise<StoredResponse> => ({
      status: 200,
      body: { run: ++runs, pad: 'x'.repeat(400_000) },
    });

    const first = await guard.run(request('k-big'), context, big);
    const retry = await guard.run(request('k-big'), context, big);

    expect(first.status).toBe(200);
    expect(runs).toBe(2);
    expect(retry.body).toMatchObject({ run: 2 });
    expect(unstorable).toHaveLength(2);
  });
});
