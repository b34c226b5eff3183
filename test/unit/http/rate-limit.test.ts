import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPublicHandler } from '#functions/public/routes.ts';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { routes } from '#shared/api/routes.ts';
import { metricNames } from '#shared/domain/metrics.ts';
import {
  defaultRateLimitPolicies,
  fixedWindowOf,
  formatRateLimitPolicies,
  parseRateLimitPolicies,
} from '#shared/domain/rate-limit.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import {
  createDynamoDbRateLimiter,
  rateLimitKey,
  rateLimitUpdate,
} from '#shared/dynamodb/rate-limit-store.ts';
import {
  addressBucket,
  callerKeyOf,
  rateLimitClassOf,
  rateLimitHeader,
  rateLimitPolicyHeader,
} from '#shared/http/rate-limit.ts';

describe('rate-limit policies', () => {
  it('reads class=quota/seconds entries over the defaults', () => {
    // Act
    const policies = parseRateLimitPolicies(' write=10/60 , public=1000/3600');

    // Assess
    expect(policies).toEqual({
      public: { name: 'public', quota: 1000, windowSeconds: 3600 },
      read: defaultRateLimitPolicies.read,
      write: { name: 'write', quota: 10, windowSeconds: 60 },
    });
    expect(parseRateLimitPolicies(formatRateLimitPolicies(policies))).toEqual(policies);
  });

  it.each(['admin=1/60', 'write=0/60', 'write=10/0', 'write=10', 'write=ten/60', 'write=1/90000'])(
    'refuses "%s", naming it and the form',
    (entry) => {
      expect(() => parseRateLimitPolicies(entry)).toThrow(
        new RegExp(`"${entry.replace(/[/]/g, '\\/')}".*<class>=<requests>/<seconds>`),
      );
    },
  );

  it('puts an instant in its window and counts the whole seconds left (at least one)', () => {
    expect(fixedWindowOf({ windowSeconds: 60 }, new Date('2026-03-10T08:00:10Z'))).toEqual({
      index: Math.floor(Date.parse('2026-03-10T08:00:00Z') / 60_000),
      endsAtSeconds: Date.parse('2026-03-10T08:01:00Z') / 1000,
      resetSeconds: 50,
    });
    expect(fixedWindowOf({ windowSeconds: 60 }, new Date('2026-03-10T08:00:59.600Z')).resetSeconds).toBe(1);
    expect(fixedWindowOf({ windowSeconds: 60 }, new Date('2026-03-10T08:01:00Z')).resetSeconds).toBe(60);
  });
});

describe('who and which budget', () => {
  it('puts public routes and unknown paths in "public", token GETs in "read", other token methods in "write"', () => {
    expect(rateLimitClassOf(routes.getFramework)).toBe('public');
    expect(rateLimitClassOf(undefined)).toBe('public');
    expect(rateLimitClassOf(routes.getMe)).toBe('read');
    expect(rateLimitClassOf(routes.submitSelfAssessment)).toBe('write');
    expect(rateLimitClassOf(routes.putAgency)).toBe('write');
  });

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:aa:bb::1', '2001:db8:aa:bb::/64'],
    ['2001:0db8:00aa:00bb:ffff:1:2:3', '2001:db8:aa:bb::/64'],
    ['not-an-address', 'not-an-address'],
  ])('counts %s as %s', (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });

  it('keys a token holder by subject and client, anyone else by source address', () => {
    // Prepare
    const base = { requestContext: { http: { sourceIp: '203.0.113.7' } } };
    const withClaims = (claims: Record<string, string>) =>
      ({
        requestContext: { ...base.requestContext, authorizer: { jwt: { claims, scopes: [] } } },
      }) as unknown as APIGatewayProxyEventV2;

    // Act / Assess
    expect(callerKeyOf(base as unknown as APIGatewayProxyEventV2)).toBe('address:203.0.113.7');
    expect(callerKeyOf(withClaims({ sub: 'op-1', client_id: 'portal' }))).toBe('token:op-1:portal');
    expect(callerKeyOf(withClaims({ sub: 'op-1' }))).toBe('token:op-1:');
  });
});

describe('headers (draft-ietf-httpapi-ratelimit-headers, structured fields)', () => {
  it('names the policy and states quota and window, remaining and reset', () => {
    const policy = defaultRateLimitPolicies.write;
    expect(rateLimitPolicyHeader(policy)).toBe('"write";q=120;w=60');
    expect(rateLimitHeader(policy, { allowed: true, remaining: 57, resetSeconds: 42 })).toBe(
      '"write";r=57;t=42',
    );
  });
});

describe('the counter update (built without a table)', () => {
  it('adds one under the condition that the window’s count is below the quota, the window in the key', () => {
    // Prepare
    const now = new Date('2026-03-10T08:00:10Z');
    const window = Math.floor(now.getTime() / 60_000);

    // Act
    const update = rateLimitUpdate('limits', {
      callerKey: 'token:op-1:portal',
      policy: defaultRateLimitPolicies.write,
      now,
    });

    // Assess
    expect(update).toEqual({
      TableName: 'limits',
      Key: { PK: rateLimitKey(defaultRateLimitPolicies.write, 'token:op-1:portal', window) },
      UpdateExpression: 'ADD #hits :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
      ConditionExpression: 'attribute_not_exists(#hits) OR #hits < :quota',
      ExpressionAttributeNames: { '#hits': 'hits', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':one': 1, ':quota': 120, ':expiresAt': (window + 2) * 60 },
      ReturnValues: 'UPDATED_NEW',
    });
    expect(update.Key?.PK).toMatch(new RegExp(`^RL#write#[A-Za-z0-9_-]{32}#${window}$`));
    expect(update.Key?.PK).not.toContain('op-1');
  });
});

describe('when the limiter’s table fails (aws-sdk-client-mock)', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => {
    dynamo.reset();
    vi.restoreAllMocks();
  });

  const lambdaContext = {
    awsRequestId: 'req-1',
    functionName: 'public',
    getRemainingTimeInMillis: () => 29_000,
  };
  const frameworkRequest = {
    version: '2.0',
    routeKey: 'GET /v1/frameworks/{frameworkId}',
    rawPath: '/v1/frameworks/spbe-2020',
    rawQueryString: '',
    headers: {},
    pathParameters: { frameworkId: 'spbe-2020' },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      routeKey: 'GET /v1/frameworks/{frameworkId}',
      http: { method: 'GET', path: '/v1/frameworks/spbe-2020', sourceIp: '203.0.113.7' },
    },
  };

  it('fails open: the request is answered, without RateLimit headers, with a warning and a metric', async () => {
    // Prepare: every UpdateItem on the counters is throttled, even after the SDK's retries
    dynamo
      .on(UpdateCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    const logger = new Logger({ logLevel: 'SILENT' });
    const warn = vi.spyOn(logger, 'warn');
    const metrics = new Metrics({ namespace: 'test', serviceName: 'spbe-public' });
    const addMetric = vi.spyOn(metrics, 'addMetric');
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const handler = createPublicHandler({
      http: {
        logger,
        corsAllowedOrigins: [],
        clock: { now: () => new Date('2026-03-10T08:00:10Z') },
        metrics,
        rateLimit: {
          limiter: createDynamoDbRateLimiter(createDocumentClient(), 'limits'),
          policies: defaultRateLimitPolicies,
        },
      },
      serviceVersion: 'test',
      openApiDocument: async () => buildOpenApiDocument({ version: 'test' }),
      health: { check: async () => [] },
    });

    // Act
    const response = (await handler(
      frameworkRequest as unknown as APIGatewayProxyEventV2,
      lambdaContext as Context,
    )) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.ratelimit).toBeUndefined();
    expect(response.headers?.['ratelimit-policy']).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      'Rate limiter unavailable: request let through unlimited',
      expect.objectContaining({ policy: 'public' }),
    );
    expect(addMetric).toHaveBeenCalledWith(metricNames.rateLimiterUnavailable, 'Count', 1);
  });

  it('refuses when the counter’s condition fails, without a second call', async () => {
    // Prepare
    const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    const limiter = createDynamoDbRateLimiter(createDocumentClient(), 'limits');

    // Act
    const decision = await limiter.consume({
      callerKey: 'address:203.0.113.7',
      policy: defaultRateLimitPolicies.public,
      now: new Date('2026-03-10T08:00:10Z'),
    });

    // Assess
    expect(decision).toEqual({ allowed: false, remaining: 0, resetSeconds: 50 });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});
