import { createServer, type Server, type Socket } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '#shared/domain/errors.ts';
import { createFunctionDynamoDbClient, dynamoDbTimeouts } from '#shared/dynamodb/client.ts';
import { translateStorageError } from '#shared/dynamodb/errors.ts';

/**
 * A DynamoDB endpoint that accepts connections and never answers (a stalled connection): the
 * functions' client gives up after its socket timeout instead of waiting the SDK's 300 s, and the
 * stores answer 503 with Retry-After.
 */

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  endpoint = `http://127.0.0.1:${address.port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  process.env = saved;
});

describe('the functions’ DynamoDB client', () => {
  it('bounds a stalled call well inside an API function’s 29 s, retries included', () => {
    // Assess: four attempts (the SDK's default for DynamoDB) of at most the socket timeout.
    expect(4 * (dynamoDbTimeouts.connectionTimeout + dynamoDbTimeouts.socketTimeout)).toBeLessThan(29_000);
  });

  it('gives up on an endpoint that never answers, and the stores answer 503 with Retry-After', async () => {
    // Prepare: the same client with short timeouts, so the test does not wait 4 × 5 s
    const client = createFunctionDynamoDbClient({ connectionTimeout: 200, socketTimeout: 300 });
    const started = performance.now();

    // Act
    const error = await client
      .send(new GetItemCommand({ TableName: 'spbe-programme', Key: { PK: { S: 'X' }, SK: { S: 'Y' } } }))
      .catch((caught: unknown) => caught);
    const translated = (() => {
      try {
        return translateStorageError(error);
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(translated).toBeInstanceOf(ServiceUnavailableError);
    expect(translated).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    client.destroy();
  }, 20_000);
});

describe('a DynamoDB endpoint that refuses connections', () => {
  it('answers 503 with Retry-After, as a stalled one does, once the SDK’s retries are spent', async () => {
    // Prepare: a port that was just listening and no longer is (DynamoDB Local stopped, a lost route)
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // The SDK reads the endpoint variable when it first sends.
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${address.port}`;
    const unreachable = createFunctionDynamoDbClient();

    // Act
    const error = await unreachable
      .send(new GetItemCommand({ TableName: 'spbe-programme', Key: { PK: { S: 'X' }, SK: { S: 'Y' } } }))
      .catch((caught: unknown) => caught);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    const translated = (() => {
      try {
        return translateStorageError(error);
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(translated).toBeInstanceOf(ServiceUnavailableError);
    expect(translated).toMatchObject({
      status: 503,
      detail: 'The database could not be reached; retry in a moment.',
      headers: { 'retry-after': '1' },
    });
    unreachable.destroy();
  }, 20_000);
});
