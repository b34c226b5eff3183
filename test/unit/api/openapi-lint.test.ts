import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { type Diagnostic, loadSpectral } from '#test/helpers/spectral.ts';

/**
 * The served OpenAPI document passes Spectral's OpenAPI rules and the OWASP API Security Top 10 2023
 * ruleset, as configured in `.spectral.yaml` at the repository root: any error fails `npm test`.
 * Spectral runs in-process and offline (test/helpers/spectral.ts): the ruleset's `extends` resolve
 * from node_modules, the document is built in memory, and any fetch fails the lint.
 */

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const rulesetPath = `${repositoryRoot}.spectral.yaml`;

const severityNames = ['error', 'warning', 'information', 'hint'] as const;

const describeDiagnostic = (diagnostic: Diagnostic) =>
  `${diagnostic.code} at ${diagnostic.path.join('.')}: ${diagnostic.message}`;

let diagnostics: Diagnostic[];
let lintMs: number;
let lint: Awaited<ReturnType<typeof loadSpectral>>['lint'];
const document = buildOpenApiDocument({ version: 'test' });

beforeAll(async () => {
  // Prepare
  ({ lint } = await loadSpectral(rulesetPath));

  // Act: the document stands for `openapi.json` beside the ruleset, which its overrides point into.
  const started = performance.now();
  diagnostics = await lint(document, `${repositoryRoot}openapi.json`);
  lintMs = performance.now() - started;
}, 60_000);

describe('the OpenAPI document under Spectral (spectral:oas + OWASP 2023)', () => {
  it('has no errors', () => {
    // Assess
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0).map(describeDiagnostic);
    expect(errors).toEqual([]);
  });

  it('reports what it warns about', () => {
    // Act: warnings do not fail the build; their count by rule keeps them in sight.
    const counts = new Map<string, number>();
    for (const diagnostic of diagnostics.filter((candidate) => candidate.severity > 0)) {
      const key = `${severityNames[diagnostic.severity] ?? diagnostic.severity} ${diagnostic.code}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }

    // Assess
    console.info(
      `Spectral: ${Math.round(lintMs)} ms; ${[...counts].map(([key, count]) => `${count} × ${key}`).join(', ') || 'nothing else'}`,
    );
    expect(lintMs).toBeGreaterThan(0);
  });

  it('refers only within itself, so linting never reaches the network', () => {
    // Act
    const references = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]*)"/g)].map((match) => match[1]);

    // Assess
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((reference) => !reference?.startsWith('#/'))).toEqual([]);
  });
});

describe('the replacement rules', () => {
  it('still refuse an unbounded string or array in a request, also behind a $ref', async () => {
    // Prepare: a small document (a second lint of the real one would cost seconds) whose request
    // body refers to a schema with an unbounded string and array, and whose response is unbounded.
    const unbounded = {
      openapi: '3.1.0',
      info: { title: 'probe', version: '1' },
      paths: {
        '/probe': {
          post: {
            operationId: 'probe',
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Probe' } } },
            },
            responses: {
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: { type: 'string' } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Probe: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              tags: { type: 'array', items: { type: 'string', maxLength: 10 } },
            },
          },
        },
      },
    };

    // Act
    const found = await lint(unbounded, `${repositoryRoot}probe.json`);

    // Assess: both caught where the request schema lives; the response string is not checked.
    const errors = found
      .filter((diagnostic) => diagnostic.code.toString().startsWith('spbe:'))
      .map((diagnostic) => `${diagnostic.code} ${diagnostic.path.join('.')}`)
      .sort();
    expect(errors).toEqual([
      'spbe:request-array-limit components.schemas.Probe.properties.tags',
      'spbe:request-string-limit components.schemas.Probe.properties.name',
    ]);
  }, 60_000);
});

describe('the ruleset file', () => {
  const lines = fs.readFileSync(rulesetPath, 'utf8').split('\n');

  it('gives a reason for every rule it turns off', () => {
    // Prepare: the comment block right above an `off` (skipping other `off` lines of the same block).
    const reasonAbove = (index: number): string => {
      let cursor = index - 1;
      while (cursor >= 0 && /:\s*["']?off["']?\s*$/.test(lines[cursor] ?? '')) cursor--;
      const comments: string[] = [];
      while (cursor >= 0 && /^\s*#/.test(lines[cursor] ?? '')) comments.unshift(lines[cursor--] ?? '');
      return comments.join(' ');
    };

    // Act
    const offs = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => /^\s+[\w:.-]+:\s*["']?off["']?\s*$/.test(line))
      .map(({ line, index }) => ({
        rule: line.trim().split(':').slice(0, -1).join(':'),
        reason: reasonAbove(index),
      }));

    // Assess
    expect(offs.length).toBeGreaterThan(0);
    for (const { rule, reason } of offs)
      expect({ rule, reason: reason.length > 40 }).toEqual({ rule, reason: true });
  });
});
