import * as z from 'zod';
import { lazyShape } from '#shared/api/lazy-shape.ts';

export const FrameworkParamsSchema = z.strictObject(
  lazyShape(() => ({
    frameworkId: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'A framework id such as spbe-2020')
      .max(40)
      .meta({ example: 'spbe-2020' }),
  })),
);

const weight = z.number().meta({ description: 'Percent of the index' });

/** The framework as published: the domain `Framework` type, field for field. */
export const FrameworkSchema = z
  .object(
    lazyShape(() => ({
      id: z.string(),
      name: z.string(),
      nameEn: z.string(),
      regulation: z.string(),
      validFrom: z.string(),
      technicalGuides: z.array(z.string()),
      domains: z.array(
        z.object({
          no: z.number().int(),
          name: z.string(),
          nameEn: z.string(),
          shortName: z.string(),
          shortNameEn: z.string(),
          weight,
          source: z.string(),
        }),
      ),
      aspects: z.array(
        z.object({
          no: z.number().int(),
          domainNo: z.number().int(),
          name: z.string(),
          nameEn: z.string(),
          weight,
          source: z.string(),
        }),
      ),
      indicators: z.array(
        z.object({
          no: z.number().int(),
          aspectNo: z.number().int(),
          name: z.string(),
          nameEn: z.string(),
          weight,
          scale: z.string(),
          source: z.string(),
        }),
      ),
      scales: z.record(
        z.string(),
        z.object({
          id: z.string(),
          name: z.string(),
          nameEn: z.string(),
          levels: z.array(
            z.object({
              level: z.number().int(),
              name: z.string(),
              nameEn: z.string(),
              criterion: z.string(),
            }),
          ),
          source: z.string(),
        }),
      ),
      predicateBands: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          nameEn: z.string(),
          min: z.number(),
          max: z.number(),
          maxInclusive: z.boolean(),
        }),
      ),
      sources: z.record(z.string(), z.string()),
    })),
  )
  .meta({ id: 'Framework', description: 'SPBE framework version (PermenPANRB 59/2020 for spbe-2020)' });

export const ProblemTypeParamsSchema = z.strictObject(
  lazyShape(() => ({
    slug: z
      .string()
      .regex(/^[a-z]+(?:-[a-z]+)*$/, 'A problem type such as validation-failed')
      .max(40)
      .meta({
        description: 'The last segment of a problem document’s `type`',
        example: 'validation-failed',
      }),
  })),
);

/**
 * This API's OpenAPI 3.1 document as served: typed only as far as a client reads it (its version
 * and paths), every other member allowed — it is the contract itself, whose full shape the OpenAPI
 * 3.1 specification's own schema describes (https://spec.openapis.org/oas/3.1/schema/2022-10-07).
 */
export const OpenApiDocumentSchema = z
  .object(
    lazyShape(() => ({
      openapi: z.string().max(16).meta({ description: 'The OpenAPI version', example: '3.1.0' }),
      info: z
        .object({
          title: z.string(),
          version: z.string().meta({ description: 'The serving deployment’s version' }),
        })
        .meta({ description: 'The API’s title, version, contact and description' }),
      paths: z
        .record(z.string(), z.unknown())
        .optional()
        .meta({ description: 'Every route: its operations by method, keyed by path' }),
    })),
  )
  .meta({
    id: 'OpenApiDocument',
    description:
      'An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0): this API’s contract, as /docs shows it; members not listed here (components, tags, webhooks …) are as the specification defines them',
  });
