import * as z from 'zod';
import {
  AgencyIdSchema,
  exactValueDescription,
  InstantSchema,
  pageLimit,
  YearParamSchema,
} from '#shared/api/common/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { AgencyGroupSchema } from '#shared/api/registry/schemas.ts';
import { agencyGroups } from '#shared/domain/agency-groups.ts';
import { type PredicateBasis, predicateBases } from '#shared/domain/scoring/types.ts';

/** `national`, or one agency group. */
export const RankingScopeSchema = z
  .enum(['national', ...agencyGroups])
  .meta({ description: 'national, or one agency group', example: 'provinsi' });

export const RankingMeasureSchema = z
  .string()
  .regex(/^(index|improvement|domain-[1-9][0-9]?)$/, 'index, improvement or domain-<n> such as domain-4')
  // maxLength: the bound the pattern already sets, published.
  .meta({
    description: 'index, improvement (over the previous cycle) or domain-<n>',
    example: 'index',
    maxLength: 11,
  });

const RankRangeSchema = z
  .object(lazyShape(() => ({ best: z.number().int(), worst: z.number().int() })))
  .meta({ description: 'Best and worst national rank when the domain weights each vary by ±10 %' });

export const RankingEntrySchema = z
  .object(
    lazyShape(() => ({
      rank: z.number().int().meta({ description: 'Equal exact values share a rank (1, 2, 2, 4)' }),
      agency: z.object({ id: z.string(), name: z.string(), group: AgencyGroupSchema }),
      value: z.object({
        exact: z.string().meta({ description: exactValueDescription, example: '3.4985' }),
        display: z.string().meta({ example: '3.50' }),
      }),
      predicate: z.object({ id: z.string(), name: z.string(), nameEn: z.string() }).meta({
        description:
          'The predicate of the agency’s SPBE index, whatever the measure; the page’s `predicate` says on which value',
      }),
      previousRank: z.number().int().nullable(),
      change: z.number().int().nullable().meta({ description: 'previousRank − rank: positive moved up' }),
      displayTie: z.boolean().meta({
        description: 'Shown with the same 2-decimal value as a neighbour, yet ranked apart by exact value',
      }),
      rankRange: RankRangeSchema.optional().meta({ description: 'National index ranking only' }),
    })),
  )
  .meta({ id: 'RankingEntry' });

export const rankingMethod =
  'Standard competition ranking on exact values (equal exact values share a rank: 1, 2, 2, 4), ties listed by agency id. Values are shown rounded half-up to 2 decimals; entries shown equal but ranked apart are flagged `displayTie`. Improvement is the exact index minus the previous cycle’s; agencies without a previous result are not ranked by it. Rank ranges: the framework’s weights, the 2^4 corners and seeded random draws (1,000 weight vectors in all) of the domain weights each varied by ±10 % and renormalised to 100; the best and worst rank over them.';

/**
 * What the predicate of a ranking entry is, said beside every ranking: without it a reader sees an
 * index shown 3.50 marked Baik (the band below 3.50) and takes it for an error, and a domain or
 * improvement ranking seems to grade that measure. The cycle decides on which value the bands apply.
 */
export const predicateNote = (basis: PredicateBasis): string =>
  basis === 'exact'
    ? 'The predicate is that of the agency’s SPBE index, whatever the measure ranked, from the framework’s bands applied to the exact index (this cycle’s predicateBasis is exact): an index just below a band’s lower bound is shown rounded up to it and still takes the band below (3.499 is shown 3.50 and is below a band from 3.50).'
    : 'The predicate is that of the agency’s SPBE index, whatever the measure ranked, from the framework’s bands applied to the index rounded half-up to 2 decimals (this cycle’s predicateBasis is rounded): an index shown on a band’s lower bound takes that band (3.495 is shown 3.50 and is in a band from 3.50).';

const PredicateBasisSchema = z.enum(predicateBases).meta({
  description:
    'On which value the cycle applies the predicate bands: the exact index, or the index rounded half-up to 2 decimals',
});

export const RankingPageSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      runId: z.string(),
      scope: RankingScopeSchema,
      measure: RankingMeasureSchema,
      frameworkId: z.string(),
      publishedAt: InstantSchema.optional(),
      method: z.string(),
      predicateBasis: PredicateBasisSchema,
      predicate: z.string().meta({ description: 'What each entry’s predicate is (`predicateNote`)' }),
      total: z.number().int().meta({ description: 'Entries in this ranking' }),
      items: z.array(RankingEntrySchema),
      nextCursor: z.string().optional(),
    })),
  )
  .meta({ id: 'RankingPage' });

/**
 * The open data as JSON: the metadata the CSV states in its `#` lines, and one row per agency and
 * measure (national ranks, with the group rank beside them).
 */
export const RankingOpenDataSchema = z
  .object(
    lazyShape(() => ({
      metadata: z.object({
        title: z.string(),
        year: z.number().int(),
        runId: z.string(),
        publishedAt: InstantSchema,
        framework: z.object({ id: z.string(), name: z.string(), regulation: z.string() }),
        method: z.string(),
        predicateBasis: PredicateBasisSchema,
        predicate: z.string().meta({ description: 'What each row’s predicate is (`predicateNote`)' }),
        predicateCounts: z
          .array(
            z.object({ id: z.string(), name: z.string(), nameEn: z.string(), agencies: z.number().int() }),
          )
          .meta({ description: 'Agencies ranked by index, per predicate, best first' }),
        licence: z.string(),
      }),
      rows: z.array(
        z.object(
          lazyShape(() => ({
            measure: RankingMeasureSchema,
            ...RankingEntrySchema.shape,
            groupRank: z.number().int().nullable().meta({ description: 'Rank within the agency’s group' }),
          })),
        ),
      ),
    })),
  )
  .meta({ id: 'RankingOpenData' });

/** The open data as CSV (`format=csv` or `Accept: text/csv`): the same rows, columns named. */
export const RankingOpenDataCsvSchema = z.string().meta({
  description:
    'CSV (RFC 4180): `#` metadata lines first, then the header line measure, rank, groupRank, agencyId, agencyName, group, valueExact, valueDisplay, predicate, previousRank, change, displayTie, rankBest, rankWorst',
});

export const RankingQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      scope: RankingScopeSchema.default('national'),
      measure: RankingMeasureSchema.default('index'),
      limit: pageLimit(200, 100),
      cursor: z.string().max(200).optional().meta({ description: 'The `nextCursor` of the previous page' }),
    })),
  )
  .meta({ id: 'RankingQuery' });

export const OpenDataQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      format: z.enum(['csv', 'json']).optional().meta({ description: 'Overrides the Accept header' }),
    })),
  )
  .meta({ id: 'OpenDataQuery' });

/**
 * `unchanged`: the run ranked everything again and found exactly what is published (the same input
 * results, the same entries): it confirmed the published run (`confirms`) and published nothing.
 */
export const runStatuses = ['running', 'published', 'unchanged', 'failed'] as const;

export const RankingRunSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      runId: z.string(),
      trigger: z.enum(['schedule', 'admin']),
      requestedBy: z.string(),
      status: z.enum(runStatuses),
      phase: z.enum(['reading', 'ranking', 'writing', 'publishing', 'done']),
      startedAt: InstantSchema,
      updatedAt: InstantSchema,
      finishedAt: InstantSchema.optional(),
      progress: z.object({
        itemsTotal: z.number().int().meta({
          description:
            'Entries (rows and positions) the run writes; 0 for an `unchanged` run, which writes none',
        }),
        itemsWritten: z.number().int().meta({ description: 'Of those, written so far' }),
        inputsSha256: z
          .string()
          .optional()
          .meta({ description: 'The inputs being written: a resumed run checks them' }),
        io: z
          .object({
            itemsRead: z.number().int(),
            itemsWritten: z.number().int(),
            readCapacity: z.number(),
            writeCapacity: z.number(),
          })
          .optional()
          .meta({ description: 'Work done so far, over every invocation of the run (resumed ones too)' }),
      }),
      error: z.string().optional(),
      confirms: z.object({ runId: z.string(), publishedAt: InstantSchema }).optional().meta({
        description:
          'An `unchanged` run: the published run it found identical to its own result (same inputs, same entries), which stays published; no `ranking.published` is sent',
      }),
      stalled: z.literal(true).optional().meta({
        description:
          'Running on record, but its last checkpoint is older than its 20-minute lease: the run stopped (a crash, a timeout). Trigger it again under its own id to resume it (docs/operations.md, "Re-running a ranking").',
      }),
      report: z
        .object({
          frameworkId: z.string(),
          rankedAgencies: z.number().int(),
          previousYearAgencies: z.number().int(),
          inputsSha256: z
            .string()
            .meta({ description: 'SHA-256 of every input result (agency, version, hash)' }),
          entriesSha256: z.string().optional().meta({
            description:
              'SHA-256 of every entry the run ranked (every ranking’s rows and every agency’s positions, the run id aside): equal entries, equal hash. Absent on runs finished before it was recorded',
          }),
          rankings: z.array(
            z.object({
              scope: RankingScopeSchema,
              measure: z.string(),
              entries: z.number().int(),
              excluded: z.number().int(),
            }),
          ),
          itemsRead: z.number().int().meta({ description: 'Over every invocation of the run' }),
          itemsWritten: z
            .number()
            .int()
            .meta({ description: 'Over every invocation (a restarted run rewrites, and counts it)' }),
          consumedCapacity: z.object({ read: z.number(), write: z.number() }),
          durationMs: z.number().int(),
          changes: z
            .object({
              previousRunId: z.string().nullable(),
              moved: z.number().int(),
              enteredCount: z.number().int(),
              entered: z
                .array(z.string())
                .meta({ description: 'Agency ids ranked now and not before, in id order: the first 100' }),
              leftCount: z.number().int(),
              left: z
                .array(z.string())
                .meta({ description: 'Agency ids ranked before and not now, in id order: the first 100' }),
              biggestMoves: z.array(
                z.object({ agencyId: AgencyIdSchema, from: z.number().int(), to: z.number().int() }),
              ),
            })
            .meta({ description: 'Against the previous published run, national index ranking' }),
        })
        .optional(),
    })),
  )
  .meta({ id: 'RankingRun' });

export const RankingRunListSchema = z
  .object(lazyShape(() => ({ items: z.array(RankingRunSchema) })))
  .meta({ id: 'RankingRunList' });

export const RankingRunParamsSchema = z.strictObject(
  lazyShape(() => ({
    year: YearParamSchema,
    runId: z
      .string()
      .regex(/^(run_[0-9A-Z]{26}|slot-\d{8}T\d{6}Z)$/, 'A run id such as run_01J… or slot-20261201T000000Z')
      // maxLength: the bound the pattern already sets, published.
      .meta({ example: 'slot-20261201T000000Z', maxLength: 30 }),
  })),
);

export const AgencyRankingsSchema = z
  .object(
    lazyShape(() => ({
      agencyId: AgencyIdSchema,
      items: z.array(
        z.object({
          year: z.number().int(),
          runId: z.string(),
          predicate: z.object({ id: z.string(), name: z.string(), nameEn: z.string() }).optional().meta({
            description:
              'The agency’s predicate that year: the band of its SPBE index under the cycle’s predicate basis, as the ranking shows it',
          }),
          positions: z.array(
            z.object({
              scope: RankingScopeSchema,
              measure: z.string(),
              rank: z.number().int(),
              of: z.number().int(),
              value: z.object({
                exact: z.string().meta({ description: exactValueDescription }),
                display: z.string(),
              }),
            }),
          ),
          rankRange: RankRangeSchema.optional(),
        }),
      ),
    })),
  )
  .meta({ id: 'AgencyRankings', description: 'One agency’s published positions, newest cycle first' });

export const AgencyRankingsParamsSchema = z.strictObject(lazyShape(() => ({ agencyId: AgencyIdSchema })));
