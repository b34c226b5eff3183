import { Logger } from '@aws-lambda-powertools/logger';
import type { PreTokenGenerationV3TriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPreTokenGenerationHandler } from '#functions/identity/pre-token-trigger.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createMachineClientStore } from '#shared/dynamodb/machine-client-store.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  createCycle,
  ensureAgency,
  expectFieldProblem,
  expectProblem,
  expectStatus,
  hostileNames,
  jawaTimur,
  openCycle,
} from './support.ts';

/**
 * Machine clients end to end: an admin registers a client-credentials client for an agency; the
 * Cognito pre-token-generation trigger (the real handler, on the same DynamoDB Local) then puts that
 * role and agency into its token; the token reaches the agency's self-assessment and nothing else.
 */

const clientId = '4f1kq2s9e0n7h3j5m8p6r2t1vb';
const year = new Date().getUTCFullYear();
let api: TestApi;
let admin: string;

const clientCredentialsEvent = (): PreTokenGenerationV3TriggerEvent =>
  ({
    version: '3',
    triggerSource: 'TokenGeneration_ClientCredentials',
    region: 'ap-southeast-3',
    userPoolId: 'ap-southeast-3_EXAMPLE',
    userName: 'ClientCredentials',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: {}, groupConfiguration: null, scopes: ['spbe/self-assessment.read'] },
    response: { claimsAndScopeOverrideDetails: null },
  }) as unknown as PreTokenGenerationV3TriggerEvent;

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
  await ensureAgency(api, admin, 'prov-jawa-timur', jawaTimur);
  await createCycle(api, admin, openCycle(year));
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('machine clients', () => {
  it('registers a client for an agency (201), then changes it only with If-Match', async () => {
    const body = { role: 'agency', agencyId: 'prov-jawa-timur', description: 'Portal SPBE Jawa Timur' };

    const created = await api.request('PUT', `/v1/machine-clients/${clientId}`, { token: admin, body });
    expect(expectStatus(created, 201)).toMatchObject({
      clientId,
      role: 'agency',
      agencyId: 'prov-jawa-timur',
      version: 1,
    });
    expect(created.headers.get('location')).toBe(`/v1/machine-clients/${clientId}`);

    expectProblem(await api.request('PUT', `/v1/machine-clients/${clientId}`, { token: admin, body }), 428);
    const renamed = await api.request('PUT', `/v1/machine-clients/${clientId}`, {
      token: admin,
      body: { ...body, description: 'Portal SPBE Jawa Timur (produksi)' },
      headers: { 'if-match': '"1"' },
    });
    expect(expectStatus(renamed, 200)).toMatchObject({ version: 2 });
  });

  it('refuses an agency client for an unknown agency, naming the field', async () => {
    const response = await api.request('PUT', '/v1/machine-clients/other-client', {
      token: admin,
      body: { role: 'agency', agencyId: 'kab-tidak-ada', description: 'Unknown' },
    });
    expect(expectProblem(response, 400).errors?.[0]?.pointer).toBe('/body/agencyId');
  });

  it.each(hostileNames)(
    'refuses a description of %s: 400 naming /body/description',
    async (_name, text, detail) => {
      // Act
      const response = await api.request('PUT', '/v1/machine-clients/hidden-client', {
        token: admin,
        body: { role: 'admin', description: text },
      });

      // Assess
      const problem = expectFieldProblem(response, 400, '/body/description');
      expect(problem.errors).toEqual([
        { pointer: '/body/description', detail: expect.stringContaining(detail) },
      ]);
      expectProblem(await api.request('GET', '/v1/machine-clients/hidden-client', { token: admin }), 404);
    },
  );

  it('puts the registered role and agency into the client’s token, which then reads only its own agency', async () => {
    // Act: the trigger Cognito runs when the client asks for a token
    const trigger = createPreTokenGenerationHandler({
      machineClients: createMachineClientStore(
        createDocumentClient(api.runtime.dynamodb.client),
        api.runtime.dynamodb.tables.programme,
      ),
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const event = await trigger(clientCredentialsEvent());
    const claims =
      event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride ?? {};
    expect(claims).toEqual({ 'custom:role': 'agency', 'custom:agency_id': 'prov-jawa-timur' });

    // Assess: a token with those claims and the client's scope
    const token = await api.runtime.identityProvider.mint({
      subject: clientId,
      clientId,
      role: claims['custom:role'] as 'agency',
      agencyId: String(claims['custom:agency_id']),
      scopes: ['spbe/self-assessment.read'],
    });
    const own = await api.request('GET', `/v1/cycles/${year}/agencies/prov-jawa-timur/self-assessment`, {
      token,
    });
    expect(own.status).toBe(200);
    const write = await api.request(
      'PUT',
      `/v1/cycles/${year}/agencies/prov-jawa-timur/self-assessment/indicators/1`,
      {
        token,
        body: { level: 3 },
        headers: { 'if-match': '"0"' },
      },
    );
    expect(write.status).toBe(403); // its scope is read-only
    const other = await api.request('GET', `/v1/cycles/${year}/agencies/prov-bali/self-assessment`, {
      token,
    });
    expect(other.status).toBe(404);
  });
});
