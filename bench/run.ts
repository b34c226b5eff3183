/**
 * `npm run bench`: runs every bench, prints its table and PASS/FAIL per target, and exits non-zero when a
 * target fails. `npm run bench -- ranking` runs only the benches whose name contains "ranking". Add a
 * bench by exporting a `() => BenchReport | Promise<BenchReport>` from a module here and listing it below.
 */

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { runApiLoadBench } from './api-load.ts';
import { runDynamoDbCallsBench } from './dynamodb-calls.ts';
import { runFunctionsBench } from './functions.ts';
import { type BenchReport, machineLoad, printReport, sink } from './lib.ts';
import { runRankingRunBench } from './ranking-run.ts';
import { runScoringBench } from './scoring.ts';
import { runWebhookBench } from './webhooks.ts';

const benches: readonly { readonly name: string; readonly run: () => BenchReport | Promise<BenchReport> }[] =
  [
    { name: 'scoring', run: () => runScoringBench() },
    { name: 'ranking-run', run: () => runRankingRunBench() },
    { name: 'webhooks', run: () => runWebhookBench() },
    { name: 'functions', run: () => runFunctionsBench() },
    { name: 'dynamodb-calls', run: () => runDynamoDbCallsBench() },
    { name: 'api-load', run: () => runApiLoadBench() },
  ];

// The machine runs Node 20 while Lambda runs nodejs22.x; the SDK's notice says nothing about the bench.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The dispatcher's per-batch INFO lines would drown the tables.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
/**
 * Each bench runs in a process of its own when several run: the local runtime loads the functions'
 * modules once per process, and each function keeps one DynamoDB client for the life of its
 * container — a second bench's DynamoDB Local (another port) would meet the first one's clients.
 * It is also what a cold container is: nothing warmed up by the bench before.
 */
const onlyFlag = '--only';
const onlyIndex = process.argv.indexOf(onlyFlag);
if (onlyIndex >= 0) {
  const bench = benches.find((candidate) => candidate.name === process.argv[onlyIndex + 1]);
  if (!bench) throw new Error(`No bench named ${process.argv[onlyIndex + 1]}`);
  const report = await bench.run();
  printReport(report);
  const outcome = { missed: report.targets.filter((target) => !target.pass).length, checksum: sink.value };
  // IPC sends asynchronously: exit only once the parent has the report.
  const send = process.send?.bind(process);
  if (send) await new Promise<void>((resolve) => send(outcome, undefined, {}, () => resolve()));
  process.exit(0);
}

const runIsolated = async (name: string): Promise<{ missed: number; checksum: number }> => {
  const child = fork(fileURLToPath(import.meta.url), [onlyFlag, name], { stdio: 'inherit' });
  let outcome: { missed: number; checksum: number } | undefined;
  child.on('message', (message) => {
    outcome = message as { missed: number; checksum: number };
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (outcome) return outcome;
  console.log(`FAIL  bench ${name} ended without a report (exit code ${code})`);
  return { missed: 1, checksum: 0 };
};

const filters = process.argv.slice(2).filter((argument) => !argument.startsWith('-'));
const chosen = benches.filter(
  (bench) => filters.length === 0 || filters.some((filter) => bench.name.includes(filter)),
);
if (chosen.length === 0) {
  console.error(
    `No bench matches ${filters.join(', ')}; there are: ${benches.map((bench) => bench.name).join(', ')}`,
  );
  process.exit(2);
}

const started = performance.now();
const loadAtStart = machineLoad();
console.log(`Node ${process.version}; ${loadAtStart.text} at start`);
if (loadAtStart.busy)
  console.log('Note: the machine is busy; timings will be noisy (re-run when it is quiet).');
let failed = 0;
let checksum = 0;
for (const bench of chosen) {
  if (chosen.length === 1) {
    const report = await bench.run();
    printReport(report);
    failed += report.targets.filter((t) => !t.pass).length;
    checksum += sink.value;
  } else {
    const outcome = await runIsolated(bench.name);
    failed += outcome.missed;
    checksum += outcome.checksum;
  }
}
console.log(
  `\n${failed === 0 ? 'All targets met' : `${failed} target(s) missed`} in ${((performance.now() - started) / 1000).toFixed(1)} s (checksum ${checksum}); ${machineLoad().text} at end`,
);
process.exitCode = failed === 0 ? 0 : 1;
