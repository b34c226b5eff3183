import { createLambdaRunLauncher } from '#shared/aws/lambda-launcher.ts';
import { loadConfig, requireEventsTable } from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createRankingStore, rankingWrites } from '#shared/dynamodb/ranking-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { instrumented } from '#shared/observability/lambda.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { createRankingRunner } from '#shared/services/rankings/run.ts';
import { withRunMetrics } from './run-metrics.ts';
import { createRankingWorker } from './worker.ts';

/** The ranking run's Lambda entry (EventBridge Scheduler, the rankings API, itself): see worker.ts. */

const config = loadConfig();
const documents = createDocumentClient();
const programme = config.programmeTableName;
const logger = createLogger();
const metrics = createMetrics();

const worker = createRankingWorker({
  // Only the stores the run uses: no other capability's code in this bundle.
  runner: createRankingRunner({
    cycles: createCycleStore(documents, programme),
    rankings: createRankingStore(documents, programme),
    writes: createWritePath(documents, { programme, events: requireEventsTable(config) }, rankingWrites),
    ids: systemIds,
  }),
  // The worker continues itself through the same asynchronous invocation the API uses.
  launcher: createLambdaRunLauncher(
    config.rankingRunFunctionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'ranking-run',
  ),
  logger,
});

export const handler = instrumented(withRunMetrics(worker, metrics), { logger, metrics });
