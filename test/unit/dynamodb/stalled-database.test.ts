import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicHandler } from '#functions/public/routes.ts';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { defaultRateLimitPolicies } from '#shared/domain/rate-limit.ts';
import { createDocumentClient, createFunctionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { createHealthProbe, type ProbedTable } from '#shared/dynamodb/health-probe.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import { type StalledEndpoint, startStalledEndpoint } from '#test/helpers/stalled-endpoint.ts';

/**
 * A database that stalls (accepts connections, never answers): what the on-call sees first is
 * `/v1/health`, and it must say 503 and name the tables within seconds, not hang until the
 * function's 29 s timeout and answer 500. The rate limiter in front of every request fails open
 * after a short wait of its own instead of spending four attempts of the client's socket timeout.
 * The functions' client with its deployed timeouts throughout: nothing here is shortened for the test.
 */

let stalled: StalledEndpoint;
const saved = { ...process.env };

beforeAll(async () => {
  stalled = await startStalledEndpoint();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: stalled.endpoint,
    AWS_REGION: 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});

afterAll(async () => {
  await stalled.close();
  process.env = saved;
});

const tables: readonly ProbedTable[] = [
  { name: 'programme', tableName: 'spbe-programme', key: { PK: 'HEALTH', SK: 'HEALTH' } },
  { name: 'events', tableName: 'spbe-events', key: { PK: 'HEALTH', SK: 'HEALTH' } },
];

const healthRequest = {
  version: '2.0',
  routeKey: 'GET /v1/health',
  rawPath: '/v1/health',
  rawQueryString: '',
  headers: {},
  isBase64Encoded: false,
  requestContext: {
    requestId: 'req-stalled',
    routeKey: 'GET /v1/health',
    http: { method: 'GET', path: '/v1/health', sourceIp: '203.0.113.7' },
  },
};

describe('a stalled database', () => {
  it('lets the rate limiter give up after one short attempt, so the request goes on (fail open)', async () => {
    // Prepare
    const client = createFunctionDynamoDbClient();
    const limiter = createDynamoDbRateLimiter(createDocumentClient(client), 'spbe-rate-limits');
    const started = performance.now();

    // Act
    const error = await limiter
      .consume({
        callerKey: 'address:203.0.113.7',
        policy: defaultRateLimitPolicies.public,
        now: new Date(),
      })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(3_000);
    client.destroy();
  }, 30_000);

  it('makes the health probe name every table failed within seconds', async () => {
    // Prepare
    const client = createFunctionDynamoDbClient();
    const failures: string[] = [];
    const probe = createHealthProbe(createDocumentClient(client), tables, (table) => failures.push(table));
    const started = performance.now();

    // Act
    const checks = await probe.check();

    // Assess
    expect(checks.map((check) => [check.name, check.status])).toEqual([
      ['programme', 'failed'],
      ['events', 'failed'],
    ]);
    expect(failures).toEqual(['programme', 'events']);
    expect(performance.now() - started).toBeLessThan(6_000);
    client.destroy();
  }, 60_000);

  it('answers GET /v1/health with 503 naming the tables, well inside the function’s 29 s', async () => {
    // Prepare: the public function as deployed, its limiter and probe on the stalled database
    const client = createFunctionDynamoDbClient();
    const documents = createDocumentClient(client);
    const handler = createPublicHandler({
      http: {
        logger: new Logger({ logLevel: 'SILENT' }),
        corsAllowedOrigins: [],
        clock: { now: () => new Date() },
        rateLimit: {
          limiter: createDynamoDbRateLimiter(documents, 'spbe-rate-limits'),
          policies: defaultRateLimitPolicies,
        },
      },
      serviceVersion: 'test',
      openApiDocument: async () => buildOpenApiDocument({ version: 'test' }),
      health: createHealthProbe(documents, tables),
    });
    const deadline = Date.now() + 29_000;
    const lambdaContext = {
      awsRequestId: 'req-stalled',
      functionName: 'public',
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    const started = performance.now();

    // Act
    const response = (await handler(
      healthRequest as unknown as APIGatewayProxyEventV2,
      lambdaContext as unknown as Context,
    )) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(response.statusCode).toBe(503);
    // A load balancer or monitor probing health learns when to look again
    expect(response.headers?.['retry-after']).toBe('5');
    expect(JSON.parse(String(response.body))).toMatchObject({
      type: '/problems/service-unavailable',
      detail: 'programme, events do not answer.',
      checks: [
        { name: 'programme', status: 'failed' },
        { name: 'events', status: 'failed' },
      ],
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    client.destroy();
  }, 60_000);
});
