import { scope } from '#shared/api/access.ts';
import { YearParamsSchema } from '#shared/api/cycles/schemas.ts';
import { adminOnly, errors } from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec } from '#shared/api/route-spec.ts';
import {
  AppealDecisionWriteSchema,
  AppealListSchema,
  AppealPageSchema,
  AppealParamsSchema,
  AppealSchema,
  AppealWriteSchema,
  CycleAppealsQuerySchema,
  CycleProgressSchema,
  CycleResultSummaryPageSchema,
  CycleResultsQuerySchema,
  ResultBundleSchema,
  ResultParamsSchema,
  ResultSchema,
  ResultsImportReportSchema,
  ResultsImportSchema,
  ResultVersionsSchema,
} from './schemas.ts';

const resultReaders = {
  kind: 'jwt',
  roles: ['admin', 'agency'],
  scopes: [scope('admin'), scope('self-assessment.read'), scope('self-assessment.write')],
} as const;
const agencyWriters = { kind: 'jwt', roles: ['agency'], scopes: [scope('self-assessment.write')] } as const;
const readerNote =
  'Agencies read their own from the opening of the cycle’s appeals window, so that an appeal contests a result the agency has read (404 before it, saying when); the public sees results in the rankings from the publication time; admins always.';

/** Final results (immutable, hash-chained versions) and appeals. */
export const resultRoutes = {
  listCycleResults: defineRoute({
    operationId: 'listCycleResults',
    method: 'GET',
    path: '/v1/cycles/{year}/results',
    lambda: 'results',
    access: adminOnly,
    summary: 'Every final result of a cycle: index, predicate, version and open appeal, by group and agency',
    description:
      'The review team’s view before a ranking run: each agency with a final result, by group then agency id, with its index, predicate, the standing version and any open appeal; `?group=` for one group; cursor pagination. An agency with no entry has no final result yet (compare with `GET /v1/agencies`): a ranking run leaves it out.',
    tags: ['Results'],
    params: YearParamsSchema,
    query: CycleResultsQuerySchema,
    responses: {
      200: { description: 'A page of final results', schema: CycleResultSummaryPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  getCycleProgress: defineRoute({
    operationId: 'getCycleProgress',
    method: 'GET',
    path: '/v1/cycles/{year}/progress',
    lambda: 'results',
    access: adminOnly,
    summary:
      'Where a cycle stands: self-assessments not started, drafted and submitted, final results and appeals, in all and by group',
    description:
      'The review team’s glance before each deadline (and the on-call engineer’s before a ranking run): counts over the active agencies (and any inactive one with a record in the cycle), with links to the listings that name them.',
    tags: ['Results'],
    params: YearParamsSchema,
    responses: {
      200: { description: 'The counts', schema: CycleProgressSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  finalizeResult: defineRoute({
    operationId: 'finalizeResult',
    method: 'POST',
    path: '/v1/cycles/{year}/agencies/{agencyId}/result/finalize',
    lambda: 'results',
    access: adminOnly,
    summary: 'Finalize an agency’s result from its validly reviewed scores',
    description:
      'Every indicator needs a valid review of its standing score (409 lists the ones that lack one), and the cycle’s last assessment stage must have opened (409 naming it: finalizing closes scoring, which would skip that stage). Writes result version 1 with its inputs, indices, predicate, improvement plan and hashes, and `result.finalized`, in one transaction. Later changes come only through appeals.',
    tags: ['Results'],
    params: ResultParamsSchema,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      201: { description: 'Finalized', schema: ResultSchema, headers: ['Location'] },
      ...errors(400, 401, 403, 404, 409, 422),
    },
  }),
  getResult: defineRoute({
    operationId: 'getResult',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/result',
    lambda: 'results',
    access: resultReaders,
    summary: 'An agency’s final result: the current version',
    description: readerNote,
    tags: ['Results'],
    params: ResultParamsSchema,
    responses: { 200: { description: 'The result', schema: ResultSchema }, ...errors(400, 401, 403, 404) },
  }),
  listResultVersions: defineRoute({
    operationId: 'listResultVersions',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/result/versions',
    lambda: 'results',
    access: resultReaders,
    summary: 'Every version of an agency’s result, oldest first, with the hash chain verified',
    description: readerNote,
    tags: ['Results'],
    params: ResultParamsSchema,
    responses: {
      200: { description: 'The chain', schema: ResultVersionsSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  getResultBundle: defineRoute({
    operationId: 'getResultBundle',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/result/bundle',
    lambda: 'results',
    access: resultReaders,
    summary: 'A self-contained reproducibility bundle of the current result',
    description: `Inputs, the framework data and its hash, the engine version and the hashes: anyone can recompute the same bytes. ${readerNote}`,
    tags: ['Results'],
    params: ResultParamsSchema,
    responses: {
      200: { description: 'The bundle', schema: ResultBundleSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  fileAppeal: defineRoute({
    operationId: 'fileAppeal',
    method: 'POST',
    path: '/v1/cycles/{year}/agencies/{agencyId}/appeals',
    lambda: 'results',
    access: agencyWriters,
    summary: 'Appeal chosen indicators of the final result, with a justification and new evidence',
    description:
      'Only in the cycle’s appeals window (409 outside it), against a finalized result, one open appeal at a time.',
    tags: ['Results'],
    params: ResultParamsSchema,
    body: AppealWriteSchema,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      201: { description: 'Filed', schema: AppealSchema, headers: ['Location'] },
      ...errors(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  listAppeals: defineRoute({
    operationId: 'listAppeals',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/appeals',
    lambda: 'results',
    access: resultReaders,
    summary: 'An agency’s appeals in a cycle, with their decisions',
    tags: ['Results'],
    params: ResultParamsSchema,
    responses: { 200: { description: 'Appeals', schema: AppealListSchema }, ...errors(400, 401, 403, 404) },
  }),
  getAppeal: defineRoute({
    operationId: 'getAppeal',
    method: 'GET',
    path: '/v1/cycles/{year}/agencies/{agencyId}/appeals/{appealId}',
    lambda: 'results',
    access: resultReaders,
    summary: 'One appeal with its decisions: what a filing’s Location names',
    description:
      'The agency’s own (any time, unlike its result) and the review team’s; 404 for other agencies.',
    tags: ['Results'],
    params: AppealParamsSchema,
    responses: { 200: { description: 'The appeal', schema: AppealSchema }, ...errors(400, 401, 403, 404) },
  }),
  listCycleAppeals: defineRoute({
    operationId: 'listCycleAppeals',
    method: 'GET',
    path: '/v1/cycles/{year}/appeals',
    lambda: 'results',
    access: adminOnly,
    summary: 'A cycle’s appeals across agencies: the review team’s queue (`status=open`), oldest first',
    description:
      'Every agency’s appeals of the cycle, decided then open, each by filing time; `status` keeps one. Cursor pagination.',
    tags: ['Results'],
    params: YearParamsSchema,
    query: CycleAppealsQuerySchema,
    responses: {
      200: { description: 'A page of appeals', schema: AppealPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  decideAppeal: defineRoute({
    operationId: 'decideAppeal',
    method: 'PUT',
    path: '/v1/cycles/{year}/agencies/{agencyId}/appeals/{appealId}/decision',
    lambda: 'results',
    access: adminOnly,
    summary: 'Decide an appeal: uphold or reject each indicator with a reason',
    description:
      'Once. An upheld indicator takes the new level: a new result version linked to the previous one (which stays readable), with `appeal.decided`, in one transaction. The same decisions sent again (a retry) answer 200 with the decided appeal and change nothing; other decisions for a decided appeal answer 409.',
    tags: ['Results'],
    params: AppealParamsSchema,
    body: AppealDecisionWriteSchema,
    responses: {
      200: { description: 'Decided', schema: AppealSchema },
      ...errors(400, 401, 403, 404, 409, 415),
    },
  }),
  importResults: defineRoute({
    operationId: 'importResults',
    method: 'POST',
    path: '/v1/cycles/{year}/results/import',
    lambda: 'results',
    access: adminOnly,
    summary: 'Import a past cycle’s published final results (levels per agency), all or nothing',
    description:
      'For cycles run before this system (e.g. from the ministry’s published report): each agency’s levels become result version 1, computed and hashed like any other. All or nothing: any refusal imports no row. A row whose agency already has a result is counted `unchanged` and left alone only when it holds that result — the same level for every indicator and, when the stored result was imported, the same `reference` — so sending a file again after a failure part-way completes it; a row that holds the result it imported (version 1) stays `unchanged` after an upheld appeal changed that result. A row that differs answers 409 with one `errors` entry per such row (`/body/results/<i>/levels`, or `…/reference` when only the reference differs) naming the stored and the imported index: an import never replaces a final result, which changes only through an upheld appeal. An agency the cycle assesses (a panel is assigned) gets its result by finalizing, so naming one that has none yet answers 409. A cycle that has not started (before its self-assessment window opens) answers 409 quoting that start, with the `window`.',
    tags: ['Results'],
    params: YearParamsSchema,
    body: ResultsImportSchema,
    maxBodyBytes: 2 * 1024 * 1024,
    idempotent: true,
    responses: {
      200: { description: 'Import report', schema: ResultsImportReportSchema },
      ...errors(400, 401, 403, 404, 409, 415, 422),
    },
  }),
} as const satisfies Record<string, RouteSpec>;
