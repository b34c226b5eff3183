import { requireEventsTable } from '#shared/config.ts';
import { agencyWrites } from '#shared/dynamodb/agency-store.ts';
import { cycleWrites } from '#shared/dynamodb/cycle-store.ts';
import { createSelfAssessmentStore, selfAssessmentWrites } from '#shared/dynamodb/self-assessment-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { idempotencyGuardFor } from '#shared/wiring/idempotency.ts';
import { createSubmissionsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores and the idempotency guard (submission).
const base = apiFunctionBase();
const { config, documents, programme } = base;

export const handler = createSubmissionsHandler({
  selfAssessments: createSelfAssessmentStore(documents, programme),
  writes: createWritePath(
    documents,
    { programme, events: requireEventsTable(config) },
    {
      ...selfAssessmentWrites,
      ...cycleWrites,
      ...agencyWrites,
    },
  ),
  ids: systemIds,
  http: {
    ...base.http,
    idempotency: idempotencyGuardFor(base),
  },
});
