import { Logger } from '@aws-lambda-powertools/logger';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, PreTokenGenerationV2TriggerEvent, PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createPreTokenGenerationHandler,
  type PreTokenGenerationEvent,
} from '#functions/identity/pre-token-trigger.ts';
import { ServiceUnavailableError } from '#shared/domain/errors.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createMachineClientStore } from '#shared/dynamodb/machine-client-store.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  dynamo.reset();
  vi.unstubAllEnvs();
});

const logger = new Logger({ logLevel: 'SILENT' });
const handler = createPreTokenGenerationHandler({
  machineClients: createMachineClientStore(createDocumentClient(), 'programme-test', {
    consistentRead: false,
  }),
  logger,
});

const machineClientId = '7abc123machine';

/** A V3 client-credentials event as Cognito sends it: no user attributes, no incoming overrides. */
const clientCredentialsEvent = (): PreTokenGenerationV3TriggerEvent =>
  ({
    version: '3',
    triggerSource: 'TokenGeneration_ClientCredentials',
    region: 'ap-southeast-3',
    userPoolId: 'ap-southeast-3_EXAMPLE',
    userName: 'ClientCredentials',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: machineClientId },
    request: {
      userAttributes: {},
      groupConfiguration: null,
      scopes: ['spbe/self-assessment.read'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  }) as unknown as PreTokenGenerationV3TriggerEvent;

/** A user sign-in event (V3 events for user sources have the V2 shape, version "3"). */
const userEvent = (
  userAttributes: Record<string, string>,
  triggerSource: PreTokenGenerationV2TriggerEvent['triggerSource'] = 'TokenGeneration_HostedAuth',
): PreTokenGenerationV2TriggerEvent =>
  ({
    version: '3',
    triggerSource,
    region: 'ap-southeast-3',
    userPoolId: 'ap-southeast-3_EXAMPLE',
    userName: 'f4a8c2d0-0000-4000-8000-000000000001',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'portal-client' },
    request: {
      userAttributes: {
        sub: 'f4a8c2d0-0000-4000-8000-000000000001',
        email: 'op@example.go.id',
        ...userAttributes,
      },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
      scopes: ['openid', 'spbe/self-assessment.read'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  }) as PreTokenGenerationV2TriggerEvent;

const responseOf = (event: PreTokenGenerationEvent) => event.response;

describe('pre-token generation: users', () => {
  it('agency operator: role and agency into the access and the ID token, no storage read', async () => {
    const result = await handler(
      userEvent({ 'custom:role': 'agency', 'custom:agency_id': 'prov-jawa-timur' }),
    );

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { 'custom:role': 'agency', 'custom:agency_id': 'prov-jawa-timur' },
        },
        idTokenGeneration: {
          claimsToAddOrOverride: { 'custom:role': 'agency', 'custom:agency_id': 'prov-jawa-timur' },
        },
      },
    });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each([
    ['TokenGeneration_Authentication'],
    ['TokenGeneration_RefreshTokens'],
    ['TokenGeneration_NewPasswordChallenge'],
    ['TokenGeneration_AuthenticateDevice'],
  ] as const)('%s: admin role claim (refreshes pick up changed attributes)', async (triggerSource) => {
    const result = await handler(userEvent({ 'custom:role': 'admin' }, triggerSource));

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { 'custom:role': 'admin' },
          // Requested, but an operator's scope: an admin token states what an admin may do.
          scopesToSuppress: ['spbe/self-assessment.read'],
        },
        idTokenGeneration: { claimsToAddOrOverride: { 'custom:role': 'admin' } },
      },
    });
  });

  it('unknown role: the token is issued with nothing added and no API scope (the API answers 403)', async () => {
    const result = await handler(userEvent({ 'custom:role': 'root' }));

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: {}, scopesToSuppress: ['spbe/self-assessment.read'] },
        idTokenGeneration: { claimsToAddOrOverride: {} },
      },
    });
  });

  it('agency operator whose portal asked for spbe/admin: the scope is suppressed, the own ones kept', async () => {
    const event = userEvent({ 'custom:role': 'agency', 'custom:agency_id': 'prov-jawa-timur' });
    event.request.scopes = ['openid', 'spbe/admin', 'spbe/assessment.write', 'spbe/self-assessment.write'];

    const result = await handler(event);

    expect(responseOf(result).claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToSuppress).toEqual([
      'spbe/admin',
      'spbe/assessment.write',
    ]);
  });

  it('agency role without agency id: nothing added', async () => {
    const result = await handler(userEvent({ 'custom:role': 'agency' }));

    expect(
      responseOf(result).claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({});
  });
});

describe('pre-token generation: machine clients (client credentials)', () => {
  it('registered agency integration: reads its registration and adds role and agency to the access token only', async () => {
    dynamo.on(GetCommand).resolves({ Item: { role: 'agency', agencyId: 'kota-bandung' } });

    const result = await handler(clientCredentialsEvent());

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { 'custom:role': 'agency', 'custom:agency_id': 'kota-bandung' },
        },
      },
    });
    const gets = dynamo.commandCalls(GetCommand);
    expect(gets).toHaveLength(1);
    expect(gets[0]?.args[0].input).toEqual({
      TableName: 'programme-test',
      Key: { PK: `CLIENT#${machineClientId}`, SK: 'CLIENT' },
      ConsistentRead: false,
    });
  });

  it('registered admin client: the role only', async () => {
    dynamo.on(GetCommand).resolves({ Item: { role: 'admin' } });

    const result = await handler(clientCredentialsEvent());

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { 'custom:role': 'admin' },
          scopesToSuppress: ['spbe/self-assessment.read'],
        },
      },
    });
  });

  it('unregistered client: no error, nothing added (the API answers 403)', async () => {
    dynamo.on(GetCommand).resolves({});

    const result = await handler(clientCredentialsEvent());

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: {}, scopesToSuppress: ['spbe/self-assessment.read'] },
      },
    });
  });

  it('invalid registration (agency without agency id): nothing added', async () => {
    dynamo.on(GetCommand).resolves({ Item: { role: 'agency' } });

    const result = await handler(clientCredentialsEvent());

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: {}, scopesToSuppress: ['spbe/self-assessment.read'] },
      },
    });
  });

  it('storage error: thrown, so Cognito fails the token request instead of issuing a roleless token', async () => {
    dynamo
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} }));

    await expect(handler(clientCredentialsEvent())).rejects.toThrow(ServiceUnavailableError);
  });
});

describe('Lambda entry (functions/identity/pre-token.ts)', () => {
  it('is wired from PROGRAMME_TABLE_NAME at cold start and reads registrations from that table', async () => {
    vi.stubEnv('PROGRAMME_TABLE_NAME', 'programme-from-env');
    dynamo.on(GetCommand).resolves({ Item: { role: 'assessor' } });
    const entry = await import('#functions/identity/pre-token.ts');

    const lambdaContext = {
      awsRequestId: 'pre-token-test',
      functionName: 'pre-token',
      getRemainingTimeInMillis: () => 5_000,
    } as Context;

    // Act: the entry as Lambda calls it, with its context (the logger and tracer middlewares read it)
    const result = await entry.handler(clientCredentialsEvent(), lambdaContext);

    expect(responseOf(result)).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { 'custom:role': 'assessor' },
          scopesToSuppress: ['spbe/self-assessment.read'],
        },
      },
    });
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.TableName).toBe('programme-from-env');
  });
});
