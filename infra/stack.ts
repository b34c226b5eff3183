import { existsSync } from 'node:fs';
import { CfnOutput, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type LambdaName, lambdaNames } from '../shared/api/route-spec.ts';
import { routeList } from '../shared/api/routes.ts';
import {
  defaultRateLimitPolicies,
  formatRateLimitPolicies,
  type RateLimitPolicies,
} from '../shared/domain/rate-limit.ts';
import { eventsTable, type TableDefinition, tableDefinitions } from '../shared/dynamodb/table-definitions.ts';
import { deliveryQueueSetting } from '../shared/webhooks/config.ts';
import { bundledFilesOf } from './bundled-files.ts';
import {
  preTokenGenerationTableUses,
  rankingRunTableUses,
  type TableUse,
  tableUsesByCapability,
  webhookDeliveryTableUses,
  webhookDispatcherTableUses,
} from './capability-access.ts';
import { AnnualRankingRun } from './constructs/annual-ranking-run.ts';
import { Operations } from './constructs/operations.ts';
import { type PowertoolsLogLevel, SpbeFunction } from './constructs/spbe-function.ts';
import { type ApiThrottle, SpbeHttpApi } from './constructs/spbe-http-api.ts';
import { SpbeUserPool } from './constructs/spbe-user-pool.ts';
import { createTable } from './constructs/tables.ts';
import { deliveryTimeout, WebhookDispatch } from './constructs/webhook-dispatch.ts';
import { pascalCase } from './naming.ts';
import {
  capabilityEntry,
  defaultFunctionsRoot,
  preTokenGenerationEntry,
  projectRoot,
  rankingRunEntry,
  webhookDeliveryEntry,
  webhookDispatcherEntry,
} from './paths.ts';

/** An external OpenID Connect issuer (for example the national SSO) instead of our own user pool. */
export interface ExternalJwtIssuer {
  /** The tokens' `iss`, an `https://` URL serving `/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** Accepted `aud` values (or client ids); at least one. */
  readonly audience: readonly string[];
}

/**
 * Properties of {@link SpbeAwardApiStack}.
 */
export interface SpbeAwardApiStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`: lower-case letters, digits and dashes. */
  readonly stage: string;
  /**
   * Who issues the API's tokens.
   * @default - a Cognito user pool created by this stack
   */
  readonly jwt?: ExternalJwtIssuer;
  /**
   * Browser origins allowed to call the API.
   * @default - none (no CORS)
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * When the annual national ranking runs (EventBridge Scheduler expression).
   * @default 'cron(0 0 1 12 ? *)'
   */
  readonly rankingSchedule?: string;
  /**
   * Time zone of `rankingSchedule`.
   * @default 'Asia/Jakarta'
   */
  readonly rankingTimeZone?: string;
  /**
   * Retention of function logs and API access logs.
   * @default RetentionDays.ONE_YEAR (a whole award cycle, appeals included)
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of every function.
   * @default 'INFO'
   */
  readonly logLevel?: PowertoolsLogLevel;
  /**
   * Portal sign-in callback URLs (only used with the stack's own user pool).
   * @default ['http://localhost:5173/callback']
   */
  readonly portalCallbackUrls?: readonly string[];
  /**
   * SNS topic every alarm of the stack notifies (infra/constructs/operations.ts).
   * @default - alarms without notification (CloudWatch and the dashboard only)
   */
  readonly alarmTopicArn?: string;
  /**
   * Stage-wide throttle of the HTTP API, all clients together.
   * @default defaultApiThrottle (100 requests/s, burst 200)
   */
  readonly apiThrottle?: ApiThrottle;
  /**
   * Per-client limits of the API functions, by route class (`RATE_LIMITS`).
   * @default defaultRateLimitPolicies (public 300, read 600, write 120 requests a minute)
   */
  readonly rateLimits?: RateLimitPolicies;
  /**
   * Folder holding `<capability>/handler.ts` and `rankings/scheduled.ts`.
   * @default '<repository>/functions'
   */
  readonly functionsRoot?: string;
}

/**
 * The ranking run ranks every agency: minutes at national scale, not the API's 29 s. Lambda's maximum,
 * and a run that needs longer continues itself in a fresh invocation from its checkpoint.
 */
const rankingRunTimeout = Duration.minutes(15);

/** Cognito waits 5 s for a trigger and then gives up: running longer would only bill for nothing. */
const cognitoTriggerTimeout = Duration.seconds(5);

/** Fan-out of a stream batch (100 events, their subscribers) or a sweep: seconds; a minute is ample. */
const webhookDispatchTimeout = Duration.seconds(60);

/** The delivery function's Powertools service name: also the dimension its alarm's metric carries. */
const webhookDeliveryServiceName = 'spbe-webhook-delivery';

/**
 * The SPBE Award API: DynamoDB tables, one Lambda function per capability behind an HTTP API with a
 * JWT authorizer, the identity provider (unless an external issuer is given) and the annual ranking run.
 *
 * Construct ids are a contract: renaming one replaces its resource.
 */
export class SpbeAwardApiStack extends Stack {
  readonly tables: ReadonlyMap<string, TableV2>;
  readonly capabilityFunctions: ReadonlyMap<LambdaName, SpbeFunction>;
  readonly rankingRunFunction: SpbeFunction;
  /** The Cognito pre-token-generation trigger; only with the stack's own user pool. */
  readonly preTokenGenerationFunction: SpbeFunction | undefined;
  readonly api: SpbeHttpApi;
  /** Webhook fan-out and sweep (events stream, schedule), and the delivery function (SQS). */
  readonly webhookDispatcherFunction: SpbeFunction;
  readonly webhookDeliveryFunction: SpbeFunction;
  readonly webhookDispatch: WebhookDispatch;
  /** Alarms, their SNS action and the dashboard. */
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: SpbeAwardApiStackProps) {
    super(scope, id, props);
    const functionsRoot = props.functionsRoot ?? defaultFunctionsRoot;
    const ownUserPool = props.jwt === undefined;
    assertEntriesExist(functionsRoot, ownUserPool);

    const tables = new Map(
      tableDefinitions.map((definition) => [definition.constructId, createTable(this, definition)]),
    );
    this.tables = tables;
    const useTables = (fn: SpbeFunction, uses: readonly TableUse[]): void => {
      for (const use of uses) {
        fn.useTable(tableOf(tables, use.definition), use.definition, use.access, {
          restrictedPartitions: use.restrictedPartitions ?? false,
        });
      }
    };

    const corsAllowedOrigins = props.corsAllowedOrigins ?? [];
    const capabilityFunctions = new Map<LambdaName, SpbeFunction>();
    for (const capability of lambdaNames) {
      const fn = new SpbeFunction(this, `${pascalCase(capability)}Function`, {
        entry: capabilityEntry(functionsRoot, capability),
        projectRoot,
        serviceName: capabilityServiceName(capability),
        description: `SPBE Award API: ${capability} routes`,
        logRetention: props.logRetention,
        logLevel: props.logLevel,
        environment: {
          // The handlers' CORS allow-list (shared/config.ts); API Gateway answers preflight from the same list.
          ...(corsAllowedOrigins.length > 0 ? { CORS_ALLOWED_ORIGINS: corsAllowedOrigins.join(',') } : {}),
          // Per-client limits (shared/http/rate-limit.ts), stated in full so the deployed values show.
          RATE_LIMITS: formatRateLimitPolicies(props.rateLimits ?? defaultRateLimitPolicies),
        },
        bundledFiles: bundledFilesOf(capability),
      });
      useTables(fn, tableUsesByCapability[capability]);
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by API Gateway: a failure is the HTTP answer (problem+json 500, counted and ' +
          'alarmed); a dead-letter config only applies to asynchronous invocations.',
      });
      capabilityFunctions.set(capability, fn);
    }
    this.capabilityFunctions = capabilityFunctions;

    // Our own user pool puts the role into access tokens with a pre-token-generation trigger; an
    // external issuer must issue `custom:role` / `custom:agency_id` claims itself.
    const preTokenGeneration = ownUserPool
      ? new SpbeFunction(this, 'PreTokenGenerationFunction', {
          entry: preTokenGenerationEntry(functionsRoot),
          projectRoot,
          serviceName: 'spbe-pre-token-generation',
          description: 'SPBE Award: Cognito pre-token-generation trigger (role claims in access tokens)',
          timeout: cognitoTriggerTimeout,
          logRetention: props.logRetention,
          logLevel: props.logLevel,
        })
      : undefined;
    if (preTokenGeneration !== undefined) {
      useTables(preTokenGeneration, preTokenGenerationTableUses);
      Validations.of(preTokenGeneration.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by Cognito: a failure fails that token request and nothing is left to retry; a ' +
          'dead-letter config only applies to asynchronous invocations.',
      });
    }
    this.preTokenGenerationFunction = preTokenGeneration;

    const identity = ownUserPool
      ? new SpbeUserPool(this, 'Identity', {
          stage: props.stage,
          portalCallbackUrls: props.portalCallbackUrls,
          preTokenGeneration: preTokenGeneration?.function,
        })
      : undefined;
    const jwtIssuer = props.jwt?.issuer ?? identity?.issuer;
    const jwtAudience = props.jwt?.audience ?? identity?.audience;
    if (jwtIssuer === undefined || jwtAudience === undefined) {
      throw new Error(
        'SpbeAwardApiStack: no JWT issuer; give props.jwt or let the stack create its user pool.',
      );
    }

    const functions = new Map<LambdaName, IFunction>(
      [...capabilityFunctions].map(([capability, fn]) => [capability, fn.function]),
    );
    this.api = new SpbeHttpApi(this, 'Api', {
      routes: routeList,
      functions,
      jwtIssuer,
      jwtAudience,
      corsAllowedOrigins,
      accessLogRetention: props.logRetention,
      throttle: props.apiThrottle,
    });

    this.rankingRunFunction = new SpbeFunction(this, 'RankingRunFunction', {
      entry: rankingRunEntry(functionsRoot),
      projectRoot,
      serviceName: 'spbe-ranking-run',
      description: 'SPBE Award: annual national ranking run (scheduled)',
      timeout: rankingRunTimeout,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
    });
    useTables(this.rankingRunFunction, rankingRunTableUses);
    this.rankingRunFunction.invokesItself();
    // POST /v1/cycles/{year}/rankings/runs records the run and starts this function on it.
    capabilityFunctions
      .get('rankings')
      ?.invokes(this.rankingRunFunction.function, 'RANKING_RUN_FUNCTION_NAME');

    const rankingRun = new AnnualRankingRun(this, 'AnnualRankingRun', {
      function: this.rankingRunFunction.function,
      schedule: props.rankingSchedule,
      timeZone: props.rankingTimeZone,
      // Its alarm notifies through the Operations construct below, like every other alarm.
    });

    // Webhook delivery. Outside any VPC on purpose: receivers are on the public internet, and the
    // SSRF defence is in the delivery client itself (docs/webhooks.md, "Egress").
    this.webhookDispatcherFunction = new SpbeFunction(this, 'WebhookDispatcherFunction', {
      entry: webhookDispatcherEntry(functionsRoot),
      projectRoot,
      serviceName: 'spbe-webhook-dispatcher',
      description: 'SPBE Award: webhook fan-out (events stream) and sweep of due retries (every minute)',
      timeout: webhookDispatchTimeout,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
    });
    useTables(this.webhookDispatcherFunction, webhookDispatcherTableUses);
    this.webhookDeliveryFunction = new SpbeFunction(this, 'WebhookDeliveryFunction', {
      entry: webhookDeliveryEntry(functionsRoot),
      projectRoot,
      serviceName: webhookDeliveryServiceName,
      description: 'SPBE Award: webhook delivery attempts (delivery queue)',
      timeout: deliveryTimeout,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
    });
    useTables(this.webhookDeliveryFunction, webhookDeliveryTableUses);
    this.webhookDispatch = new WebhookDispatch(this, 'WebhookDispatch', {
      eventsTable: tableOf(tables, eventsTable),
      dispatcherFunction: this.webhookDispatcherFunction.function,
      deliveryFunction: this.webhookDeliveryFunction.function,
      deliveryServiceName: webhookDeliveryServiceName,
      dispatcherServiceName: this.webhookDispatcherFunction.serviceName,
      queueUrlVariable: deliveryQueueSetting,
    });

    const backgroundFunctions: [string, SpbeFunction][] = [
      ['ranking-run', this.rankingRunFunction],
      ['webhook-dispatcher', this.webhookDispatcherFunction],
      ['webhook-delivery', this.webhookDeliveryFunction],
      ...(preTokenGeneration ? [['pre-token-generation', preTokenGeneration] as [string, SpbeFunction]] : []),
    ];
    this.operations = new Operations(this, 'Operations', {
      stage: props.stage,
      httpApiId: this.api.httpApi.apiId,
      functions: [
        ...[...capabilityFunctions].map(([capability, fn]) => ({
          name: capability,
          function: fn.function,
          serviceName: fn.serviceName,
          api: true,
        })),
        ...backgroundFunctions.map(([name, fn]) => ({
          name,
          function: fn.function,
          serviceName: fn.serviceName,
          api: false,
        })),
      ],
      tables: new Map(
        tableDefinitions.map((definition) => [
          definition.localTableName.replace(/^spbe-/, ''),
          tableOf(tables, definition),
        ]),
      ),
      deadLetterQueues: new Map([
        ['ranking run', rankingRun.deadLetterQueue],
        ['webhook dispatch', this.webhookDispatch.deadLetterQueue],
      ]),
      existingAlarms: [rankingRun.deadLetterAlarm, ...this.webhookDispatch.alarms],
      rankingRunServiceName: this.rankingRunFunction.serviceName,
      webhookDeliveryServiceName: this.webhookDeliveryFunction.serviceName,
      webhookDispatcherServiceName: this.webhookDispatcherFunction.serviceName,
      submissionsServiceName: capabilityServiceName('submissions'),
      resultsServiceName: capabilityServiceName('results'),
      alarmTopicArn: props.alarmTopicArn,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    for (const definition of tableDefinitions) {
      new CfnOutput(this, `${definition.constructId}Name`, {
        value: tableOf(tables, definition).tableName,
        description: `${definition.description} (${definition.environmentVariable})`,
      });
    }
    new CfnOutput(this, 'JwtIssuer', { value: jwtIssuer, description: 'Issuer the JWT authorizer accepts' });
    new CfnOutput(this, 'JwtAudience', {
      value: Fn.join(',', [...jwtAudience]),
      description: 'Audiences (client ids) the JWT authorizer accepts',
    });
    if (identity !== undefined) {
      new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
      new CfnOutput(this, 'MachineClientId', {
        value: identity.machineClient.userPoolClientId,
        description: 'Client-credentials app client for integration partners (secret in the Cognito console)',
      });
      new CfnOutput(this, 'PortalClientId', { value: identity.portalClient.userPoolClientId });
      new CfnOutput(this, 'TokenEndpoint', { value: identity.tokenEndpoint });
    }
    new CfnOutput(this, 'RankingRunFunctionName', {
      value: this.rankingRunFunction.function.functionName,
      description:
        'Invoke with {"year": <year>, "scheduledTime": "<now, ISO 8601>"} to re-run a ranking by hand (the time names the run, so retries resume it)',
    });
    new CfnOutput(this, 'RankingRunDeadLetterQueueUrl', { value: rankingRun.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'WebhookDeadLetterQueueUrl', {
      value: this.webhookDispatch.deadLetterQueue.queueUrl,
      description: 'Webhook dispatch that could not be processed (redrive after fixing the cause)',
    });
  }
}

/** The Powertools service name of a capability's function: its metrics' `service` dimension. */
const capabilityServiceName = (capability: LambdaName): string => `spbe-${capability}`;

const tableOf = (tables: ReadonlyMap<string, TableV2>, definition: TableDefinition): TableV2 => {
  const table = tables.get(definition.constructId);
  if (table === undefined) {
    throw new Error(
      `SpbeAwardApiStack: table "${definition.constructId}" is used but not created; add its definition to ` +
        'tableDefinitions in shared/dynamodb/table-definitions.ts.',
    );
  }
  return table;
};

/** Checks all entry files up front, so a missing one is reported with every other missing one. */
const assertEntriesExist = (functionsRoot: string, ownUserPool: boolean): void => {
  const missing = [
    ...lambdaNames.map((capability) => capabilityEntry(functionsRoot, capability)),
    rankingRunEntry(functionsRoot),
    webhookDispatcherEntry(functionsRoot),
    webhookDeliveryEntry(functionsRoot),
    ...(ownUserPool ? [preTokenGenerationEntry(functionsRoot)] : []),
  ].filter((entry) => !existsSync(entry));
  if (missing.length > 0) {
    throw new Error(
      `SpbeAwardApiStack: missing Lambda entry file(s): ${missing.join(', ')}. Every capability in ` +
        'shared/api/route-spec.ts needs functions/<capability>/handler.ts exporting `handler`, the ranking ' +
        'run needs functions/rankings/scheduled.ts, webhook delivery functions/webhooks/dispatcher.ts and ' +
        'functions/webhooks/deliver.ts, and the stack’s own user pool needs ' +
        'functions/identity/pre-token.ts.',
    );
  }
};
