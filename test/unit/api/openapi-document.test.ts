import { describe, expect, it } from 'vitest';
import { scope, scopeDescriptions, scopeNames } from '#shared/api/access.ts';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { defaultMaxBodyBytes, type RouteSpec, routeKeyOf } from '#shared/api/route-spec.ts';
import { routeList, routes } from '#shared/api/routes.ts';

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
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly responses: Readonly<Record<string, { readonly description: string }>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
}
interface OAuthFlow {
  readonly tokenUrl: string;
  readonly scopes: Readonly<Record<string, string>>;
}

const document = buildOpenApiDocument({ version: 'test' }) as unknown as {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: { readonly securitySchemes: Readonly<Record<string, Record<string, unknown>>> };
};

const operationOf = (route: RouteSpec): Operation => {
  const operation = document.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${routeKeyOf(route)} is not in the document`);
  return operation;
};

const headerOf = (route: RouteSpec, name: string): Parameter | undefined =>
  operationOf(route).parameters?.find(
    (parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === name.toLowerCase(),
  );

const byKey = routeList.map((route) => [routeKeyOf(route), route] as const);

/** Writes that honour If-Match without requiring it on every request. */
const optionalIfMatch = [routes.putAgency, routes.putMachineClient, routes.submitSelfAssessment];

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

describe('problem responses the HTTP layer gives', () => {
  it.each(byKey)('%s documents 413 with its body limit when it takes a body', (_key, route) => {
    // Act
    const tooLarge = operationOf(route).responses['413'];

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
});

describe('security', () => {
  it('declares an OAuth2 scheme whose flows list every scope with its description', () => {
    // Prepare
    const expected = Object.fromEntries(scopeNames.map((name) => [scope(name), scopeDescriptions[name]]));

    // Act
    const schemes = Object.values(document.components.securitySchemes);

    // Assess
    expect(schemes).toHaveLength(1);
    const [scheme] = schemes;
    expect(scheme?.type).toBe('oauth2');
    const flows = Object.values((scheme?.flows ?? {}) as Record<string, OAuthFlow>);
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      expect(flow.scopes).toEqual(expected);
      expect(flow.tokenUrl).toBeTruthy();
    }
  });

  it.each(byKey)('%s requires any one of its scopes through that scheme', (_key, route) => {
    // Prepare
    const [schemeName] = Object.keys(document.components.securitySchemes);

    // Act
    const { security } = operationOf(route);

    // Assess: alternatives of one scope each (API Gateway admits a token with any one of them)
    if (route.access.kind === 'public') expect(security).toEqual([]);
    else if (route.access.scopes.length === 0) expect(security).toEqual([{ [schemeName ?? '']: [] }]);
    else expect(security).toEqual(route.access.scopes.map((s) => ({ [schemeName ?? '']: [s] })));
  });
});
