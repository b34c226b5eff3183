import { AuditPageSchema, AuditQuerySchema } from '#shared/api/common/schemas.ts';
import { adminOnly, anyCaller, errors, etag } from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec } from '#shared/api/route-spec.ts';
import { SelfAssessmentParamsSchema } from '#shared/api/self-assessment/schemas.ts';
import {
  CycleCreateSchema,
  CycleListSchema,
  CycleSchema,
  CycleWindowsSchema,
  YearParamsSchema,
} from './schemas.ts';

/** Evaluation cycles and the audit trail of an agency within one. */
export const cycleRoutes = {
  createCycle: defineRoute({
    operationId: 'createCycle',
    method: 'POST',
    path: '/v1/cycles',
    lambda: 'registry',
    access: adminOnly,
    summary: 'Open the evaluation cycle of a year',
    tags: ['Cycles'],
    body: CycleCreateSchema,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      201: { description: 'Created', schema: CycleSchema, headers: [...etag, 'Location'] },
      ...errors(400, 401, 403, 409, 415, 422),
    },
  }),
  listCycles: defineRoute({
    operationId: 'listCycles',
    method: 'GET',
    path: '/v1/cycles',
    lambda: 'registry',
    access: anyCaller,
    summary: 'All cycles, newest first, with their current phase',
    tags: ['Cycles'],
    responses: { 200: { description: 'Cycles', schema: CycleListSchema }, ...errors(401, 403) },
  }),
  getCycle: defineRoute({
    operationId: 'getCycle',
    method: 'GET',
    path: '/v1/cycles/{year}',
    lambda: 'registry',
    access: anyCaller,
    summary: 'A cycle: framework, type, windows, predicate basis, award rules and current phase',
    tags: ['Cycles'],
    params: YearParamsSchema,
    responses: {
      200: { description: 'The cycle', schema: CycleSchema, headers: etag },
      ...errors(400, 401, 403, 404),
    },
  }),
  putCycleWindows: defineRoute({
    operationId: 'putCycleWindows',
    method: 'PUT',
    path: '/v1/cycles/{year}/windows',
    lambda: 'registry',
    access: adminOnly,
    summary: 'Reschedule a cycle: extend a deadline, open the appeals, move the publication',
    description:
      'Replaces the windows (If-Match: the cycle’s ETag), checked like a new cycle’s: in order, fitting the cycle type, within the cycle’s years. Audited with before and after. A publication time that has passed may still be corrected until the cycle’s ranking or awards are published; from then on moving it answers 409 (it would hide what the public has read). The visit window cannot be removed once it has opened (409 at /body/visitAssessment: its scores would stop counting toward the final index), nor moved to open later, which would make it removable (409 at /body/visitAssessment/opensAt); it can close early.',
    tags: ['Cycles'],
    params: YearParamsSchema,
    body: CycleWindowsSchema,
    requiresIfMatch: true,
    responses: {
      200: { description: 'Rescheduled', schema: CycleSchema, headers: etag },
      ...errors(400, 401, 403, 404, 409, 412, 415, 428),
    },
  }),
  getCycleAudit: defineRoute({
    operationId: 'getCycleAudit',
    method: 'GET',
    path: '/v1/cycles/{year}/audit',
    lambda: 'registry',
    access: adminOnly,
    summary:
      'Audit trail of a cycle itself: opened, rescheduled, ranking runs, award decisions and publications',
    description:
      'Newest first, with who, when, on which route and the fields before and after. What concerns one agency (its answers, scores, reviews, result, appeals) is in that agency’s trail, `…/agencies/{agencyId}/audit`.',
    tags: ['Audit'],
    params: YearParamsSchema,
    query: AuditQuerySchema,
    responses: {
      200: { description: 'Newest first', schema: AuditPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  getAgencyCycleAudit: defineRoute({
    operationId: 'getAgencyCycleAudit',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/audit',
    lambda: 'registry',
    access: adminOnly,
    summary: 'Audit trail of an agency in a cycle: every answer saved, every submission',
    tags: ['Audit'],
    params: SelfAssessmentParamsSchema,
    query: AuditQuerySchema,
    responses: {
      200: { description: 'Newest first', schema: AuditPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
} as const satisfies Record<string, RouteSpec>;
