import * as z from 'zod';
import { AgencyIdSchema, displayText, InstantSchema, pageLimit } from '#shared/api/common/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { agencyGroups } from '#shared/domain/agency-groups.ts';
import { searchWords } from '#shared/domain/agency-search.ts';

export const AgencyGroupSchema = z
  .enum(agencyGroups)
  .meta({ description: 'Agency group (kelompok IPPD)', example: 'provinsi' });

const officialName = displayText({ min: 3, max: 200, description: 'Official name' }).meta({
  example: 'Pemerintah Provinsi Jawa Timur',
});

/** Fields an admin sets; the id comes from the path (PUT) or the row (import). */
const agencyFields = {
  name: officialName,
  group: AgencyGroupSchema,
  parentProvinceId: AgencyIdSchema.optional().meta({
    description:
      'Required for kabupaten and kota (the province they belong to); refused for every other group',
    example: 'prov-jawa-timur',
  }),
  // No default here: left out, an update keeps what is stored (the public read an admin edits from
  // has no `active`, so a default re-activated an agency deactivated mid-cycle); a new agency is active.
  active: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
    .optional()
    .meta({
      description:
        'Inactive agencies stay in the registry but join no new cycle. Left out: a new agency is active, an existing one keeps its state',
    }),
};

const parentRule = <T extends { group: string; parentProvinceId?: string | undefined }>(
  value: T,
  ctx: z.RefinementCtx,
) => {
  const needsParent = value.group === 'kabupaten' || value.group === 'kota';
  if (needsParent && !value.parentProvinceId) {
    ctx.addIssue({
      code: 'custom',
      path: ['parentProvinceId'],
      message: `A ${value.group} needs its parent province.`,
    });
  }
  if (!needsParent && value.parentProvinceId) {
    ctx.addIssue({
      code: 'custom',
      path: ['parentProvinceId'],
      message: `Only kabupaten and kota have a parent province; a ${value.group} has none.`,
    });
  }
};

export const AgencyWriteSchema = z
  .strictObject(agencyFields)
  .superRefine(parentRule)
  .meta({ id: 'AgencyWrite', description: 'Create or update an agency' });
export type AgencyWrite = z.output<typeof AgencyWriteSchema>;

export const AgencyImportRowSchema = z
  .strictObject(lazyShape(() => ({ id: AgencyIdSchema, ...agencyFields })))
  .superRefine(parentRule)
  .meta({ id: 'AgencyImportRow' });
export type AgencyImportRow = z.output<typeof AgencyImportRowSchema>;

/**
 * The import body is validated row by row by the route (to report every bad row), so the schema
 * here only checks the envelope.
 */
export const AgencyImportSchema = z
  .strictObject(
    lazyShape(() => ({
      agencies: z.array(z.unknown()).min(1).max(2000).meta({
        description: 'Validated one by one: a 400 lists every bad row (`rows[]`, with CSV line numbers)',
      }),
    })),
  )
  .meta({
    id: 'AgencyImport',
    description: 'The national roster; CSV uploads use the header id,name,group,parentProvinceId,active',
  });

export const AgencySchema = z
  .object(
    lazyShape(() => ({
      id: AgencyIdSchema,
      name: z.string(),
      group: AgencyGroupSchema,
      parentProvinceId: z.string().optional(),
      active: z.boolean(),
      childCount: z.number().int().min(0).optional().meta({
        description: 'Provinces: how many kabupaten and kota are registered under it',
      }),
      version: z.number().int(),
      createdAt: InstantSchema,
      updatedAt: InstantSchema,
    })),
  )
  .meta({ id: 'Agency' });
export type Agency = z.output<typeof AgencySchema>;

export const PublicAgencySchema = AgencySchema.pick({
  id: true,
  name: true,
  group: true,
  parentProvinceId: true,
}).meta({
  id: 'PublicAgency',
});

export const AgencyIdParamsSchema = z.strictObject(lazyShape(() => ({ agencyId: AgencyIdSchema })));

export const AgencyListQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      group: AgencyGroupSchema.optional(),
      limit: pageLimit(200, 50),
      cursor: z.string().max(500).optional().meta({ description: 'The `nextCursor` of the previous page' }),
    })),
  )
  .meta({ id: 'AgencyListQuery' });

/** What the public directory answers per page at most, and the query's longest text. */
export const directoryLimits = { maxPage: 100, defaultPage: 20, queryMaxChars: 100 } as const;

export const AgencyDirectoryQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      q: displayText({
        min: 1,
        max: directoryLimits.queryMaxChars,
        lineControlsAsSpace: true,
        description:
          'Words of the agency’s name or id, in any order and case, diacritics ignored; each must begin a word (`kab malang`, `jawa tim`, `prov-bali`)',
      })
        .refine((text) => searchWords(text).length > 0, {
          message: 'Type at least one letter or digit of the agency’s name, such as "jawa timur"',
        })
        .optional()
        .meta({ example: 'jawa timur' }),
      group: AgencyGroupSchema.optional(),
      limit: pageLimit(directoryLimits.maxPage, directoryLimits.defaultPage),
      cursor: z.string().max(500).optional().meta({
        description: 'The `nextCursor` of the previous page, with the same `q` and `group`',
      }),
    })),
  )
  .meta({ id: 'AgencyDirectoryQuery' });

export const AgencyDirectoryPageSchema = z
  .object(
    lazyShape(() => ({
      items: z.array(PublicAgencySchema),
      total: z.number().int().min(0).meta({ description: 'Agencies matching, over every page' }),
      nextCursor: z.string().optional(),
    })),
  )
  .meta({
    id: 'AgencyDirectoryPage',
    description: 'Active agencies matching the query, in id order',
  });

export const AgencyPageSchema = z
  .object(lazyShape(() => ({ items: z.array(AgencySchema), nextCursor: z.string().optional() })))
  .meta({ id: 'AgencyPage' });

export const ImportRowErrorSchema = z.object(
  lazyShape(() => ({
    row: z.number().int().meta({ description: '1-based row number among the data rows' }),
    line: z.number().int().optional().meta({ description: 'CSV line number (header is line 1)' }),
    id: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })),
  })),
);

export const ImportReportSchema = z
  .object(
    lazyShape(() => ({
      received: z.number().int(),
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      createdIds: z.array(z.string()),
      updatedIds: z.array(z.string()),
    })),
  )
  .meta({ id: 'ImportReport' });

// Machine clients (OAuth2 client credentials of agency portals and ministry systems)
/** Roles a machine client may act in: an agency's portal backend, or the ministry's own systems. */
export const machineClientRoles = ['agency', 'admin'] as const;

export const MachineClientParamsSchema = z.strictObject(
  lazyShape(() => ({
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9_+-]{1,128}$/, 'An OAuth2 client id: letters, digits, _ + -')
      // maxLength: the bound the pattern already sets, published.
      .meta({ example: '4f1kq2s9e0n7h3j5m8p6r2t1vb', maxLength: 128 }),
  })),
);

export const MachineClientWriteSchema = z
  .strictObject(
    lazyShape(() => ({
      role: z.enum(machineClientRoles),
      agencyId: AgencyIdSchema.optional().meta({
        description: 'Required for role agency (the one agency it acts for); refused for role admin',
      }),
      description: displayText({ min: 3, max: 200, description: 'What the client is, for admins' }).meta({
        example: 'Portal SPBE Pemprov Jawa Timur (integrasi)',
      }),
    })),
  )
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
  .object(
    lazyShape(() => ({
      clientId: z.string(),
      role: z.enum(machineClientRoles),
      agencyId: AgencyIdSchema.optional(),
      description: z.string(),
      version: z.number().int(),
      createdAt: InstantSchema,
      updatedAt: InstantSchema,
    })),
  )
  .meta({ id: 'MachineClient' });
