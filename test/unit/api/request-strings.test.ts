import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CycleCreateSchema } from '#shared/api/cycles/schemas.ts';
import { routeList } from '#shared/api/routes.ts';
import { sampleBodies } from '#test/helpers/route-samples.ts';

/**
 * Every string a client sends in a body is constrained where the contract states it: a pattern
 * (display text, ids), an enum or a format. A bare `z.string()` would store NUL bytes, lone
 * surrogates and bidi controls as sent. The few bare strings below are checked by the service
 * against what exists, and a value that is not one of those is refused with 400 naming the field.
 */
const checkedByTheService = new Set([
  'createCycle #CycleCreate/frameworkId',
  'createCycle #AwardRules/frameworkId',
  'createCycle #AwardRules/categories/eligibility/minPredicate',
  // The domain's URL policy (`shared/domain/webhooks/urls.ts`), with DNS at registration and change.
  'createWebhookEndpoint #WebhookEndpointCreate/url',
  'updateWebhookEndpoint #WebhookEndpointPatch/url',
]);

type JsonSchema = { readonly [key: string]: unknown };

const unconstrainedStrings = (node: unknown, path: string, into: Set<string>): Set<string> => {
  if (Array.isArray(node)) {
    for (const child of node) unconstrainedStrings(child, path, into);
    return into;
  }
  if (typeof node !== 'object' || node === null) return into;
  const schema = node as JsonSchema;
  const constrained = ['pattern', 'enum', 'const', 'format'].some((key) => schema[key] !== undefined);
  if (schema.type === 'string' && !constrained) into.add(path);
  for (const [name, child] of Object.entries((schema.properties ?? {}) as JsonSchema)) {
    unconstrainedStrings(child, `${path}/${name}`, into);
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) {
    unconstrainedStrings(schema[key], path, into);
  }
  // Schemas with an id (`.meta({ id })`) sit in `$defs`, referenced from where they are used.
  const definitions = (schema.$defs ?? {}) as JsonSchema;
  for (const [name, child] of Object.entries(definitions)) unconstrainedStrings(child, `#${name}`, into);
  return into;
};

describe('strings in request bodies', () => {
  it('are all constrained by a pattern, enum or format, or checked by the service', () => {
    // Prepare
    const found = new Set<string>();

    // Act
    for (const route of routeList) {
      if (!route.body) continue;
      const json = z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' });
      for (const path of unconstrainedStrings(json, '', new Set())) found.add(`${route.operationId} ${path}`);
    }

    // Assess
    expect([...found].filter((field) => !checkedByTheService.has(field))).toEqual([]);
  });

  it.each([
    ['a NUL', 'rules\u00002030', 'control character U+0000'],
    ['a lone surrogate', 'rules-\uD800', 'lone surrogate U+D800'],
    ['a right-to-left override', 'rules-\u202E0302', 'bidirectional control U+202E'],
    ['only zero-width spaces', '\u200B\u200B', 'no visible character'],
  ])('refuse %s in the award rules’ id, naming the field', (_what, id, message) => {
    // Prepare
    const body = { ...sampleBodies.createCycle, awardRules: { ...sampleBodies.createCycle.awardRules, id } };

    // Act
    const result = CycleCreateSchema.safeParse(body);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('/'), issue.message])).toEqual([
      ['awardRules/id', expect.stringContaining(message)],
    ]);
  });
});
