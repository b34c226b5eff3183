import * as z from 'zod';
import {
  AgencyIdSchema,
  displayText,
  exactValueDescription,
  InstantSchema,
  integerParam,
  pageLimit,
  YearParamSchema,
} from '#shared/api/common/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { levels } from '#shared/domain/framework/types.ts';

/** Bounds keep the 47 answers, their audit records and one transaction well inside DynamoDB's limits. */
export const answerLimits = {
  explanationMaxChars: 4000,
  evidenceMaxItems: 10,
  evidenceUrlMaxChars: 1024,
  evidenceTitleMaxChars: 200,
} as const;

/**
 * Evidence links: https, a domain name (no IP address, no user name or password), an optional port
 * up to 65535, and the encoded form (no spaces; non-ASCII percent-encoded). One regex, checked by
 * zod and published as the `pattern`, so a generated client refuses what the API refuses.
 */
const evidenceUrlPattern = new RegExp(
  [
    // The scheme in any case (RFC 3986 §3.1: case-insensitive); stored lower-case.
    '^[Hh][Tt][Tt][Pp][Ss]://',
    // A domain name as zod's `z.regexes.domain` spells it: at most 253 characters, labels of 1–63.
    '(?=[^/?#:]{1,253}(?:[/?#:]|$))(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}',
    '(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0))?',
    '(?:[/?#][\\x21-\\x7e]*)?$',
  ].join(''),
);

/** The WHATWG URL parser has the last word (it refuses e.g. `xn--` labels that are not Punycode). */
const parsesAsUrl = (value: string): boolean => {
  try {
    new URL(value);
    return true;
  } catch {
    // `new URL` throws on what it cannot parse; a zod check must answer instead (a throw is a 500).
    return false;
  }
};

export const EvidenceSchema = z
  .strictObject(
    lazyShape(() => ({
      title: displayText({
        min: 1,
        max: answerLimits.evidenceTitleMaxChars,
        description: 'Document title',
      }).meta({
        example: 'Peraturan Gubernur Arsitektur SPBE',
      }),
      url: z
        .string()
        .max(answerLimits.evidenceUrlMaxChars)
        .regex(
          evidenceUrlPattern,
          'An https:// URL with a domain name and no user name or password, such as https://jatimprov.go.id/spbe/pergub.pdf; percent-encode spaces and non-ASCII characters',
        )
        .refine(parsesAsUrl, {
          message: 'Not a URL the WHATWG URL parser accepts',
          // Only a value of the right shape is worth parsing; otherwise the message above says it.
          when: (payload) => payload.issues.length === 0,
        })
        .overwrite((url) => `https${url.slice(5)}`)
        .meta({
          description: 'An https:// link to the document; it must also parse as a URL (WHATWG URL Standard).',
          example: 'https://jatimprov.go.id/spbe/pergub-arsitektur.pdf',
        }),
      mediaType: z
        .string()
        // RFC 6838 §4.2: a type and a subtype name are at most 127 characters each.
        .max(255)
        .regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'A media type such as application/pdf')
        .optional(),
      sha256: z
        .string()
        // Either case: PowerShell's Get-FileHash prints upper case, sha256sum lower; stored lower.
        .regex(/^[a-fA-F0-9]{64}$/, '64 hex digits, such as sha256sum or Get-FileHash prints')
        .overwrite((digest) => digest.toLowerCase())
        .optional()
        // maxLength: the bound the pattern already sets, published.
        .meta({
          description: 'Digest of the evidence document, so assessors see the same file',
          maxLength: 64,
        }),
    })),
  )
  .meta({ id: 'Evidence', description: 'Data dukung: a reference to a supporting document' });

/** The same document however its URL is spelled (host case, default port, dot segments). */
const documentKey = (url: string): string => {
  try {
    return new URL(url).href;
  } catch {
    // The item's own check has refused it already; compare it as sent.
    return url;
  }
};

/** Evidence of one answer or appeal: at most `max` documents, each once. */
export const evidenceList = (max: number) =>
  z
    .array(EvidenceSchema)
    .max(max)
    .superRefine((items, ctx) => {
      const seen = new Map<string, number>();
      items.forEach((item, index) => {
        const key = documentKey(item.url);
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'url'],
            message: `The same document is listed twice (items ${first + 1} and ${index + 1}).`,
          });
        } else {
          seen.set(key, index);
        }
      });
    })
    .meta({ description: 'Each document at most once' });

export const LevelSchema = z
  .literal([...levels], { error: 'The level must be a whole number from 1 to 5' })
  // zod-to-openapi publishes a literal of several values as its first one only (`enum: [1]`).
  .meta({ type: 'integer', enum: [...levels], description: 'Maturity level 1–5' });

/** A level or null (not answered / no valid evidence: worth 0), in results and imports. */
export const LevelOrNoneSchema = z
  .union([LevelSchema, z.null()], {
    // The union's own message is "Invalid input": say what the field takes, and when it is missing.
    error: (issue) =>
      issue.input === undefined
        ? 'Required: a level from 1 to 5, or null for none (worth 0)'
        : 'The level must be a whole number from 1 to 5, or null for none (worth 0)',
  })
  .meta({
    description: 'Maturity level 1–5, or null when not answered (worth 0)',
  });

const answerFields = () => ({
  level: LevelSchema,
  explanation: displayText({
    max: answerLimits.explanationMaxChars,
    multiline: true,
    description: 'Penjelasan: why this level is met',
  }).default(''),
  evidence: evidenceList(answerLimits.evidenceMaxItems).default([]),
});

export const IndicatorAnswerWriteSchema = z
  .strictObject(lazyShape(answerFields))
  .meta({ id: 'IndicatorAnswerWrite' });
export type IndicatorAnswerWrite = z.output<typeof IndicatorAnswerWriteSchema>;

// The upper bound is the cycle framework's indicator count (47 for spbe-2020), checked by the service.
export const IndicatorNoSchema = integerParam(1, 999, 'An indicator number such as 12').meta({
  example: 12,
});

/** An indicator number in a body; its upper bound is the cycle framework's, checked by the service. */
export const IndicatorNoFieldSchema = z.int().min(1).max(999);

/**
 * A list of per-indicator items (answers, scores, reviews, appeals, decisions): at least one, each
 * indicator at most once — one rule, one message, everywhere.
 */
export const indicatorItems = <Item extends z.ZodType<{ indicatorNo: number }>>(item: Item, max: number) =>
  z
    .array(item)
    .min(1)
    .max(max)
    .superRefine((items, ctx) => {
      const seen = new Set<number>();
      items.forEach((entry, index) => {
        if (seen.has(entry.indicatorNo)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'indicatorNo'],
            message: `Indicator ${entry.indicatorNo} appears more than once.`,
          });
        }
        seen.add(entry.indicatorNo);
      });
    })
    .meta({ description: 'Each indicator at most once' });

export const BulkAnswersWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      answers: indicatorItems(
        z.strictObject({ indicatorNo: IndicatorNoFieldSchema, ...answerFields() }),
        100,
      ),
    })),
  )
  .meta({
    id: 'BulkAnswersWrite',
    description: 'Saves the listed answers; indicators not listed are left as they are',
  });
export type BulkAnswersWrite = z.output<typeof BulkAnswersWriteSchema>;

export const SelfAssessmentParamsSchema = z.strictObject({ year: YearParamSchema, agencyId: AgencyIdSchema });
export const IndicatorParamsSchema = z.strictObject({
  year: YearParamSchema,
  agencyId: AgencyIdSchema,
  no: IndicatorNoSchema,
});

export const IndicatorAnswerSchema = z
  .object(
    lazyShape(() => ({
      indicatorNo: z.number().int(),
      level: LevelSchema,
      explanation: z.string(),
      evidence: z.array(EvidenceSchema),
      updatedAt: InstantSchema,
      updatedBy: z.string(),
    })),
  )
  .meta({ id: 'IndicatorAnswer' });
export type IndicatorAnswer = z.output<typeof IndicatorAnswerSchema>;

/** An index as results and the provisional score show it: exact (a fraction when it does not terminate) and displayed. */
export const IndexValueSchema = z
  .object(
    lazyShape(() => ({
      exact: z.string().meta({ description: exactValueDescription, example: '3.4985' }),
      display: z.string().meta({ description: 'Rounded half-up to 2 decimals', example: '3.50' }),
      value: z.number(),
    })),
  )
  .meta({ id: 'IndexValue' });

export const ProvisionalScoreSchema = z
  .object(
    lazyShape(() => ({
      frameworkId: z.string(),
      predicateBasis: z.enum(['exact', 'rounded']),
      index: IndexValueSchema,
      predicate: z.object({ id: z.string(), name: z.string(), nameEn: z.string() }),
      domains: z.array(
        z.object({ no: z.number(), name: z.string(), weight: z.number(), index: IndexValueSchema }),
      ),
      unanswered: z.array(z.number()),
      complete: z.boolean(),
    })),
  )
  .meta({
    id: 'ProvisionalScore',
    description: 'The index these answers would give; unanswered indicators count 0',
  });

export const SelfAssessmentStatusSchema = z.enum(['draft', 'submitted']);

export const SelfAssessmentSchema = z
  .object(
    lazyShape(() => ({
      year: z.number().int(),
      agencyId: AgencyIdSchema,
      status: SelfAssessmentStatusSchema,
      version: z.number().int().meta({ description: 'Also the ETag: send it back in If-Match' }),
      answers: z.array(IndicatorAnswerSchema),
      answeredCount: z.number().int(),
      unanswered: z.array(z.number().int()),
      provisional: ProvisionalScoreSchema,
      window: z.object({ opensAt: InstantSchema, closesAt: InstantSchema, open: z.boolean() }),
      submittedAt: InstantSchema.optional(),
      submittedBy: z.string().optional(),
      updatedAt: InstantSchema.optional(),
    })),
  )
  .meta({ id: 'SelfAssessment' });
export type SelfAssessment = z.output<typeof SelfAssessmentSchema>;

/**
 * What a submission answers: the self-assessment without its answers (read them with GET). Kept
 * small on purpose: the response of an idempotent POST is stored for replay in one DynamoDB item.
 */
export const SubmissionReceiptSchema = SelfAssessmentSchema.omit({ answers: true }).meta({
  id: 'SubmissionReceipt',
});

export const CycleSelfAssessmentsQuerySchema = z.strictObject(
  lazyShape(() => ({
    status: SelfAssessmentStatusSchema.optional().meta({
      description: 'Only drafts or only submissions; without it, drafts first, then submissions',
    }),
    limit: pageLimit(200, 100),
    cursor: z.string().max(500).optional(),
  })),
);

/** One agency's self-assessment in a cycle, without its answers: where it stands. */
export const SelfAssessmentSummarySchema = z
  .object(
    lazyShape(() => ({
      agencyId: AgencyIdSchema,
      status: SelfAssessmentStatusSchema,
      version: z.number().int(),
      answeredCount: z.number().int(),
      indicatorCount: z.number().int().meta({ description: 'Indicators the cycle’s framework has' }),
      updatedAt: InstantSchema,
      submittedAt: InstantSchema.optional(),
    })),
  )
  .meta({ id: 'SelfAssessmentSummary' });

export const SelfAssessmentSummaryPageSchema = z
  .object(
    lazyShape(() => ({ items: z.array(SelfAssessmentSummarySchema), nextCursor: z.string().optional() })),
  )
  .meta({ id: 'SelfAssessmentSummaryPage' });
