import * as z from 'zod';
import {
  AgencyIdSchema,
  displayText,
  InstantSchema,
  pageLimit,
  Sha256Schema,
  YearParamSchema,
} from '#shared/api/common/schemas.ts';
import { cyclePhases } from '#shared/api/cycles/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { FrameworkSchema } from '#shared/api/public/schemas.ts';
import { AgencyGroupSchema } from '#shared/api/registry/schemas.ts';
import {
  EvidenceSchema,
  evidenceList,
  IndexValueSchema,
  IndicatorNoFieldSchema,
  indicatorItems,
  LevelOrNoneSchema,
  LevelSchema,
} from '#shared/api/self-assessment/schemas.ts';
import { stages } from '#shared/domain/assessment.ts';
import { predicateBases } from '#shared/domain/scoring/types.ts';

const PredicateRefSchema = z.object(
  lazyShape(() => ({ id: z.string(), name: z.string(), nameEn: z.string() })),
);

export const ScoreResultSchema = z
  .object(
    lazyShape(() => ({
      frameworkId: z.string(),
      predicateBasis: z.enum(predicateBases),
      index: IndexValueSchema,
      predicate: PredicateRefSchema,
      domains: z.array(
        z.object({
          no: z.number().int(),
          name: z.string(),
          nameEn: z.string(),
          weight: z.number(),
          index: IndexValueSchema,
        }),
      ),
      aspects: z.array(
        z.object({
          no: z.number().int(),
          domainNo: z.number().int(),
          name: z.string(),
          nameEn: z.string(),
          weight: z.number(),
          index: IndexValueSchema,
        }),
      ),
      indicators: z.array(
        z.object({
          no: z.number().int(),
          aspectNo: z.number().int(),
          domainNo: z.number().int(),
          level: LevelOrNoneSchema,
          answered: z.boolean(),
          weight: z.number(),
          contribution: IndexValueSchema,
        }),
      ),
      unanswered: z.array(z.number().int()),
      complete: z.boolean(),
    })),
  )
  .meta({ id: 'ScoreResult', description: 'Indicator → aspect → domain → index, exact and displayed' });

export const ImprovementPlanSchema = z
  .object(
    lazyShape(() => ({
      frameworkId: z.string(),
      predicateBasis: z.enum(predicateBases),
      target: z.object({ predicate: PredicateRefSchema.nullable(), threshold: IndexValueSchema }),
      current: z.object({ index: IndexValueSchema, predicate: PredicateRefSchema }),
      reachable: z.boolean(),
      reason: z.string().nullable(),
      steps: z.array(
        z.object({
          indicatorNo: z.number().int(),
          aspectNo: z.number().int(),
          domainNo: z.number().int(),
          from: LevelOrNoneSchema,
          to: LevelSchema,
          gain: IndexValueSchema,
        }),
      ),
      projected: z.object({ index: IndexValueSchema, predicate: PredicateRefSchema }),
    })),
  )
  .meta({
    id: 'ImprovementPlan',
    description: 'The fewest one-level raises that reach the next predicate (greedy is provably minimal)',
  });

const LevelSourceSchema = z.union([
  z.object({
    kind: z.literal('review'),
    stage: z.enum(stages),
    scoreVersion: z.number().int(),
    reviewVersion: z.number().int(),
  }),
  z.object({ kind: z.literal('appeal'), appealId: z.string() }),
  z.object({ kind: z.literal('import'), reference: z.string() }),
]);

export const ResultVersionSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      agencyId: AgencyIdSchema,
      version: z.number().int(),
      inputs: z.object({
        frameworkId: z.string(),
        frameworkSha256: Sha256Schema,
        predicateBasis: z.enum(predicateBases),
        levels: z.array(LevelOrNoneSchema).meta({ description: 'Level of indicator n at index n − 1' }),
        sources: z.array(LevelSourceSchema),
      }),
      computed: z.object({ score: ScoreResultSchema, improvementPlan: ImprovementPlanSchema }),
      engine: z.object({ name: z.string(), version: z.string() }),
      finalizedAt: InstantSchema,
      finalizedBy: z.string(),
      reason: z.string(),
      previousSha256: Sha256Schema.nullable(),
      sha256: Sha256Schema.meta({ description: 'SHA-256 of the canonical JSON of every other field' }),
    })),
  )
  .meta({ id: 'ResultVersion', description: 'Immutable; chained to the version before it by hash' });

const VerificationSchema = z
  .object(lazyShape(() => ({ valid: z.boolean(), problems: z.array(z.string()) })))
  .meta({ id: 'ChainVerification' });

export const ResultSchema = z
  .object(
    lazyShape(() => ({
      agencyName: z.string(),
      group: AgencyGroupSchema,
      result: ResultVersionSchema,
      openAppealId: z.string().optional(),
    })),
  )
  .meta({ id: 'Result', description: 'The current version of an agency’s final result' });

export const CycleResultsQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      group: AgencyGroupSchema.optional().meta({ description: 'Only this agency group' }),
      limit: pageLimit(200, 100),
      cursor: z.string().max(500).optional().meta({ description: 'The `nextCursor` of the previous page' }),
    })),
  )
  .meta({ id: 'CycleResultsQuery' });

/** One agency's current final result in a cycle, without its inputs: where it stands. */
export const CycleResultSummarySchema = z
  .object(
    lazyShape(() => ({
      agencyId: AgencyIdSchema,
      agencyName: z.string(),
      group: AgencyGroupSchema,
      version: z
        .number()
        .int()
        .meta({ description: 'The standing version (above 1: changed by an upheld appeal)' }),
      index: IndexValueSchema,
      predicate: PredicateRefSchema,
      complete: z.boolean().meta({ description: 'Whether every indicator has a level (none worth 0)' }),
      openAppealId: z.string().optional().meta({ description: 'An appeal filed and not yet decided' }),
      result: z.string().meta({
        description: 'The full result: its levels, sources, improvement plan and hashes',
        example: '/v1/cycles/2026/agencies/prov-jawa-timur/result',
      }),
    })),
  )
  .meta({ id: 'CycleResultSummary' });

export const CycleResultSummaryPageSchema = z
  .object(lazyShape(() => ({ items: z.array(CycleResultSummarySchema), nextCursor: z.string().optional() })))
  .meta({ id: 'CycleResultSummaryPage' });

export const ResultVersionsSchema = z
  .object(
    lazyShape(() => ({
      items: z.array(ResultVersionSchema).meta({ description: 'Oldest first' }),
      verification: VerificationSchema,
    })),
  )
  .meta({ id: 'ResultVersions' });

export const ResultBundleSchema = z
  .object(
    lazyShape(() => ({
      format: z.literal('spbe-result-bundle/1'),
      result: ResultVersionSchema,
      framework: FrameworkSchema,
      engine: z.object({ name: z.string(), version: z.string() }),
      serviceVersion: z.string(),
      verification: VerificationSchema,
      recompute: z
        .string()
        .meta({ description: 'How to recompute `result.computed` from this bundle alone' }),
    })),
  )
  .meta({ id: 'ResultBundle', description: 'Everything needed to recompute and verify one result version' });

export const ResultParamsSchema = z.strictObject(
  lazyShape(() => ({ year: YearParamSchema, agencyId: AgencyIdSchema })),
);

// Appeals

export const AppealWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      indicators: indicatorItems(
        z.strictObject({
          indicatorNo: IndicatorNoFieldSchema,
          justification: displayText({
            min: 20,
            max: 4000,
            multiline: true,
            description: 'Why the score is wrong',
          }),
          evidence: evidenceList(10).default([]),
        }),
        47,
      ),
    })),
  )
  .meta({
    id: 'AppealWrite',
    description: 'The indicators appealed, each with a justification and new evidence',
  });
export type AppealWrite = z.output<typeof AppealWriteSchema>;

export const AppealDecisionWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      decisions: indicatorItems(
        z
          .strictObject({
            indicatorNo: IndicatorNoFieldSchema,
            upheld: z.boolean(),
            level: LevelSchema.optional().meta({ description: 'The new level: required when upheld' }),
            reason: displayText({
              min: 5,
              max: 2000,
              multiline: true,
              description: 'Why upheld or rejected',
            }),
          })
          .refine((decision) => !decision.upheld || decision.level !== undefined, {
            message: 'An upheld appeal needs the new level.',
            path: ['level'],
          }),
        47,
      ),
    })),
  )
  .meta({ id: 'AppealDecisionWrite', description: 'A decision for every appealed indicator' });
export type AppealDecisionWrite = z.output<typeof AppealDecisionWriteSchema>;

export const appealStatuses = ['open', 'decided'] as const;

export const AppealSchema = z
  .object(
    lazyShape(() => ({
      appealId: z.string(),
      year: z.number().int(),
      agencyId: AgencyIdSchema,
      status: z.enum(appealStatuses),
      resultVersion: z.number().int().meta({ description: 'The result version appealed against' }),
      filedAt: InstantSchema,
      filedBy: z.string(),
      indicators: z.array(
        z.object({
          indicatorNo: z.number().int(),
          justification: z.string(),
          evidence: z.array(EvidenceSchema),
        }),
      ),
      decisions: z
        .array(
          z.object({
            indicatorNo: z.number().int(),
            upheld: z.boolean(),
            level: LevelSchema.optional(),
            reason: z.string(),
          }),
        )
        .optional(),
      decidedAt: InstantSchema.optional(),
      decidedBy: z.string().optional(),
      newResultVersion: z
        .number()
        .int()
        .optional()
        .meta({ description: 'Set when an upheld appeal changed the result' }),
    })),
  )
  .meta({ id: 'Appeal' });

export const AppealListSchema = z
  .object(lazyShape(() => ({ items: z.array(AppealSchema) })))
  .meta({ id: 'AppealList' });

export const CycleAppealsQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      status: z.enum(appealStatuses).optional().meta({ description: 'Only open or only decided appeals' }),
      limit: pageLimit(200, 100),
      cursor: z.string().max(500).optional(),
    })),
  )
  .meta({ id: 'CycleAppealsQuery' });

export const AppealPageSchema = z
  .object(
    lazyShape(() => ({
      items: z
        .array(AppealSchema)
        .meta({ description: 'Decided, then open; each by filing time, oldest first' }),
      nextCursor: z.string().optional(),
    })),
  )
  .meta({ id: 'AppealPage' });

export const AppealParamsSchema = z.strictObject(
  lazyShape(() => ({
    year: YearParamSchema,
    agencyId: AgencyIdSchema,
    appealId: z
      .string()
      .regex(/^apl_[0-9A-Z]{26}$/, 'An appeal id such as apl_01J…')
      // maxLength: the bound the pattern already sets, published.
      .meta({ maxLength: 30 }),
  })),
);

// Importing past results

export const ResultsImportSchema = z
  .strictObject(
    lazyShape(() => ({
      results: z
        .array(
          z.strictObject({
            agencyId: AgencyIdSchema,
            levels: z
              .array(LevelOrNoneSchema)
              .min(1)
              .max(999)
              .meta({ description: 'Level of indicator n at index n − 1, null when not answered (worth 0)' }),
            reference: displayText({ min: 1, max: 200, description: 'Where the levels come from' }).meta({
              example: 'Laporan Evaluasi SPBE 2024, lampiran 3',
            }),
          }),
        )
        .min(1)
        .max(2000),
    })),
  )
  .meta({
    id: 'ResultsImport',
    description:
      'Final results of a past cycle as published (e.g. from the ministry’s report), finalized as version 1',
  });

export const ResultsImportReportSchema = z
  .object(
    lazyShape(() => ({
      received: z.number().int().meta({ description: 'Rows in the request' }),
      imported: z.number().int().meta({ description: 'Rows written as result version 1' }),
      unchanged: z.number().int().meta({
        description:
          'Rows whose agency already held exactly that result (its levels and, for an imported result, its reference): nothing written',
      }),
    })),
  )
  .meta({ id: 'ResultsImportReport' });

const count = (description: string) => z.number().int().min(0).meta({ description });

const ProgressCountsShape = () => ({
  agencies: count('Active agencies, and any inactive one with a record in the cycle'),
  selfAssessment: z.object({
    notStarted: count('No answer saved yet (an agency whose result was imported needs none)'),
    draft: count('Answers saved, not submitted'),
    submitted: count('Submitted'),
  }),
  results: z.object({
    final: count('With a final result (finalized or imported)'),
    missing: count('Without one yet: a ranking run leaves them out'),
    withOpenAppeal: count('Final result under an open appeal'),
  }),
  appeals: z.object({ open: count('Appeals awaiting a decision'), decided: count('Appeals decided') }),
});

export const CycleProgressSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      asOf: InstantSchema,
      phase: z.object({
        current: z.enum(['not-started', ...cyclePhases]).meta({
          description: 'The latest phase whose window has opened',
        }),
        windowOpen: z.boolean(),
      }),
      totals: z.object(ProgressCountsShape()),
      groups: z.array(z.object({ group: AgencyGroupSchema, ...ProgressCountsShape() })).meta({
        description: 'The same counts per group, in the groups’ order; groups without agencies left out',
      }),
      links: z.object({
        selfAssessments: z.string().meta({ description: 'Who drafts and who submitted, by agency' }),
        results: z.string().meta({ description: 'The final results, by group and agency' }),
        appeals: z.string().meta({ description: 'The appeals queue' }),
      }),
    })),
  )
  .meta({
    id: 'CycleProgress',
    description: 'Where a cycle stands: self-assessments, final results and appeals, in all and by group',
  });
