import { scope } from '#shared/api/access.ts';
import { YearParamsSchema } from '#shared/api/cycles/schemas.ts';
import { adminOnly, errors, etag } from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec } from '#shared/api/route-spec.ts';
import {
  BulkAnswersWriteSchema,
  CycleSelfAssessmentsQuerySchema,
  IndicatorAnswerWriteSchema,
  IndicatorParamsSchema,
  SelfAssessmentParamsSchema,
  SelfAssessmentSchema,
  SelfAssessmentSummaryPageSchema,
  SubmissionReceiptSchema,
} from './schemas.ts';

const selfAssessmentReaders = {
  kind: 'jwt',
  roles: ['admin', 'agency'],
  scopes: [scope('admin'), scope('self-assessment.read'), scope('self-assessment.write')],
} as const;
const selfAssessmentWriters = {
  kind: 'jwt',
  roles: ['agency'],
  scopes: [scope('self-assessment.write')],
} as const;

/** The agency operator's self-assessment (penilaian mandiri). */
export const selfAssessmentRoutes = {
  listCycleSelfAssessments: defineRoute({
    operationId: 'listCycleSelfAssessments',
    method: 'GET',
    path: '/v1/cycles/{year}/self-assessments',
    lambda: 'submissions',
    access: adminOnly,
    summary:
      'Where every agency’s self-assessment stands: drafts and submissions, by agency; cursor pagination',
    description:
      'The review team’s overview before a deadline: each agency that has saved at least one answer, with its status, how many indicators it answered and when it last changed or was submitted. An agency with no entry has saved nothing yet (compare with `GET /v1/agencies`).',
    tags: ['Self-assessment'],
    params: YearParamsSchema,
    query: CycleSelfAssessmentsQuerySchema,
    responses: {
      200: { description: 'A page of self-assessments', schema: SelfAssessmentSummaryPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  getSelfAssessment: defineRoute({
    operationId: 'getSelfAssessment',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/self-assessment',
    lambda: 'submissions',
    access: selfAssessmentReaders,
    summary: 'The agency’s self-assessment with its provisional index and predicate',
    tags: ['Self-assessment'],
    params: SelfAssessmentParamsSchema,
    responses: {
      200: { description: 'The draft or submission', schema: SelfAssessmentSchema, headers: etag },
      ...errors(400, 401, 403, 404),
    },
  }),
  saveSelfAssessment: defineRoute({
    operationId: 'saveSelfAssessment',
    method: 'PUT',
    path: '/v1/cycles/{year}/agencies/{agencyId}/self-assessment',
    lambda: 'submissions',
    access: selfAssessmentWriters,
    summary: 'Save many answers at once (indicators not listed stay as they are)',
    description:
      'All listed answers are saved in one transaction or none is. Each listed answer is replaced whole: a penjelasan or evidence left out of it is cleared. A save that changes nothing returns the current state and keeps its version (ETag), even with a stale If-Match (a retry after a lost response: nothing can be lost); so does one that lost a race to a save of the same answers (a double click).',
    tags: ['Self-assessment'],
    params: SelfAssessmentParamsSchema,
    body: BulkAnswersWriteSchema,
    maxBodyBytes: 1024 * 1024,
    requiresIfMatch: true,
    responses: {
      200: { description: 'Saved', schema: SelfAssessmentSchema, headers: etag },
      ...errors(400, 401, 403, 404, 409, 415),
    },
  }),
  saveIndicatorAnswer: defineRoute({
    operationId: 'saveIndicatorAnswer',
    method: 'PUT',
    path: '/v1/cycles/{year}/agencies/{agencyId}/self-assessment/indicators/{no}',
    lambda: 'submissions',
    access: selfAssessmentWriters,
    summary: 'Save one indicator’s answer: level, penjelasan and evidence',
    description:
      'The answer is replaced whole: a penjelasan or evidence left out of the body is cleared, so send the ones to keep (read them first). A save that changes nothing returns the current state and keeps its version (ETag), even with a stale If-Match (a retry after a lost response: nothing can be lost); so does one that lost a race to a save of the same answers (a double click).',
    tags: ['Self-assessment'],
    params: IndicatorParamsSchema,
    body: IndicatorAnswerWriteSchema,
    requiresIfMatch: true,
    responses: {
      200: { description: 'Saved', schema: SelfAssessmentSchema, headers: etag },
      ...errors(400, 401, 403, 404, 409, 415),
    },
  }),
  submitSelfAssessment: defineRoute({
    operationId: 'submitSelfAssessment',
    method: 'POST',
    path: '/v1/cycles/{year}/agencies/{agencyId}/self-assessment/submit',
    lambda: 'submissions',
    access: selfAssessmentWriters,
    summary: 'Submit: freezes the answers once all 47 are answered and the window is open',
    description:
      'If-Match is optional here; when sent it must match. Answers with a receipt: the self-assessment without its answers (Location points at the full representation).',
    tags: ['Self-assessment'],
    params: SelfAssessmentParamsSchema,
    optionalIfMatch: true,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      200: { description: 'Submitted', schema: SubmissionReceiptSchema, headers: [...etag, 'Location'] },
      ...errors(400, 401, 403, 404, 409, 422),
    },
  }),
} as const satisfies Record<string, RouteSpec>;
