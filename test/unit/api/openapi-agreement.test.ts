import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import type { RouteSpec } from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';
import {
  sampleBodies,
  samplePageQuery,
  samplePathValues,
  sampleQueries,
} from '#test/helpers/route-samples.ts';

/**
 * The published contract agrees with what the API enforces: for a valid sample of every request
 * part (path parameters, query, JSON body) of every route, and systematic mutations of it, zod (what
 * the handlers run) and a JSON Schema validator of the served OpenAPI document (what a generated
 * client runs) give the same verdict. Compared on the input side: what a client sends.
 *
 * Where zod enforces a rule JSON Schema cannot state (cross-field rules, uniqueness), the document
 * must say it in words: `zodOnlyRules` lists those, each with the phrase the document carries.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Part = 'params' | 'query' | 'body';

const document = buildOpenApiDocument({ version: 'test' }) as unknown as JsonObject;
const documentId = 'https://spbe.example/openapi.json';

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const at = (value: Json | undefined, ...path: string[]): Json | undefined =>
  path.reduce<Json | undefined>((node, key) => (isObject(node) ? node[key] : undefined), value);

/** Local `#/…` references point into the document once a schema is compiled on its own. */
const absoluteRefs = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === '$ref' && typeof child === 'string' && child.startsWith('#')
        ? `${documentId}${child}`
        : absoluteRefs(child),
    ]),
  );
};

const newAjv = (coerceTypes: boolean) => {
  // strictSchema off: the document carries OpenAPI keywords (example, x-…) JSON Schema does not know.
  const ajv = new Ajv2020({ strictSchema: false, allErrors: true, coerceTypes });
  // ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, the plugin
  // sits on its `default`.
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: documentId });
  return ajv;
};
// Parameters travel as text: read below as their schema's type (`asSerialised`), then checked as is.
const parameterAjv = newAjv(false);
const bodyAjv = newAjv(false);

/** The published parameters of one part of a route (path or query), by name. */
const publishedParameters = (route: RouteSpec, part: 'params' | 'query'): readonly JsonObject[] => {
  const operation = at(document, 'paths', route.path, route.method.toLowerCase());
  const location = part === 'params' ? 'path' : 'query';
  return ((at(operation, 'parameters') ?? []) as JsonObject[]).filter(
    (parameter) => parameter.in === location,
  );
};

/**
 * Parameter text read as its published type, as a server of the document reads what a client
 * serialised: an integer parameter holds the text an integer serialises to (`16`, never `016`,
 * ` 16`, `1.6e1` or `0x10`); any other text stays text, which the integer schema then refuses.
 */
const asSerialised = (parameters: readonly JsonObject[], value: JsonObject): JsonObject =>
  Object.fromEntries(
    Object.entries(value).map(([name, text]) => {
      const schema = parameters.find((parameter) => parameter.name === name)?.schema as
        | JsonObject
        | undefined;
      const integer =
        schema?.type === 'integer' && typeof text === 'string' && /^-?(?:0|[1-9]\d*)$/.test(text);
      return [name, integer ? Number(text) : text];
    }),
  );

/**
 * Routes whose query ignores unknown parameters, as their description says: OpenAPI lists a route's
 * parameters but cannot say that others are ignored rather than refused.
 */
const ignoresUnknownQuery: readonly string[] = ['getAwardsPage', 'getAwardsIndexPage'];

/** The published JSON Schema of one request part of a route. */
const publishedSchema = (route: RouteSpec, part: Part): ValidateFunction | undefined => {
  const operation = at(document, 'paths', route.path, route.method.toLowerCase());
  if (part === 'body') {
    const schema = at(operation, 'requestBody', 'content', 'application/json', 'schema');
    return schema === undefined ? undefined : bodyAjv.compile(absoluteRefs(schema) as JsonObject);
  }
  const mine = publishedParameters(route, part);
  if (mine.length === 0) return undefined;
  return parameterAjv.compile(
    absoluteRefs({
      type: 'object',
      properties: Object.fromEntries(
        mine.map((parameter) => [String(parameter.name), parameter.schema ?? {}]),
      ),
      required: mine
        .filter((parameter) => parameter.required === true)
        .map((parameter) => String(parameter.name)),
      additionalProperties: part === 'query' && ignoresUnknownQuery.includes(route.operationId),
    }) as JsonObject,
  );
};

// Valid samples: what a client sends (parameters as text); one catalogue for every route.
const validSample = (route: RouteSpec): Readonly<Partial<Record<Part, JsonObject>>> => {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const params = Object.fromEntries(
    names.map((name) => [name, (samplePathValues as Readonly<Record<string, string>>)[name] ?? 'x']),
  );
  const query: JsonObject | undefined = route.query
    ? {
        ...((sampleQueries as Readonly<Record<string, Readonly<Record<string, string>>>>)[
          route.operationId
        ] ?? samplePageQuery),
      }
    : undefined;
  const bodies = sampleBodies as unknown as Readonly<Record<string, JsonObject>>;
  const body = route.body ? bodies[route.operationId] : undefined;
  if (route.body && !body) throw new Error(`No valid body sample for ${route.operationId}: add one`);
  return {
    ...(route.params ? { params } : {}),
    ...(query ? { query } : {}),
    ...(body ? { body } : {}),
  };
};

// Mutations. Limits come from both sides (the document and zod's own JSON Schema), so a limit only
// one side knows is tried at its boundary.
const limitsIn = (value: unknown, keys: readonly string[], into = new Set<number>()): Set<number> => {
  if (Array.isArray(value)) for (const child of value) limitsIn(child, keys, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (keys.includes(key) && typeof child === 'number') into.add(child);
      else limitsIn(child, keys, into);
    }
  }
  return into;
};
const zodJsonSchemas = routeList.flatMap((route) =>
  [route.params, route.query, route.body]
    .filter((schema) => schema !== undefined)
    .map((schema) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })),
);
const limitSources = [document, ...zodJsonSchemas];
const lengthLimits = limitsIn(limitSources, ['minLength', 'maxLength', 'minItems', 'maxItems']);
const numberLimits = limitsIn(limitSources, ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

const texts = [
  '',
  'x',
  ' ',
  '  ab  ',
  'null',
  '3',
  '1e2',
  '0x10',
  '-1',
  '2.5',
  ' 5',
  'true',
  'Kota\u0000Baru',
  'Kota\u001BBaru',
  'Kota\u0085Baru',
  'Kota \u202EuraB',
  'Kota \u2066Baru\u2069',
  'Kota\tBaru',
  'Kota\nBaru',
  '\u200B\u200B\u200B',
  '\u2060\u2060\u2060',
  '\uFEFF\uFEFF\uFEFF',
  '\u3164\u3164\u3164',
  '\u{E0020}\u{E0020}\u{E0020}',
  'Jatim\u{E0068}\u{E0069}',
  ' \u200B\u3000 ',
  'Kota\uD800Baru',
  'x',
  'https://',
  '//a.go.id/x',
  'https://a.go.id:70000/x',
  'https://a.go.id:443/x',
  'http://a.go.id/x',
  'HTTPS://a.go.id/x',
  'https://u:p@a.go.id/x',
  'https://1.2.3.4/x',
  'https://localhost/x',
  'https://a.go.id/x y',
  'https://a.go.id/\u00E9',
  'https:a.go.id/x',
  'https://a.go.id',
  'https://a.go.id?q=1',
  'https://a..go.id/x',
  'https://-a.go.id/x',
  'https://xn--a.go.id/x',
  'index',
  'improvement',
  'Index',
  'domain-',
  'domain-0',
  'domain-1',
  'domain-9',
  'domain-10',
  'domain-99',
  'domain-100',
  'domain-01',
  'domain-1.5',
  'domain-+1',
  'domain--1',
  'domain-1e1',
  'domain- 1',
  '2026-03-01T00:00:00Z',
  '2026-03-01T00:00:00',
  '2026-03-01T00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-03-01 00:00:00Z',
  '2026-03-01T00:00:00.123456789+07:00',
  '2026-03-01T24:00:00Z',
  '2026-03-01t00:00:00z',
  '2017',
  '2018',
  '2100',
  '2101',
  '0000',
  '999',
  '1000',
  '01',
  '0',
  '48',
  'prov-jawa-timur',
  'Prov-Jawa',
  'a--b',
  '-ab',
  'ab',
  'a_b',
  'application/pdf',
  'A'.repeat(64),
  'a'.repeat(63),
  'kementerian',
  'kota',
  'pemantauan',
  'exact',
  'admin',
  'agency',
  'assessor',
  'false',
  '0.5',
  '-0.5',
  '.5',
];
const numbers = [
  ...[...numberLimits].flatMap((limit) => [limit - 1, limit, limit + 1]),
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  -1,
  0.5,
  2.5,
  1e3,
  Number.MAX_SAFE_INTEGER,
];

interface Mutation {
  readonly what: string;
  readonly value: JsonObject;
}

const setAt = (root: JsonObject, path: readonly (string | number)[], value: Json | undefined): JsonObject => {
  const copy = structuredClone(root);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, Json>)[key] as Json;
  const last = path.at(-1) as string | number;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete (node as JsonObject)[last];
  } else (node as Record<string | number, Json>)[last] = value;
  return copy;
};

/** Copies of an array item made distinct (ids and numbers), so that only the count is new. */
const distinct = (item: Json, index: number): Json => {
  if (!isObject(item)) return item;
  return Object.fromEntries(
    Object.entries(item).map(([key, value]) => [
      key,
      key === 'indicatorNo' && typeof value === 'number'
        ? index + 1
        : key === 'id' && typeof value === 'string'
          ? `${value}-${index}`
          : value,
    ]),
  );
};

/** The mutations of one node of a sample (`undefined` removes it); parameters only ever get text. */
const mutationsAt = (value: Json, parameter: boolean): [string, Json | undefined][] => {
  const here: [string, Json | undefined][] = [
    ['removed', undefined],
    ['null', null],
  ];
  if (typeof value === 'string' && parameter) {
    // Path and query parameters are text on the wire: only other text can be sent.
    here.splice(1);
    for (const text of [...texts, ...numbers.map(String)]) here.push([JSON.stringify(text), text]);
    for (const length of lengthLimits) {
      for (const n of [length - 1, length, length + 1].filter((size) => size >= 0 && size <= 5000)) {
        here.push([
          `${n} characters`,
          value.length >= n ? value.slice(0, n) : value + 'a'.repeat(n - value.length),
        ]);
      }
    }
  } else if (typeof value === 'string') {
    here.push(['a number', 3], ['a boolean', true], ['an array', [value]], ['an object', { value }]);
    for (const text of texts) here.push([JSON.stringify(text), text]);
    for (const length of lengthLimits) {
      for (const n of [length - 1, length, length + 1].filter((size) => size >= 0 && size <= 5000)) {
        const stretched = value.length >= n ? value.slice(0, n) : value + 'a'.repeat(n - value.length);
        here.push([`${n} characters`, stretched]);
      }
    }
    here.push(['with a trailing space', `${value} `], ['in upper case', value.toUpperCase()]);
  } else if (typeof value === 'number') {
    here.push(['a string', String(value)], ['a boolean', false], ['an array', [value]]);
    for (const n of numbers) here.push([String(n), n]);
  } else if (typeof value === 'boolean') {
    here.push(['a string', String(value)], ['a number', 1], ['the other boolean', !value]);
  } else if (Array.isArray(value)) {
    here.push(['an object', {}], ['a string', 'x'], ['empty', []]);
    const first = value[0];
    if (first !== undefined) {
      here.push(['with its first item twice', [first, ...value]]);
      for (const length of lengthLimits) {
        for (const n of [length, length + 1].filter((size) => size <= 2100)) {
          here.push([`${n} items`, Array.from({ length: n }, (_, index) => distinct(first, index))]);
        }
      }
    }
  } else if (isObject(value)) {
    here.push(
      ['an array', [value]],
      ['a string', 'x'],
      ['with an unknown field', { ...value, unexpected: 1 }],
    );
  }
  return here;
};

/** Every mutation of every node of a sample, each applied to a copy of the whole sample. */
const mutationsOf = (sample: JsonObject, part: Part): Mutation[] => {
  const found: Mutation[] = [];
  const visit = (value: Json, path: (string | number)[]) => {
    for (const [what, mutated] of mutationsAt(value, part !== 'body')) {
      const where = path.join('/') || '(root)';
      if (path.length > 0) found.push({ what: `${where}: ${what}`, value: setAt(sample, path, mutated) });
      else if (isObject(mutated ?? null))
        found.push({ what: `${where}: ${what}`, value: mutated as JsonObject });
    }
    if (Array.isArray(value)) for (const [index, child] of value.entries()) visit(child, [...path, index]);
    else if (isObject(value)) for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  visit(sample, []);
  return found;
};

/**
 * Rules zod enforces that JSON Schema cannot state. Each must be said in the document (`documentedAs`
 * appears in it); a sample only these rules refuse may pass the published schema.
 */
const zodOnlyRules: readonly {
  readonly rule: string;
  /** The zod issues it raises: path (joined with `/`) and message. */
  readonly path: RegExp;
  readonly message: RegExp;
  readonly documentedAs: string;
}[] = [
  {
    rule: 'a kabupaten or kota names its province; no other group has one',
    path: /(^|\/)parentProvinceId$/,
    message: /parent province/,
    documentedAs:
      'Required for kabupaten and kota (the province they belong to); refused for every other group',
  },
  {
    rule: 'an agency client names its agency; an admin client none',
    path: /^agencyId$/,
    message: /client/,
    documentedAs: 'Required for role agency (the one agency it acts for); refused for role admin',
  },
  {
    rule: 'a window closes after it opens',
    path: /^(windows\/)?\w+\/closesAt$/,
    message: /closesAt must be after opensAt/,
    documentedAs: 'Must be after opensAt',
  },
  {
    rule: 'each indicator at most once in a bulk save',
    path: /^(answers|scores|reviews|indicators|decisions)\/\d+\/indicatorNo$/,
    message: /appears more than once/,
    documentedAs: 'Each indicator at most once',
  },
  {
    rule: 'each evidence document at most once',
    path: /(^|\/)evidence\/\d+\/url$/,
    message: /listed twice/,
    documentedAs: 'Each document at most once',
  },
  {
    rule: 'a score marked not valid gives its reason',
    path: /^reviews\/\d+\/reason$/,
    message: /needs a reason/,
    documentedAs: 'Required when not valid',
  },
  {
    rule: 'an upheld appeal gives the new level',
    path: /^decisions\/\d+\/level$/,
    message: /needs the new level/,
    documentedAs: 'required when upheld',
  },
  {
    rule: 'the minimum length of a text counts without surrounding white space',
    path: /./,
    message: /surrounding white space not counted/,
    documentedAs: 'Surrounding white space is removed before the length',
  },
  {
    rule: 'invisible characters beyond U+FFFF (the published pattern lists the BMP only)',
    path: /./,
    message: /no visible character/,
    documentedAs: 'invisible characters beyond U+FFFF, such as tag characters, count as invisible too',
  },
  {
    rule: 'tag characters outside a flag emoji (beyond U+FFFF: the published pattern lists the BMP only)',
    path: /./,
    message: /tag character U\+E00/,
    documentedAs: 'no tag characters (U+E0000–U+E007F) outside a flag emoji',
  },
  {
    rule: 'an evidence URL the WHATWG parser accepts',
    path: /evidence\/\d+\/url$/,
    message: /WHATWG URL parser/,
    documentedAs: 'it must also parse as a URL (WHATWG URL Standard)',
  },
];

interface Disagreement {
  readonly route: string;
  readonly part: Part;
  readonly what: string;
  readonly value: string;
  readonly zod: string;
  readonly published: string;
}

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The issues the API raises on a request part: its schema's, and for a body of rows validated one
 * by one (`rowSchema`), each row's once the envelope is valid.
 */
const enforce = (route: RouteSpec, part: Part, schema: z.ZodType, value: JsonObject): Issue[] => {
  const result = schema.safeParse(value);
  if (!result.success) return result.error.issues;
  const { rowSchema, csvRowsField } = route;
  const rows = csvRowsField === undefined ? undefined : value[csvRowsField];
  if (part !== 'body' || !rowSchema || !csvRowsField || !Array.isArray(rows)) return [];
  return rows.flatMap((row, index) => {
    const parsed = rowSchema.safeParse(row);
    if (parsed.success) return [];
    return parsed.error.issues.map((issue) => ({ ...issue, path: [csvRowsField, index, ...issue.path] }));
  });
};

const compare = (route: RouteSpec, part: Part, samples: readonly Mutation[]): Disagreement[] => {
  const schema = route[part];
  const validate = publishedSchema(route, part);
  if (!schema || !validate) throw new Error(`${route.operationId} ${part}: no schema on one side`);
  return samples.flatMap(({ what, value }): Disagreement[] => {
    const issues = enforce(route, part, schema, value);
    const published = validate(
      part === 'body' ? value : asSerialised(publishedParameters(route, part), value),
    );
    if ((issues.length === 0) === published) return [];
    // Stricter than the document only by rules the document states in words.
    const byZodOnlyRules = issues.every((issue) =>
      zodOnlyRules.some((rule) => rule.path.test(issue.path.join('/')) && rule.message.test(issue.message)),
    );
    if (published && byZodOnlyRules) return [];
    return [
      {
        route: route.operationId,
        part,
        what,
        value: JSON.stringify(value).slice(0, 200),
        zod:
          issues.length === 0
            ? 'accepts'
            : `refuses: ${issues.map((issue) => `${issue.path.join('/')} ${issue.message}`).join('; ')}`,
        published: published ? 'accepts' : `refuses: ${bodyAjv.errorsText(validate.errors)}`.slice(0, 300),
      },
    ];
  });
};

const cases = routeList.flatMap((route) =>
  (['params', 'query', 'body'] as const)
    .filter((part) => route[part] !== undefined)
    .map((part) => [`${route.operationId} ${part}`, route, part] as const),
);

describe('the published OpenAPI document agrees with zod', () => {
  it.each(cases)('%s: the valid sample passes both', (_name, route, part) => {
    // Prepare
    const sample = validSample(route)[part];
    if (!sample) throw new Error('no sample');

    // Act
    const disagreements = compare(route, part, [{ what: 'valid sample', value: sample }]);

    // Assess
    expect(route[part] && enforce(route, part, route[part], sample)).toEqual([]);
    expect(disagreements).toEqual([]);
  });

  // Thousands of mutations for the largest bodies (createCycle: about 2 s alone): room for a busy
  // machine running every unit test file at once.
  const mutationTimeoutMs = 30_000;

  it.each(cases)(
    '%s: every mutation gets the same verdict from both',
    (_name, route, part) => {
      // Prepare
      const sample = validSample(route)[part];
      if (!sample) throw new Error('no sample');
      const mutations = mutationsOf(sample, part);

      // Act
      const disagreements = compare(route, part, mutations);

      // Assess
      expect(mutations.length).toBeGreaterThan(20);
      expect(disagreements).toEqual([]);
    },
    mutationTimeoutMs,
  );

  it('documents every rule only zod can enforce', () => {
    const text = JSON.stringify(document);
    for (const rule of zodOnlyRules)
      expect({ rule: rule.rule, documented: text.includes(rule.documentedAs) }).toEqual({
        rule: rule.rule,
        documented: true,
      });
  });
});
