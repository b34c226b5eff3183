import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDynamoDbCalls, recordDynamoDbCalls } from '#local/dynamodb-calls.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';
import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { ConflictError, IdempotencyKeyReuseError, NotFoundError } from '#shared/domain/errors.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { idempotencyTable } from '#shared/dynamodb/table-definitions.ts';
import {
  createIdempotencyGuard,
  type IdempotencyGuard,
  type IdempotentRequest,
  type StoredResponse,
} from '#shared/http/idempotency.ts';
import type { WritePath } from '#shared/services/ports.ts';

/** The Idempotency-Key guard (Powertools on DynamoDB Local) in the cases HTTP tests cannot time. */

let local: DynamoDbLocal;
let guard: IdempotencyGuard;
let ports: ReturnType<typeof createDynamoDbPorts>;
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
  ports = createDynamoDbPorts(createDocumentClient(local.client), local.tables);
  countDynamoDbCalls(local.client);
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

describe('Idempotency-Key claimed with the change (`with-change` routes)', () => {
  const operator: Actor = {
    subject: 'operator',
    role: 'agency',
    agencyId: 'prov-jawa-timur',
    requestId: 'req',
    route: 'POST /v1/x',
    now: new Date('2026-03-10T00:00:00Z'),
  };
  const trailOf = (key: string) => ({ kind: 'machine-client', clientId: key }) as const;

  /** A route whose success is one audited change (an audit record in the key's own trail). */
  const changing =
    (key: string, writes: WritePath = ports.writes, runs: { count: number } = { count: 0 }) =>
    async (): Promise<StoredResponse> => {
      runs.count += 1;
      const outcome = await writes.commit({
        state: [],
        audits: [auditEntry(operator, trailOf(key), 'test.changed', `run ${runs.count}`, [])],
        events: [],
      });
      if (!outcome.committed) throw new ConflictError('Not committed');
      return { status: 201, body: { run: runs.count } };
    };
  const changesIn = async (key: string) =>
    (await ports.audits.list(trailOf(key), { limit: 10 })).items.map((record) => record.target);

  it.each([
    ['before', 'k-bytes'],
    ['with-change', 'w-bytes'],
  ] as const)(
    'replays the very bytes (claimed %s): members in the order first sent, not as DynamoDB keeps a map',
    async (claim, key) => {
      // Prepare: an answer whose members are in no sorted order, nested too
      const answer = {
        zeta: 1,
        alpha: { yankee: [3, 1, 2], bravo: null, mike: 'm' },
        kilo: [{ zulu: true, echo: 'e' }],
        delta: 'd',
      };
      const execute = async (): Promise<StoredResponse> => {
        if (claim === 'with-change') await changing(key)();
        return { status: 201, body: answer };
      };

      // Act
      const first = await guard.run(request(key), context, execute, claim);
      const replay = await guard.run(request(key), context, execute, claim);

      // Assess
      expect(replay.headers).toMatchObject({ 'idempotent-replayed': 'true' });
      expect(JSON.stringify(replay.body)).toBe(JSON.stringify(answer));
      expect(JSON.stringify(first.body)).toBe(JSON.stringify(answer));
    },
  );

  it('claims the key in the change’s transaction, then stores the response: two round trips', async () => {
    // Act
    const { result, calls } = await recordDynamoDbCalls(() =>
      guard.run(request('w-first'), context, changing('w-first'), 'with-change'),
    );

    // Assess
    expect(result).toEqual({ status: 201, body: { run: 1 } });
    expect(calls.map((call) => call.operation)).toEqual(['TransactWriteItems', 'UpdateItem']);
  });

  it('replays a retry whose change would be made again: its transaction fails on the claim', async () => {
    // Prepare
    const runs = { count: 0 };
    const first = await guard.run(
      request('w-retry'),
      context,
      changing('w-retry', ports.writes, runs),
      'with-change',
    );

    // Act
    const retry = await guard.run(
      request('w-retry'),
      context,
      changing('w-retry', ports.writes, runs),
      'with-change',
    );

    // Assess: the route ran again, but only the first change exists
    expect(retry.body).toEqual(first.body);
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(await changesIn('w-retry')).toEqual(['run 1']);
  });

  it('refuses the same key with another request (422), changing nothing', async () => {
    // Prepare
    await guard.run(request('w-body', '{"a":1}'), context, changing('w-body'), 'with-change');

    // Act
    const other = guard.run(request('w-body', '{"a":2}'), context, changing('w-body'), 'with-change');

    // Assess
    await expect(other).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
    expect(await changesIn('w-body')).toHaveLength(1);
  });

  it('answers 409 to a duplicate whose first request committed its change and is still answering', async () => {
    // Prepare: the first request committed and has not stored its response yet
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = guard.run(
      request('w-flight'),
      context,
      async () => {
        const response = await changing('w-flight')();
        await held;
        return response;
      },
      'with-change',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    const duplicate = guard.run(request('w-flight'), context, changing('w-flight'), 'with-change');

    // Assess
    await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
    release();
    expect((await first).status).toBe(201);
    expect(await changesIn('w-flight')).toHaveLength(1);
  });

  it('never makes the change again once the first request committed it and died before answering', async () => {
    // Prepare: the first request commits its change, then its Lambda freezes for good (a timeout)
    // before storing the response; its in-progress record outlives the invocation's 300 ms
    const dying = { ...context, getRemainingTimeInMillis: () => 300 } as Context;
    const runs = { count: 0 };
    void guard.run(
      request('w-died'),
      dying,
      async () => {
        await changing('w-died', ports.writes, runs)();
        return new Promise<StoredResponse>(() => undefined);
      },
      'with-change',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Act: the client's retry, after the first invocation's time ran out
    const retry = await guard
      .run(request('w-died'), context, changing('w-died', ports.writes, runs), 'with-change')
      .catch((caught: unknown) => caught);

    // Assess: one change; the retry is told the change was made and its answer lost
    expect(await changesIn('w-died')).toEqual(['run 1']);
    expect(retry).toBeInstanceOf(ConflictError);
    expect((retry as ConflictError).message).toMatch(/made its change, but its answer was lost/);
  });

  it('stores nothing when the route fails before its change: a retry runs again', async () => {
    // Prepare
    const failing = async (): Promise<StoredResponse> => {
      throw new NotFoundError('No such thing');
    };
    await expect(guard.run(request('w-fail'), context, failing, 'with-change')).rejects.toBeInstanceOf(
      NotFoundError,
    );

    // Act
    const retry = await guard.run(request('w-fail'), context, changing('w-fail'), 'with-change');

    // Assess
    expect(retry).toEqual({ status: 201, body: { run: 1 } });
  });

  it('stores the response of a route that changed nothing (a put of its own), and replays it', async () => {
    // Prepare
    let runs = 0;
    const unchanged = async (): Promise<StoredResponse> => ({ status: 200, body: { run: ++runs } });

    // Act
    const { calls } = await recordDynamoDbCalls(() =>
      guard.run(request('w-none'), context, unchanged, 'with-change'),
    );
    const retry = await guard.run(request('w-none'), context, unchanged, 'with-change');

    // Assess
    expect(calls.map((call) => call.operation)).toEqual(['PutItem', 'UpdateItem']);
    expect(runs).toBe(2);
    expect(retry).toMatchObject({ body: { run: 1 }, headers: { 'idempotent-replayed': 'true' } });
  });
});
