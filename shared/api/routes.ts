import {
  AgencyIdParamsSchema,
  AgencyImportSchema,
  AgencyListQuerySchema,
  AgencyPageSchema,
  AgencySchema,
  AgencyWriteSchema,
  ImportReportSchema,
  PublicAgencySchema,
} from '../schemas/agency.ts';
import { HealthSchema, MeSchema, ProblemSchema } from '../schemas/common.ts';
import { CycleCreateSchema, CycleListSchema, CycleSchema, YearParamsSchema } from '../schemas/cycle.ts';
import { FrameworkParamsSchema, FrameworkSchema } from '../schemas/framework.ts';
import {
  MachineClientParamsSchema,
  MachineClientSchema,
  MachineClientWriteSchema,
} from '../schemas/machine-client.ts';
import {
  AuditPageSchema,
  AuditQuerySchema,
  BulkAnswersWriteSchema,
  IndicatorAnswerWriteSchema,
  IndicatorParamsSchema,
  SelfAssessmentParamsSchema,
  SelfAssessmentSchema,
  SubmissionReceiptSchema,
} from '../schemas/self-assessment.ts';
import { scope } from './access.ts';
import { defineRoute, type RouteSpec, routeKeyOf } from './route-spec.ts';

/**
 * The one route table. The CDK stack creates an API Gateway route per entry (with the JWT
 * authorizer and scopes for non-public ones) pointing at the entry's capability function; the local
 * runtime matches requests against it; each capability handler dispatches on its route keys; the
 * OpenAPI document is generated from it. Adding a route is adding an entry here and its
 * implementation in `functions/<capability>/`.
 */

const problem = (description: string) => ({ description, schema: ProblemSchema });

export const commonErrorResponses = {
  400: problem('Invalid request: `errors[]` names each invalid field'),
  401: problem('Missing, expired or invalid token'),
  403: problem('The token’s role or scopes do not allow this route'),
  404: problem('Not found, or not visible to this caller'),
  500: problem('Unexpected error; `requestId` identifies it in the logs'),
  409: problem('Conflicts with the current state (window closed, already submitted, duplicate in flight)'),
  412: problem('If-Match does not match the current ETag: re-read and retry'),
  415: problem('Unsupported Content-Type'),
  422: problem('Idempotency-Key reused with a different request'),
  428: problem('If-Match is required on this write'),
} as const;

const errors = <const S extends readonly (keyof typeof commonErrorResponses)[]>(...statuses: S) =>
  Object.fromEntries(statuses.map((status) => [status, commonErrorResponses[status]])) as {
    [K in S[number]]: (typeof commonErrorResponses)[K];
  };

const adminOnly = { kind: 'jwt', roles: ['admin'], scopes: [scope('admin')] } as const;
const anyCaller = { kind: 'jwt', roles: ['admin', 'assessor', 'agency'], scopes: [] } as const;
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
const etag = ['ETag'] as const;

export const routes = {
  getHealth: defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    capability: 'public',
    access: { kind: 'public' },
    summary: 'Liveness and readiness: checks that every table answers',
    tags: ['Public'],
    responses: {
      200: { description: 'Healthy', schema: HealthSchema },
      503: problem('A table does not answer'),
    },
  }),
  getOpenApi: defineRoute({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    capability: 'public',
    access: { kind: 'public' },
    summary: 'This API’s OpenAPI 3.1 document — the contract',
    tags: ['Public'],
    responses: { 200: { description: 'OpenAPI document' } },
  }),
  getMe: defineRoute({
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    capability: 'public',
    access: { kind: 'jwt', roles: ['admin', 'assessor', 'agency'], scopes: [] },
    summary: 'The caller’s role, agency and scopes as the API understands them',
    description: 'What a portal integrator checks first: any valid token may call it.',
    tags: ['Identity'],
    responses: { 200: { description: 'The caller', schema: MeSchema }, 401: commonErrorResponses[401] },
  }),
  getFramework: defineRoute({
    operationId: 'getFramework',
    method: 'GET',
    path: '/v1/frameworks/{frameworkId}',
    capability: 'public',
    access: { kind: 'public' },
    summary: 'An SPBE framework version: domains, aspects, 47 indicators, weights, levels, predicate bands',
    tags: ['Public'],
    params: FrameworkParamsSchema,
    responses: { 200: { description: 'The framework', schema: FrameworkSchema }, ...errors(400, 404) },
  }),

  // Agency registry (admin; one public read)
  putAgency: defineRoute({
    operationId: 'putAgency',
    method: 'PUT',
    path: '/v1/agencies/{agencyId}',
    capability: 'registry',
    access: adminOnly,
    summary: 'Create an agency, or update it (If-Match required for an update)',
    tags: ['Agency registry'],
    params: AgencyIdParamsSchema,
    body: AgencyWriteSchema,
    responses: {
      200: { description: 'Updated', schema: AgencySchema, headers: etag },
      201: { description: 'Created', schema: AgencySchema, headers: [...etag, 'Location'] },
      ...errors(400, 401, 403, 412, 415, 428),
    },
  }),
  importAgencies: defineRoute({
    operationId: 'importAgencies',
    method: 'POST',
    path: '/v1/agencies/import',
    capability: 'registry',
    access: adminOnly,
    summary: 'Import the national roster (JSON or CSV): every row validated, all or nothing',
    description:
      'Creates new agencies and updates changed ones; unchanged rows are not rewritten. Validation is all or nothing: if any row is invalid nothing is written and the problem lists every bad row. Writes go in transactions of 50 agencies (DynamoDB allows 100 actions, each agency also writes its audit record); if an agency is edited concurrently mid-import the answer is 409 with the count written, and sending the same roster again completes it. Honours Idempotency-Key.',
    tags: ['Agency registry'],
    body: AgencyImportSchema,
    bodyContentTypes: ['application/json', 'text/csv'],
    csvRowsField: 'agencies',
    maxBodyBytes: 2 * 1024 * 1024,
    idempotent: true,
    responses: {
      200: { description: 'Import report', schema: ImportReportSchema },
      ...errors(400, 401, 403, 409, 415, 422),
    },
  }),
  listAgencies: defineRoute({
    operationId: 'listAgencies',
    method: 'GET',
    path: '/v1/agencies',
    capability: 'registry',
    access: adminOnly,
    summary: 'List agencies, optionally of one group, in id order with cursor pagination',
    tags: ['Agency registry'],
    query: AgencyListQuerySchema,
    responses: {
      200: { description: 'A page of agencies', schema: AgencyPageSchema },
      ...errors(400, 401, 403),
    },
  }),
  getAgency: defineRoute({
    operationId: 'getAgency',
    method: 'GET',
    path: '/v1/agencies/{agencyId}',
    capability: 'registry',
    access: { kind: 'public' },
    summary: 'Public profile of an agency: name and group',
    tags: ['Public'],
    params: AgencyIdParamsSchema,
    responses: { 200: { description: 'The agency', schema: PublicAgencySchema }, ...errors(400, 404) },
  }),
  getAgencyAudit: defineRoute({
    operationId: 'getAgencyAudit',
    method: 'GET',
    path: '/v1/agencies/{agencyId}/audit',
    capability: 'registry',
    access: adminOnly,
    summary: 'Audit trail of an agency’s registry record',
    tags: ['Audit'],
    params: AgencyIdParamsSchema,
    query: AuditQuerySchema,
    responses: {
      200: { description: 'Newest first', schema: AuditPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),

  // Machine clients (OAuth2 client credentials of agency portals and ministry systems)
  putMachineClient: defineRoute({
    operationId: 'putMachineClient',
    method: 'PUT',
    path: '/v1/machine-clients/{clientId}',
    capability: 'registry',
    access: adminOnly,
    summary: 'Bind a client-credentials client to a role and agency (If-Match required to change it)',
    description:
      'Tokens the client obtains afterwards carry `custom:role` and `custom:agency_id` (Cognito pre-token-generation trigger); its scopes still limit what it may call.',
    tags: ['Agency registry'],
    params: MachineClientParamsSchema,
    body: MachineClientWriteSchema,
    responses: {
      200: { description: 'Updated', schema: MachineClientSchema, headers: etag },
      201: { description: 'Registered', schema: MachineClientSchema, headers: [...etag, 'Location'] },
      ...errors(400, 401, 403, 412, 415, 428),
    },
  }),
  getMachineClient: defineRoute({
    operationId: 'getMachineClient',
    method: 'GET',
    path: '/v1/machine-clients/{clientId}',
    capability: 'registry',
    access: adminOnly,
    summary: 'A machine client’s registration',
    tags: ['Agency registry'],
    params: MachineClientParamsSchema,
    responses: {
      200: { description: 'The registration', schema: MachineClientSchema, headers: etag },
      ...errors(400, 401, 403, 404),
    },
  }),

  // Cycles
  createCycle: defineRoute({
    operationId: 'createCycle',
    method: 'POST',
    path: '/v1/cycles',
    capability: 'registry',
    access: adminOnly,
    summary: 'Open the evaluation cycle of a year',
    tags: ['Cycles'],
    body: CycleCreateSchema,
    idempotent: true,
    responses: {
      201: { description: 'Created', schema: CycleSchema, headers: [...etag, 'Location'] },
      ...errors(400, 401, 403, 409, 415, 422),
    },
  }),
  listCycles: defineRoute({
    operationId: 'listCycles',
    method: 'GET',
    path: '/v1/cycles',
    capability: 'registry',
    access: anyCaller,
    summary: 'All cycles, newest first, with their current phase',
    tags: ['Cycles'],
    responses: { 200: { description: 'Cycles', schema: CycleListSchema }, ...errors(401, 403) },
  }),
  getCycle: defineRoute({
    operationId: 'getCycle',
    method: 'GET',
    path: '/v1/cycles/{year}',
    capability: 'registry',
    access: anyCaller,
    summary: 'A cycle: framework, type, windows, predicate basis, award rules and current phase',
    tags: ['Cycles'],
    params: YearParamsSchema,
    responses: {
      200: { description: 'The cycle', schema: CycleSchema, headers: etag },
      ...errors(400, 401, 403, 404),
    },
  }),
  getAgencyCycleAudit: defineRoute({
    operationId: 'getAgencyCycleAudit',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/audit',
    capability: 'registry',
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

  // Self-assessment (penilaian mandiri)
  getSelfAssessment: defineRoute({
    operationId: 'getSelfAssessment',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/self-assessment',
    capability: 'submissions',
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
    capability: 'submissions',
    access: selfAssessmentWriters,
    summary: 'Save many answers at once (indicators not listed stay as they are)',
    description:
      'All listed answers are saved in one transaction or none is. A save that changes nothing returns the current state and keeps its version (ETag).',
    tags: ['Self-assessment'],
    params: SelfAssessmentParamsSchema,
    body: BulkAnswersWriteSchema,
    maxBodyBytes: 1024 * 1024,
    requiresIfMatch: true,
    responses: {
      200: { description: 'Saved', schema: SelfAssessmentSchema, headers: etag },
      ...errors(400, 401, 403, 404, 409, 412, 415, 428),
    },
  }),
  saveIndicatorAnswer: defineRoute({
    operationId: 'saveIndicatorAnswer',
    method: 'PUT',
    path: '/v1/cycles/{year}/agencies/{agencyId}/self-assessment/indicators/{no}',
    capability: 'submissions',
    access: selfAssessmentWriters,
    summary: 'Save one indicator’s answer: level, penjelasan and evidence',
    tags: ['Self-assessment'],
    params: IndicatorParamsSchema,
    body: IndicatorAnswerWriteSchema,
    requiresIfMatch: true,
    responses: {
      200: { description: 'Saved', schema: SelfAssessmentSchema, headers: etag },
      ...errors(400, 401, 403, 404, 409, 412, 415, 428),
    },
  }),
  submitSelfAssessment: defineRoute({
    operationId: 'submitSelfAssessment',
    method: 'POST',
    path: '/v1/cycles/{year}/agencies/{agencyId}/self-assessment/submit',
    capability: 'submissions',
    access: selfAssessmentWriters,
    summary: 'Submit: freezes the answers once all 47 are answered and the window is open',
    description:
      'If-Match is optional here; when sent it must match. Honours Idempotency-Key. Answers with a receipt: the self-assessment without its answers (Location points at the full representation).',
    tags: ['Self-assessment'],
    params: SelfAssessmentParamsSchema,
    idempotent: true,
    responses: {
      200: { description: 'Submitted', schema: SubmissionReceiptSchema, headers: [...etag, 'Location'] },
      ...errors(400, 401, 403, 404, 409, 412, 422),
    },
  }),
} as const satisfies Record<string, RouteSpec>;

export type OperationId = keyof typeof routes;

export const routeList: readonly RouteSpec[] = Object.values(routes);

export const routesByKey: ReadonlyMap<string, RouteSpec> = new Map(routeList.map((r) => [routeKeyOf(r), r]));
