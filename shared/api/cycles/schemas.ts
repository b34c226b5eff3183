import * as z from 'zod';
import { displayText, InstantSchema, YearParamSchema, YearSchema } from '#shared/api/common/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { agencyGroups } from '#shared/domain/agency-groups.ts';
import { predicateBases } from '#shared/domain/scoring/types.ts';

const instant = InstantSchema;

export const WindowSchema = z
  .strictObject(
    lazyShape(() => ({ opensAt: instant, closesAt: instant.meta({ description: 'Must be after opensAt' }) })),
  )
  .refine((window) => Date.parse(window.opensAt) < Date.parse(window.closesAt), {
    message: 'closesAt must be after opensAt',
    path: ['closesAt'],
    // Only between two valid instants: an invalid opensAt is its own error, not closesAt's.
    when: (payload) => payload.issues.length === 0,
  })
  .meta({ id: 'Window' });

/** Phases of a cycle in the order they happen (windows must follow this order without overlap). */
export const cyclePhases = [
  'selfAssessment',
  'documentAssessment',
  'interviewAssessment',
  'visitAssessment',
  'appeals',
  'publication',
] as const;
export type CyclePhase = (typeof cyclePhases)[number];

export const CycleWindowsSchema = z
  .strictObject(
    lazyShape(() => ({
      selfAssessment: WindowSchema.meta({ description: 'Penilaian mandiri: agencies fill and submit' }),
      documentAssessment: WindowSchema.meta({ description: 'Penilaian dokumen by external assessors' }),
      interviewAssessment: WindowSchema.optional().meta({
        description: 'Penilaian interviu: Evaluasi cycles only',
      }),
      visitAssessment: WindowSchema.optional().meta({ description: 'Penilaian visitasi: optional' }),
      appeals: WindowSchema.meta({ description: 'Agencies may appeal their result' }),
      publication: z
        .strictObject({ at: instant })
        .meta({ description: 'Results, rankings and awards become public' }),
    })),
  )
  .meta({ id: 'CycleWindows' });

export const cycleTypes = ['pemantauan', 'evaluasi'] as const;

/** Agencies per assessor in a cycle unless the cycle says otherwise: a month's work of document reviews. */
export const defaultAssessorLoadCap = 25;

/** One spelling per domain: 1 to 99 without sign, leading zero or fraction (`domain-04` is refused). */
const domainMeasurePattern = /^domain-[1-9][0-9]?$/;

const measure = z
  .union([
    z.literal('index'),
    z.literal('improvement'),
    z
      .templateLiteral(['domain-', z.int().min(1).max(99)])
      .refine((value) => domainMeasurePattern.test(value), 'domain-<no> with no from 1 to 99, e.g. domain-4')
      // zod-to-openapi would publish the template as any signed decimal; the pattern admits at most
      // `domain-99`, 9 characters.
      .meta({ pattern: domainMeasurePattern.source, maxLength: 9 }),
  ])
  .meta({ description: 'index, improvement or domain-<no>', example: 'domain-4' });

const awardName = (description: string) => displayText({ min: 1, max: 200, description });

/** A framework version's id, as long as the path parameter of `GET /v1/frameworks/{frameworkId}` allows. */
const frameworkIdField = z.string().min(1).max(40);

export const AwardRulesSchema = z
  .strictObject(
    lazyShape(() => ({
      // Shown on every award and on the press page: the one rule for text a reader sees.
      id: displayText({ min: 1, max: 60, description: 'The rule set’s id' }).meta({ example: 'dga-2023' }),
      frameworkId: frameworkIdField,
      nameId: awardName('Name in Indonesian'),
      nameEn: awardName('Name in English'),
      categories: z
        .array(
          z.strictObject({
            // maxLength: the bound the pattern already sets, published.
            id: z
              .string()
              .regex(/^[a-z0-9-]{2,40}$/)
              .meta({ maxLength: 40 }),
            nameId: awardName('Name in Indonesian'),
            nameEn: awardName('Name in English'),
            measure,
            // Each agency group at most once per list, and at most one list per agency group.
            groups: z
              .array(z.array(z.enum(agencyGroups)).min(1).max(agencyGroups.length))
              .min(1)
              .max(agencyGroups.length),
            winnersPerGroup: z.number().int().min(1).max(100),
            eligibility: z
              .strictObject({
                minPredicate: z.string().max(40).optional().meta({
                  description: 'The id of a predicate band of the framework, e.g. baik',
                }),
                requireComplete: z.boolean().optional(),
                valueAbove: z
                  .string()
                  .max(32)
                  .regex(/^-?\d+(\.\d+)?$/)
                  .optional(),
              })
              .optional(),
          }),
        )
        .min(1)
        .max(20),
    })),
  )
  .meta({
    id: 'AwardRules',
    description: 'Award categories × groups × winners × eligibility for this cycle',
  });

export const CycleCreateSchema = z
  .strictObject(
    lazyShape(() => ({
      year: YearSchema,
      frameworkId: frameworkIdField.default('spbe-2020').meta({ example: 'spbe-2020' }),
      type: z
        .enum(cycleTypes)
        .meta({ description: 'Pemantauan (mandiri + dokumen) or Evaluasi (+ interviu, optional visitasi)' }),
      windows: CycleWindowsSchema,
      predicateBasis: z.enum(predicateBases).default('exact').meta({
        description:
          'Whether predicate bands apply to the exact index (2024 practice) or the rounded one (2023)',
      }),
      awardRules: AwardRulesSchema.optional().meta({
        description: 'Defaults to the 2023 six-category rules',
      }),
      assessorLoadCap: z
        .int()
        .min(1)
        .max(1000)
        .default(defaultAssessorLoadCap)
        .meta({ description: 'The most agencies one external assessor may be assigned in this cycle' }),
    })),
  )
  .meta({ id: 'CycleCreate' });
export type CycleCreate = z.output<typeof CycleCreateSchema>;

export const CycleSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      frameworkId: z.string(),
      type: z.enum(cycleTypes),
      windows: CycleWindowsSchema,
      predicateBasis: z.enum(predicateBases),
      awardRules: AwardRulesSchema,
      assessorLoadCap: z.number().int(),
      phase: z.object({
        current: z.enum(['not-started', ...cyclePhases]).meta({
          description: 'The latest phase whose window has opened',
        }),
        windowOpen: z.boolean().meta({ description: 'Whether the current phase’s window is open right now' }),
        serverTime: z.string(),
      }),
      createdAt: InstantSchema,
      createdBy: z.string().optional().meta({ description: 'The admin who opened it; shown to admins only' }),
      version: z.number().int(),
    })),
  )
  .meta({ id: 'Cycle' });
export type Cycle = z.output<typeof CycleSchema>;

export const YearParamsSchema = z.strictObject(lazyShape(() => ({ year: YearParamSchema })));

export const CycleListSchema = z
  .object(lazyShape(() => ({ items: z.array(CycleSchema) })))
  .meta({ id: 'CycleList' });
