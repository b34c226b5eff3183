import { scope } from '#shared/api/access.ts';
import { AssessmentParamsSchema } from '#shared/api/assessment/schemas.ts';
import { AuditPageSchema, AuditQuerySchema } from '#shared/api/common/schemas.ts';
import { YearParamsSchema } from '#shared/api/cycles/schemas.ts';
import { adminOnly, errors, etag } from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec } from '#shared/api/route-spec.ts';
import {
  AssessmentSchema,
  AssessorParamsSchema,
  AssessorSchema,
  AssessorWriteSchema,
  AssignmentListQuerySchema,
  AssignmentPageSchema,
  AssignmentReportSchema,
  AssignmentSchema,
  AssignmentsWriteSchema,
  BulkScoresWriteSchema,
  MyAssignmentPageSchema,
  MyAssignmentsQuerySchema,
  PanelMemberParamsSchema,
  RecusalWriteSchema,
  RemovalWriteSchema,
  RemovedAssignmentSchema,
  ReviewsWriteSchema,
  ScoreWriteSchema,
  StageIndicatorParamsSchema,
  StageParamsSchema,
  StageScoreSchema,
  StageScoreVersionsSchema,
} from './schemas.ts';

const assessorsOnly = { kind: 'jwt', roles: ['assessor'], scopes: [scope('assessment.write')] } as const;
const assessorsAndAdmins = {
  kind: 'jwt',
  roles: ['assessor', 'admin'],
  scopes: [scope('assessment.write'), scope('admin')],
} as const;

/** External assessment: assessors, assignments, staged scoring and the review. */
export const assessmentRoutes = {
  putAssessor: defineRoute({
    operationId: 'putAssessor',
    method: 'PUT',
    path: '/v1/assessors/{subject}',
    lambda: 'assessment',
    access: adminOnly,
    summary: 'Register an external assessor (asesor eksternal) or update their profile',
    description:
      'Affiliations drive the conflict-of-interest checks of every assignment. Create without If-Match; update with the ETag. An added affiliation that conflicts with one of the assessor’s assignments still in progress (its cycle not yet published) answers 409 naming it: the assignment must end first, by the assessor’s recusal (`POST …/recusal`) or the review team’s removal (`POST /v1/cycles/{year}/agencies/{agencyId}/assessors/{subject}/removal`).',
    tags: ['Assessment'],
    params: AssessorParamsSchema,
    body: AssessorWriteSchema,
    optionalIfMatch: true,
    responses: {
      200: { description: 'Updated', schema: AssessorSchema, headers: etag },
      201: { description: 'Registered', schema: AssessorSchema, headers: [...etag, 'Location'] },
      ...errors(400, 401, 403, 409, 412, 415, 428),
    },
  }),
  getAssessor: defineRoute({
    operationId: 'getAssessor',
    method: 'GET',
    path: '/v1/assessors/{subject}',
    lambda: 'assessment',
    access: adminOnly,
    summary: 'An assessor’s profile',
    tags: ['Assessment'],
    params: AssessorParamsSchema,
    responses: {
      200: { description: 'The assessor', schema: AssessorSchema, headers: etag },
      ...errors(400, 401, 403, 404),
    },
  }),
  getAssessorAudit: defineRoute({
    operationId: 'getAssessorAudit',
    method: 'GET',
    path: '/v1/assessors/{subject}/audit',
    lambda: 'assessment',
    access: adminOnly,
    summary: 'An assessor’s profile trail: registered, affiliations and load cap changed',
    description:
      'Newest first, with who, when, on which route and the fields before and after. Assignments and recusals are in each agency’s cycle trail, `/v1/cycles/{year}/agencies/{agencyId}/audit`.',
    tags: ['Audit'],
    params: AssessorParamsSchema,
    query: AuditQuerySchema,
    responses: {
      200: { description: 'Newest first', schema: AuditPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  createAssignments: defineRoute({
    operationId: 'createAssignments',
    method: 'POST',
    path: '/v1/cycles/{year}/assignments',
    lambda: 'assessment',
    access: adminOnly,
    summary: 'Assign panels of assessors to agencies for the cycle (JSON or CSV), all or nothing',
    description:
      'Every row is validated first — registered, active agency; registered assessor; no conflict of interest (the assessor is affiliated with the agency, with its province, or with one of a province’s kabupaten/kota: 409 naming the rule); no final result of the agency in the cycle yet (imported or finalized: nothing left to assess, 409 `has-result`); the cycle’s per-assessor load cap — and nothing is written if any row fails. Rows already assigned are left alone.',
    tags: ['Assessment'],
    params: YearParamsSchema,
    body: AssignmentsWriteSchema,
    bodyContentTypes: ['application/json', 'text/csv'],
    csvRowsField: 'assignments',
    maxBodyBytes: 1024 * 1024,
    idempotent: true,
    responses: {
      200: { description: 'Assignment report', schema: AssignmentReportSchema },
      ...errors(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  listAssignments: defineRoute({
    operationId: 'listAssignments',
    method: 'GET',
    path: '/v1/cycles/{year}/assignments',
    lambda: 'assessment',
    access: adminOnly,
    summary: 'A cycle’s assignments: all, one agency’s or one assessor’s; cursor pagination',
    tags: ['Assessment'],
    params: YearParamsSchema,
    query: AssignmentListQuerySchema,
    responses: {
      200: { description: 'A page of assignments', schema: AssignmentPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  listMyAssignments: defineRoute({
    operationId: 'listMyAssignments',
    method: 'GET',
    path: '/v1/assessors/me/assignments',
    lambda: 'assessment',
    access: assessorsOnly,
    summary: 'The calling assessor’s assignments (optionally of one year), newest cycle first',
    description:
      'Each with the agency’s name and where its self-assessment stands (`selfAssessmentStatus`: scoring waits for `submitted`).',
    tags: ['Assessment'],
    query: MyAssignmentsQuerySchema,
    responses: {
      200: { description: 'A page of assignments', schema: MyAssignmentPageSchema },
      ...errors(400, 401, 403),
    },
  }),
  recuse: defineRoute({
    operationId: 'recuse',
    method: 'POST',
    path: '/v1/cycles/{year}/agencies/{agencyId}/recusal',
    lambda: 'assessment',
    access: assessorsOnly,
    summary: 'Recuse yourself from assessing an agency, with a reason (audited)',
    description:
      'The panel must keep at least one active assessor (409 otherwise: the review team may remove the last one, `POST …/assessors/{subject}/removal`). Scores you recorded stay as recorded and count like any other; the review team marks any it doubts not valid, and an active member corrects them with a reason. A recused assessor cannot be assigned to the agency again in the cycle.',
    tags: ['Assessment'],
    params: AssessmentParamsSchema,
    body: RecusalWriteSchema,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      200: { description: 'Recused', schema: AssignmentSchema },
      ...errors(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  removeFromPanel: defineRoute({
    operationId: 'removeFromPanel',
    method: 'POST',
    path: '/v1/cycles/{year}/agencies/{agencyId}/assessors/{subject}/removal',
    lambda: 'assessment',
    access: adminOnly,
    summary: 'Take an assessor off an agency’s panel, with a reason (audited)',
    description:
      'The review team ends one assessor’s assignment — a conflict of interest found after assigning, an assessor who left — where a recusal is the assessor’s own. The assignment stays, `removed` with `removedAt`, `removedBy` and `removalReason`, in the panel and the agency’s trail. Unlike a recusal, the only active member may be removed: `activeAssessors` is then empty and the agency has no active assessor until one is assigned (`POST /v1/cycles/{year}/assignments`). The removed assessor can no longer see or score the agency (404, as any assessor off its panel). Scores they recorded stay as recorded and count like any other, as a recused assessor’s do: the review team marks any it doubts not valid, and an active member corrects them with a reason. They may be assigned to the agency again later (checked as a new assignment: conflicts of interest, load cap), unlike a recused assessor. 404 when the assessor has no assignment to the agency in the cycle; 409 when it has ended already (recused or removed: the answer says which, when and why), also when it ends meanwhile.',
    tags: ['Assessment'],
    params: PanelMemberParamsSchema,
    body: RemovalWriteSchema,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      200: {
        description: 'Removed: the ended assignment and the panel’s active members',
        schema: RemovedAssignmentSchema,
      },
      ...errors(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  getAssessment: defineRoute({
    operationId: 'getAssessment',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/assessment',
    lambda: 'assessment',
    access: assessorsAndAdmins,
    summary: 'An agency’s assessment: submitted answers and evidence, the panel, scores per stage, reviews',
    description:
      'Assessors see only agencies assigned to them (404 otherwise), and the agency’s answers and evidence once its self-assessment is submitted (`selfAssessmentStatus`); admins see a draft’s too.',
    tags: ['Assessment'],
    params: AssessmentParamsSchema,
    responses: {
      200: { description: 'The assessment', schema: AssessmentSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  saveStageScores: defineRoute({
    operationId: 'saveStageScores',
    method: 'PUT',
    path: '/v1/cycles/{year}/agencies/{agencyId}/assessments/{stage}',
    lambda: 'assessment',
    access: assessorsOnly,
    summary: 'Record many scores of a stage at once (each with the version it was read at)',
    description:
      'All or none, during the stage’s window, by a member of the agency’s panel. Scores are append-only: a new score of an indicator already scored at this stage is a correction and needs `reason`; the original stays readable. Each score carries `expectedVersion` (the per-score If-Match): a stale one answers 412, unless the score already stands as sent (a retry after a lost response), which is left as it is.',
    tags: ['Assessment'],
    params: StageParamsSchema,
    body: BulkScoresWriteSchema,
    responses: {
      200: { description: 'Saved: the assessment', schema: AssessmentSchema },
      ...errors(400, 401, 403, 404, 409, 412, 415),
    },
  }),
  saveStageScore: defineRoute({
    operationId: 'saveStageScore',
    method: 'PUT',
    path: '/v1/cycles/{year}/agencies/{agencyId}/assessments/{stage}/indicators/{no}',
    lambda: 'assessment',
    access: assessorsOnly,
    summary: 'Record one indicator’s score at a stage (If-Match: the version read, "0" for the first)',
    description:
      'A score that already stands as sent (a retry after a lost response) answers 200 with it, whatever If-Match; nothing is recorded.',
    tags: ['Assessment'],
    params: StageIndicatorParamsSchema,
    body: ScoreWriteSchema,
    requiresIfMatch: true,
    responses: {
      200: { description: 'The new score version', schema: StageScoreSchema, headers: etag },
      ...errors(400, 401, 403, 404, 409, 412, 415, 428),
    },
  }),
  listStageScoreVersions: defineRoute({
    operationId: 'listStageScoreVersions',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/assessments/{stage}/indicators/{no}/versions',
    lambda: 'assessment',
    access: assessorsAndAdmins,
    summary: 'Every version of one indicator’s score at a stage, corrections included',
    tags: ['Assessment'],
    params: StageIndicatorParamsSchema,
    responses: {
      200: { description: 'Oldest first', schema: StageScoreVersionsSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  saveReviews: defineRoute({
    operationId: 'saveReviews',
    method: 'PUT',
    path: '/v1/cycles/{year}/agencies/{agencyId}/reviews',
    lambda: 'assessment',
    access: adminOnly,
    summary: 'Review: mark indicators’ standing scores valid or not valid, with a reason',
    description:
      'Each review marks the score standing at the last stage right now; a newer score makes it stale. Only valid, current reviews count toward finalizing. Each carries `expectedVersion` of the review (0 for the first): a stale one answers 412, unless the review already stands as sent (a retry after a lost response), which is left as it is.',
    tags: ['Assessment'],
    params: AssessmentParamsSchema,
    body: ReviewsWriteSchema,
    responses: {
      200: { description: 'Saved: the assessment', schema: AssessmentSchema },
      ...errors(400, 401, 403, 404, 409, 412, 415),
    },
  }),
} as const satisfies Record<string, RouteSpec>;
