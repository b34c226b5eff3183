import * as z from 'zod';
import { YearParamsSchema } from '#shared/api/cycles/schemas.ts';
import { adminOnly, errors, publicAccess } from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec, type TextMediaType } from '#shared/api/route-spec.ts';
import {
  AgencyAwardsParamsSchema,
  AgencyAwardsSchema,
  AwardDecisionCreateSchema,
  AwardDecisionListSchema,
  AwardDecisionParamsSchema,
  AwardDecisionSchema,
  AwardDetailSchema,
  AwardDraftSchema,
  AwardIdParamsSchema,
  AwardPublicationSchema,
  AwardRevisionCreateSchema,
  AwardsPageQuerySchema,
  AwardYearsSchema,
  CycleAwardsSchema,
} from './schemas.ts';

/** A text response of at most `maxChars` characters. */
const text = <const M extends TextMediaType>(description: string, mediaType: M, maxChars: number) =>
  ({ description, mediaType, schema: z.string().max(maxChars) }) as const;

/**
 * What the awards page may load: its own stylesheet, nothing else — no script at all, the chart is
 * inline SVG drawn with presentation attributes (which a policy does not govern), and the language
 * switch is a plain link. No frames, forms, plugins or base URL; no other page may frame it.
 */
export const awardsPageContentSecurityPolicy = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const publication = {
  description: 'The publication',
  schema: AwardPublicationSchema,
  headers: ['Location'],
} as const;

/** The Digital Government Award: the draft, decisions, one publication and its revisions, public reads. */
export const awardRoutes = {
  getAwardDraft: defineRoute({
    operationId: 'getAwardDraft',
    method: 'GET',
    path: '/v1/cycles/{year}/awards/draft',
    lambda: 'awards',
    access: adminOnly,
    summary: 'The award draft: every category × pool with its winners and runners-up, decisions applied',
    description:
      'Computed (never stored) from the cycle’s published ranking, its award rules and the recorded decisions. Says whether it can be published now and why not (the ranking is stale, the cycle’s results are not public yet, a winner was deactivated in the registry since its result — exclude it by a decision or reactivate it, …), and after publication whether a revision would change anything. 409 while the cycle has no published ranking.',
    tags: ['Awards'],
    params: YearParamsSchema,
    responses: {
      200: { description: 'The draft', schema: AwardDraftSchema },
      ...errors(400, 401, 403, 404, 409),
    },
  }),
  createAwardDecision: defineRoute({
    operationId: 'createAwardDecision',
    method: 'POST',
    path: '/v1/cycles/{year}/awards/decisions',
    lambda: 'awards',
    access: adminOnly,
    summary: 'Record a decision: exclude an agency from a category (reason mandatory), or reinstate it',
    description:
      'The only way to adjust the draft: an excluded agency leaves the category’s ranking and the next eligible agency moves up. Decisions are numbered and audited (the cycle’s and the agency’s trails) and never edited: a reinstatement undoes an exclusion. 409 for an exclusion already in effect, a reinstatement of an agency not excluded, or a decision recorded meanwhile by someone else.',
    tags: ['Awards'],
    params: YearParamsSchema,
    body: AwardDecisionCreateSchema,
    idempotent: true,
    // One change through the write path, nothing before it: the key rides in its transaction.
    idempotencyClaim: 'with-change',
    responses: {
      201: { description: 'Recorded', schema: AwardDecisionSchema, headers: ['Location'] },
      ...errors(400, 401, 403, 404, 409),
    },
  }),
  getAwardDecision: defineRoute({
    operationId: 'getAwardDecision',
    method: 'GET',
    path: '/v1/cycles/{year}/awards/decisions/{number}',
    lambda: 'awards',
    access: adminOnly,
    summary: 'One award decision: what was decided, about whom, why, by whom and when',
    description:
      'The record a decision’s 201 points to (its `Location`). Decisions are never edited: a later one undoes an earlier one. 404 when the cycle has no decision of that number.',
    tags: ['Awards'],
    params: AwardDecisionParamsSchema,
    responses: {
      200: { description: 'The decision', schema: AwardDecisionSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  listAwardDecisions: defineRoute({
    operationId: 'listAwardDecisions',
    method: 'GET',
    path: '/v1/cycles/{year}/awards/decisions',
    lambda: 'awards',
    access: adminOnly,
    summary: 'Every award decision of the cycle, in order',
    description:
      'Exclusions and reinstatements with their reasons, who decided and when: the record the draft folds into the exclusions in effect.',
    tags: ['Awards'],
    params: YearParamsSchema,
    responses: {
      200: { description: 'Decisions', schema: AwardDecisionListSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  publishAwards: defineRoute({
    operationId: 'publishAwards',
    method: 'POST',
    path: '/v1/cycles/{year}/awards/publish',
    lambda: 'awards',
    access: adminOnly,
    summary: 'Publish the draft once: numbered immutable awards, the published pointer, award.published',
    description:
      'Writes every award (naming the ranking run and the result versions it rests on, with their hashes), one `award.published` event per recipient, then switches the cycle’s published pointer. 201 when this call published; 200 with the same publication when it was already published (or a concurrent call published it): publishing again is a no-op. A publication interrupted half-way is finished by the next call, never duplicated. 409 when it cannot be published (no or stale ranking, before the cycle’s publication time), or when a decision was recorded or a ranking run published while it was being published (nothing is published then: read the draft again and publish again).',
    tags: ['Awards'],
    params: YearParamsSchema,
    idempotent: true,
    responses: { 201: publication, 200: publication, ...errors(400, 401, 403, 404, 409) },
  }),
  reviseAwards: defineRoute({
    operationId: 'reviseAwards',
    method: 'POST',
    path: '/v1/cycles/{year}/awards/revisions',
    lambda: 'awards',
    access: adminOnly,
    summary: 'Publish a revision: a new publication version linked to the current one, with its reason',
    description:
      'For a revocation (after an exclusion) or a correction (results or the ranking changed): the draft as it is now becomes version n + 1, linked to version n by hash; agencies awarded get `award.published`, agencies whose award is withdrawn `award.revoked`. Nothing is edited in place: every version stays readable. 201 when this call made the revision; 200 with it when the same revision (same reason and note) was already made and the draft still gives its awards (a retry after a lost answer, a double click). 409 before the first publication, when the draft would change nothing, or when a decision was recorded or a ranking run published while it was being made (nothing is published then: read the draft again and revise again).',
    tags: ['Awards'],
    params: YearParamsSchema,
    body: AwardRevisionCreateSchema,
    idempotent: true,
    responses: { 201: publication, 200: publication, ...errors(400, 401, 403, 404, 409) },
  }),
  getCycleAwards: defineRoute({
    operationId: 'getCycleAwards',
    publicCache: true,
    method: 'GET',
    path: '/v1/cycles/{year}/awards',
    lambda: 'awards',
    access: publicAccess,
    summary: 'The cycle’s published awards: every category and pool, with the history of versions',
    description: '404 before the first publication.',
    tags: ['Public'],
    params: YearParamsSchema,
    responses: { 200: { description: 'The awards', schema: CycleAwardsSchema }, ...errors(400, 404) },
  }),
  getAgencyAwards: defineRoute({
    operationId: 'getAgencyAwards',
    publicCache: true,
    method: 'GET',
    path: '/v1/agencies/{agencyId}/awards',
    lambda: 'awards',
    access: publicAccess,
    summary: 'One agency’s published awards across cycles, newest first',
    description:
      'With the awards a revision withdrew. 404 until the agency has a published award (and, saying so, for an agency id the registry does not know).',
    tags: ['Public'],
    params: AgencyAwardsParamsSchema,
    responses: { 200: { description: 'Its awards', schema: AgencyAwardsSchema }, ...errors(400, 404) },
  }),
  listAwardYears: defineRoute({
    operationId: 'listAwardYears',
    publicCache: true,
    method: 'GET',
    path: '/v1/awards',
    lambda: 'awards',
    access: publicAccess,
    summary: 'Every year with published awards, newest first, with links to its awards and its page',
    description: 'An empty list before the first publication. The same years as the page `GET /awards`.',
    tags: ['Public'],
    responses: { 200: { description: 'The years', schema: AwardYearsSchema } },
  }),
  getAward: defineRoute({
    operationId: 'getAward',
    publicCache: true,
    method: 'GET',
    path: '/v1/awards/{awardId}',
    lambda: 'awards',
    access: publicAccess,
    summary: 'One award with its citation (Indonesian and English), and its versions',
    description:
      'Current, or withdrawn by a revision (then the last version holding it). 404 before publication.',
    tags: ['Public'],
    params: AwardIdParamsSchema,
    responses: { 200: { description: 'The award', schema: AwardDetailSchema }, ...errors(400, 404) },
  }),
  getAwardsPage: defineRoute({
    operationId: 'getAwardsPage',
    publicCache: true,
    method: 'GET',
    path: '/awards/{year}',
    lambda: 'awards',
    access: publicAccess,
    summary:
      'The year’s winners for the press: an HTML page with the citations and the national ranking chart',
    description:
      'Server-rendered, no script: the winners by category and pool with their citations (Indonesian; English with `?lang=en`), and an SVG chart of every agency’s index by group with the winners marked, with a text alternative. Its own Content-Security-Policy: its stylesheet, nothing else. 404 before publication. Unlike the API routes, it ignores query parameters it does not know (`fbclid`, `utm_source` …: what social networks and newsletters append to a shared link).',
    tags: ['Public'],
    params: YearParamsSchema,
    query: AwardsPageQuerySchema,
    contentSecurityPolicy: awardsPageContentSecurityPolicy,
    responses: {
      200: { ...text('The page', 'text/html', 2 * 1024 * 1024), headers: ['Content-Language'] },
      ...errors(400, 404),
    },
  }),
  getAwardsIndexPage: defineRoute({
    operationId: 'getAwardsIndexPage',
    publicCache: true,
    method: 'GET',
    path: '/awards',
    lambda: 'awards',
    access: publicAccess,
    summary: 'Every year with published awards, for the press: an HTML page linking each year’s page',
    description:
      'Newest first, with each year’s publication version and date (WIB), links to its page and its JSON. Before the first publication it says that no awards are published yet (200, not 404: the address is printed in press releases before the day). Ignores unknown query parameters, as the year’s page does.',
    tags: ['Public'],
    query: AwardsPageQuerySchema,
    contentSecurityPolicy: awardsPageContentSecurityPolicy,
    responses: {
      200: { ...text('The page', 'text/html', 256 * 1024), headers: ['Content-Language'] },
      ...errors(400),
    },
  }),
  getAwardsStylesheet: defineRoute({
    operationId: 'getAwardsStylesheet',
    publicCache: true,
    method: 'GET',
    path: '/awards/awards.css',
    lambda: 'awards',
    access: publicAccess,
    summary: 'The awards page’s stylesheet',
    description: 'A file of its own so that the page’s Content-Security-Policy needs no inline styles.',
    tags: ['Public'],
    responses: { 200: text('The styles', 'text/css', 16 * 1024) },
  }),
} as const satisfies Record<string, RouteSpec>;
