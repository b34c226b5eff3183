import { describe, expect, it } from 'vitest';
import { scope, scopeDescriptions, scopeNames } from '#shared/api/access.ts';
import { ProblemSchema } from '#shared/api/common/schemas.ts';
import { sampleBodies } from '#shared/api/examples.ts';
import { buildOpenApiDocument, documentedStatuses } from '#shared/api/openapi.ts';
import { defaultMaxBodyBytes, type RouteSpec, routeKeyOf } from '#shared/api/route-spec.ts';
import { routeList, routes } from '#shared/api/routes.ts';
import { endpointsPerAgency } from '#shared/domain/webhooks/endpoints.ts';
import { problemFromError } from '#shared/http/problem-details.ts';

/**
 * What the document says about the HTTP conventions every route follows (headers, status codes,
 * scopes) comes from the route table's flags, for every route.
 */

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: { readonly maxLength?: number };
}
interface Reference {
  readonly $ref: string;
}
interface Response {
  readonly description: string;
  readonly headers?: Readonly<Record<string, Reference | { readonly required?: boolean }>>;
  readonly content?: Readonly<Record<string, { readonly schema?: unknown; readonly example?: unknown }>>;
}
interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly Parameter[];
  readonly responses: Readonly<Record<string, Response | Reference>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
}
interface OAuthFlow {
  readonly tokenUrl: string;
  readonly scopes: Readonly<Record<string, string>>;
}

const document = buildOpenApiDocument({ version: 'test' }) as unknown as {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: {
    readonly securitySchemes: Readonly<Record<string, Record<string, unknown>>>;
    readonly responses?: Readonly<Record<string, Response>>;
    readonly headers?: Readonly<Record<string, { readonly required?: boolean; readonly schema?: object }>>;
  };
};

/** A response as a client reads it: shared problem responses are references into the components. */
const resolved = (response: Response | Reference | undefined): Response | undefined => {
  if (response === undefined || !('$ref' in response)) return response;
  const name = response.$ref.replace('#/components/responses/', '');
  return document.components.responses?.[name];
};

const operationOf = (route: RouteSpec): Operation => {
  const operation = document.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${routeKeyOf(route)} is not in the document`);
  return operation;
};

const responseOf = (route: RouteSpec, status: number): Response | undefined =>
  resolved(operationOf(route).responses[String(status)]);

const headerOf = (route: RouteSpec, name: string): Parameter | undefined =>
  operationOf(route).parameters?.find(
    (parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === name.toLowerCase(),
  );

const byKey = routeList.map((route) => [routeKeyOf(route), route] as const);

/**
 * Writes that honour If-Match without requiring it on every request: PUTs that create (an update
 * needs it), a submission, a deletion, a secret rotation.
 */
const optionalIfMatch = [
  routes.putAgency,
  routes.putMachineClient,
  routes.putAssessor,
  routes.submitSelfAssessment,
  routes.deleteWebhookEndpoint,
  routes.rotateWebhookSecret,
];

describe('request headers', () => {
  it.each(byKey)('%s declares If-Match as the route uses it', (_key, route) => {
    // Act
    const ifMatch = headerOf(route, 'If-Match');

    // Assess
    if (route.requiresIfMatch) expect(ifMatch).toMatchObject({ required: true });
    else if (optionalIfMatch.includes(route as (typeof optionalIfMatch)[number])) {
      expect(ifMatch).toBeDefined();
      expect(ifMatch?.required ?? false).toBe(false);
    } else expect(ifMatch).toBeUndefined();
  });

  it.each(byKey)('%s declares Idempotency-Key (optional) exactly when it honours it', (_key, route) => {
    // Act
    const key = headerOf(route, 'Idempotency-Key');

    // Assess
    if (route.idempotent) {
      expect(key?.required ?? false).toBe(false);
      expect(key?.schema?.maxLength).toBe(255);
    } else expect(key).toBeUndefined();
  });
});

/** Public reads whose 200 is JSON or CSV: an ETag, and 304 on If-None-Match (`toHttpResponse`). */
/** Every public read revalidates: JSON, CSV and the pages, scripts and stylesheets alike. */
const revalidates = (route: RouteSpec) => route.publicCache === true;

describe('caching', () => {
  it('flags the public reads, and only public routes', () => {
    // Act
    const flagged = routeList.filter((route) => route.publicCache);

    // Assess
    expect(flagged.length).toBeGreaterThanOrEqual(16);
    for (const route of flagged)
      expect([routeKeyOf(route), route.access.kind]).toEqual([routeKeyOf(route), 'public']);
  });

  it.each(byKey)('%s declares If-None-Match (optional) exactly when it revalidates', (_key, route) => {
    // Act
    const noneMatch = headerOf(route, 'If-None-Match');

    // Assess
    if (revalidates(route)) expect(noneMatch?.required ?? false).toBe(false);
    else expect(noneMatch).toBeUndefined();
  });

  it.each(byKey)('%s declares Cache-Control, an ETag and 304 as shared caches may use it', (_key, route) => {
    // Act
    const names = (status: number) => Object.keys(responseOf(route, status)?.headers ?? {});

    // Assess
    expect(names(200).includes('Cache-Control')).toBe(route.publicCache === true);
    expect(responseOf(route, 304) !== undefined).toBe(revalidates(route));
    if (revalidates(route)) {
      expect(names(200)).toContain('ETag');
      expect(names(304)).toEqual(expect.arrayContaining(['ETag', 'Cache-Control']));
      expect(responseOf(route, 304)?.content).toBeUndefined();
    }
  });
});

describe('what a 200 sends', () => {
  it('declares the open data in both representations the route negotiates, JSON with its schema', () => {
    // Prepare
    const openData = routes.getRankingOpenData;

    // Act
    const content = responseOf(openData, 200)?.content ?? {};

    // Assess
    expect(Object.keys(content).sort()).toEqual(['application/json', 'text/csv']);
    expect(content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/RankingOpenData' });
    expect(content['text/csv']?.schema).toMatchObject({ type: 'string' });
  });

  it.each(byKey)(
    '%s declares the content of every success that has a body (a generated client types it)',
    (_key, route) => {
      // Act: 204 and 304 carry no body; every other 2xx of the route table sends one.
      const statuses = Object.keys(route.responses)
        .map(Number)
        .filter((status) => status >= 200 && status < 300 && status !== 204);

      // Assess
      for (const status of statuses) {
        expect({ status, mediaTypes: Object.keys(responseOf(route, status)?.content ?? {}) }).toEqual({
          status,
          mediaTypes: expect.arrayContaining([expect.any(String)]),
        });
      }
    },
  );

  it('declares the OpenAPI document as JSON with a schema of its own', () => {
    // Act
    const content = responseOf(routes.getOpenApi, 200)?.content ?? {};

    // Assess
    expect(content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/OpenApiDocument' });
    expect(routes.getOpenApi.responses[200].schema.safeParse(document).success).toBe(true);
  });
});

describe('limits a caller runs into', () => {
  it('says on the registration how many webhook endpoints an agency may have (its 409)', () => {
    // Act
    const { description } = operationOf(routes.createWebhookEndpoint) as Operation & {
      readonly description?: string;
    };

    // Assess
    expect(description).toContain(
      `at most ${endpointsPerAgency} endpoints: registering one more answers 409`,
    );
  });
});

describe('problem responses the HTTP layer gives', () => {
  it.each(byKey)('%s documents 413 with its body limit when it takes a body', (_key, route) => {
    // Act
    const tooLarge = responseOf(route, 413);

    // Assess
    if (route.body) {
      expect(tooLarge?.description).toContain(String(route.maxBodyBytes ?? defaultMaxBodyBytes));
    } else expect(tooLarge).toBeUndefined();
  });

  it.each(byKey)('%s documents 412 and 428 as it uses If-Match', (_key, route) => {
    // Act
    const { responses } = operationOf(route);

    // Assess
    if (route.requiresIfMatch) expect(Object.keys(responses)).toEqual(expect.arrayContaining(['412', '428']));
    if (headerOf(route, 'If-Match')) expect(responses['412']).toBeDefined();
  });

  it.each(byKey)(
    '%s declares the current ETag on its 412, as a stale If-Match is answered',
    (_key, route) => {
      // Act
      const stale = responseOf(route, 412);

      // Assess
      if (stale) expect(Object.keys(stale.headers ?? {})).toContain('ETag');
    },
  );
});

describe('problem extension members', () => {
  /** What a refusal carries beside `detail`, for a client to act on without parsing prose. */
  const schemas = (
    buildOpenApiDocument({ version: 'test' }) as unknown as {
      readonly components: { readonly schemas: Readonly<Record<string, { readonly properties?: object }>> };
    }
  ).components.schemas;

  it.each([
    ['unanswered', 'a submission with indicators not answered yet (409)'],
    ['window', 'a write outside its window (409)'],
    ['reason', 'a refused webhook URL (400)'],
    ['missing', 'a finalization with indicators lacking a valid review (409)'],
    ['unscored', 'reviews of indicators with no score yet (409)'],
    ['runningRunId', 'a ranking run started while another runs (409)'],
    ['link', 'a second ranking run refused while one runs (409)'],
    ['blockers', 'an award publication that cannot happen yet (409)'],
    ['written', 'an import cut short by a concurrent write (409)'],
    ['rows', 'an import or assignment with invalid or conflicting rows (400, 409)'],
    ['childCount', 'a province with kabupaten/kota moved to another group (409)'],
  ])('the Problem schema declares `%s`, which %s carries, so a typed client reads it', (member) => {
    // Act
    const properties = schemas.Problem?.properties ?? {};

    // Assess
    expect(properties).toHaveProperty(member);
  });
});

describe('security', () => {
  it('declares an OAuth2 scheme whose flows list every scope with its description', () => {
    // Prepare
    const expected = Object.fromEntries(scopeNames.map((name) => [scope(name), scopeDescriptions[name]]));

    // Act
    const scheme = document.components.securitySchemes.oauth2;

    // Assess
    expect(scheme?.type).toBe('oauth2');
    const flows = Object.values((scheme?.flows ?? {}) as Record<string, OAuthFlow>);
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      expect(flow.scopes).toEqual(expected);
      expect(flow.tokenUrl).toBeTruthy();
    }
  });

  it('declares the same token as an HTTP bearer JWT, so that /docs takes one pasted as is', () => {
    // Act: Swagger UI offers OAuth2 flows only through a token URL, which `npm start` has not.
    const scheme = document.components.securitySchemes.bearer;

    // Assess
    expect(Object.keys(document.components.securitySchemes)).toEqual(['oauth2', 'bearer']);
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(scheme?.description).toMatch(/RFC8725/);
  });

  it.each(byKey)('%s requires any one of its scopes, or the same token as a bearer', (_key, route) => {
    // Act
    const { security } = operationOf(route);

    // Assess: alternatives of one scope each (API Gateway admits a token with any one of them), and
    // the same token as a bearer (OpenAPI gives scopes to OAuth2 only)
    const required = route.access.kind === 'jwt' && route.access.scopes.length > 0 ? route.access.scopes : [];
    if (route.access.kind === 'public') expect(security).toEqual([]);
    else if (required.length === 0) expect(security).toEqual([{ oauth2: [] }, { bearer: [] }]);
    else expect(security).toEqual([...required.map((s) => ({ oauth2: [s] })), { bearer: [] }]);
  });
});

describe('problem responses generated from the route flags', () => {
  /** What the HTTP layer answers on its own for a route with these flags. */
  const expectedStatuses = (route: RouteSpec): number[] => [
    400,
    429,
    500,
    ...(route.access.kind === 'jwt' ? [401, 403] : []),
    ...(route.idempotent ? [409, 422] : []),
    ...(route.requiresIfMatch || route.optionalIfMatch ? [412] : []),
    ...(route.requiresIfMatch ? [428] : []),
    ...(route.body ? [413, 415] : []),
  ];

  it.each(byKey)('%s documents every problem its flags imply', (_key, route) => {
    // Act
    const statuses = Object.keys(operationOf(route).responses).map(Number);

    // Assess
    expect(statuses).toEqual(expect.arrayContaining(expectedStatuses(route)));
  });

  it.each(byKey)('%s documents 401 and 403 only if it takes a token', (_key, route) => {
    // Act
    const statuses = Object.keys(operationOf(route).responses).map(Number);

    // Assess
    const tokenProblems = statuses.filter((status) => status === 401 || status === 403);
    expect(tokenProblems).toEqual(route.access.kind === 'jwt' ? [401, 403] : []);
  });

  it.each(byKey)('%s answers every problem as application/problem+json', (_key, route) => {
    // Act
    const problems = Object.keys(operationOf(route).responses)
      .map(Number)
      .filter((status) => status >= 400)
      .map((status) => [status, Object.keys(responseOf(route, status)?.content ?? {})] as const);

    // Assess
    for (const [status, mediaTypes] of problems) {
      expect({ status, mediaTypes }).toEqual({ status, mediaTypes: ['application/problem+json'] });
    }
  });
});

describe('response headers', () => {
  const headerNames = (route: RouteSpec, status: number) =>
    Object.keys(responseOf(route, status)?.headers ?? {});

  it.each(byKey)('%s declares the rate-limit pair on 2xx and 4xx, Retry-After on 429', (_key, route) => {
    // Act
    const statuses = Object.keys(operationOf(route).responses).map(Number);

    // Assess
    for (const status of statuses.filter((candidate) => candidate < 500)) {
      expect({ status, headers: headerNames(route, status) }).toEqual({
        status,
        headers: expect.arrayContaining(['RateLimit', 'RateLimit-Policy']),
      });
    }
    expect(headerNames(route, 429)).toContain('Retry-After');
  });

  it.each(byKey.filter(([, route]) => documentedStatuses(route).includes(409)))(
    '%s declares Retry-After on its 409, optional (sent when the conflict passes by itself)',
    (_key, route) => {
      // Act: the idempotency guard's "still running", a concurrent change (translateStorageError)
      const header = responseOf(route, 409)?.headers?.['Retry-After'];
      const component = document.components.headers?.['Retry-After-Conflict'];

      // Assess
      expect(header).toEqual({ $ref: '#/components/headers/Retry-After-Conflict' });
      expect(component?.required ?? false).toBe(false);
      expect(component?.schema).toMatchObject({ type: 'integer', minimum: 0 });
    },
  );

  it.each(byKey)('%s declares the CORS origin on every response', (_key, route) => {
    // Act
    const statuses = Object.keys(operationOf(route).responses).map(Number);

    // Assess
    for (const status of statuses)
      expect(headerNames(route, status)).toContain('Access-Control-Allow-Origin');
  });

  it.each(byKey)('%s declares the replay headers on its successes when idempotent', (_key, route) => {
    // Act
    const successes = Object.keys(route.responses)
      .map(Number)
      .filter((status) => status < 300);

    // Assess
    for (const status of successes) {
      const replay = headerNames(route, status).filter((name) => name.startsWith('Idempoten'));
      expect(replay).toEqual(route.idempotent ? ['Idempotent-Replayed', 'Idempotency-Key-Expires'] : []);
    }
  });
});

describe('integers', () => {
  type Node = null | boolean | number | string | Node[] | { readonly [key: string]: Node };
  const integerSchemas = (node: Node, path: string, found: [string, Record<string, Node>][] = []) => {
    if (Array.isArray(node)) {
      for (const [index, child] of node.entries()) integerSchemas(child, `${path}/${index}`, found);
    } else if (node !== null && typeof node === 'object') {
      const type = node.type;
      if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) found.push([path, node]);
      for (const [key, child] of Object.entries(node)) integerSchemas(child, `${path}/${key}`, found);
    }
    return found;
  };
  const integers = integerSchemas(document as unknown as Node, '#');

  it('are all bounded, with int32 when the bounds fit 32 bits and int64 otherwise', () => {
    // Assess
    expect(integers.length).toBeGreaterThan(50);
    for (const [path, schema] of integers) {
      const lowest =
        typeof schema.minimum === 'number' ? schema.minimum : Number(schema.exclusiveMinimum) + 1;
      const highest =
        typeof schema.maximum === 'number' ? schema.maximum : Number(schema.exclusiveMaximum) - 1;
      const fits32 = lowest >= -(2 ** 31) && highest <= 2 ** 31 - 1;
      expect({ path, lowest, highest, format: schema.format }).toEqual({
        path,
        lowest: expect.any(Number),
        highest: expect.any(Number),
        format: fits32 ? 'int32' : 'int64',
      });
      expect(Number.isSafeInteger(lowest) && Number.isSafeInteger(highest)).toBe(true);
    }
  });
});

describe('the document is deterministic', () => {
  it('builds to the same bytes every time', () => {
    // Act
    const [first, second] = [1, 2].map(() => JSON.stringify(buildOpenApiDocument({ version: 'test' })));

    // Assess
    expect(second).toBe(first);
  });
});

describe('the document and the route table agree, both ways', () => {
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  const documented = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
  );

  it.each(byKey)('%s is in the document under its operation id', (key, route) => {
    // Act
    const found = documented.find((entry) => entry.key === key);

    // Assess
    expect(found?.operation.operationId).toBe(route.operationId);
  });

  it('documents no operation the route table lacks', () => {
    // Prepare
    const tableKeys = new Set(routeList.map(routeKeyOf));

    // Act
    const extra = documented.filter((entry) => !tableKeys.has(entry.key)).map((entry) => entry.key);

    // Assess
    expect(documented.length).toBe(routeList.length);
    expect(extra).toEqual([]);
  });

  it.each(byKey)('%s documents exactly the path parameters its path names', (_key, route) => {
    // Prepare
    const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);

    // Act
    const parameters = (operationOf(route).parameters ?? [])
      .filter((parameter) => parameter.in === 'path')
      .map((parameter) => [parameter.name, parameter.required]);

    // Assess
    expect(parameters).toEqual(inPath.map((name) => [name, true]));
  });
});

describe('examples', () => {
  it.each(byKey)('%s shows its example request body', (_key, route) => {
    // Prepare
    const operation = operationOf(route) as Operation & {
      readonly requestBody?: { readonly content: Readonly<Record<string, { readonly example?: unknown }>> };
    };

    // Act
    const example = operation.requestBody?.content['application/json']?.example;

    // Assess: the catalogue's (valid for zod and the document: the agreement test starts from it)
    const expected = (sampleBodies as Readonly<Record<string, unknown>>)[route.operationId];
    if (route.body) expect(example).toEqual(expected);
    else expect(example).toBeUndefined();
  });

  it('shows each shared problem response as the API sends it', () => {
    // Act
    const shared = Object.entries(document.components.responses ?? {});

    // Assess
    expect(shared.length).toBeGreaterThan(5);
    for (const [name, response] of shared) {
      const example = response.content?.['application/problem+json']?.example as
        | { readonly type: string; readonly status: number }
        | undefined;
      expect({ name, valid: ProblemSchema.safeParse(example).success }).toEqual({ name, valid: true });
      expect({ name, type: example?.type }).toEqual({
        name,
        type: expect.stringMatching(/^\/problems\/[a-z-]+$/),
      });
    }
    const internal = document.components.responses?.InternalError?.content?.['application/problem+json'];
    const { problem } = problemFromError(new Error('a database password'), {
      instance: '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment',
      requestId: '5f0c6a8e-2b1d-4c3e-9f4a-7d6e5c4b3a21',
    });
    expect(internal?.example).toEqual(problem);
  });
});

describe('index values', () => {
  it('are one described component, in the provisional score as in results: an operator reads what "32/11" is', () => {
    const schemas = (
      document.components as unknown as { schemas: Record<string, { properties?: Record<string, unknown> }> }
    ).schemas;
    const provisional = schemas.ProvisionalScore?.properties;
    expect(provisional?.index).toEqual({ $ref: '#/components/schemas/IndexValue' });
    expect(schemas.IndexValue?.properties?.exact).toMatchObject({
      description: expect.stringContaining('n/d'),
    });
  });
});

describe('exact values', () => {
  /** Every `exact` property of every schema in the document, with where it is. */
  const exactProperties = (node: unknown, at: string): [string, Record<string, unknown>][] => {
    if (typeof node !== 'object' || node === null) return [];
    const found: [string, Record<string, unknown>][] = [];
    const properties = (node as { properties?: Record<string, unknown> }).properties;
    const exact = properties?.exact;
    if (typeof exact === 'object' && exact !== null) found.push([at, exact as Record<string, unknown>]);
    for (const [key, value] of Object.entries(node)) found.push(...exactProperties(value, `${at}/${key}`));
    return found;
  };
  const found = exactProperties(document, '#');

  it.each(found)('%s says an exact value may be a fraction n/d', (_at, exact) => {
    // Assess: "109/26" (a domain index) is as likely as "4.156"; a client parsing a decimal fails.
    expect(exact.description).toMatch(/n\/d/);
  });

  it('finds the exact values of results, rankings and awards', () => {
    expect(found.length).toBeGreaterThanOrEqual(4);
  });
});
