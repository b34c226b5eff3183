import { requireEventsTable } from '#shared/config.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import { awardWrites, createAwardStore } from '#shared/dynamodb/award-store.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createRankingStore } from '#shared/dynamodb/ranking-store.ts';
import { createResultStore } from '#shared/dynamodb/result-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { idempotencyGuardFor } from '#shared/wiring/idempotency.ts';
import { createAwardsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores and the idempotency guard (publish honours Idempotency-Key).
const base = apiFunctionBase();
const { config, documents, programme } = base;

export const handler = createAwardsHandler({
  agencies: createAgencyStore(documents, programme),
  cycles: createCycleStore(documents, programme),
  rankings: createRankingStore(documents, programme),
  results: createResultStore(documents, programme),
  awards: createAwardStore(documents, programme),
  writes: createWritePath(documents, { programme, events: requireEventsTable(config) }, awardWrites),
  ids: systemIds,
  http: {
    ...base.http,
    idempotency: idempotencyGuardFor(base),
  },
});
