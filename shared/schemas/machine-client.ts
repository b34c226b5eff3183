import * as z from 'zod';
import { AgencyIdSchema } from './common.ts';

/** Roles a machine client may act in: an agency's portal backend, or the ministry's own systems. */
export const machineClientRoles = ['agency', 'admin'] as const;

export const MachineClientParamsSchema = z.strictObject({
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_+-]{1,128}$/, 'An OAuth2 client id: letters, digits, _ + -')
    .meta({ example: '4f1kq2s9e0n7h3j5m8p6r2t1vb' }),
});

export const MachineClientWriteSchema = z
  .strictObject({
    role: z.enum(machineClientRoles),
    agencyId: AgencyIdSchema.optional().meta({
      description: 'Required for role agency: the one agency it acts for',
    }),
    description: z
      .string()
      .trim()
      .min(3)
      .max(200)
      .meta({ example: 'Portal SPBE Pemprov Jawa Timur (integrasi)' }),
  })
  .superRefine((value, ctx) => {
    if (value.role === 'agency' && !value.agencyId) {
      ctx.addIssue({
        code: 'custom',
        path: ['agencyId'],
        message: 'An agency client needs the agency it acts for.',
      });
    }
    if (value.role !== 'agency' && value.agencyId) {
      ctx.addIssue({
        code: 'custom',
        path: ['agencyId'],
        message: `A ${value.role} client acts for no single agency.`,
      });
    }
  })
  .meta({
    id: 'MachineClientWrite',
    description: 'Binds an OAuth2 client-credentials client to a role (and agency); its tokens carry them',
  });
export type MachineClientWrite = z.output<typeof MachineClientWriteSchema>;

export const MachineClientSchema = z
  .object({
    clientId: z.string(),
    role: z.enum(machineClientRoles),
    agencyId: z.string().optional(),
    description: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'MachineClient' });
