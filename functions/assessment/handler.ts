import { requireEventsTable } from '#shared/config.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import {
  assessmentWrites,
  createAssessmentStore,
  createAssessorStore,
  createAssignmentStore,
} from '#shared/dynamodb/assessment-store.ts';
import { createAuditTrailStore } from '#shared/dynamodb/audit-store.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createSelfAssessmentStore } from '#shared/dynamodb/self-assessment-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { readCsvBody } from '#shared/http/csv-body.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { idempotencyGuardFor } from '#shared/wiring/idempotency.ts';
import { createAssessmentHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores, the CSV reader (assignments) and the idempotency guard.
const base = apiFunctionBase();
const { config, documents, programme } = base;

export const handler = createAssessmentHandler({
  agencies: createAgencyStore(documents, programme),
  cycles: createCycleStore(documents, programme),
  selfAssessments: createSelfAssessmentStore(documents, programme),
  assessors: createAssessorStore(documents, programme),
  assignments: createAssignmentStore(documents, programme),
  assessments: createAssessmentStore(documents, programme),
  audits: createAuditTrailStore(documents, programme),
  writes: createWritePath(documents, { programme, events: requireEventsTable(config) }, assessmentWrites),
  http: {
    ...base.http,
    csv: readCsvBody,
    idempotency: idempotencyGuardFor(base),
  },
});
