/**
 * `npm run bench`: runs every bench, prints its table and PASS/FAIL per target, and exits non-zero when a
 * target fails. Add a bench by exporting a `() => BenchReport` (or a promise of one) from a module here and listing it below.
 */
import { type BenchReport, machineLoad, printReport, sink } from './lib.ts';
import { runScoringBench } from './scoring.ts';
import { runWebhookBench } from './webhooks.ts';

// The machine runs Node 20 while Lambda runs nodejs22.x; the SDK's notice says nothing about the bench.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The dispatcher's per-batch INFO lines would drown the tables.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const benches: readonly (() => BenchReport | Promise<BenchReport>)[] = [
  () => runScoringBench(),
  () => runWebhookBench(),
];

const started = performance.now();
const loadAtStart = machineLoad();
console.log(`Node ${process.version}; ${loadAtStart.text} at start`);
if (loadAtStart.busy)
  console.log('Note: the machine is busy; timings will be noisy (re-run when it is quiet).');
let failed = 0;
for (const bench of benches) {
  const report = await bench();
  printReport(report);
  failed += report.targets.filter((t) => !t.pass).length;
}
console.log(
  `\n${failed === 0 ? 'All targets met' : `${failed} target(s) missed`} in ${((performance.now() - started) / 1000).toFixed(1)} s (checksum ${sink.value}); ${machineLoad().text} at end`,
);
process.exitCode = failed === 0 ? 0 : 1;
