import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { awardRoutes } from '#shared/api/awards/routes.ts';
import { bundleFileName, esbuildOptionsFor } from '../../infra/bundling.ts';
import {
  preTokenGenerationTableUses,
  rankingRunTableUses,
  type TableUse,
  tableUsesByCapability,
  webhookDeliveryTableUses,
  webhookDispatcherTableUses,
} from '../../infra/capability-access.ts';
import type { SpbeFunction } from '../../infra/constructs/spbe-function.ts';
import { capabilityEntry, defaultFunctionsRoot, projectRoot } from '../../infra/paths.ts';
import { assessmentRoutes } from '../../shared/api/assessment/routes.ts';
import { cycleRoutes } from '../../shared/api/cycles/routes.ts';
import { buildOpenApiDocument } from '../../shared/api/openapi.ts';
import { swaggerUiBundleFolder, swaggerUiFiles, swaggerUiPackage } from '../../shared/api/public/docs.ts';
import { openApiFileName } from '../../shared/api/public/openapi-file.ts';
import { publicRoutes } from '../../shared/api/public/routes.ts';
import { rankingRoutes } from '../../shared/api/rankings/routes.ts';
import { registryRoutes } from '../../shared/api/registry/routes.ts';
import { resultRoutes } from '../../shared/api/results/routes.ts';
import { type LambdaName, lambdaNames, routeKeysOf } from '../../shared/api/route-spec.ts';
import { routeList, routes } from '../../shared/api/routes.ts';
import { selfAssessmentRoutes } from '../../shared/api/self-assessment/routes.ts';
import { webhookRoutes } from '../../shared/api/webhooks/routes.ts';
import { webhookKeys } from '../../shared/dynamodb/keys.ts';
import { tableDefinitions } from '../../shared/dynamodb/table-definitions.ts';
import {
  bundleContents,
  functionsWithCsvRoutes,
  functionsWithIdempotentRoutes,
  neverBundled,
} from './bundle-contents.ts';
import { buildStack, type Synthesized, synthesize } from './synth.ts';
import {
  asArray,
  type LambdaFunctionJson,
  type PolicyStatementJson,
  referencedLogicalIds,
  resourcesOfType,
  statementsOfRole,
} from './template-helpers.ts';

/** DynamoDB actions that change data: none of them may reach a read-only function. */
const dynamoDbWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
];

interface RouteJson {
  readonly RouteKey: string;
  readonly AuthorizationType: string;
  readonly AuthorizerId?: unknown;
  readonly AuthorizationScopes?: readonly string[];
  readonly Target: unknown;
}

interface FunctionUnderTest {
  readonly name: string;
  readonly construct: SpbeFunction;
  readonly uses: readonly TableUse[];
}

let synth: Synthesized;
let functionsUnderTest: FunctionUnderTest[];
let preTokenGenerationFunction: SpbeFunction;

// Prepare: one synthesis for the whole file (bundling runs esbuild locally, no Docker).
beforeAll(() => {
  synth = synthesize();
  const capabilityFunctions = lambdaNames.map((capability): FunctionUnderTest => {
    const construct = synth.stack.capabilityFunctions.get(capability);
    if (construct === undefined) throw new Error(`No function for capability "${capability}"`);
    return { name: capability, construct, uses: tableUsesByCapability[capability] };
  });
  const preToken = synth.stack.preTokenGenerationFunction;
  if (preToken === undefined) throw new Error('No pre-token-generation function with the own user pool');
  preTokenGenerationFunction = preToken;
  functionsUnderTest = [
    ...capabilityFunctions,
    { name: 'ranking run', construct: synth.stack.rankingRunFunction, uses: rankingRunTableUses },
    { name: 'pre-token generation', construct: preToken, uses: preTokenGenerationTableUses },
    {
      name: 'webhook dispatcher',
      construct: synth.stack.webhookDispatcherFunction,
      uses: webhookDispatcherTableUses,
    },
    {
      name: 'webhook delivery',
      construct: synth.stack.webhookDeliveryFunction,
      uses: webhookDeliveryTableUses,
    },
  ];
}, 180_000);

const tableLogicalId = (constructId: string): string => {
  const table = synth.stack.tables.get(constructId);
  if (table === undefined) throw new Error(`No table "${constructId}"`);
  return synth.logicalIdOf(table);
};

/** The synthesized properties of a house function's Lambda. */
const functionJson = (construct: SpbeFunction): LambdaFunctionJson => {
  const resource = synth.template.toJSON().Resources[synth.logicalIdOf(construct.function)] as
    | { Properties: LambdaFunctionJson }
    | undefined;
  if (resource === undefined) throw new Error(`${construct.node.path} is not in the template`);
  return resource.Properties;
};

describe('stack identity', () => {
  it('keeps the stack id and the logical ids of stateful resources (renaming replaces them)', () => {
    expect(synth.stack.artifactId).toBe('SpbeAwardApi');
    // Changing one of these replaces a table or the user pool: legal records or every account gone.
    expect(tableLogicalId('ProgrammeTable')).toBe('ProgrammeTable936517B9');
    expect(tableLogicalId('IdempotencyTable')).toBe('IdempotencyTable22A5A209');
    expect(Object.keys(synth.template.findResources('AWS::Cognito::UserPool'))).toEqual([
      'IdentityUserPool96FE3B9B',
    ]);
  });
});

describe('Lambda functions', () => {
  it('every function in the template runs nodejs22.x on arm64 with active tracing', () => {
    const functions = resourcesOfType<LambdaFunctionJson>(synth.template, 'AWS::Lambda::Function');
    // One per capability, the ranking run, the Cognito pre-token trigger and the two webhook dispatch
    // functions: no helper functions (log retention, custom resources).
    expect(functions).toHaveLength(lambdaNames.length + 4);
    for (const [logicalId, fn] of functions) {
      expect({ logicalId, runtime: fn.Properties.Runtime }).toEqual({ logicalId, runtime: 'nodejs22.x' });
      expect({ logicalId, architectures: fn.Properties.Architectures }).toEqual({
        logicalId,
        architectures: ['arm64'],
      });
      expect({ logicalId, tracing: fn.Properties.TracingConfig?.Mode }).toEqual({
        logicalId,
        tracing: 'Active',
      });
    }
  });

  it('creates no custom resources (and so no helper Lambdas)', () => {
    const resources = synth.template.toJSON().Resources as Record<string, { Type: string }>;
    const custom = Object.entries(resources).filter(
      ([, resource]) =>
        resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource',
    );
    expect(custom).toEqual([]);
  });

  it('each function logs to its own log group with a retention period', () => {
    for (const { name, construct } of functionsUnderTest) {
      const fn = functionJson(construct);
      const logGroupId = synth.logicalIdOf(construct.logGroup);
      expect({ name, logGroup: [...referencedLogicalIds(fn.LoggingConfig?.LogGroup)] }).toEqual({
        name,
        logGroup: [logGroupId],
      });
      const logGroup = synth.template.toJSON().Resources[logGroupId] as {
        Properties: { RetentionInDays?: number };
      };
      expect({ name, retention: logGroup.Properties.RetentionInDays }).toEqual({ name, retention: 365 });
    }
  });

  it('API functions have 1024 MB and a 29 s timeout (below the HTTP API 30 s limit); the ranking run 15 min (Lambda’s maximum; longer runs continue themselves); the Cognito trigger 5 s; webhook dispatch 60 s', () => {
    for (const { name, construct } of functionsUnderTest) {
      const fn = functionJson(construct);
      const expectedTimeout =
        construct === synth.stack.rankingRunFunction
          ? 900
          : construct === preTokenGenerationFunction
            ? 5
            : construct === synth.stack.webhookDispatcherFunction ||
                construct === synth.stack.webhookDeliveryFunction
              ? 60
              : 29;
      expect({ name, memory: fn.MemorySize, timeout: fn.Timeout }).toEqual({
        name,
        memory: 1024,
        timeout: expectedTimeout,
      });
    }
  });

  it('sets the Powertools service name and log level on every function, and no NODE_OPTIONS', () => {
    for (const { name, construct } of functionsUnderTest) {
      const variables = functionJson(construct).Environment?.Variables ?? {};
      expect({ name, variables }).toMatchObject({
        name,
        variables: {
          POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^spbe-[a-z-]+$/),
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      });
      // No --enable-source-maps: measured too dear at every cold start (infra/bundling.ts).
      expect({ name, nodeOptions: variables.NODE_OPTIONS }).toEqual({ name, nodeOptions: undefined });
    }
  });
});

/** The folder CDK staged as a function's code: `asset.<hash>` in the app's output. */
const codeFolder = (construct: SpbeFunction): string => {
  const key = (functionJson(construct) as { Code?: { S3Key?: string } }).Code?.S3Key ?? '';
  return join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
};

/** Each capability's route module, by its folder under shared/api/. */
const routeModules: Readonly<Record<string, object>> = {
  public: publicRoutes,
  registry: registryRoutes,
  cycles: cycleRoutes,
  'self-assessment': selfAssessmentRoutes,
  assessment: assessmentRoutes,
  results: resultRoutes,
  rankings: rankingRoutes,
  webhooks: webhookRoutes,
  awards: awardRoutes,
};

describe('the docs page’s files', () => {
  const packageFile = (file: string) => new URL(import.meta.resolve(`${swaggerUiPackage}/${file}`));

  it('travel beside the public function’s bundle, not inside its code', () => {
    // Prepare
    const publicFunction = synth.stack.capabilityFunctions.get('public');
    if (publicFunction === undefined) throw new Error('No public function');
    const folder = codeFolder(publicFunction);

    // Assess: each file as the package ships it, with the licence; the code stays far smaller than
    // the script it would otherwise carry.
    for (const file of swaggerUiFiles) {
      const copied = readFileSync(join(folder, swaggerUiBundleFolder, file));
      expect({ file, same: copied.equals(readFileSync(packageFile(file))) }).toEqual({ file, same: true });
    }
    expect(existsSync(join(folder, swaggerUiBundleFolder, 'LICENSE'))).toBe(true);
    const code = statSync(join(folder, 'index.mjs')).size;
    expect(code).toBeLessThan(statSync(packageFile('swagger-ui-bundle.js')).size / 2);
  });

  it('are served by the bundled public function from its own folder, compressed when asked', () => {
    // Prepare: the bundle as Lambda runs it, in a separate Node process (no node_modules next to
    // it: a file found proves it came from the bundle's folder).
    const publicFunction = synth.stack.capabilityFunctions.get('public');
    if (publicFunction === undefined) throw new Error('No public function');
    const bundle = join(codeFolder(publicFunction), 'index.mjs');
    const script = `
      const { handler } = await import(${JSON.stringify(bundle)});
      const get = (path) => handler({
        version: '2.0', routeKey: 'GET ' + path, rawPath: path, rawQueryString: '', isBase64Encoded: false,
        headers: { 'accept-encoding': 'gzip' },
        requestContext: { http: { method: 'GET', path }, requestId: 'infra-test', routeKey: 'GET ' + path },
      }, { awsRequestId: 'infra-test', functionName: 'public', getRemainingTimeInMillis: () => 29000 });
      const answers = [];
      for (const path of ['/docs', '/docs/swagger-ui.css']) {
        const { statusCode, headers, isBase64Encoded, body } = await get(path);
        answers.push({ path, statusCode, type: headers['content-type'], encoding: headers['content-encoding'] ?? null,
          isBase64Encoded: isBase64Encoded ?? false, bytes: Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8').length });
      }
      console.log(JSON.stringify(answers));`;

    // Act
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: codeFolder(publicFunction),
      env: {
        PATH: process.env.PATH,
        PROGRAMME_TABLE_NAME: 'programme',
        // The rate limiter's counter: a closed loopback port, so the limiter fails open at once and no
        // packet leaves the machine (no credentials are looked up: these are fake).
        RATE_LIMIT_TABLE_NAME: 'rate-limits',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_MAX_ATTEMPTS: '1',
        AWS_REGION: 'ap-southeast-3',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      encoding: 'utf8',
    });

    // Assess
    const answers = JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as unknown;
    expect(answers).toEqual([
      {
        path: '/docs',
        statusCode: 200,
        type: 'text/html; charset=utf-8',
        encoding: null,
        isBase64Encoded: false,
        bytes: expect.any(Number),
      },
      {
        path: '/docs/swagger-ui.css',
        statusCode: 200,
        type: 'text/css; charset=utf-8',
        encoding: 'gzip',
        isBase64Encoded: true,
        bytes: expect.any(Number),
      },
    ]);
  });

  it('are in no other function’s package', () => {
    for (const { name, construct } of functionsUnderTest.filter(({ name }) => name !== 'public')) {
      // No OpenAPI document either: only the public function serves it.
      expect({ name, files: readdirSync(codeFolder(construct)).sort() }).toEqual({
        name,
        files: ['index.mjs', 'index.mjs.map'],
      });
    }
  });
});

describe('the OpenAPI document', () => {
  it('is generated at build time beside the public bundle and served exactly as the generator makes it', () => {
    // Prepare: the bundle as Lambda runs it, in its own Node process away from node_modules (no
    // generator to fall back on), with a version of its own.
    const publicFunction = synth.stack.capabilityFunctions.get('public');
    if (publicFunction === undefined) throw new Error('No public function');
    const folder = codeFolder(publicFunction);
    const path = routes.getOpenApi.path;
    const script = `
      const { handler } = await import(${JSON.stringify(join(folder, 'index.mjs'))});
      const { statusCode, headers, body } = await handler({
        version: '2.0', routeKey: 'GET ${path}', rawPath: '${path}', rawQueryString: '', isBase64Encoded: false,
        headers: {}, requestContext: { http: { method: 'GET', path: '${path}' }, requestId: 'infra-test', routeKey: 'GET ${path}' },
      }, { awsRequestId: 'infra-test', functionName: 'public', getRemainingTimeInMillis: () => 29000 });
      console.log(JSON.stringify({ statusCode, type: headers['content-type'], body }));`;

    // Act
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: folder,
      env: {
        PATH: process.env.PATH,
        PROGRAMME_TABLE_NAME: 'programme',
        RATE_LIMIT_TABLE_NAME: 'rate-limits',
        AWS_REGION: 'ap-southeast-3',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        SERVICE_VERSION: '7.7.7-infra-test',
      },
      encoding: 'utf8',
    });

    // Assess: the very bytes the generator gives for that version.
    const served = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
      statusCode?: number;
      type?: string;
      body?: string;
    };
    expect(existsSync(join(folder, openApiFileName))).toBe(true);
    expect({ statusCode: served.statusCode, type: served.type }).toEqual({
      statusCode: 200,
      type: 'application/json; charset=utf-8',
    });
    expect(served.body).toBe(JSON.stringify(buildOpenApiDocument({ version: '7.7.7-infra-test' })));
  });
});

describe('what each bundle carries (its source map’s inputs)', () => {
  const contentsOf = (construct: SpbeFunction) => bundleContents(codeFolder(construct), projectRoot);

  it('no function carries the OpenAPI generator, the SDK’s default credential chain, the whole route table or every store', () => {
    for (const { name, construct } of functionsUnderTest) {
      const { packages, files } = contentsOf(construct);
      expect({
        name,
        packages: neverBundled.packages.filter((item) => packages.has(item)),
        files: neverBundled.files.filter((item) => files.has(item)),
      }).toEqual({ name, packages: [], files: [] });
    }
  });

  it('no function carries more of semver than the `gte` the X-Ray SDK requires it for (infra/bundling.ts, alias)', () => {
    for (const { name, construct } of functionsUnderTest) {
      const semverFiles = [...contentsOf(construct).packageFiles].filter((file) =>
        file.startsWith('semver/'),
      );
      expect({ name, whole: semverFiles.includes('semver/index.js') }).toEqual({ name, whole: false });
      if (semverFiles.length > 0) expect(semverFiles).toContain('semver/functions/gte.js');
    }
  });

  it('a CSV parser only in the functions whose routes accept CSV, and in each of them', () => {
    for (const { name, construct } of functionsUnderTest) {
      const csv = contentsOf(construct).packages.has('csv-parse');
      expect({ name, csv }).toEqual({ name, csv: functionsWithCsvRoutes.has(name as LambdaName) });
    }
  });

  it('Powertools idempotency only in the functions with idempotent routes, and in each of them', () => {
    for (const { name, construct } of functionsUnderTest) {
      const { packages } = contentsOf(construct);
      const idempotency = ['@aws-lambda-powertools/idempotency', '@aws-lambda-powertools/jmespath'].map(
        (item) => packages.has(item),
      );
      const expected = functionsWithIdempotentRoutes.has(name as LambdaName);
      expect({ name, idempotency }).toEqual({ name, idempotency: [expected, expected] });
    }
  });

  it('each API function carries the route modules of its own capabilities only', () => {
    for (const capability of lambdaNames) {
      const construct = synth.stack.capabilityFunctions.get(capability);
      if (construct === undefined) throw new Error(`No function for ${capability}`);
      const served = new Set(
        routeList
          .filter((route) => route.lambda === capability)
          .map(
            (route) => Object.entries(routeModules).find(([, module]) => route.operationId in module)?.[0],
          ),
      );
      const bundled = Object.keys(routeModules).filter((module) =>
        contentsOf(construct).files.has(`shared/api/${module}/routes.ts`),
      );
      expect({ capability, bundled: bundled.sort() }).toEqual({ capability, bundled: [...served].sort() });
    }
  });

  it('are built by the bench and tests exactly as CDK builds them (same esbuild settings)', async () => {
    // Prepare
    const construct = synth.stack.capabilityFunctions.get('submissions');
    if (construct === undefined) throw new Error('No submissions function');
    const folder = mkdtempSync(join(tmpdir(), 'spbe-bundle-'));
    try {
      // Act
      await build(
        esbuildOptionsFor(
          capabilityEntry(defaultFunctionsRoot, 'submissions'),
          join(folder, bundleFileName),
          projectRoot,
        ),
      );

      // Assess
      const same = readFileSync(join(folder, bundleFileName)).equals(
        readFileSync(join(codeFolder(construct), bundleFileName)),
      );
      expect(same).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('HTTP API routes', () => {
  const routesByKey = (): Map<string, RouteJson> =>
    new Map(
      resourcesOfType<RouteJson>(synth.template, 'AWS::ApiGatewayV2::Route').map(([, route]) => [
        route.Properties.RouteKey,
        route.Properties,
      ]),
    );

  it('has exactly one route per routeList entry, a HEAD route per GET route, the $default fallback, and no others', () => {
    const deployed = [...routesByKey().keys()].sort();
    const expected = [...routeList.flatMap(routeKeysOf), '$default'].sort();
    expect(deployed).toEqual(expected);
    expect(deployed.filter((key) => key.startsWith('HEAD '))).toHaveLength(
      routeList.filter((route) => route.method === 'GET').length,
    );
  });

  it('sends unmatched requests ($default) to the public function without an authorizer', () => {
    const fallback = routesByKey().get('$default');
    expect(fallback).toMatchObject({ AuthorizationType: 'NONE' });
    const integrations = resourcesOfType<{ IntegrationUri: unknown }>(
      synth.template,
      'AWS::ApiGatewayV2::Integration',
    );
    const target = JSON.stringify(fallback);
    const integration = integrations.find(([logicalId]) => target.includes(logicalId));
    expect(JSON.stringify(integration?.[1].Properties.IntegrationUri)).toContain('PublicFunction');
  });

  const everyRouteKey = routeList.flatMap((route) => routeKeysOf(route).map((key) => [key, route] as const));

  it.each(everyRouteKey)(
    '%s: JWT authorizer and scopes exactly as the route table says',
    (routeKey, route) => {
      const deployed = routesByKey().get(routeKey);
      const authorizers = Object.keys(synth.template.findResources('AWS::ApiGatewayV2::Authorizer'));
      expect(authorizers).toHaveLength(1);
      if (route.access.kind === 'public') {
        expect(deployed).toMatchObject({ AuthorizationType: 'NONE' });
        expect(deployed?.AuthorizerId).toBeUndefined();
        expect(deployed?.AuthorizationScopes).toBeUndefined();
      } else {
        expect(deployed).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizers[0] } });
        const scopes = route.access.scopes;
        // Empty scopes: any valid token, so the route must list none (an empty list is not the same).
        expect(deployed?.AuthorizationScopes).toEqual(scopes.length > 0 ? [...scopes] : undefined);
      }
    },
  );

  it.each(everyRouteKey)("%s: targets its capability's function", (routeKey, route) => {
    const deployed = routesByKey().get(routeKey);
    const [integrationId] = [...referencedLogicalIds(deployed?.Target)];
    const integration = synth.template.toJSON().Resources[integrationId ?? ''] as
      | { Properties: { IntegrationUri: unknown } }
      | undefined;
    const capabilityFunction = synth.stack.capabilityFunctions.get(route.lambda);
    expect(capabilityFunction).toBeDefined();
    if (capabilityFunction === undefined) return;
    expect([...referencedLogicalIds(integration?.Properties.IntegrationUri)]).toEqual([
      synth.logicalIdOf(capabilityFunction.function),
    ]);
  });

  it("the JWT authorizer accepts the user pool's issuer and its two app clients", () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IdentityUserPool'), 'ProviderURL'] },
        Audience: [
          { Ref: Match.stringLikeRegexp('^IdentityUserPoolMachineClient') },
          { Ref: Match.stringLikeRegexp('^IdentityUserPoolPortalClient') },
        ],
      },
    });
  });

  it('the $default stage writes JSON access logs and throttles by default', () => {
    const [[, stage] = []] = resourcesOfType<{
      StageName: string;
      AutoDeploy: boolean;
      AccessLogSettings: { DestinationArn: unknown; Format: string };
      DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
    }>(synth.template, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format ?? '{}') as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    });
    expect([...referencedLogicalIds(stage?.Properties.AccessLogSettings.DestinationArn)]).toEqual([
      synth.logicalIdOf(synth.stack.api.accessLogGroup),
    ]);
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
  });

  it('has no CORS configuration when no origins are given', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });
});

describe('DynamoDB tables', () => {
  it('creates exactly the tables in tableDefinitions', () => {
    expect(resourcesOfType<unknown>(synth.template, 'AWS::DynamoDB::GlobalTable')).toHaveLength(
      tableDefinitions.length,
    );
  });

  it.each(tableDefinitions.map((definition) => [definition.constructId, definition] as const))(
    '%s: on demand, PITR, deletion protection, DeletionPolicy Retain, encrypted, keys/GSIs/TTL/stream from its definition',
    (constructId, definition) => {
      const table = synth.template.toJSON().Resources[tableLogicalId(constructId)];
      expect(table).toMatchObject({
        Type: 'AWS::DynamoDB::GlobalTable',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
          KeySchema: [
            { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
            ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
        },
      });
      const properties = (table as { Properties: Record<string, unknown> }).Properties;
      expect(properties.TimeToLiveSpecification).toEqual(
        definition.timeToLiveAttribute === undefined
          ? undefined
          : { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      );
      // TableV2 keeps PITR and deletion protection per replica: every replica must have both.
      const replicas = properties.Replicas as {
        PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled: boolean };
        DeletionProtectionEnabled?: boolean;
      }[];
      expect(replicas.length).toBeGreaterThan(0);
      for (const replica of replicas) {
        expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(replica.DeletionProtectionEnabled).toBe(true);
      }
      const indexes = ((properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[]).map(
        (i) => i.IndexName,
      );
      expect(indexes).toEqual(definition.globalSecondaryIndexes.map((index) => index.indexName));
      expect(properties.StreamSpecification).toEqual(
        definition.stream === undefined ? undefined : { StreamViewType: definition.stream },
      );
    },
  );

  it('keeps legal records apart from the outbox: the programme table has no TTL and no stream, the events table a stream of new images', () => {
    const resources = synth.template.toJSON().Resources;
    const programme = resources[tableLogicalId('ProgrammeTable')].Properties;
    const events = resources[tableLogicalId('EventsTable')].Properties;
    expect(programme.TimeToLiveSpecification).toBeUndefined();
    expect(programme.StreamSpecification).toBeUndefined();
    expect(events.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });
});

describe('least privilege', () => {
  it('no policy uses wildcard actions, and no DynamoDB statement uses Resource "*"', () => {
    const statements = resourcesOfType<{ PolicyDocument: { Statement: unknown[] } }>(
      synth.template,
      'AWS::IAM::Policy',
    ).flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement) as {
      Action: string | string[];
      Resource: unknown;
    }[];
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = asArray(statement.Action);
      for (const action of actions) {
        expect(action).not.toMatch(/\*/);
      }
      if (actions.some((action) => action.startsWith('dynamodb:'))) {
        expect(asArray(statement.Resource)).not.toContain('*');
      }
      // The one acknowledged `Resource: *` is X-Ray's (no resource-level permissions): keep it that way.
      if (asArray(statement.Resource).includes('*')) {
        expect([...actions].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });

  it('the public function cannot write to any table but its callers’ rate-limit counters', () => {
    const publicFunction = synth.stack.capabilityFunctions.get('public');
    if (publicFunction === undefined) throw new Error('No public function');
    const statements = allowedOf(statementsOfRole(synth.template, synth.logicalIdOf(publicFunction.role)));
    const actions = statements.flatMap((statement) => asArray(statement.Action));
    expect(actions.filter((action) => action.startsWith('dynamodb:')).length).toBeGreaterThan(0);
    const written = statements
      .filter((statement) =>
        asArray(statement.Action).some((action) => dynamoDbWriteActions.includes(action)),
      )
      .flatMap((statement) => [...referencedLogicalIds(statement.Resource)]);
    expect(new Set(written)).toEqual(new Set([tableLogicalId('RateLimitTable')]));
  });

  it.each(lambdaNames.map((capability) => [capability] as const))(
    '%s function: table access and table-name variables exactly as granted',
    (capability) => {
      const subject = functionsUnderTest.find((candidate) => candidate.name === capability);
      if (subject === undefined) throw new Error(`No function for ${capability}`);
      assertTableAccess(subject);
    },
  );

  it('ranking run function: table access and table-name variables exactly as granted', () => {
    const subject = functionsUnderTest.find((candidate) => candidate.name === 'ranking run');
    if (subject === undefined) throw new Error('No ranking run function');
    assertTableAccess(subject);
  });

  it.each([...lambdaNames, 'ranking run', 'pre-token generation', 'webhook dispatcher', 'webhook delivery'])(
    '%s function: webhook signing secrets (SIGNING#) only where it signs or rotates, and no Scan',
    (name) => {
      // Prepare
      const subject = functionsUnderTest.find((candidate) => candidate.name === name);
      if (subject === undefined) throw new Error(`No function ${name}`);
      const denied = statementsOfRole(synth.template, synth.logicalIdOf(subject.construct.role)).filter(
        (statement) => statement.Effect === 'Deny',
      ) as (PolicyStatementJson & { readonly Condition?: unknown })[];
      const programme = tableLogicalId('ProgrammeTable');
      const mayReachSecrets = name === 'webhooks' || name === 'webhook delivery';

      // Assess: a Deny of every item action on SIGNING#* partitions of the programme table …
      const secretsDenials = denied.filter(
        (statement) =>
          referencedLogicalIds(statement.Resource).has(programme) &&
          JSON.stringify(statement.Condition) ===
            JSON.stringify({
              'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${webhookKeys.signingSecretsPrefix}*`] },
            }),
      );
      expect({ name, deniedSecrets: secretsDenials.length }).toEqual({
        name,
        deniedSecrets: mayReachSecrets ? 0 : 1,
      });
      for (const statement of secretsDenials) {
        expect(asArray(statement.Action)).toEqual(
          expect.arrayContaining([
            'dynamodb:GetItem',
            'dynamodb:BatchGetItem',
            'dynamodb:Query',
            'dynamodb:PutItem',
          ]),
        );
      }
      // … and Scan, which would read them (and no code path uses), denied on every table it reaches.
      const scanDenied = new Set(
        denied
          .filter((statement) => asArray(statement.Action).includes('dynamodb:Scan'))
          .flatMap((statement) => [...referencedLogicalIds(statement.Resource)]),
      );
      expect([...scanDenied].sort()).toEqual(
        subject.uses.map((use) => tableLogicalId(use.definition.constructId)).sort(),
      );
    },
  );

  it('pre-token-generation function: reads the programme table only, and writes nothing anywhere', () => {
    const subject = functionsUnderTest.find((candidate) => candidate.name === 'pre-token generation');
    if (subject === undefined) throw new Error('No pre-token-generation function');
    assertTableAccess(subject);
    const statements = allowedOf(
      statementsOfRole(synth.template, synth.logicalIdOf(preTokenGenerationFunction.role)),
    );
    const dynamoStatements = statements.filter((statement) =>
      asArray(statement.Action).some((action) => action.startsWith('dynamodb:')),
    );
    expect(dynamoStatements.flatMap((statement) => [...referencedLogicalIds(statement.Resource)])).toEqual(
      expect.arrayContaining([tableLogicalId('ProgrammeTable')]),
    );
    expect(
      new Set(dynamoStatements.flatMap((statement) => [...referencedLogicalIds(statement.Resource)])),
    ).toEqual(new Set([tableLogicalId('ProgrammeTable')]));
    const actions = statements.flatMap((statement) => asArray(statement.Action));
    for (const write of dynamoDbWriteActions) expect(actions).not.toContain(write);
    // Only logs, X-Ray and DynamoDB reads: nothing else (no Cognito admin, no other service).
    for (const action of actions) expect(action).toMatch(/^(logs|xray|dynamodb):/);
  });
});

/** The statements that grant (the Deny statements narrow the grants; `restricted partitions` tests them). */
const allowedOf = (statements: readonly PolicyStatementJson[]): PolicyStatementJson[] =>
  statements.filter((statement) => statement.Effect !== 'Deny');

/** Assess one function: DynamoDB statements reach only its tables, writes only its read-write ones; env matches. */
const assertTableAccess = ({ name, construct, uses }: FunctionUnderTest): void => {
  const statements = allowedOf(statementsOfRole(synth.template, synth.logicalIdOf(construct.role))).filter(
    (statement) => asArray(statement.Action).some((action) => action.startsWith('dynamodb:')),
  );
  const tablesReached = new Set(
    statements.flatMap((statement) => [...referencedLogicalIds(statement.Resource)]),
  );
  const tablesWritten = new Set(
    statements
      .filter((statement) =>
        asArray(statement.Action).some((action) => dynamoDbWriteActions.includes(action)),
      )
      .flatMap((statement) => [...referencedLogicalIds(statement.Resource)]),
  );
  const expectedReached = uses.map((use) => tableLogicalId(use.definition.constructId)).sort();
  const expectedWritten = uses
    .filter((use) => use.access !== 'read')
    .map((use) => tableLogicalId(use.definition.constructId))
    .sort();
  expect({ name, reached: [...tablesReached].sort() }).toEqual({ name, reached: expectedReached });
  expect({ name, written: [...tablesWritten].sort() }).toEqual({ name, written: expectedWritten });
  // Write-only tables (the outbox) are never read: no Get, Query or Scan reaches them.
  const tablesRead = new Set(
    statements
      .filter((statement) =>
        asArray(statement.Action).some((action) => /^dynamodb:(Get|Query|Scan|BatchGet)/.test(action)),
      )
      .flatMap((statement) => [...referencedLogicalIds(statement.Resource)]),
  );
  for (const use of uses.filter((candidate) => candidate.access === 'write')) {
    expect({ name, readsOutbox: tablesRead.has(tableLogicalId(use.definition.constructId)) }).toEqual({
      name,
      readsOutbox: false,
    });
  }

  const variables = functionJson(construct).Environment?.Variables ?? {};
  for (const definition of tableDefinitions) {
    const granted = uses.some((use) => use.definition.constructId === definition.constructId);
    const expected = granted ? { Ref: tableLogicalId(definition.constructId) } : undefined;
    expect({
      name,
      variable: definition.environmentVariable,
      value: variables[definition.environmentVariable],
    }).toEqual({ name, variable: definition.environmentVariable, value: expected });
  }
};

describe('annual ranking run', () => {
  /** The ranking run's dead-letter queue (webhook dispatch has queues of its own). */
  const rankingQueueIds = () =>
    Object.keys(synth.template.findResources('AWS::SQS::Queue')).filter((id) =>
      id.startsWith('AnnualRankingRun'),
    );

  it('schedules the ranking function yearly in Asia/Jakarta with the slot’s scheduled time as input (one run per slot), a retry policy and a DLQ', () => {
    const queueId = rankingQueueIds();
    expect(queueId).toHaveLength(1);
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 0 1 12 ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [synth.logicalIdOf(synth.stack.rankingRunFunction.function), 'Arn'] },
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId[0], 'Arn'] } },
      },
    });
  });

  it('the rankings API function may start the ranking run (and knows its name); the run may continue itself', () => {
    const runArn = { 'Fn::GetAtt': [synth.logicalIdOf(synth.stack.rankingRunFunction.function), 'Arn'] };
    const invokeResources = (role: SpbeFunction['role']) =>
      statementsOfRole(synth.template, synth.logicalIdOf(role))
        .filter((statement) => asArray(statement.Action).includes('lambda:InvokeFunction'))
        .flatMap((statement) => asArray(statement.Resource as unknown));
    const rankings = synth.stack.capabilityFunctions.get('rankings');
    if (rankings === undefined) throw new Error('No rankings function');
    expect(invokeResources(rankings.role)).toContainEqual(runArn);
    expect(functionJson(rankings).Environment?.Variables?.RANKING_RUN_FUNCTION_NAME).toEqual({
      Ref: synth.logicalIdOf(synth.stack.rankingRunFunction.function),
    });
    expect(invokeResources(synth.stack.rankingRunFunction.role)).toContainEqual(runArn);
    // No other function may start a ranking.
    for (const [name, other] of synth.stack.capabilityFunctions) {
      if (name !== 'rankings')
        expect({ name, invokes: invokeResources(other.role) }).toEqual({ name, invokes: [] });
    }
  });

  it('sends failed runs (after Lambda async retries) to the same dead-letter queue', () => {
    const queueId = rankingQueueIds()[0];
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: synth.logicalIdOf(synth.stack.rankingRunFunction.function) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('the dead-letter queue is encrypted, refuses plain HTTP, and has an alarm on visible messages', () => {
    const queueId = rankingQueueIds()[0];
    synth.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});

describe('identity (no external issuer given)', () => {
  it('creates a user pool with the spbe resource server and a machine and a portal client', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'spbe',
      Scopes: Match.arrayWith([Match.objectLike({ ScopeName: 'admin' })]),
    });
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
    });
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
    });
  });

  it('attaches the pre-token-generation trigger as event version V3_0 (client credentials included)', () => {
    const functionId = synth.logicalIdOf(preTokenGenerationFunction.function);
    synth.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          LambdaVersion: 'V3_0',
        },
      },
    });
    // The V1 setting would be ignored beside the config, and would make Cognito send V1 events.
    const [[, pool] = []] = resourcesOfType<{ LambdaConfig: Record<string, unknown> }>(
      synth.template,
      'AWS::Cognito::UserPool',
    );
    expect(Object.keys(pool?.Properties.LambdaConfig ?? {})).toEqual(['PreTokenGenerationConfig']);
  });

  it('lets only this user pool invoke the trigger', () => {
    const functionId = synth.logicalIdOf(preTokenGenerationFunction.function);
    const permissions = resourcesOfType<{
      Action: string;
      FunctionName: unknown;
      Principal: string;
      SourceArn: unknown;
    }>(synth.template, 'AWS::Lambda::Permission').filter(([, permission]) =>
      referencedLogicalIds(permission.Properties.FunctionName).has(functionId),
    );
    expect(permissions.map(([, permission]) => permission.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['IdentityUserPool96FE3B9B', 'Arn'] },
      },
    ]);
  });

  it('the trigger function runs nodejs22.x on arm64 with the programme table name and its own service name', () => {
    const fn = functionJson(preTokenGenerationFunction);
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 5 });
    expect(fn.Environment?.Variables).toMatchObject({
      PROGRAMME_TABLE_NAME: { Ref: tableLogicalId('ProgrammeTable') },
      POWERTOOLS_SERVICE_NAME: 'spbe-pre-token-generation',
    });
    expect(fn.Environment?.Variables?.IDEMPOTENCY_TABLE_NAME).toBeUndefined();
  });

  it('outputs the API URL, the table names and the user pool', () => {
    const outputs = Object.keys(synth.template.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        ...tableDefinitions.map((definition) => `${definition.constructId}Name`),
        'UserPoolId',
        'JwtIssuer',
        'JwtAudience',
      ]),
    );
  });
});

describe('context: external issuer and CORS', () => {
  let external: Synthesized;
  beforeAll(() => {
    external = synthesize({
      jwtIssuer: 'https://sso.example.go.id/realms/spbe',
      jwtAudience: 'spbe-api, spbe-portal',
      corsAllowedOrigins: 'https://portal.example.go.id,http://localhost:5173',
      rankingSchedule: 'cron(0 1 2 12 ? *)',
    });
  }, 180_000);

  it('uses the given issuer and audience and creates no user pool', () => {
    external.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    // No own pool, no trigger: the external issuer must issue the role claims itself.
    expect(external.stack.preTokenGenerationFunction).toBeUndefined();
    external.template.resourceCountIs('AWS::Lambda::Function', lambdaNames.length + 3);
    const cognitoPermissions = resourcesOfType<{ Principal: string }>(
      external.template,
      'AWS::Lambda::Permission',
    ).filter(([, permission]) => permission.Properties.Principal === 'cognito-idp.amazonaws.com');
    expect(cognitoPermissions).toEqual([]);
    external.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Issuer: 'https://sso.example.go.id/realms/spbe',
        Audience: ['spbe-api', 'spbe-portal'],
      },
    });
  });

  it('answers CORS preflight for the given origins and the methods in use', () => {
    const methods = [...new Set(routeList.map((route) => route.method)), 'OPTIONS'];
    external.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://portal.example.go.id', 'http://localhost:5173'],
        AllowMethods: methods,
        AllowCredentials: false,
      }),
    });
    for (const construct of external.stack.capabilityFunctions.values()) {
      external.template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [external.logicalIdOf(construct.role), 'Arn'] },
        Environment: {
          Variables: Match.objectLike({
            CORS_ALLOWED_ORIGINS: 'https://portal.example.go.id,http://localhost:5173',
          }),
        },
      });
    }
  });

  it('uses the given ranking schedule', () => {
    external.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 1 2 12 ? *)',
    });
  });
});

describe('cdk-nag (AWS Solutions and Serverless)', () => {
  it('reports no unacknowledged findings of either pack, and every acknowledgement gives a reason', () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'spbe-nag-'));
    try {
      const { app } = buildStack({}, { outdir });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

      // Act
      let failure: unknown;
      try {
        app.synth();
      } catch (error) {
        failure = error;
      }

      // Assess: list the findings themselves, not just "validation failed".
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: {
          violations?: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
        }[];
      };
      const findings = report.pluginReports.flatMap((plugin) =>
        (plugin.violations ?? []).flatMap((violation) =>
          violation.violatingConstructs.map(
            (construct) => `${violation.ruleName} at ${construct.constructPath}`,
          ),
        ),
      );
      expect(findings).toEqual([]);
      expect(failure).toBeUndefined();

      const reasons = app.node
        .findAll()
        .flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
      expect(reasons.length).toBeGreaterThan(0);
      // Both packs ran: each has acknowledgements of its own.
      expect(reasons.some(([rule]) => rule.includes('AwsSolutions-'))).toBe(true);
      expect(reasons.some(([rule]) => rule.includes('Serverless-'))).toBe(true);
      for (const [rule, reason] of reasons) {
        expect({ rule, reason: reason.length >= 40 }).toEqual({ rule, reason: true });
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
