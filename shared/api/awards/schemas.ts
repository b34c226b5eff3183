import * as z from 'zod';
import {
  AgencyIdSchema,
  displayText,
  exactValueDescription,
  InstantSchema,
  integerParam,
  Sha256Schema,
  YearParamSchema,
} from '#shared/api/common/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { AgencyGroupSchema } from '#shared/api/registry/schemas.ts';
import { awardDecisionActions } from '#shared/domain/awards/decisions.ts';
import { revisionReasons } from '#shared/domain/awards/publication.ts';

const CategoryIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{2,40}$/, 'A category id of the cycle’s award rules, e.g. layanan')
  // maxLength: the bound the pattern already sets, published.
  .meta({ example: 'layanan', maxLength: 40 });

const AgencyRefSchema = z.object(
  lazyShape(() => ({ id: z.string(), name: z.string(), group: AgencyGroupSchema })),
);
const ValueSchema = z.object(
  lazyShape(() => ({
    exact: z.string().meta({ description: exactValueDescription, example: '4.8775' }),
    display: z.string().meta({ example: '4.88', description: 'Rounded half-up to 2 decimals' }),
  })),
);
const PredicateSchema = z.object(lazyShape(() => ({ id: z.string(), name: z.string(), nameEn: z.string() })));
const CitationSchema = z
  .object(
    lazyShape(() => ({
      id: z.string().meta({
        example:
          'Pemerintah Provinsi Jawa Timur — Penerapan Layanan SPBE, kelompok Provinsi, 2025: indeks domain Layanan 4,88, peringkat 1',
        description: 'Indonesian, with the decimal comma',
      }),
      en: z.string().meta({
        example:
          'Pemerintah Provinsi Jawa Timur — Application of SPBE Services, Provinces group, 2025: Services domain index 4.88, rank 1',
        description: 'English, with the decimal point',
      }),
    })),
  )
  .meta({ id: 'AwardCitation' });
const PoolSchema = z.object(
  lazyShape(() => ({
    groups: z.array(AgencyGroupSchema),
    nameId: z.string(),
    nameEn: z.string(),
  })),
);
const CategoryRefSchema = z.object(
  lazyShape(() => ({
    id: z.string(),
    nameId: z.string(),
    nameEn: z.string(),
    measure: z.string().meta({ example: 'domain-4' }),
  })),
);
const RulesRefSchema = z.object(
  lazyShape(() => ({ id: z.string(), nameId: z.string(), nameEn: z.string() })),
);

export const AwardIdSchema = z
  .string()
  .regex(
    /^apd-\d{4}-[a-z0-9-]{2,100}-\d{1,4}$/,
    'An award id: apd-<year>-<category>-<groups>-<number>, e.g. apd-2025-layanan-provinsi-1',
  )
  // maxLength: the bound the pattern already sets, published.
  .meta({ example: 'apd-2025-layanan-provinsi-1', maxLength: 114 });

export const AwardSchema = z
  .object(
    lazyShape(() => ({
      id: AwardIdSchema,
      year: z.number().int(),
      publicationVersion: z.number().int(),
      number: z.number().int().meta({ description: 'Per pool, in the order first awarded; never reused' }),
      category: CategoryRefSchema,
      pool: PoolSchema,
      agency: AgencyRefSchema,
      rank: z.number().int().meta({ description: 'Rank in the pool among eligible agencies' }),
      value: ValueSchema,
      predicate: PredicateSchema,
      citation: CitationSchema,
      basis: z
        .object({
          rankingRunId: z.string(),
          inputsSha256: z
            .string()
            .meta({ description: 'SHA-256 of every result (agency, version, hash) the ranking run ranked' }),
          result: z.object({ version: z.number().int(), sha256: Sha256Schema }),
        })
        .meta({
          description: 'What the award rests on: the published ranking run and the results it ranked',
        }),
      sha256: Sha256Schema.meta({ description: 'SHA-256 of the award’s canonical record' }),
    })),
  )
  .meta({ id: 'Award', description: 'One award of one publication version: immutable' });

export const AwardPublicationSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      version: z.number().int(),
      status: z.enum(['publishing', 'published']),
      reason: z.enum(['initial', ...revisionReasons]),
      note: z.string().optional().meta({ description: 'Why a revision was made' }),
      previousVersion: z.number().int().nullable(),
      previousSha256: Sha256Schema.nullable(),
      rules: RulesRefSchema,
      rankingRunId: z.string(),
      inputsSha256: Sha256Schema,
      decisionsThrough: z
        .number()
        .int()
        .meta({ description: 'The recorded decisions 1 … n this version applies' }),
      awardCount: z.number().int(),
      recipientCount: z.number().int(),
      startedAt: InstantSchema,
      publishedAt: InstantSchema.optional(),
      sha256: Sha256Schema.meta({
        description:
          'SHA-256 over the version, reason, previous version’s hash, rules, ranking run and inputs, decisions and every award’s hash',
      }),
    })),
  )
  .meta({ id: 'AwardPublication' });

const WithdrawnAwardSchema = AwardSchema.extend({
  withdrawnInVersion: z.number().int().meta({ description: 'The publication version that withdrew it' }),
}).meta({ id: 'WithdrawnAward' });

export const CycleAwardsSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      publication: AwardPublicationSchema,
      history: z
        .array(AwardPublicationSchema)
        .meta({ description: 'Every published version, newest first (the current one included)' }),
      categories: z.array(
        CategoryRefSchema.extend({
          pools: z.array(PoolSchema.extend({ awards: z.array(AwardSchema) })),
        }),
      ),
      withdrawn: z.array(WithdrawnAwardSchema).meta({
        description:
          'Awards an earlier version gave and a revision withdrew, each as last published: newest withdrawal first, then by id',
      }),
    })),
  )
  .meta({ id: 'CycleAwards', description: 'The current publication of a cycle’s awards' });

export const AgencyAwardsSchema = z
  .object(
    lazyShape(() => ({
      agencyId: AgencyIdSchema,
      items: z.array(
        z.object({
          year: z.number().int(),
          publicationVersion: z.number().int(),
          awards: z.array(AwardSchema),
          withdrawn: z
            .array(WithdrawnAwardSchema)
            .meta({ description: 'Awards an earlier version gave and a revision withdrew' }),
        }),
      ),
    })),
  )
  .meta({ id: 'AgencyAwards', description: 'One agency’s published awards, newest cycle first' });

export const AwardYearsSchema = z
  .object(
    lazyShape(() => ({
      items: z.array(
        z.object({
          year: z.number().int(),
          publicationVersion: z.number().int().min(1).meta({ description: 'The version the public sees' }),
          publishedAt: InstantSchema,
          links: z.object({
            awards: z
              .string()
              .meta({ description: 'The year’s awards (JSON)', example: '/v1/cycles/2024/awards' }),
            page: z.string().meta({ description: 'The year’s page for the press', example: '/awards/2024' }),
          }),
        }),
      ),
    })),
  )
  .meta({ id: 'AwardYears', description: 'Every year with published awards, newest first' });

export const AwardDetailSchema = z
  .object(
    lazyShape(() => ({
      award: AwardSchema.meta({ description: 'In the current publication, or the last version holding it' }),
      status: z.enum(['current', 'withdrawn']),
      currentPublicationVersion: z.number().int(),
      withdrawnInVersion: z.number().int().optional(),
      history: z
        .array(AwardSchema)
        .meta({ description: 'This award in every publication version holding it, newest first' }),
    })),
  )
  .meta({ id: 'AwardDetail' });

export const AwardDecisionSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      number: z.number().int().meta({ description: '1, 2, … in the order recorded' }),
      category: z.string(),
      agencyId: AgencyIdSchema,
      action: z.enum(awardDecisionActions),
      reason: z.string(),
      decidedBy: z.string(),
      decidedAt: InstantSchema,
    })),
  )
  .meta({ id: 'AwardDecision' });

export const AwardDecisionListSchema = z
  .object(lazyShape(() => ({ items: z.array(AwardDecisionSchema) })))
  .meta({ id: 'AwardDecisionList', description: 'Every decision of the cycle, in order' });

export const AwardDecisionCreateSchema = z
  .strictObject(
    lazyShape(() => ({
      category: CategoryIdSchema,
      agencyId: AgencyIdSchema,
      action: z.enum(awardDecisionActions).meta({
        description: 'exclude: the agency may not win the category; reinstate: undo its exclusion',
      }),
      reason: displayText({
        min: 10,
        max: 1000,
        multiline: true,
        description: 'Why (mandatory), e.g. a pending investigation',
      }),
    })),
  )
  .meta({ id: 'AwardDecisionCreate' });

export const AwardRevisionCreateSchema = z
  .strictObject(
    lazyShape(() => ({
      reason: z.enum(revisionReasons).meta({
        description:
          'revocation: an award is withdrawn (after an exclusion); correction: results or the ranking changed',
      }),
      note: displayText({ min: 10, max: 2000, multiline: true, description: 'What changed and why' }),
    })),
  )
  .meta({ id: 'AwardRevisionCreate' });

const CandidateSchema = z.object(
  lazyShape(() => ({
    rank: z.number().int(),
    agency: AgencyRefSchema,
    value: ValueSchema,
    predicate: PredicateSchema,
    citation: CitationSchema,
  })),
);

export const AwardDraftSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      rules: RulesRefSchema,
      ranking: z.object({
        runId: z.string(),
        publishedAt: InstantSchema,
        inputsSha256: Sha256Schema.meta({
          description:
            'SHA-256 of the results as they stand now (agency, version, hash): what a publication now would rest on. The same as the run report’s `inputsSha256` exactly when `current` is true',
        }),
        current: z.boolean().meta({
          description:
            'Whether the results are still those the run ranked (false after a result changed: run the ranking again)',
        }),
      }),
      publication: AwardPublicationSchema.nullable().meta({ description: 'The current publication, if any' }),
      changedSincePublication: z
        .boolean()
        .nullable()
        .meta({ description: 'Whether a revision would change the awards; null before publication' }),
      decisionsThrough: z.number().int(),
      exclusions: z
        .array(AwardDecisionSchema)
        .meta({ description: 'Decisions whose exclusion is in effect' }),
      publishable: z.boolean(),
      blockers: z.array(z.string()).meta({ description: 'Why it cannot be published now' }),
      totals: z.object({ awards: z.number().int(), recipients: z.number().int() }),
      categories: z.array(
        CategoryRefSchema.extend({
          pools: z.array(
            PoolSchema.extend({
              winnersPerGroup: z.number().int(),
              winners: z.array(CandidateSchema),
              runnersUp: z
                .array(CandidateSchema)
                .meta({ description: 'The next eligible agencies, in the order they would move up' }),
              excludedByDecision: z.array(
                z.object({ agency: AgencyRefSchema, decision: AwardDecisionSchema }),
              ),
              notCompeting: z
                .number()
                .int()
                .meta({ description: 'Agencies of the pool the rules leave out (no previous result, …)' }),
            }),
          ),
        }),
      ),
    })),
  )
  .meta({ id: 'AwardDraft' });

export const AwardIdParamsSchema = z.strictObject(lazyShape(() => ({ awardId: AwardIdSchema })));

/** One award decision of a cycle, by its number (1, 2, …). */
export const AwardDecisionParamsSchema = z.strictObject(
  lazyShape(() => ({
    year: YearParamSchema,
    number: integerParam(1, 9_999, 'A decision number from 1 to 9999').meta({
      description: 'The decision’s number in its cycle',
      example: 1,
    }),
  })),
);

export const AgencyAwardsParamsSchema = z.strictObject(lazyShape(() => ({ agencyId: AgencyIdSchema })));

/**
 * The one query that ignores what it does not know: the page is a link the press shares, and social
 * networks and newsletters append their own parameters (`fbclid`, `utm_source`) to every link a
 * reader follows; a 400 would greet that reader instead of the winners. API routes stay strict.
 */
export const AwardsPageQuerySchema = z
  .object(
    lazyShape(() => ({
      lang: z.enum(['id', 'en']).optional().meta({ description: 'Indonesian (default) or English' }),
    })),
  )
  .meta({ id: 'AwardsPageQuery' });
