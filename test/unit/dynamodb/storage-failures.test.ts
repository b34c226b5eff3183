import { Logger } from '@aws-lambda-powertools/logger';
import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubmissionsHandler } from '#functions/submissions/routes.ts';
import { defaultAwardRules2023 } from '#shared/domain/awards/rules.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import type { IdempotencyGuard } from '#shared/http/idempotency.ts';

/**
 * DynamoDB Local never throttles and never reports transaction conflicts; these are injected here
 * (aws-sdk-client-mock) and followed through the real submissions handler to the HTTP answer.
 */

const documentClient = createDocumentClient();
const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const now = new Date('2026-03-10T00:00:00Z');
const cycleItem = {
  PK: 'CYCLE#2026',
  SK: 'CYCLE',
  year: 2026,
  frameworkId: 'spbe-2020',
  type: 'pemantauan',
  windows: {
    selfAssessment: { opensAt: '2026-03-01T00:00:00Z', closesAt: '2026-04-01T00:00:00Z' },
    documentAssessment: { opensAt: '2026-04-02T00:00:00Z', closesAt: '2026-05-01T00:00:00Z' },
    appeals: { opensAt: '2026-05-02T00:00:00Z', closesAt: '2026-05-10T00:00:00Z' },
    publication: { at: '2026-06-01T00:00:00Z' },
  },
  predicateBasis: 'exact',
  awardRules: defaultAwardRules2023,
  createdAt: '2026-01-01T00:00:00Z',
  createdBy: 'admin',
  version: 1,
};
const agencyItem = {
  PK: 'AGENCY#prov-jawa-timur',
  SK: 'PROFILE',
  id: 'prov-jawa-timur',
  name: 'Pemerintah Provinsi Jawa Timur',
  group: 'provinsi',
  active: true,
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const passThrough: IdempotencyGuard = { run: (_request, _context, execute) => execute() };

const handler = createSubmissionsHandler({
  ...createDynamoDbPorts(documentClient, { programme: 'programme', events: 'events' }),
  ids: { next: (prefix) => `${prefix}_test` },
  http: {
    logger: new Logger({ logLevel: 'SILENT' }),
    corsAllowedOrigins: [],
    clock: { now: () => now },
    idempotency: passThrough,
  },
});

const saveIndicator = async (): Promise<APIGatewayProxyStructuredResultV2> => {
  const path = '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment/indicators/12';
  const event = {
    version: '2.0',
    routeKey: 'PUT /v1/cycles/{year}/agencies/{agencyId}/self-assessment/indicators/{no}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'if-match': '"0"' },
    pathParameters: { year: '2026', agencyId: 'prov-jawa-timur', no: '12' },
    body: JSON.stringify({ level: 3 }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      routeKey: 'PUT /v1/cycles/{year}/agencies/{agencyId}/self-assessment/indicators/{no}',
      http: { method: 'PUT', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: {
            sub: 'operator-jatim',
            'custom:role': 'agency',
            'custom:agency_id': 'prov-jawa-timur',
            scope: 'spbe/self-assessment.write',
          },
          scopes: ['spbe/self-assessment.write'],
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const context = {
    awsRequestId: 'req-1',
    functionName: 'test',
    getRemainingTimeInMillis: () => 29_000,
  } as Context;
  return (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
};

/** The cycle (read once, then from the handler's cache) and an empty self-assessment partition. */
const prepareReads = () => {
  dynamo.on(GetCommand, { Key: { PK: 'CYCLE#2026', SK: 'CYCLE' } }).resolves({ Item: cycleItem });
  dynamo.on(GetCommand, { Key: { PK: agencyItem.PK, SK: 'PROFILE' } }).resolves({ Item: agencyItem });
  dynamo.on(QueryCommand).resolves({ Items: [] });
};

describe('storage failures DynamoDB Local cannot produce', () => {
  it('answers 503 with Retry-After when the save transaction is throttled', async () => {
    prepareReads();
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );

    const response = await saveIndicator();

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '1',
    });
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      status: 503,
      type: '/problems/service-unavailable',
    });
  });

  it('answers 503 when reads exceed provisioned throughput', async () => {
    prepareReads();
    dynamo
      .on(QueryCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    const response = await saveIndicator();

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? '{}').detail).not.toContain('slow down');
  });

  it('answers 409 (retry) on a transaction conflict, and never writes outside the transaction', async () => {
    prepareReads();
    dynamo
      .on(TransactWriteCommand)
      .rejects(new TransactionConflictException({ message: 'conflict', $metadata: {} }));

    const response = await saveIndicator();

    expect(response.statusCode).toBe(409);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('answers 412 when the version condition fails inside the transaction (a concurrent save won)', async () => {
    prepareReads();
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );

    const response = await saveIndicator();

    expect(response.statusCode).toBe(412);
  });

  it('writes the header with its condition first, then the answer, the checks of the cycle and the agency, and its audit record', async () => {
    prepareReads();
    dynamo.on(TransactWriteCommand).resolves({});

    const response = await saveIndicator();

    expect(response.statusCode).toBe(200);
    const [call] = dynamo.commandCalls(TransactWriteCommand);
    const actions = call?.args[0].input.TransactItems ?? [];
    expect(actions.map((action) => action.Put?.Item?.SK ?? action.ConditionCheck?.Key?.SK)).toEqual([
      'SELF',
      'SELF#IND#12',
      'CYCLE',
      'PROFILE',
      expect.stringMatching(/^AUDIT#2026-03-10T00:00:00.000Z#req-1#\d{6}$/),
    ]);
    expect(actions[2]?.ConditionCheck).toMatchObject({
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': 1 },
    });
    expect(actions[3]?.ConditionCheck).toMatchObject({ ConditionExpression: 'active = :active' });
    expect(actions[0]?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(actions[4]?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
  });
});
