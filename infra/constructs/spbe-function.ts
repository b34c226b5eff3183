import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative } from 'node:path';
import { type CfnElement, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type TableDefinition, tableDefinitions } from '../../shared/dynamodb/table-definitions.ts';
import { deployedNodeOptions, houseBundling } from '../bundling.ts';

/**
 * How a function may use a table: reads only, writes only (appending to the outbox), or both —
 * never table administration.
 */
export type TableAccess = 'read' | 'write' | 'readWrite';

export const powertoolsLogLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type PowertoolsLogLevel = (typeof powertoolsLogLevels)[number];

/**
 * API functions: 29 s is the most an HTTP API integration can use (its hard limit is 30 s), so the
 * function stops — and logs its own timeout — just before API Gateway would answer 503 for it, instead
 * of running on (and billing) after the client has been told it failed.
 */
export const apiFunctionTimeout = Duration.seconds(29);

/**
 * 1024 MB: Lambda allocates CPU in proportion to memory. The bundled AWS SDK import (~70 ms at full
 * CPU) and zod/JSON work dominate our cold starts and requests; at 1024 MB they run roughly twice as
 * fast as at 512 MB for about the same cost per request, while our working set needs far less memory.
 */
export const defaultMemorySize = 1024;

/** Variables this construct owns; callers cannot override them, so every function is configured alike. */
const houseVariables = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL'] as const;

/** A file copied beside a function's bundle, for the function to read at run time. */
export interface BundledFile {
  /** Absolute path of the file, e.g. inside an installed package. */
  readonly source: string;
  /** Path relative to the bundle's folder (where `index.mjs` is), e.g. `swagger-ui/swagger-ui.css`. */
  readonly target: string;
}

/**
 * Properties of {@link SpbeFunction}.
 */
export interface SpbeFunctionProps {
  /**
   * Absolute path of the TypeScript entry file; it must export `handler`.
   * For example `<repo>/functions/public/handler.ts`.
   */
  readonly entry: string;
  /**
   * Directory holding `package.json` and `package-lock.json`: esbuild resolves imports (and the
   * `#shared/*` subpath imports) from here, and the lockfile pins the bundled AWS SDK version.
   */
  readonly projectRoot: string;
  /**
   * Powertools service name (`POWERTOOLS_SERVICE_NAME`): lower-case letters, digits and dashes,
   * for example `spbe-public`.
   */
  readonly serviceName: string;
  /**
   * Human description shown in the Lambda console.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Memory in MB (128–10240). See {@link defaultMemorySize} for why the default is 1024.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Function timeout, at most 15 minutes. API functions must stay below the HTTP API's 30 s
   * integration limit; see {@link apiFunctionTimeout}.
   * @default Duration.seconds(29)
   */
  readonly timeout?: Duration;
  /**
   * How long the function's log group keeps events.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Powertools log level (`POWERTOOLS_LOG_LEVEL`).
   * @default 'INFO'
   */
  readonly logLevel?: PowertoolsLogLevel;
  /**
   * Further environment variables. Table names are not set here but through
   * {@link SpbeFunction.useTable}, which grants access in the same call; house variables
   * (`NODE_OPTIONS`, `POWERTOOLS_*`) are fixed by this construct.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Files copied beside the bundle, for a function that serves static files on some of its routes:
   * they stay out of the code every invocation loads (and parses at cold start) and are read from
   * disk only when a route asks for them. They count towards the deployment package.
   * @default - none
   */
  readonly bundledFiles?: readonly BundledFile[];
}

/** Item-level DynamoDB actions: what a Deny on a restricted partition covers. */
const restrictedPartitionActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Single-quoted for the shell that runs the bundling hooks; paths holding a quote are refused. */
const shellQuoted = (path: string): string => `'${path}'`;

/**
 * The house Lambda function (after Powertools' `FunctionWithLogGroup`): Node.js 22 on arm64, X-Ray
 * tracing, an explicit log group with retention (no `logRetention` custom resource), and an ESM esbuild
 * bundle with the house settings (`infra/bundling.ts`): the AWS SDK v3 included at the version pinned
 * by our lockfile, its credential chain narrowed to Lambda's, source maps shipped beside the bundle but
 * not loaded at run time (`--enable-source-maps` costs every cold start; the number is there).
 *
 * The function gets its own role with no managed policies: it may write to its own log group only,
 * and reaches tables only through {@link SpbeFunction.useTable}.
 */
export class SpbeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  /** Its Powertools service name: the `service` dimension of every metric it emits. */
  readonly serviceName: string;
  private readonly tablesInUse = new Map<string, TableAccess>();

  constructor(scope: Construct, id: string, props: SpbeFunctionProps) {
    super(scope, id);
    validateProps(props);
    this.serviceName = props.serviceName;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });

    // Our own role instead of the default one with AWSLambdaBasicExecutionRole: that managed policy
    // lets the function create any log group and write to all of them.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? defaultMemorySize,
      timeout: props.timeout ?? apiFunctionTimeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        ...props.environment,
        // No --enable-source-maps: its cost at every cold start was measured (infra/bundling.ts).
        ...(deployedNodeOptions === '' ? {} : { NODE_OPTIONS: deployedNodeOptions }),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: {
        // The house settings (infra/bundling.ts), shared with the bundle bench and tests.
        format: OutputFormat.ESM,
        target: houseBundling.target,
        mainFields: [...houseBundling.mainFields],
        sourceMap: houseBundling.sourceMap,
        sourcesContent: houseBundling.sourcesContent,
        minify: houseBundling.minify,
        banner: houseBundling.banner,
        esbuildArgs: Object.fromEntries(
          Object.entries(houseBundling.alias).map(([module, replacement]) => [
            `--alias:${module}`,
            replacement,
          ]),
        ),
        // Bundle everything, the AWS SDK v3 included: the version we test (pinned by the lockfile) is
        // the version we run, not whatever the Lambda runtime happens to ship.
        externalModules: [],
        bundleAwsSDK: true,
        ...(props.bundledFiles && props.bundledFiles.length > 0
          ? { commandHooks: copyAfterBundling(props.bundledFiles) }
          : {}),
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement (xray:PutTraceSegments, xray:PutTelemetryRecords) that active tracing adds: ' +
        'those actions support no resource-level permissions.',
    });
    const runtimeReason =
      'nodejs22.x is the runtime the project targets and tests (esbuild target node22); moving to a newer ' +
      'runtime is a deliberate, tested upgrade, not a side effect of a CDK release listing one.';
    Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: runtimeReason });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaLatestVersion',
      reason: runtimeReason,
    });
  }

  /**
   * Grants this function `access` to `table` and sets the table-name variable named by the table's
   * definition, in one step, so a permission and the variable that uses it cannot drift apart.
   * Each table may be used once per function.
   */
  useTable(
    table: ITableV2,
    definition: TableDefinition,
    access: TableAccess,
    options: { readonly restrictedPartitions?: boolean } = {},
  ): void {
    const existing = this.tablesInUse.get(definition.constructId);
    if (existing !== undefined) {
      throw new Error(
        `${this.node.path}: useTable() was already called for "${definition.constructId}" (access "${existing}"); ` +
          `call it once per table with the widest access the function needs.`,
      );
    }
    this.tablesInUse.set(definition.constructId, access);
    if (access === 'readWrite') table.grantReadWriteData(this.function);
    else if (access === 'write') table.grantWriteData(this.function);
    else table.grantReadData(this.function);
    this.function.addEnvironment(definition.environmentVariable, table.tableName);
    const tableResources = [table.tableArn, `${table.tableArn}/index/*`];
    // The grants above include Scan, which no code path uses (every read is GetItem or Query on a
    // designed key) and which would read the restricted partitions below: denied outright.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['dynamodb:Scan'],
        resources: tableResources,
      }),
    );
    const restricted = definition.restrictedPartitions ?? [];
    if (restricted.length > 0 && options.restrictedPartitions !== true) {
      // Any item whose partition key has a restricted prefix, whatever the call (transactions and
      // batches are authorized item by item, through these same actions).
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `Deny${definition.constructId}RestrictedPartitions`,
          effect: iam.Effect.DENY,
          actions: restrictedPartitionActions,
          resources: tableResources,
          conditions: {
            'ForAnyValue:StringLike': {
              'dynamodb:LeadingKeys': restricted.map(({ prefix }) => `${prefix}*`),
            },
          },
        }),
      );
    }
    if (definition.globalSecondaryIndexes.length > 0) {
      const tableLogicalId = Stack.of(table).getLogicalId(table.node.defaultChild as CfnElement);
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
        reason: `Queries need the indexes of ${definition.constructId}; the wildcard covers its own indexes only.`,
      });
    }
  }

  /**
   * Lets this function start `target` asynchronously (lambda:InvokeFunction) and tells it the name in
   * `environmentVariable`, in one step, like {@link useTable}.
   */
  invokes(target: lambda.IFunction, environmentVariable: string): void {
    target.grantInvoke(this.function);
    this.function.addEnvironment(environmentVariable, target.functionName);
    const targetLogicalId = Stack.of(target).getLogicalId(target.node.defaultChild as CfnElement);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${targetLogicalId}.Arn>:*]`,
      reason:
        'grantInvoke covers the function’s versions and aliases too; it is the one function this one starts.',
    });
  }

  /**
   * Lets this function invoke itself (a long job continuing in a fresh invocation). A separate policy:
   * the function's own role policy naming its own ARN would be a dependency cycle. The function finds
   * its name in Lambda's own `AWS_LAMBDA_FUNCTION_NAME`.
   */
  invokesItself(): void {
    const policy = new iam.Policy(this, 'SelfInvoke', {
      statements: [
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.functionArn],
        }),
      ],
    });
    policy.attachToRole(this.role);
  }

  /** The access this function was granted on each table, by the table's construct id. */
  get tableAccess(): ReadonlyMap<string, TableAccess> {
    return this.tablesInUse;
  }
}

/** Bundling hooks that copy each file into the bundle's output folder once esbuild has run. */
const copyAfterBundling = (files: readonly BundledFile[]) => ({
  beforeBundling: (): string[] => [],
  beforeInstall: (): string[] => [],
  afterBundling: (_inputDir: string, outputDir: string): string[] =>
    files.flatMap(({ source, target }) => [
      `mkdir -p ${shellQuoted(dirname(join(outputDir, target)))}`,
      `cp ${shellQuoted(source)} ${shellQuoted(join(outputDir, target))}`,
    ]),
});

const serviceNamePattern = /^[a-z][a-z0-9-]{1,62}$/;

const validateProps = (props: SpbeFunctionProps): void => {
  if (!isAbsolute(props.entry) || !props.entry.endsWith('.ts')) {
    throw new Error(
      `SpbeFunction: entry must be an absolute path to a .ts file, got "${props.entry}". ` +
        `Resolve it from the project root, e.g. join(projectRoot, 'functions/public/handler.ts').`,
    );
  }
  if (!existsSync(props.entry)) {
    throw new Error(
      `SpbeFunction: entry file "${props.entry}" does not exist. ` +
        `Create it (exporting \`handler\`) or fix the path.`,
    );
  }
  if (!isAbsolute(props.projectRoot) || !existsSync(`${props.projectRoot}/package-lock.json`)) {
    throw new Error(
      `SpbeFunction: projectRoot must be the absolute path of the folder holding package-lock.json, ` +
        `got "${props.projectRoot}".`,
    );
  }
  if (relative(props.projectRoot, props.entry).startsWith('..')) {
    throw new Error(
      `SpbeFunction: entry "${props.entry}" is outside projectRoot "${props.projectRoot}"; esbuild resolves ` +
        'imports and the lockfile from projectRoot, so keep entries inside it (under functions/).',
    );
  }
  if (!serviceNamePattern.test(props.serviceName)) {
    throw new Error(
      `SpbeFunction: serviceName must be 2–63 lower-case letters, digits or dashes starting with a letter, ` +
        `got "${props.serviceName}". Use e.g. "spbe-public".`,
    );
  }
  const memorySize = props.memorySize;
  if (
    memorySize !== undefined &&
    (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240)
  ) {
    throw new Error(
      `SpbeFunction: memorySize must be a whole number of MB from 128 to 10240, got ${memorySize}. ` +
        `Leave it unset for ${defaultMemorySize}.`,
    );
  }
  const timeout = props.timeout;
  if (timeout !== undefined && !Token.isUnresolved(timeout.toSeconds())) {
    const seconds = timeout.toSeconds();
    if (seconds < 1 || seconds > 900) {
      throw new Error(
        `SpbeFunction: timeout must be between 1 second and 15 minutes, got ${seconds} s. ` +
          `API functions should keep the default of ${apiFunctionTimeout.toSeconds()} s.`,
      );
    }
  }
  if (props.logLevel !== undefined && !powertoolsLogLevels.includes(props.logLevel)) {
    throw new Error(
      `SpbeFunction: logLevel must be one of ${powertoolsLogLevels.join(', ')}, got "${props.logLevel}".`,
    );
  }
  const logRetention = props.logRetention;
  if (logRetention !== undefined && !Object.values(logs.RetentionDays).includes(logRetention)) {
    throw new Error(
      `SpbeFunction: logRetention must be one of CloudWatch's retention periods (logs.RetentionDays), ` +
        `got ${logRetention}.`,
    );
  }
  for (const { source, target } of props.bundledFiles ?? []) {
    if (!isAbsolute(source) || !existsSync(source)) {
      throw new Error(
        `SpbeFunction: bundled file "${source}" must be the absolute path of an existing file; ` +
          'resolve it from the installed package (npm ci first).',
      );
    }
    if (isAbsolute(target) || normalize(target).startsWith('..') || target === 'index.mjs') {
      throw new Error(
        `SpbeFunction: bundled file target "${target}" must be a path inside the bundle's folder, ` +
          'e.g. "assets/file.css", and not the bundle itself.',
      );
    }
    if ([source, target].some((path) => path.includes("'"))) {
      throw new Error(`SpbeFunction: bundled file paths may not contain a quote: "${source}" → "${target}".`);
    }
  }
  for (const name of Object.keys(props.environment ?? {})) {
    if ((houseVariables as readonly string[]).includes(name) || name.startsWith('POWERTOOLS_')) {
      throw new Error(
        `SpbeFunction: environment variable "${name}" is set by SpbeFunction itself; ` +
          `use the serviceName/logLevel props instead of the environment.`,
      );
    }
    const table = tableDefinitions.find((definition) => definition.environmentVariable === name);
    if (table !== undefined) {
      throw new Error(
        `SpbeFunction: environment variable "${name}" names a table; ` +
          `call useTable(table, ${table.constructId} definition, access) instead, which also grants access.`,
      );
    }
    if (name.startsWith('AWS_') || name.startsWith('_')) {
      throw new Error(
        `SpbeFunction: environment variable "${name}" is reserved by Lambda; choose another name.`,
      );
    }
  }
};
