import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '#clients/typescript/client.ts';
import { renderClientSchema, schemaFile } from '#clients/typescript/generate.ts';
import { AssessorWriteSchema, ReviewsWriteSchema } from '#shared/api/assessment/schemas.ts';
import { CycleCreateSchema } from '#shared/api/cycles/schemas.ts';
import { WebhookEndpointCreateSchema } from '#shared/api/webhooks/schemas.ts';

/**
 * The typed client's types are the served contract's: regenerated in memory from the document
 * `GET /v1/openapi.json` serves, they must equal the file integrators get. A route, schema or
 * header changed without `npm run client:generate` fails here; the example
 * (`clients/typescript/examples/first-hour.ts`) is type-checked against the file by `npm run typecheck`.
 */

describe('clients/typescript/schema.d.ts', () => {
  it('is what `npm run client:generate` writes from the served document', async () => {
    // Act
    const expected = await renderClientSchema();
    const current = readFileSync(schemaFile, 'utf8');

    // Assess: the first differing line, not a 150 KB diff.
    const currentLines = current.split('\n');
    const expectedLines = expected.split('\n');
    const line = expectedLines.findIndex((text, index) => currentLines[index] !== text);
    expect(
      line === -1 && currentLines.length === expectedLines.length
        ? 'current'
        : `stale from line ${line + 1} (${JSON.stringify(currentLines[line])} should be ${JSON.stringify(expectedLines[line])}): run npm run client:generate`,
    ).toBe('current');
  }, 60_000);

  it('lets a request body leave out what the API fills in by default, as the document’s `required` says', () => {
    // Prepare: typed as integrators type them. Were a property with a default required here (as
    // openapi-typescript makes it unless told otherwise), \`npm run typecheck\` would fail on this file.
    const window = { opensAt: '2027-02-01T00:00:00+07:00', closesAt: '2027-03-01T00:00:00+07:00' };
    const cycle: Schemas['CycleCreate'] = {
      year: 2027,
      type: 'pemantauan',
      windows: {
        selfAssessment: window,
        documentAssessment: { opensAt: '2027-03-02T00:00:00+07:00', closesAt: '2027-04-01T00:00:00+07:00' },
        appeals: { opensAt: '2027-04-02T00:00:00+07:00', closesAt: '2027-05-01T00:00:00+07:00' },
        publication: { at: '2027-06-01T00:00:00+07:00' },
      },
    };
    const reviews: Schemas['ReviewsWrite'] = {
      reviews: [{ indicatorNo: 1, valid: true, expectedVersion: 0 }],
    };
    const assessor: Schemas['AssessorWrite'] = { name: 'Asesor Uji' };
    const endpoint: Schemas['WebhookEndpointCreate'] = {
      url: 'https://hooks.jatimprov.go.id/spbe',
      eventTypes: ['award.published'],
    };

    // Act: the API's own schemas read them.
    const parsed = [
      CycleCreateSchema.safeParse(cycle),
      ReviewsWriteSchema.safeParse(reviews),
      AssessorWriteSchema.safeParse(assessor),
      WebhookEndpointCreateSchema.safeParse(endpoint),
    ];

    // Assess: accepted, the defaults filled in.
    expect(parsed.map((result) => result.error?.issues ?? [])).toEqual([[], [], [], []]);
    expect(parsed[0]?.data).toMatchObject({ frameworkId: 'spbe-2020', predicateBasis: 'exact' });
  });
});
