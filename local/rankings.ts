import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRankingWorker } from '#functions/rankings/worker.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { eventsTable, programmeTable } from '#shared/dynamodb/table-definitions.ts';
import { systemIds } from '#shared/runtime/system.ts';
import type { RankingRunRecord } from '#shared/services/rankings/ports.ts';
import { createRankingRunner } from '#shared/services/rankings/run.ts';
import { JavaMissingError, localCredentials, localRegion, startDynamoDbLocal } from './dynamodb-local.ts';
import { dynamoDbDataDirectory } from './paths.ts';
import { createProgressBar } from './progress.ts';
import {
  busyMessage,
  nothingToRankMessage,
  parseRankingsArguments,
  progressShown,
  rankingsUsage,
} from './rankings-cli.ts';
import {
  checkoutRefusal,
  claimCheckout,
  clearRunning,
  recordRunning,
  stopOrphanedDynamoDbLocal,
} from './running.ts';

/**
 * `npm run rankings -- --year 2025`: ranks a cycle's final results and publishes the ranking on the
 * local data, through the same worker the Lambda runs (functions/rankings/worker.ts) — an on-demand
 * run, audited and leased like `POST /v1/cycles/{year}/rankings/runs`; `--run-id` resumes a run
 * interrupted with `npm start`, as invoking the function with its id does. Uses the DynamoDB Local of
 * a running `npm start`, or starts one on its data when none runs — holding the checkout meanwhile
 * (.local-data/running.json), so that an `npm start` (or another `npm run rankings`) launched then is
 * refused rather than run a second DynamoDB Local on the same files.
 */

const parsed = parseRankingsArguments(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(rankingsUsage);
  process.exit(0);
}
if (parsed.kind === 'invalid') {
  console.error(parsed.message);
  process.exit(2);
}
const { year, resume, quiet } = parsed.request;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The signal that stopped this command's own DynamoDB Local, if one did. */
let interrupted: NodeJS.Signals | undefined;
// ERROR: the CLI says what the worker warns of (nothing to rank) in its own words.
const logger = new Logger({ logLevel: 'ERROR', serviceName: 'spbe-rankings-cli' });

const connect = async () => {
  const tables = { programme: programmeTable.localTableName, events: eventsTable.localTableName };
  // Claimed, not just checked: an npm start launched while this one starts its JVM is refused.
  const claim = claimCheckout('rankings');
  if (!claim.claimed) {
    const refusal = checkoutRefusal(claim.running, 'rankings');
    if (refusal !== undefined) {
      console.error(refusal);
      process.exit(1);
    }
    console.error(`Using the DynamoDB Local of the running npm start (${claim.running.dynamodbEndpoint}).`);
    const client = new DynamoDBClient({
      endpoint: claim.running.dynamodbEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    return { client, tables, stop: async () => client.destroy() };
  }
  // From here the record is this process's: every way out removes it.
  process.once('exit', () => clearRunning());
  if (!existsSync(dynamoDbDataDirectory)) {
    console.error('No local data yet: run `npm start` once (it creates the tables and the demo data).');
    process.exit(1);
  }
  const orphan = await stopOrphanedDynamoDbLocal(claim.stale, dynamoDbDataDirectory);
  if (orphan !== undefined)
    console.error(`Stopped DynamoDB Local (process ${orphan}) left running by a command that was killed.`);
  // Ctrl-C (or kill) stops the JVM too: on a signal Node exits without running 'exit' handlers, and
  // the JVM would outlive it. Stopping it ends the run at its next call (said as an interruption, with
  // the command that resumes it); a JVM still starting is killed by process.exit's own handler.
  let local: Awaited<ReturnType<typeof startDynamoDbLocal>> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      const code = 128 + osConstants.signals[signal];
      interrupted = signal;
      logger.setLogLevel('SILENT');
      if (local === undefined) process.exit(code);
      void local.stop().then(() => setTimeout(() => process.exit(code), 10_000));
    });
  }
  console.error('Starting DynamoDB Local on the local data…');
  local = await startDynamoDbLocal({ dataDirectory: dynamoDbDataDirectory });
  // Its JVM recorded, so that the next npm start (or rankings) stops it if this process is killed -9.
  recordRunning({
    pid: process.pid,
    kind: 'rankings',
    ...(local.pid === undefined ? {} : { dynamodbPid: local.pid }),
  });
  return { client: local.client, tables: local.tables, stop: local.stop };
};

let connection: Awaited<ReturnType<typeof connect>>;
try {
  connection = await connect();
} catch (error) {
  const cause = (error as Error).cause;
  console.error(cause instanceof JavaMissingError ? cause.message : (error as Error).message);
  process.exit(1);
}

const ports = createDynamoDbPorts(createDocumentClient(connection.client), connection.tables);
const bar = createProgressBar();
const continuations: { year: number; runId: string }[] = [];
/** The run holds the cycle's lease (the worker reports progress only then): it can be resumed. */
let runHeld = false;
const worker = createRankingWorker({
  runner: createRankingRunner({ ...ports, ids: systemIds }),
  // Where Lambda would start a fresh invocation, the CLI runs the worker again in this process.
  launcher: { launch: async (request) => void continuations.push(request) },
  logger,
  onProgress: (progress) => {
    runHeld = true;
    if (quiet) return;
    const shown = progressShown(progress);
    if (shown) bar.update(shown.phase, shown.done, shown.total, shown.unit);
  },
});

/** Lambda's longest invocation: what the worker plans its checkpoints against. */
const invocationBudgetMs = 15 * 60 * 1000;
const invoke = (event: { year: number; runId: string }) => {
  const deadline = Date.now() + invocationBudgetMs;
  return worker(event, {
    awsRequestId: `cli-${process.pid}`,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  });
};

const describeReport = (report: RankingRunRecord['report'], outcome: string): string => {
  if (!report) return '';
  const changes = report.changes;
  return [
    `  ranked       ${report.rankedAgencies} agencies (${report.previousYearAgencies} in ${year - 1} for improvement)`,
    `  rankings     ${report.rankings.length} (scope × measure)`,
    `  items        ${report.itemsRead} read, ${report.itemsWritten} written (ranking pages and each agency's positions)`,
    `  inputs       sha256 ${report.inputsSha256}`,
    outcome === 'unchanged'
      ? `  unchanged    identical to the published run ${changes.previousRunId}: it stays published, nothing sent`
      : changes.previousRunId
        ? `  changes      ${changes.moved} moved, ${changes.enteredCount} entered, ${changes.leftCount} left since run ${changes.previousRunId}`
        : '  changes      first published ranking of the cycle',
  ].join('\n');
};

let exitCode = 0;
let runId: string | undefined;
try {
  // A run to resume must exist: the worker would otherwise start a new run under the id given.
  if (resume !== undefined && !(await ports.rankings.run(year, resume))) {
    throw new Error(`No ranking run ${resume} of ${year} (GET /v1/cycles/${year}/rankings/runs lists them).`);
  }
  runId = resume ?? systemIds.next('run');
  let result = await invoke({ year, runId });
  for (let next = continuations.shift(); next; next = continuations.shift()) result = await invoke(next);
  // The run done: an orphaned run holding the cycle is taken up instead of this one.
  runId = result.runId;
  if (result.outcome === 'busy') {
    bar.done(busyMessage(year, result.holder), { timed: false });
    exitCode = 1;
  } else if (result.outcome === 'nothing-to-rank') {
    bar.done(nothingToRankMessage(year), { timed: false });
    exitCode = 1;
  } else {
    bar.done(`Ranking run ${runId} of ${year}: ${result.outcome}`);
    console.log(describeReport(result.report as RankingRunRecord['report'], result.outcome));
    console.log(
      `\nRead it: GET /v1/cycles/${year}/rankings (public from the cycle’s publication time), or as an admin\n` +
        `GET /v1/cycles/${year}/rankings/runs/${runId} and …/runs/${runId}/entries.`,
    );
  }
} catch (error) {
  if (interrupted !== undefined && !runHeld) {
    bar.done(`Ranking run of ${year} interrupted (${interrupted}) before it started: run this again.`, {
      timed: false,
    });
  } else if (interrupted !== undefined && runId !== undefined) {
    // Its lease still held: the next run of the cycle would be told it is busy, and how to resume.
    bar.done(
      `Ranking run ${runId} of ${year} interrupted (${interrupted}); resume it from its last checkpoint: ` +
        `npm run rankings -- --year ${year} --run-id ${runId}`,
      { timed: false },
    );
  } else {
    bar.done(`Ranking run of ${year} failed: ${(error as Error).message}`);
  }
  exitCode = interrupted === undefined ? 1 : 128 + osConstants.signals[interrupted];
} finally {
  await connection.stop();
}
process.exit(exitCode);
