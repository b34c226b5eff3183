import * as z from 'zod';
import {
  AgencyIdSchema,
  displayText,
  InstantSchema,
  pageLimit,
  YearParamSchema,
} from '#shared/api/common/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { AgencyGroupSchema } from '#shared/api/registry/schemas.ts';
import {
  IndicatorAnswerSchema,
  IndicatorNoFieldSchema,
  IndicatorNoSchema,
  indicatorItems,
  LevelOrNoneSchema,
} from '#shared/api/self-assessment/schemas.ts';
import { stages } from '#shared/domain/assessment.ts';

/** An assessor is a user of the identity provider: their token's `sub` names them. */
export const AssessorSubjectSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@+-]{1,128}$/, 'A token subject: letters, digits and . _ @ + -')
  // maxLength: the bound the pattern already sets, published.
  .meta({ description: 'The assessor’s token subject (`sub`)', example: 'asesor-budi', maxLength: 128 });

export const AssessorParamsSchema = z.strictObject(lazyShape(() => ({ subject: AssessorSubjectSchema })));

export const AssessorWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      name: displayText({ min: 3, max: 200, description: 'Full name' }).meta({ example: 'Dr. Budi Santoso' }),
      affiliations: z.array(AgencyIdSchema).max(50).default([]).meta({
        description:
          'Agencies the assessor works for or belongs to: they may not assess these, their province or (for a province) its kabupaten/kota',
      }),
    })),
  )
  .meta({ id: 'AssessorWrite' });
export type AssessorWrite = z.output<typeof AssessorWriteSchema>;

export const AssessorSchema = z
  .object(
    lazyShape(() => ({
      subject: z.string(),
      name: z.string(),
      affiliations: z.array(z.string()),
      version: z.number().int(),
      createdAt: InstantSchema,
      updatedAt: InstantSchema,
    })),
  )
  .meta({ id: 'Assessor' });

export const StageSchema = z.enum(stages).meta({
  description:
    'dokumen (every cycle), interviu (Evaluasi), visitasi (Evaluasi, when the cycle has its window)',
});

// Assignments

export const AssignmentRowSchema = z
  .strictObject(lazyShape(() => ({ agencyId: AgencyIdSchema, assessor: AssessorSubjectSchema })))
  .meta({ id: 'AssignmentRow' });
export type AssignmentRow = z.output<typeof AssignmentRowSchema>;

/** Rows are validated one by one by the service (to report every bad row); the envelope here. */
export const AssignmentsWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      assignments: z
        .array(z.unknown())
        .min(1)
        .max(5000)
        .meta({ description: 'Rows of AssignmentRow: one panel member of one agency each' }),
    })),
  )
  .meta({
    id: 'AssignmentsWrite',
    description: 'Panel members for the cycle; CSV uploads use the header agencyId,assessor',
  });

/**
 * How an assignment ended, if it did: the assessor stepped down (`recused`, their own declaration)
 * or the review team took them off the panel (`removed`).
 */
export const assignmentStatuses = ['active', 'recused', 'removed'] as const;

export const AssignmentSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      agencyId: AgencyIdSchema,
      assessor: z.string(),
      status: z.enum(assignmentStatuses).meta({
        description:
          '`active`: on the panel; `recused`: the assessor stepped down; `removed`: the review team took them off the panel',
      }),
      assignedAt: InstantSchema,
      assignedBy: z.string(),
      recusedAt: InstantSchema.optional(),
      recusalReason: z.string().optional(),
      removedAt: InstantSchema.optional(),
      removedBy: z.string().optional().meta({ description: 'The admin who removed the assessor' }),
      removalReason: z.string().optional(),
    })),
  )
  .meta({ id: 'Assignment' });

/** A removal's answer: the ended assignment, and who is left to assess the agency. */
export const RemovedAssignmentSchema = z
  .object(
    lazyShape(() => ({
      ...AssignmentSchema.shape,
      activeAssessors: z.array(z.string()).meta({
        description:
          'The panel’s active members after the removal. Empty: the agency has no active assessor until the review team assigns one (POST /v1/cycles/{year}/assignments)',
      }),
    })),
  )
  .meta({ id: 'RemovedAssignment' });

export const AssignmentPageSchema = z
  .object(lazyShape(() => ({ items: z.array(AssignmentSchema), nextCursor: z.string().optional() })))
  .meta({ id: 'AssignmentPage' });

export const MyAssignmentSchema = z
  .object(
    lazyShape(() => ({
      ...AssignmentSchema.shape,
      agencyName: z.string(),
      selfAssessmentStatus: z.enum(['none', 'draft', 'submitted']).meta({
        description: 'Where the agency’s self-assessment stands: scoring waits for `submitted`',
      }),
    })),
  )
  .meta({ id: 'MyAssignment' });

export const MyAssignmentPageSchema = z
  .object(lazyShape(() => ({ items: z.array(MyAssignmentSchema), nextCursor: z.string().optional() })))
  .meta({ id: 'MyAssignmentPage' });

export const AssignmentReportSchema = z
  .object(
    lazyShape(() => ({
      received: z.number().int(),
      assigned: z.number().int(),
      unchanged: z.number().int().meta({ description: 'Rows already assigned: left as they are' }),
    })),
  )
  .meta({ id: 'AssignmentReport' });

export const AssignmentListQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      agencyId: AgencyIdSchema.optional(),
      assessor: AssessorSubjectSchema.optional(),
      limit: pageLimit(200, 100),
      cursor: z.string().max(500).optional(),
    })),
  )
  .meta({ id: 'AssignmentListQuery' });

export const MyAssignmentsQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      year: YearParamSchema.optional(),
      limit: pageLimit(200, 100),
      cursor: z.string().max(500).optional(),
    })),
  )
  .meta({ id: 'MyAssignmentsQuery' });

export const RecusalWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      reason: displayText({ min: 10, max: 1000, multiline: true, description: 'Why you step down' }).meta({
        example: 'Saya pernah menjadi konsultan instansi ini.',
      }),
    })),
  )
  .meta({ id: 'RecusalWrite' });

export const RemovalWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      reason: displayText({
        min: 10,
        max: 1000,
        multiline: true,
        description: 'Why the review team takes the assessor off the panel (kept in the agency’s trail)',
      }).meta({ example: 'Konflik kepentingan: asesor kini bekerja di instansi ini.' }),
    })),
  )
  .meta({ id: 'RemovalWrite' });

export const PanelMemberParamsSchema = z.strictObject(
  lazyShape(() => ({ year: YearParamSchema, agencyId: AgencyIdSchema, subject: AssessorSubjectSchema })),
);

// Stage scores

export const StageParamsSchema = z.strictObject(
  lazyShape(() => ({
    year: YearParamSchema,
    agencyId: AgencyIdSchema,
    stage: StageSchema,
  })),
);
export const StageIndicatorParamsSchema = z.strictObject(
  lazyShape(() => ({
    year: YearParamSchema,
    agencyId: AgencyIdSchema,
    stage: StageSchema,
    no: IndicatorNoSchema,
  })),
);

/**
 * What an assessor finds: a level, or none when the evidence supports no level at all (no evidence,
 * or none that meets level 1): worth 0 and listed as unanswered in the result, never a silent 1
 * (methodology, "Levels").
 */
const ScoreLevelSchema = LevelOrNoneSchema.meta({
  description:
    'Maturity level 1–5 the evidence supports, or null when it supports none (no evidence): worth 0, listed as unanswered in the result',
});

const scoreFields = {
  level: ScoreLevelSchema,
  note: displayText({
    max: 4000,
    multiline: true,
    description: 'The assessor’s note on the evidence',
  }).default(''),
  evidenceUsed: z
    .array(z.int().min(0).max(99))
    .max(10)
    // Each item once: a repeated index would be stored as sent and counted twice by readers.
    .superRefine((indices, ctx) => {
      indices.forEach((index, position) => {
        if (indices.indexOf(index) < position) {
          ctx.addIssue({
            code: 'custom',
            path: [position],
            message: `Evidence item ${index} is listed more than once.`,
          });
        }
      });
    })
    .default([])
    .meta({
      description:
        'Indices of the agency’s evidence items for this indicator that the score relies on, each once',
      uniqueItems: true,
    }),
  reason: displayText({
    min: 5,
    max: 1000,
    multiline: true,
    description: 'Required when correcting a score recorded at this stage before',
  }).optional(),
};

export const ScoreWriteSchema = z.strictObject(scoreFields).meta({ id: 'ScoreWrite' });
export type ScoreWrite = z.output<typeof ScoreWriteSchema>;

export const BulkScoresWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      scores: indicatorItems(
        z.strictObject({
          indicatorNo: IndicatorNoFieldSchema,
          expectedVersion: z.int().min(0).max(999_999).meta({
            description: 'The version of this score you read (0: none yet): the per-score If-Match',
          }),
          ...scoreFields,
        }),
        47,
      ),
    })),
  )
  .meta({ id: 'BulkScoresWrite' });

export const StageScoreSchema = z
  .object(
    lazyShape(() => ({
      stage: StageSchema,
      indicatorNo: z.number().int(),
      version: z.number().int(),
      level: ScoreLevelSchema,
      note: z.string(),
      evidenceUsed: z.array(z.number().int()),
      recordedBy: z.string().meta({ description: 'The assessor who recorded it' }),
      recordedAt: InstantSchema,
      reason: z.string().optional(),
    })),
  )
  .meta({ id: 'StageScore' });

export const StageScoreVersionsSchema = z
  .object(lazyShape(() => ({ items: z.array(StageScoreSchema).meta({ description: 'Oldest first' }) })))
  .meta({ id: 'StageScoreVersions' });

// Review

export const ReviewsWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      reviews: indicatorItems(
        z
          .strictObject({
            indicatorNo: IndicatorNoFieldSchema,
            valid: z.boolean(),
            reason: displayText({
              max: 1000,
              multiline: true,
              description: 'Required when not valid',
            }).default(''),
            expectedVersion: z
              .int()
              .min(0)
              .max(999_999)
              .meta({ description: 'The review’s version you read (0: none yet)' }),
          })
          .refine((review) => review.valid || review.reason.length >= 5, {
            message: 'A score marked not valid needs a reason (5 characters or more).',
            path: ['reason'],
          }),
        47,
      ),
    })),
  )
  .meta({ id: 'ReviewsWrite' });

export const ReviewSchema = z
  .object(
    lazyShape(() => ({
      indicatorNo: z.number().int(),
      stage: StageSchema,
      scoreVersion: z.number().int(),
      valid: z.boolean(),
      reason: z.string(),
      version: z.number().int(),
      reviewedBy: z.string(),
      reviewedAt: InstantSchema,
    })),
  )
  .meta({ id: 'Review' });

export const AssessmentIndicatorSchema = z.object(
  lazyShape(() => ({
    indicatorNo: z.number().int(),
    selfAssessed: IndicatorAnswerSchema.optional(),
    stages: z.array(
      z.object({
        stage: StageSchema,
        score: StageScoreSchema.optional(),
        carriedForward: z.boolean(),
      }),
    ),
    standing: StageScoreSchema.optional().meta({
      description: 'The score of the last stage: the one reviewed',
    }),
    review: ReviewSchema.optional(),
    counts: z.boolean().meta({ description: 'Whether the review marks the standing score valid' }),
  })),
);

export const AssessmentSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      agencyId: AgencyIdSchema,
      agencyName: z.string(),
      group: AgencyGroupSchema,
      stages: z.array(StageSchema),
      selfAssessmentStatus: z.enum(['none', 'draft', 'submitted']),
      panel: z.array(AssignmentSchema).meta({
        description:
          'Every assignment to the agency, active or ended. Why a member recused or was removed (`recusalReason`, `removalReason`) is shown to the review team only: it is personal.',
      }),
      indicators: z.array(AssessmentIndicatorSchema),
      missingValidScores: z.array(z.number().int()).meta({ description: 'What finalizing still waits for' }),
      finalized: z.boolean(),
    })),
  )
  .meta({ id: 'Assessment' });

export const AssessmentParamsSchema = z.strictObject(
  lazyShape(() => ({ year: YearParamSchema, agencyId: AgencyIdSchema })),
);
