/**
 * The API under load (issue #12, production readiness): requests per second and latency (p50, p99)
 * of three requests, driven by autocannon over loopback, each beside a floor measured in the same
 * run on the same DynamoDB Local instance.
 *
 * Every request first counts against its caller's rate limit (one UpdateItem; the floor does the same).
 * - public read: `GET /v1/agencies/{agencyId}` (one GetItem);
 * - the agency operator's self-assessment read, `GET /v1/cycles/{year}/agencies/{agencyId}/self-assessment`
 *   with an operator token (one Query, the cycle kept per container; 47 answers);
 * - one indicator save, `PUT …/self-assessment/indicators/{no}` with If-Match (the same Query, then one
 *   TransactWriteItems of header, answer, audit record and the cycle and agency checks): each
 *   connection saves one agency at a time from the version its previous save returned
 *   (`api-load-client.ts`), so every save succeeds.
 *
 * What the comparison includes. The API side is the runtime `npm start` runs (`local/runtime.ts`): the
 * API Gateway stand-in (request → v2 event, the JWT authorizer's RS256 verification and scope check),
 * the very Lambda handlers CDK deploys (middy, zod validation, services, the audited write path,
 * problem+json) in this process, with the webhook dispatcher and the Lambda emulator idling beside them.
 * The floor (`api-load-bare.ts`) is a bare `node:http` server making the same DynamoDB calls with the
 * same items, through a DocumentClient with the project's settings, and doing only what any server of
 * these routes must: check the token (the same verification) and send the same representation.
 * Deployed, the JWT check and the gateway's translation happen in API Gateway, outside the function:
 * each scenario's "gateway share" row measures them apart (`api-load-gateway.ts`, one run each after
 * the rounds), and the function's share beside the floor's. The bench runs both servers, the load
 * generator (its own process) and DynamoDB Local on one machine, so DynamoDB Local's capacity bounds
 * both sides; the server's CPU per request also carries the runtime's idle work (about 57 ms of CPU a
 * second measured with no load; the webhook dispatcher polls the stream every 100 ms), spread over
 * fewer requests on the slower side.
 *
 * Runs alternate API and floor (after one short warm-up of each): round 1 API then floor, round 2
 * floor then API, … so that a machine slowing down moves both. Each side's figures are the mean of
 * its rounds; the ratios the targets judge are the median of the rounds' ratios (each API run against
 * the floor run beside it), which other work on the machine, arriving in bursts, moves least.
 *
 * Targets (issue #12): throughput ≥ 0.8× the floor and p99 ≤ 1.5× the floor's, per request; and no
 * answer other than 2xx, on either side (a failed save or read would flatter the figures).
 *
 * `BENCH_LOAD_SECONDS=10` runs longer (default 3 s per run), `BENCH_LOAD_ROUNDS=6` more rounds
 * (default 4), `BENCH_LOAD_CONNECTIONS=20` more concurrent connections (default 10),
 * `BENCH_LOAD_SCENARIOS='self-assessment read'` runs only the scenarios named (comma-separated).
 * `BENCH_LOAD_PROFILE=<folder>` adds, after each scenario's rounds, one more run per side under the
 * V8 CPU profiler (not counted in any figure) and writes `<scenario>-<side>.cpuprofile` there: open
 * it in Chrome DevTools or summarize it with `npx tsx bench/profile-summary.ts <file>`.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { startLocalRuntime } from '../local/runtime.ts';
import { openCycle } from '../local/seed/cycle-windows.ts';
import { nationalRoster } from '../local/seed/roster.ts';
import { scopesByRole } from '../shared/api/access.ts';
import type { Actor } from '../shared/domain/actor.ts';
import { spbe2020 } from '../shared/domain/framework/index.ts';
import type { Level } from '../shared/domain/framework/types.ts';
import { createDocumentClient } from '../shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '../shared/dynamodb/ports.ts';
import { rateLimitTable } from '../shared/dynamodb/table-definitions.ts';
import { systemIds } from '../shared/runtime/system.ts';
import { createCycleService } from '../shared/services/cycles/cycles.ts';
import { createAgencyService } from '../shared/services/registry/agencies.ts';
import { createSelfAssessmentService } from '../shared/services/self-assessment/self-assessment.ts';
import { startBareServer } from './api-load-bare.ts';
import type { LoadTarget as ClientTarget, LoadResult, LoadRun } from './api-load-client.ts';
import { type CannedAnswer, cannedAnswerOf, startGatewaySplitServers } from './api-load-gateway.ts';
import type { BenchReport, Measurement, Target } from './lib.ts';

const throughputTarget = 0.8;
const p99Target = 1.5;
const seconds = Math.max(1, Number(process.env.BENCH_LOAD_SECONDS ?? 3));
const rounds = Math.max(1, Number(process.env.BENCH_LOAD_ROUNDS ?? 4));
const connections = Math.max(1, Number(process.env.BENCH_LOAD_CONNECTIONS ?? 10));
const profileFolder = process.env.BENCH_LOAD_PROFILE;
const warmupSeconds = 2;
/** Agencies per save run: more than connections, so a connection always finds a free one. */
const slotsPerRun = connections + 2;
/** The indicator the saves write (every seeded self-assessment has all 47 answered). */
const savedIndicator = 12;
const year = new Date().getUTCFullYear();

const allScenarios = ['public read', 'self-assessment read', 'indicator save'] as const;
type Scenario = (typeof allScenarios)[number];
const chosenScenarios = (): readonly Scenario[] => {
  const names = process.env.BENCH_LOAD_SCENARIOS?.split(',').map((name) => name.trim());
  if (names === undefined) return allScenarios;
  const unknown = names.filter((name) => !(allScenarios as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`BENCH_LOAD_SCENARIOS: unknown ${unknown.join(', ')}; use ${allScenarios.join(', ')}.`);
  }
  return allScenarios.filter((scenario) => names.includes(scenario));
};
type Side = 'API' | 'bare';

const actorAt = (overrides: Partial<Actor> = {}): Actor => ({
  subject: 'bench',
  role: 'admin',
  requestId: `bench-${crypto.randomUUID()}`,
  route: 'bench',
  now: new Date(),
  ...overrides,
});

/** A load run with the CPU time the server process spent in it, in ms. */
type MeasuredRun = LoadResult & { readonly serverCpuMs: number };

/**
 * autocannon ends a timed run by closing its connections: requests then in flight end in `aborted`
 * (ECONNRESET) in the server, which both servers log as failures. They are the run's end, not
 * failures: while the bench runs, such lines are counted instead of printed.
 */
const quietAbortedRequests = () => {
  const original = console.error;
  let aborted = 0;
  console.error = (...args: unknown[]) => {
    if (args.some((arg) => arg instanceof Error && (arg as NodeJS.ErrnoException).code === 'ECONNRESET')) {
      aborted += 1;
      return;
    }
    original(...args);
  };
  return {
    aborted: () => aborted,
    restore: () => {
      console.error = original;
    },
  };
};

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The median; of an even count, the mean of the two middle values. */
const middle = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[half] as number) : mean(sorted.slice(half - 1, half + 1));
};

export async function runApiLoadBench(): Promise<BenchReport> {
  // The per-client rate limits (where the runtime has them) must never answer 429 here.
  process.env.RATE_LIMITS ??= 'public=999999999/60,read=999999999/60,write=999999999/60';
  // Not recording each request's DynamoDB calls: Node 20's AsyncLocalStorage costs every promise a hook.
  const runtime = await startLocalRuntime({ port: 0, recordDynamoDbCalls: false });
  const quiet = quietAbortedRequests();
  const client = fork(new URL('./api-load-client.ts', import.meta.url), { stdio: 'inherit' });
  let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
  let split: Awaited<ReturnType<typeof startGatewaySplitServers>> | undefined;
  try {
    // Prepare: the roster, this year's cycle open for self-assessment, and every agency the runs use
    // with all 47 indicators answered (a save's reads then see a whole self-assessment).
    const ports = createDynamoDbPorts(createDocumentClient(runtime.dynamodb.client), runtime.dynamodb.tables);
    await createAgencyService(ports).importAgencies(actorAt(), nationalRoster);
    await createCycleService(ports).createCycle(actorAt(), openCycle(year, spbe2020.id, new Date(), 1));
    const readAgencies = nationalRoster.slice(0, connections).map((agency) => agency.id);
    const saveRuns = (rounds + (profileFolder ? 2 : 1)) * 2;
    const saveAgencies = nationalRoster
      .slice(connections, connections + saveRuns * slotsPerRun)
      .map((agency) => agency.id);
    if (saveAgencies.length < saveRuns * slotsPerRun) {
      throw new Error(`The roster has too few agencies for ${saveRuns} save runs of ${slotsPerRun}.`);
    }
    const selfAssessments = createSelfAssessmentService({ ...ports, ids: systemIds });
    const seeded = new Map<string, number>();
    const seedOne = async (agencyId: string) => {
      const operator = actorAt({ subject: `bench-${agencyId}`, role: 'agency', agencyId });
      const saved = await selfAssessments.saveAnswers(
        operator,
        year,
        agencyId,
        0,
        spbe2020.indicators.map((indicator) => ({
          indicatorNo: indicator.no,
          level: (1 + (indicator.no % 5)) as Level,
          explanation: `Penjelasan indikator ${indicator.no}: ${indicator.name}.`,
          evidence: [
            {
              title: `Data dukung indikator ${indicator.no}`,
              url: `https://spbe.example.go.id/${agencyId}/indikator-${indicator.no}.pdf`,
              mediaType: 'application/pdf',
            },
          ],
          pointer: `/bench/${indicator.no}`,
        })),
      );
      seeded.set(agencyId, saved.version);
    };
    const toSeed = [...readAgencies, ...saveAgencies];
    for (let index = 0; index < toSeed.length; index += 8) {
      await Promise.all(toSeed.slice(index, index + 8).map(seedOne));
    }
    const tokens = new Map<string, string>();
    for (const agencyId of toSeed) {
      tokens.set(
        agencyId,
        await runtime.identityProvider.mint({
          subject: `bench-operator-${agencyId}`,
          role: 'agency',
          scopes: scopesByRole.agency,
          agencyId,
        }),
      );
    }
    bare = await startBareServer(
      createDocumentClient(),
      runtime.dynamodb.tables.programme,
      runtime.dynamodb.tableNames[rateLimitTable.constructId] ?? '',
      runtime.identityProvider.verify,
    );
    const urls: Record<Side, string> = { API: runtime.api.url, bare: bare.url };

    const targetsOf = (scenario: Scenario): readonly ClientTarget[] => {
      if (scenario === 'public read')
        return readAgencies.map((agencyId) => ({ path: `/v1/agencies/${agencyId}` }));
      if (scenario === 'self-assessment read') {
        return readAgencies.map((agencyId) => ({
          path: `/v1/cycles/${year}/agencies/${agencyId}/self-assessment`,
          token: tokens.get(agencyId) ?? '',
        }));
      }
      // Fresh agencies each save run: a save still in flight when a run ends moves its agency's
      // version without the client seeing it.
      return saveAgencies.splice(0, slotsPerRun).map((agencyId) => ({
        path: `/v1/cycles/${year}/agencies/${agencyId}/self-assessment/indicators/${savedIndicator}`,
        token: tokens.get(agencyId) ?? '',
        version: seeded.get(agencyId) ?? 0,
      }));
    };

    const run = async (
      scenario: Scenario,
      url: string,
      targets: readonly ClientTarget[],
      runSeconds: number,
    ): Promise<MeasuredRun> => {
      const request: LoadRun = {
        kind: scenario === 'indicator save' ? 'save' : 'read',
        url,
        seconds: runSeconds,
        connections,
        targets,
      };
      const cpuAtStart = process.cpuUsage();
      client.send(request);
      const [reply] = (await once(client, 'message')) as [{ result?: LoadResult; error?: string }];
      const cpu = process.cpuUsage(cpuAtStart);
      if (reply.result === undefined) throw new Error(`Load run failed: ${reply.error}`);
      // Let requests still in flight when the run ended finish before the next run starts.
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { ...reply.result, serverCpuMs: (cpu.user + cpu.system) / 1000 };
    };
    const load = (scenario: Scenario, side: Side, runSeconds: number) =>
      run(scenario, urls[side], targetsOf(scenario), runSeconds);

    // The gateway's share (see api-load-gateway.ts): servers answering a canned copy of a real answer.
    let canned: CannedAnswer = { status: 500, headers: {}, body: '' };
    split = await startGatewaySplitServers(runtime.identityProvider, () => canned);
    const splitUrls = split;
    const [sampleAgency = ''] = readAgencies;
    /** One real request of the scenario through the API (a read agency's), kept as the canned answer. */
    const sampleAnswer = async (scenario: Scenario): Promise<readonly ClientTarget[]> => {
      const token = tokens.get(sampleAgency) ?? '';
      const selfAssessment = `/v1/cycles/${year}/agencies/${sampleAgency}/self-assessment`;
      const target: ClientTarget =
        scenario === 'public read'
          ? { path: `/v1/agencies/${sampleAgency}` }
          : scenario === 'self-assessment read'
            ? { path: selfAssessment, token }
            : {
                path: `${selfAssessment}/indicators/${savedIndicator}`,
                token,
                version: seeded.get(sampleAgency) ?? 0,
              };
      const response = await fetch(`${runtime.api.url}${target.path}`, {
        method: scenario === 'indicator save' ? 'PUT' : 'GET',
        headers: {
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
          ...(scenario === 'indicator save'
            ? { 'content-type': 'application/json', 'if-match': `"${target.version}"` }
            : {}),
        },
        ...(scenario === 'indicator save'
          ? {
              body: JSON.stringify({
                level: 3,
                explanation: 'Jawaban contoh untuk salinan.',
                evidence: [
                  {
                    title: 'Data dukung',
                    url: 'https://spbe.example.go.id/contoh.pdf',
                    mediaType: 'application/pdf',
                  },
                ],
              }),
            }
          : {}),
      });
      canned = await cannedAnswerOf(response);
      if (canned.status !== 200)
        throw new Error(`The ${scenario} sample answered ${canned.status}: ${canned.body}`);
      if (scenario === 'indicator save') seeded.set(sampleAgency, (target.version ?? 0) + 1);
      // The canned servers never change state: every run may use the same targets.
      return Array.from({ length: slotsPerRun }, () => target);
    };

    const measurements: Measurement[] = [];
    const targets: Target[] = [];
    for (const scenario of chosenScenarios()) {
      await load(scenario, 'API', warmupSeconds);
      await load(scenario, 'bare', warmupSeconds);
      const results: Record<Side, MeasuredRun[]> = { API: [], bare: [] };
      for (let round = 0; round < rounds; round += 1) {
        const order: readonly Side[] = round % 2 === 0 ? ['API', 'bare'] : ['bare', 'API'];
        for (const side of order) results[side].push(await load(scenario, side, seconds));
      }
      if (profileFolder) {
        mkdirSync(profileFolder, { recursive: true });
        for (const side of ['API', 'bare'] as const) {
          const session = new Session();
          session.connect();
          await session.post('Profiler.enable');
          await session.post('Profiler.start');
          const profiled = await load(scenario, side, seconds);
          const { profile } = await session.post('Profiler.stop');
          session.disconnect();
          const file = join(profileFolder, `${scenario.replaceAll(' ', '-')}-${side}.cpuprofile`);
          writeFileSync(file, JSON.stringify(profile));
          console.log(
            `${file}: ${profiled.ok} requests answered 2xx, ${profiled.serverCpuMs.toFixed(0)} ms CPU`,
          );
        }
      }
      const splitTargets = await sampleAnswer(scenario);
      const gatewayRun = await run(scenario, splitUrls.gatewayUrl, splitTargets, seconds);
      const httpRun = await run(scenario, splitUrls.httpUrl, splitTargets, seconds);
      const cpuPerRequest = (measured: MeasuredRun) => measured.serverCpuMs / Math.max(1, measured.ok);
      const gatewayCpuMs = cpuPerRequest(gatewayRun) - cpuPerRequest(httpRun);
      const summary = (side: Side) => {
        const runs = results[side];
        const requestsPerSecond = mean(runs.map((run) => run.ok / run.durationSeconds));
        const unexpected: Record<string, number> = {};
        for (const run of runs) {
          for (const [status, count] of Object.entries(run.unexpected)) {
            unexpected[status] = (unexpected[status] ?? 0) + count;
          }
        }
        return {
          requestsPerSecond,
          perRound: runs.map((run) => (run.ok / run.durationSeconds).toFixed(0)).join(' / '),
          p50: mean(runs.map((run) => run.p50)),
          p99: mean(runs.map((run) => run.p99)),
          cpuMsPerRequest: mean(runs.map((run) => run.serverCpuMs / Math.max(1, run.ok))),
          ok: runs.reduce((sum, run) => sum + run.ok, 0),
          failed: runs.reduce((sum, run) => sum + run.non2xx + run.errors + run.timeouts, 0),
          unexpected,
          firstUnexpectedBody: runs.find((run) => run.firstUnexpectedBody)?.firstUnexpectedBody,
        };
      };
      const api = summary('API');
      const floor = summary('bare');
      const rate = (run: MeasuredRun) => run.ok / run.durationSeconds;
      const pairs = results.API.map((run, round) => [run, results.bare[round] as MeasuredRun] as const);
      const throughputRatios = pairs.map(([apiRun, bareRun]) => rate(apiRun) / rate(bareRun));
      const p99Ratios = pairs.map(([apiRun, bareRun]) => apiRun.p99 / bareRun.p99);
      const throughputRatio = middle(throughputRatios);
      const p99Ratio = middle(p99Ratios);
      const list = (ratios: readonly number[]) => ratios.map((ratio) => ratio.toFixed(2)).join(' ');
      const describe = (side: typeof api) =>
        `${side.requestsPerSecond.toFixed(0)} req/s (rounds ${side.perRound}), p50 ${side.p50.toFixed(1)} ms, ${side.ok} answered 2xx`;
      measurements.push(
        {
          name: `${scenario}: bare p99`,
          ms: floor.p99,
          cpuMs: floor.cpuMsPerRequest,
          ratio: null,
          note: describe(floor),
        },
        {
          name: `${scenario}: API p99`,
          ms: api.p99,
          cpuMs: api.cpuMsPerRequest,
          ratio: p99Ratio,
          note: `${describe(api)}; throughput ${throughputRatio.toFixed(2)}× bare`,
        },
        {
          name: `${scenario}: gateway share`,
          ms: gatewayRun.p99,
          cpuMs: gatewayCpuMs,
          ratio: null,
          note:
            `what API Gateway does outside the function (JWT check, event translation): the stand-in answering a canned copy, ` +
            `${cpuPerRequest(gatewayRun).toFixed(2)} ms CPU a request, less node:http sending it, ${cpuPerRequest(httpRun).toFixed(2)} ms ` +
            `(one run each; wall ms is the stand-in's p99); the function's share of the API's CPU ` +
            `${(api.cpuMsPerRequest - gatewayCpuMs).toFixed(2)} ms vs the floor's ${floor.cpuMsPerRequest.toFixed(2)} ms (the floor checks tokens itself)`,
        },
      );
      targets.push(
        {
          name: `${scenario}: API throughput ≥ ${throughputTarget}× bare`,
          pass: throughputRatio >= throughputTarget,
          detail: `${throughputRatio.toFixed(2)}× (median of rounds ${list(throughputRatios)}); means ${api.requestsPerSecond.toFixed(0)} vs ${floor.requestsPerSecond.toFixed(0)} req/s`,
        },
        {
          name: `${scenario}: API p99 ≤ ${p99Target}× bare`,
          pass: p99Ratio <= p99Target,
          detail: `${p99Ratio.toFixed(2)}× (median of rounds ${list(p99Ratios)}); means ${api.p99.toFixed(1)} vs ${floor.p99.toFixed(1)} ms (p50 ${api.p50.toFixed(1)} vs ${floor.p50.toFixed(1)} ms)`,
        },
        {
          name: `${scenario}: every answer 2xx`,
          pass: api.failed === 0 && floor.failed === 0 && api.ok > 0 && floor.ok > 0,
          detail:
            api.failed === 0 && floor.failed === 0
              ? `API ${api.ok}, bare ${floor.ok}`
              : `API ${api.failed} failed ${JSON.stringify(api.unexpected)}, bare ${floor.failed} failed ${JSON.stringify(floor.unexpected)}; first: ${api.firstUnexpectedBody ?? floor.firstUnexpectedBody ?? '(connection errors or timeouts)'}`,
        },
      );
    }
    return {
      title: `API under load: ${connections} connections over loopback, ${rounds} × ${seconds} s per side after a ${warmupSeconds} s warm-up (${quiet.aborted()} requests cut off at run ends); wall ms is p99 latency, cpu ms the server process's CPU per request (the runtime or the bare server, with their DynamoDB client)`,
      measurements,
      targets,
    };
  } finally {
    quiet.restore();
    client.disconnect();
    await bare?.close();
    await split?.close();
    await runtime.stop();
  }
}
