import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicHandler } from '#functions/public/routes.ts';
import { createRegistryHandler } from '#functions/registry/routes.ts';
import { type DynamoDbLocal, functionEnvironment, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { parseRateLimitPolicies } from '#shared/domain/rate-limit.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createHealthProbe } from '#shared/dynamodb/health-probe.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { createDynamoDbRateLimiter } from '#shared/dynamodb/rate-limit-store.ts';
import { rateLimitTable } from '#shared/dynamodb/table-definitions.ts';
import { readCsvBody } from '#shared/http/csv-body.ts';

/**
 * Per-client limits over DynamoDB Local: the very handlers the functions run, each "Lambda instance"
 * a handler with its own SDK client over the one counter table, and a clock the test moves.
 */

let local: DynamoDbLocal;
let tableName: string;
/**
 * The clock every instance reads; tests move it. 10 s into a minute: 50 s left in the window. Years
 * ahead of the real clock, so that no counter the tests read carries an expiry (TTL) already past.
 */
let now = new Date('2036-03-10T08:00:10Z');
const clock = { now: () => now };
const policies = parseRateLimitPolicies('public=3/60,read=2/60,write=2/60');

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** One Lambda instance of the public function: its own SDK client, limiter and handler. */
const publicInstance = (): Handler => {
  const env = functionEnvironment(local);
  const documents = createDocumentClient(
    new DynamoDBClient({
      endpoint: local.endpoint,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      },
    }),
  );
  return createPublicHandler({
    http: {
      logger: new Logger({ logLevel: 'SILENT' }),
      corsAllowedOrigins: [],
      clock,
      rateLimit: { limiter: createDynamoDbRateLimiter(documents, tableName), policies },
    },
    serviceVersion: 'test',
    openApiDocument: async () => buildOpenApiDocument({ version: 'test' }),
    health: createHealthProbe(documents, [], () => undefined),
  }) as Handler;
};

const registryInstance = (): Handler => {
  const documents = createDocumentClient(local.client);
  return createRegistryHandler({
    ...createDynamoDbPorts(documents, local.tables),
    ids: { next: (prefix) => `${prefix}_test` },
    http: {
      logger: new Logger({ logLevel: 'SILENT' }),
      corsAllowedOrigins: [],
      clock,
      idempotency: { run: (_request, _context, execute) => execute() },
      csv: readCsvBody,
      rateLimit: { limiter: createDynamoDbRateLimiter(documents, tableName), policies },
    },
  }) as Handler;
};

let requestNumber = 0;

/** The one path parameter of the routes used here (`{frameworkId}`, `{agencyId}`): the last segment. */
const parameterOf = (routePath: string, path: string): Record<string, string> | undefined => {
  const name = /\{(\w+)\}$/.exec(routePath)?.[1];
  return name === undefined ? undefined : { [name]: path.split('/').at(-1) ?? '' };
};
const lambdaContext = { awsRequestId: 'rl', functionName: 'test', getRemainingTimeInMillis: () => 29_000 };

interface Caller {
  readonly sourceIp?: string;
  readonly subject?: string;
  readonly clientId?: string;
}

const call = async (
  handler: Handler,
  method: string,
  routePath: string,
  path: string,
  caller: Caller,
  body?: string,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const routeKey = `${method} ${routePath}`;
  const requestId = `rl-${++requestNumber}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: body === undefined ? {} : { 'content-type': 'application/json', 'if-match': '"0"' },
    pathParameters: parameterOf(routePath, path),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      routeKey,
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: caller.sourceIp ?? '198.51.100.1',
        userAgent: 'test',
      },
      ...(caller.subject === undefined
        ? {}
        : {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: {
                claims: {
                  sub: caller.subject,
                  client_id: caller.clientId ?? 'portal',
                  'custom:role': 'admin',
                  scope: 'spbe/admin',
                  token_use: 'access',
                },
                scopes: ['spbe/admin'],
              },
            },
          }),
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  return (await handler(event, {
    ...lambdaContext,
    awsRequestId: requestId,
  } as Context)) as APIGatewayProxyStructuredResultV2;
};

const framework = (handler: Handler, caller: Caller) =>
  call(handler, 'GET', '/v1/frameworks/{frameworkId}', '/v1/frameworks/spbe-2020', caller);
const me = (handler: Handler, caller: Caller) => call(handler, 'GET', '/v1/me', '/v1/me', caller);

beforeAll(async () => {
  local = await startDynamoDbLocal();
  assertLoopbackEndpoint(local.endpoint);
  tableName = local.tableNames[rateLimitTable.constructId] ?? '';
  // One request through the limiter first, on a counter no test reads: DynamoDB Local's first
  // conditional update of a table can outlast the limiter's 2 s budget on a loaded machine, and the
  // request would then go through unlimited, without the RateLimit headers a test checks.
  now = new Date('2036-01-01T00:00:00Z');
  await framework(publicInstance(), { sourceIp: '198.51.100.254' });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe('per-client rate limits (DynamoDB Local)', () => {
  it('lets the quota through with RateLimit headers counting down, then answers 429 problem+json with Retry-After', async () => {
    // Prepare
    now = new Date('2036-03-10T08:00:10Z');
    const instance = publicInstance();
    const caller = { sourceIp: '203.0.113.7' };

    // Act
    const answers = [];
    for (let request = 0; request < 4; request++) answers.push(await framework(instance, caller));

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers?.ratelimit)).toEqual([
      '"public";r=2;t=50',
      '"public";r=1;t=50',
      '"public";r=0;t=50',
      '"public";r=0;t=50',
    ]);
    for (const answer of answers) expect(answer.headers?.['ratelimit-policy']).toBe('"public";q=3;w=60');
    const refused = answers[3];
    expect(refused?.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '50',
    });
    expect(JSON.parse(refused?.body ?? '{}')).toMatchObject({
      type: '/problems/too-many-requests',
      status: 429,
      detail: expect.stringContaining('retry after 50 seconds'),
    });
  });

  it('says "1 second" when one is left', async () => {
    // Prepare: the last second of a window, the quota used up
    now = new Date('2036-03-10T08:02:59.500Z');
    const instance = publicInstance();
    const caller = { sourceIp: '203.0.113.8' };
    for (let request = 0; request < 3; request++) await framework(instance, caller);

    // Act
    const refused = await framework(instance, caller);

    // Assess
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body ?? '{}').detail).toMatch(/retry after 1 second\.$/);
  });

  it('shares one budget between two instances: the caller’s third request is refused whichever instance gets it', async () => {
    // Prepare: a token holder (read class, quota 2) and two instances over the same table
    now = new Date('2036-03-10T08:01:05Z');
    const first = publicInstance();
    const second = publicInstance();
    const caller = { subject: 'operator-jatim', clientId: 'portal-jatim' };

    // Act
    const one = await me(first, caller);
    const two = await me(second, caller);
    const three = await me(first, caller);

    // Assess
    expect([one.statusCode, two.statusCode, three.statusCode]).toEqual([200, 200, 429]);
    expect([one.headers?.ratelimit, two.headers?.ratelimit]).toEqual(['"read";r=1;t=55', '"read";r=0;t=55']);
    expect(three.headers?.['retry-after']).toBe('55');
  });

  it('refills when the window turns: the refused caller is let through again, with the whole quota', async () => {
    // Prepare: spend the public quota late in a window
    now = new Date('2036-03-10T08:02:58Z');
    const instance = publicInstance();
    const caller = { sourceIp: '192.0.2.44' };
    for (let request = 0; request < 3; request++) await framework(instance, caller);
    const refused = await framework(instance, caller);

    // Act: two seconds later, the next window
    now = new Date('2036-03-10T08:03:00Z');
    const next = await framework(instance, caller);

    // Assess
    expect(refused.statusCode).toBe(429);
    expect(refused.headers?.['retry-after']).toBe('2');
    expect(next.statusCode).toBe(200);
    expect(next.headers?.ratelimit).toBe('"public";r=2;t=60');
  });

  it('keeps callers apart: another address, another subject, another client of the same subject', async () => {
    // Prepare: exhaust one address and one token
    now = new Date('2036-03-10T08:04:01Z');
    const instance = publicInstance();
    for (let request = 0; request < 4; request++) await framework(instance, { sourceIp: '203.0.113.8' });
    for (let request = 0; request < 3; request++)
      await me(instance, { subject: 'admin-1', clientId: 'portal' });

    // Act
    const otherAddress = await framework(instance, { sourceIp: '203.0.113.9' });
    const otherSubject = await me(instance, { subject: 'admin-2', clientId: 'portal' });
    const otherClient = await me(instance, { subject: 'admin-1', clientId: 'batch-tool' });
    const same = await me(instance, { subject: 'admin-1', clientId: 'portal' });

    // Assess
    expect([otherAddress.statusCode, otherSubject.statusCode, otherClient.statusCode]).toEqual([
      200, 200, 200,
    ]);
    expect(same.statusCode).toBe(429);
  });

  it('counts IPv6 callers by their /64: a new address in the same prefix gains nothing', async () => {
    // Prepare
    now = new Date('2036-03-10T08:05:01Z');
    const instance = publicInstance();
    for (let host = 1; host <= 3; host++) await framework(instance, { sourceIp: `2001:db8:aa:bb::${host}` });

    // Act
    const samePrefix = await framework(instance, { sourceIp: '2001:db8:aa:bb:ffff::9' });
    const otherPrefix = await framework(instance, { sourceIp: '2001:db8:aa:cc::1' });

    // Assess
    expect(samePrefix.statusCode).toBe(429);
    expect(otherPrefix.statusCode).toBe(200);
  });

  it('gives writes their own budget, and announces it on 4xx answers too', async () => {
    // Prepare: the admin's reads are spent
    now = new Date('2036-03-10T08:06:01Z');
    const reads = publicInstance();
    const writes = registryInstance();
    const admin = { subject: 'admin-writer', clientId: 'portal' };
    for (let request = 0; request < 3; request++) await me(reads, admin);

    // Act: an invalid write (400) still draws on, and reports, the write budget
    const put = () => call(writes, 'PUT', '/v1/agencies/{agencyId}', '/v1/agencies/prov-bali', admin, '{}');
    const answers = [await put(), await put(), await put()];

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual([400, 400, 429]);
    expect(answers[0]?.headers).toMatchObject({
      ratelimit: '"write";r=1;t=59',
      'ratelimit-policy': '"write";q=2;w=60',
    });
  });

  it('sends the headers the OpenAPI document declares, in the form its schemas allow', async () => {
    // Prepare
    now = new Date('2036-03-10T08:07:30Z');
    const document = buildOpenApiDocument({ version: 'test' }) as unknown as {
      components: { headers: Record<string, { schema: { pattern?: string; maximum?: number } }> };
    };
    const declared = document.components.headers;

    // Act
    const instance = publicInstance();
    const answers = [];
    for (let request = 0; request < 4; request++)
      answers.push(await framework(instance, { sourceIp: '203.0.113.99' }));

    // Assess: each header under its declared name (HTTP names compare without case), matching its pattern
    for (const name of ['RateLimit', 'RateLimit-Policy']) {
      const pattern = new RegExp(declared[name]?.schema.pattern ?? '^$');
      for (const answer of answers) {
        const value = answer.headers?.[name.toLowerCase()];
        expect({ name, value, matches: pattern.test(String(value)) }).toEqual({ name, value, matches: true });
      }
    }
    const retryAfter = Number(answers[3]?.headers?.['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 0).toBe(true);
    expect(retryAfter).toBeLessThanOrEqual(declared['Retry-After']?.schema.maximum ?? 0);
  });

  it('stores no caller identity: counter keys hold a digest, and expire a window after theirs', async () => {
    // Prepare
    now = new Date('2036-03-10T08:08:20Z');
    await framework(publicInstance(), { sourceIp: '203.0.113.123' });

    // Act
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const items = await local.client.send(new ScanCommand({ TableName: tableName }));

    // Assess
    const text = JSON.stringify(items.Items);
    expect(text).not.toContain('203.0.113.123');
    expect(text).not.toContain('operator-jatim');
    const window = Math.floor(now.getTime() / 60_000);
    const item = items.Items?.find((candidate) => candidate.PK?.S?.endsWith(`#${window}`));
    expect(item?.PK?.S).toMatch(/^RL#public#[A-Za-z0-9_-]{32}#\d+$/);
    expect(item?.expiresAt?.N).toBe(String((window + 2) * 60));
  });
});
