import { YearParamsSchema } from '#shared/api/cycles/schemas.ts';
import { adminOnly, errors, problemResponse, publicAccess } from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec } from '#shared/api/route-spec.ts';
import {
  AgencyRankingsParamsSchema,
  AgencyRankingsSchema,
  OpenDataQuerySchema,
  RankingOpenDataCsvSchema,
  RankingOpenDataSchema,
  RankingPageSchema,
  RankingQuerySchema,
  RankingRunListSchema,
  RankingRunParamsSchema,
  RankingRunSchema,
} from './schemas.ts';

/** National rankings: runs (scheduled yearly, or on demand), published rankings, open data. */
export const rankingRoutes = {
  startRankingRun: defineRoute({
    operationId: 'startRankingRun',
    method: 'POST',
    path: '/v1/cycles/{year}/rankings/runs',
    lambda: 'rankings',
    access: adminOnly,
    summary: 'Rank every final result of the cycle now (asynchronously); poll the run',
    description:
      'Answers 202 with the run to poll (Location). While another run of the cycle is going, 409 with its link — unless no worker took that run up two minutes after its start (its starter died before launching it): then the answer is 202 with that run, launched again; a cycle without a single final result, 409 (a ranking of none would be published to every subscriber). The run ranks nationally and per group by index, each domain and improvement, writes the entries, then publishes by switching the cycle’s pointer: readers see the previous ranking whole, then the new one whole.',
    tags: ['Rankings'],
    params: YearParamsSchema,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      202: { description: 'Started', schema: RankingRunSchema, headers: ['Location'] },
      ...errors(400, 401, 403, 404, 422),
      409: {
        ...problemResponse(
          'Another run of the cycle is going (Location: that run, to poll), the cycle has no final result, or the same Idempotency-Key is still running',
        ),
        headers: ['Location'],
      },
    },
  }),
  listRankingRuns: defineRoute({
    operationId: 'listRankingRuns',
    method: 'GET',
    path: '/v1/cycles/{year}/rankings/runs',
    lambda: 'rankings',
    access: adminOnly,
    summary: 'The cycle’s ranking runs, newest first, with their reports',
    tags: ['Rankings'],
    params: YearParamsSchema,
    responses: { 200: { description: 'Runs', schema: RankingRunListSchema }, ...errors(400, 401, 403, 404) },
  }),
  getRankingRun: defineRoute({
    operationId: 'getRankingRun',
    method: 'GET',
    path: '/v1/cycles/{year}/rankings/runs/{runId}',
    lambda: 'rankings',
    access: adminOnly,
    summary:
      'A ranking run: status, progress, and when done its report (counts, duration, capacity, changes)',
    tags: ['Rankings'],
    params: RankingRunParamsSchema,
    responses: { 200: { description: 'The run', schema: RankingRunSchema }, ...errors(400, 401, 403, 404) },
  }),
  getRankingRunEntries: defineRoute({
    operationId: 'getRankingRunEntries',
    method: 'GET',
    path: '/v1/cycles/{year}/rankings/runs/{runId}/entries',
    lambda: 'rankings',
    access: adminOnly,
    summary:
      'A run’s ranking of a scope and measure, published or not (admins: check before the publication time)',
    tags: ['Rankings'],
    params: RankingRunParamsSchema,
    query: RankingQuerySchema,
    responses: { 200: { description: 'A page', schema: RankingPageSchema }, ...errors(400, 401, 403, 404) },
  }),
  getRankings: defineRoute({
    operationId: 'getRankings',
    publicCache: true,
    method: 'GET',
    path: '/v1/cycles/{year}/rankings',
    lambda: 'rankings',
    access: publicAccess,
    summary: 'The published national or group ranking by index, a domain or improvement; cursor pagination',
    description: `Public from the cycle’s publication time (404 before it; admins read any run at …/runs/{runId}/entries). Equal exact values share a rank (1, 2, 2, 4) and are listed by agency id; entries shown with equal 2-decimal values but ranked apart are flagged. The national index ranking carries each agency’s rank range under ±10 % domain weights. A cursor pages through the run that returned it: once a newer run is published (a ranking run again after an upheld appeal), its cursors answer 409 and paging starts again from the first page, so that no listing mixes two rankings.`,
    tags: ['Public'],
    params: YearParamsSchema,
    query: RankingQuerySchema,
    responses: { 200: { description: 'A page', schema: RankingPageSchema }, ...errors(400, 404, 409) },
  }),
  getRankingOpenData: defineRoute({
    operationId: 'getRankingOpenData',
    publicCache: true,
    method: 'GET',
    path: '/v1/cycles/{year}/rankings/open-data',
    lambda: 'rankings',
    access: publicAccess,
    summary:
      'The full published ranking as open data: CSV or JSON, with the framework version and the method',
    description:
      'Every agency’s national rank (and group rank) by every measure. `format=csv|json` or the Accept header (`text/csv`, `application/json`). The metadata (in the CSV, its `#` comment lines) says what the predicate is and on which value the cycle decides it (`predicate`, `predicateBasis`) and counts the agencies of each predicate (`predicateCounts`, best first). The CSV starts with `#` comment lines stating the method and framework (read with a comment-aware reader, e.g. `pandas.read_csv(..., comment="#")`); cells that begin with =, +, - or @ are prefixed with an apostrophe so that spreadsheets never run them as formulas, except negative numbers (`-3`, `-0.0145`), which stay numbers. `valueExact` may be a fraction n/d ("28/11"): import that column as text, or a spreadsheet reads it as a date.',
    tags: ['Public'],
    params: YearParamsSchema,
    query: OpenDataQuerySchema,
    responses: {
      200: {
        description: 'The ranking (JSON; `text/csv` when asked)',
        schema: RankingOpenDataSchema,
        headers: ['Content-Disposition'],
        alternative: {
          mediaType: 'text/csv',
          schema: RankingOpenDataCsvSchema,
        },
      },
      ...errors(400, 404, 406),
    },
  }),
  getAgencyRankings: defineRoute({
    operationId: 'getAgencyRankings',
    publicCache: true,
    method: 'GET',
    path: '/v1/agencies/{agencyId}/rankings',
    lambda: 'rankings',
    access: publicAccess,
    summary: 'One agency’s published positions across cycles',
    tags: ['Public'],
    params: AgencyRankingsParamsSchema,
    responses: {
      200: {
        description: 'Newest cycle first; no items for a registered agency never ranked in a published cycle',
        schema: AgencyRankingsSchema,
      },
      400: problemResponse('Invalid agency id'),
      404: problemResponse('No agency with this id'),
    },
  }),
} as const satisfies Record<string, RouteSpec>;
