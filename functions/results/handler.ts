import { requireEventsTable } from '#shared/config.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import { createAssessmentStore } from '#shared/dynamodb/assessment-store.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createResultStore, resultWrites } from '#shared/dynamodb/result-store.ts';
import { createSelfAssessmentStore } from '#shared/dynamodb/self-assessment-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { idempotencyGuardFor } from '#shared/wiring/idempotency.ts';
import { createResultsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores and the idempotency guard.
const base = apiFunctionBase();
const { config, documents, programme } = base;

export const handler = createResultsHandler({
  agencies: createAgencyStore(documents, programme),
  cycles: createCycleStore(documents, programme),
  selfAssessments: createSelfAssessmentStore(documents, programme),
  assessments: createAssessmentStore(documents, programme),
  results: createResultStore(documents, programme),
  writes: createWritePath(documents, { programme, events: requireEventsTable(config) }, resultWrites),
  ids: systemIds,
  serviceVersion: config.serviceVersion,
  http: {
    ...base.http,
    idempotency: idempotencyGuardFor(base),
  },
});
