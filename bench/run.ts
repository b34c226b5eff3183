/**
 * `npm run bench`: runs every bench, prints its table and PASS/FAIL per target, and exits non-zero when a
 * target fails. `npm run bench -- ranking` runs only the benches whose name contains "ranking". Add a
 * bench by exporting a `() => BenchReport | Promise<BenchReport>` from a module here and listing it below.
 */
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
for (const bench of chosen) {
  const report = await bench.run();
  printReport(report);
  failed += report.targets.filter((t) => !t.pass).length;
}
console.log(
  `\n${failed === 0 ? 'All targets met' : `${failed} target(s) missed`} in ${((performance.now() - started) / 1000).toFixed(1)} s (checksum ${sink.value}); ${machineLoad().text} at end`,
);
process.exitCode = failed === 0 ? 0 : 1;
