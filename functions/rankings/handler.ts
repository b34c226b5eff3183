import { createLambdaRunLauncher } from '#shared/aws/lambda-launcher.ts';
import { ConfigurationError, requireEventsTable } from '#shared/config.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createRankingStore, rankingWrites } from '#shared/dynamodb/ranking-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { idempotencyGuardFor } from '#shared/wiring/idempotency.ts';
import { createRankingsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores, the ranking run's launcher and the idempotency guard.
const base = apiFunctionBase();
const { config, documents, programme } = base;
if (!config.rankingRunFunctionName) {
  throw new ConfigurationError('Invalid function configuration — RANKING_RUN_FUNCTION_NAME: required');
}

export const handler = createRankingsHandler({
  agencies: createAgencyStore(documents, programme),
  cycles: createCycleStore(documents, programme),
  rankings: createRankingStore(documents, programme),
  writes: createWritePath(documents, { programme, events: requireEventsTable(config) }, rankingWrites),
  ids: systemIds,
  launcher: createLambdaRunLauncher(config.rankingRunFunctionName),
  http: {
    ...base.http,
    idempotency: idempotencyGuardFor(base),
  },
});
