import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { buildTimeVersion, openApiFileName } from '#shared/api/public/openapi-file.ts';
import { type LambdaName, lambdaNames } from '#shared/api/route-spec.ts';
import { functionDynamoDbClient } from '#shared/dynamodb/client.ts';
import { loopbackDevSetting } from '#shared/webhooks/config.ts';
import { createLocalIdentityProvider, type LocalIdentityProvider } from './auth.ts';
import { countDynamoDbCalls, type DynamoDbCall, recordDynamoDbCalls } from './dynamodb-calls.ts';
import { type DynamoDbLocal, functionEnvironment, startDynamoDbLocal } from './dynamodb-local.ts';
import { type AsyncHandler, type LambdaEmulator, startLambdaEmulator } from './lambda-emulator.ts';
import { type LambdaHandler, type LocalApi, type ResponseLine, startLocalApi } from './server.ts';
import {
  createLocalWebhooksHandler,
  type LocalDispatcher,
  type LocalWebhookOptions,
  startLocalDispatcher,
} from './webhooks.ts';

/**
 * The whole local stack: DynamoDB Local with the project's tables, the Lambda handlers CDK deploys
 * (loaded with the environment CDK would give them) and the API Gateway stand-in in front of them.
 * `npm start` and the integration tests both run exactly this.
 */

export interface LocalRuntime {
  readonly api: LocalApi;
  readonly dynamodb: DynamoDbLocal;
  readonly identityProvider: LocalIdentityProvider;
  /** Functions invoked asynchronously (the ranking run): `settle()` waits for them. */
  readonly lambda: LambdaEmulator;
  /** The webhook dispatcher, in-process (see local/webhooks.ts). */
  readonly webhooks: LocalDispatcher;
  /** The DynamoDB calls of recent requests (see `local/dynamodb-calls.ts`). */
  readonly dynamoDbCalls: RecordedRequests;
  stop(): Promise<void>;
}

/** What a request did to DynamoDB, by its `apigw-requestid`. */
export interface RecordedRequest {
  readonly routeKey: string;
  readonly calls: readonly DynamoDbCall[];
}

export interface RecordedRequests {
  /** The calls of one of the last `recordedRequestsKept` requests; undefined when not recorded. */
  of(requestId: string): RecordedRequest | undefined;
}

/** Requests whose calls are kept: enough for any test, bounded for a long `npm start`. */
export const recordedRequestsKept = 2_000;

export interface LocalRuntimeOptions {
  /** Keep DynamoDB data here; in memory when omitted. */
  readonly dataDirectory?: string;
  /** Persist the local signing key here so tokens survive restarts; ephemeral when omitted. */
  readonly signingKeyFile?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly corsAllowedOrigins?: readonly string[];
  /** Called for each request after it is answered, with the DynamoDB calls it made. */
  readonly onResponse?: (line: ResponseLine & { readonly dynamodb: readonly DynamoDbCall[] }) => void;
  /**
   * Record each request's DynamoDB calls (default true). The load bench turns it off: Node 20's
   * AsyncLocalStorage costs every promise a hook, which a throughput comparison must not carry.
   */
  readonly recordDynamoDbCalls?: boolean;
  /** Runs after the tables exist and before the API serves (seeding). */
  readonly beforeServe?: (dynamodb: DynamoDbLocal) => Promise<void>;
  /** The in-process webhook dispatcher: schedule, timeouts, stubbed DNS for tests. */
  readonly webhooks?: LocalWebhookOptions;
}

// This machine runs Node 20 while Lambda runs nodejs22.x; the SDK's Node-version notice is known and
// says nothing about the deployed functions, so the local tools silence it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const functionsDirectory = new URL('../functions/', import.meta.url).pathname;

/** Imports each capability's Lambda entry, after the environment is set as CDK sets it. */
const loadHandlers = async (): Promise<Record<LambdaName, LambdaHandler>> => {
  const entries = await Promise.all(
    lambdaNames.map(async (capability) => {
      const module = (await import(join(functionsDirectory, capability, 'handler.ts'))) as {
        handler: LambdaHandler;
      };
      return [capability, module.handler] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<LambdaName, LambdaHandler>;
};

let openApiDocumentFile: string | undefined;

/**
 * The OpenAPI document the public function serves, generated as the stack generates it at build
 * time (infra/bundled-files.ts): the sources have no bundle folder to find it beside. Once per
 * process, kept until it exits, as the handler modules that read it are.
 */
const writeOpenApiDocument = (): string => {
  if (openApiDocumentFile !== undefined) return openApiDocumentFile;
  const folder = mkdtempSync(join(tmpdir(), 'spbe-local-openapi-'));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  const file = join(folder, openApiFileName);
  writeFileSync(file, JSON.stringify(buildOpenApiDocument({ version: buildTimeVersion })));
  openApiDocumentFile = file;
  return file;
};
/** Per-client limits of the local runtime: counted and announced as deployed, never reached in practice. */
export const localRateLimits = 'public=100000/60,read=100000/60,write=100000/60';

/** The ranking run's function name locally; the Lambda emulator serves it. */
export const localRankingRunFunction = 'spbe-local-ranking-run';

export const startLocalRuntime = async (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => {
  const dynamodb = await startDynamoDbLocal(
    options.dataDirectory ? { dataDirectory: options.dataDirectory } : {},
  );
  let lambda: LambdaEmulator | undefined;
  let webhooks: LocalDispatcher | undefined;
  try {
    await options.beforeServe?.(dynamodb);
    // Functions the API invokes asynchronously, loaded on first invocation with the same environment.
    lambda = await startLambdaEmulator({
      [localRankingRunFunction]: async () =>
        ((await import(join(functionsDirectory, 'rankings', 'scheduled.ts'))) as { handler: AsyncHandler })
          .handler,
    });
    Object.assign(process.env, functionEnvironment(dynamodb), {
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      RANKING_RUN_FUNCTION_NAME: localRankingRunFunction,
      CORS_ALLOWED_ORIGINS: (options.corsAllowedOrigins ?? []).join(','),
      POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME ?? 'spbe-award-api',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      AWS_LAMBDA_FUNCTION_NAME: 'spbe-local',
      // Per-client limits as deployed, but generous: `npm start` and the test suites are never
      // throttled. `RATE_LIMITS='write=5/60' npm start` shows a 429 within a minute.
      RATE_LIMITS: process.env.RATE_LIMITS ?? localRateLimits,
      // No CloudWatch reads stdout here: no embedded-metric-format lines between the request logs.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      // Development setting: http://127.0.0.1:<port> webhook receivers (the stack never sets it).
      [loopbackDevSetting]: 'true',
      OPENAPI_DOCUMENT_FILE: writeOpenApiDocument(),
    });
    const identityProvider = await createLocalIdentityProvider(
      options.signingKeyFile ? { keyFile: options.signingKeyFile } : {},
    );
    const handlers = await loadHandlers();
    // Tests stub the DNS of the registration check; the handler is built by the same factory.
    if (options.webhooks?.resolver) {
      handlers.webhooks = createLocalWebhooksHandler(dynamodb, options.webhooks.resolver) as LambdaHandler;
    }
    const dispatcher = startLocalDispatcher(dynamodb, options.webhooks);
    webhooks = dispatcher;
    // Every client the handlers send with: the functions' one client and, for handlers the runtime
    // builds itself (stubbed DNS), DynamoDB Local's.
    countDynamoDbCalls(functionDynamoDbClient());
    countDynamoDbCalls(dynamodb.client);
    const recorded = new Map<string, RecordedRequest>();
    const recording = options.recordDynamoDbCalls ?? true;
    const { onResponse } = options;
    const api = await startLocalApi({
      port: options.port ?? 0,
      identityProvider,
      handlers,
      ...(options.corsAllowedOrigins ? { corsAllowedOrigins: options.corsAllowedOrigins } : {}),
      ...(onResponse
        ? {
            onResponse: (line) =>
              onResponse({ ...line, dynamodb: recorded.get(line.requestId)?.calls ?? [] }),
          }
        : {}),
      ...(recording
        ? {
            aroundInvocation: async ({ requestId, routeKey }, invoke) => {
              const { result, calls } = await recordDynamoDbCalls(invoke);
              recorded.set(requestId, { routeKey, calls });
              // Maps iterate in insertion order: the first key is the oldest request.
              if (recorded.size > recordedRequestsKept) recorded.delete(recorded.keys().next().value ?? '');
              return result;
            },
          }
        : {}),
    });
    const emulator = lambda;
    return {
      api,
      dynamodb,
      identityProvider,
      lambda: emulator,
      webhooks: dispatcher,
      dynamoDbCalls: { of: (requestId) => recorded.get(requestId) },
      stop: async () => {
        await api.close();
        await emulator.close();
        await dispatcher.stop();
        await dynamodb.stop();
      },
    };
  } catch (error) {
    await lambda?.close();
    await webhooks?.stop();
    await dynamodb.stop();
    throw error;
  }
};
