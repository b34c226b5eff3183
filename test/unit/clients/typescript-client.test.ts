import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderClientSchema, schemaFile } from '#clients/typescript/generate.ts';

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
});
