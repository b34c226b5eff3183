import { createLambdaRunLauncher } from '#shared/aws/lambda-launcher.ts';
import { loadConfig, requireEventsTable } from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { instrumented } from '#shared/observability/lambda.ts';
import { createLogger, createMetrics } from '#shared/observability/powertools.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { createRankingRunner } from '#shared/services/rankings/run.ts';
import { withRunMetrics } from './run-metrics.ts';
import { createRankingWorker } from './worker.ts';

/** The ranking run's Lambda entry (EventBridge Scheduler, the rankings API, itself): see worker.ts. */

const config = loadConfig();
const ports = createDynamoDbPorts(createDocumentClient(), {
  programme: config.programmeTableName,
  events: requireEventsTable(config),
});
const logger = createLogger();
const metrics = createMetrics();

const worker = createRankingWorker({
  runner: createRankingRunner({ ...ports, ids: systemIds }),
  // The worker continues itself through the same asynchronous invocation the API uses.
  launcher: createLambdaRunLauncher(
    config.rankingRunFunctionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'ranking-run',
  ),
  logger,
});

export const handler = instrumented(withRunMetrics(worker, metrics), { logger, metrics });
