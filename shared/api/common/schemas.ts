import * as z from 'zod';
import { roles } from '#shared/domain/roles.ts';

/** RFC 9457 problem details, as every error response carries them. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ example: 'https://spbe.example.id/problems/validation-failed' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().meta({ description: 'The request path' }),
    requestId: z.string().optional().meta({ description: 'Quote it to the on-call engineer' }),
    errors: z
      .array(
        z.object({
          pointer: z.string().meta({ description: 'JSON Pointer into the request', example: '/body/level' }),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const agencyIdPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const AgencyIdSchema = z
  .string()
  .min(3)
  .max(80)
  .regex(agencyIdPattern, 'lower-case letters, digits and single hyphens, e.g. prov-jawa-timur')
  .meta({ description: 'Agency slug', example: 'prov-jawa-timur' });

/** Cycle years: the SPBE evaluations began in 2018. */
export const YearSchema = z
  .int()
  .min(2018)
  .max(2100)
  .meta({ description: 'Evaluation cycle year', example: 2026 });

/** A year in a path: four digits exactly, so that one cycle has one URL (no `0x7EA`, `2.026e3`). */
export const YearParamSchema = z
  .string()
  .regex(/^\d{4}$/, 'A four-digit year such as 2026')
  .transform(Number)
  .pipe(YearSchema);

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    checks: z.array(z.object({ name: z.string(), status: z.enum(['ok', 'failed']), latencyMs: z.number() })),
    version: z.string(),
    time: z.string(),
  })
  .meta({ id: 'Health' });

export const MeSchema = z
  .object({
    subject: z.string().meta({ description: 'The token’s `sub`' }),
    clientId: z.string().optional(),
    role: z.enum(roles),
    agencyId: z
      .string()
      .optional()
      .meta({ description: 'Set for agency operators: the one agency they act for' }),
    scopes: z.array(z.string()),
    name: z.string().optional(),
    tokenExpiresAt: z.string().optional(),
  })
  .meta({ id: 'Me', description: 'The caller as the API understands them' });

// Audit trails: every capability's records share one shape.
export const AuditRecordSchema = z
  .object({
    at: z.string(),
    actor: z.object({
      subject: z.string(),
      role: z.string(),
      agencyId: z.string().optional(),
      clientId: z.string().optional(),
    }),
    action: z.string().meta({ example: 'self-assessment.answer.saved' }),
    route: z.string(),
    requestId: z.string(),
    target: z.string().meta({ example: 'indicator 12' }),
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
  })
  .meta({ id: 'AuditRecord', description: 'Append-only: who changed what, when, before and after' });
export type AuditRecord = z.output<typeof AuditRecordSchema>;

export const AuditPageSchema = z
  .object({ items: z.array(AuditRecordSchema), nextCursor: z.string().optional() })
  .meta({ id: 'AuditPage' });

export const AuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().max(500).optional(),
});
