import type { RouteSpec } from './route-spec.ts';
import { routeList } from './routes.ts';

/**
 * Matching a request path against the route table as API Gateway does: literal segments must be
 * equal, `{name}` matches one non-empty segment, the most specific route (most literal segments)
 * wins, and no trailing slash is tolerated. Used by the local API Gateway stand-in and by the
 * `$default` route, which answers 404 or 405 for what no route matches.
 */

interface CompiledRoute {
  readonly route: RouteSpec;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
  readonly literalSegments: number;
}

const compile = (route: RouteSpec): CompiledRoute => {
  const parameterNames: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const source = segments
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (parameter?.[1]) {
        parameterNames.push(parameter[1]);
        return '/([^/]+)';
      }
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    })
    .join('');
  return {
    route,
    pattern: new RegExp(`^${source}$`),
    parameterNames,
    literalSegments: segments.length - parameterNames.length,
  };
};

const compiledRoutes = routeList.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);

export type RouteMatch =
  | { readonly kind: 'matched'; readonly route: RouteSpec; readonly pathParameters: Record<string, string> }
  /** The path exists with other methods: 405 with `Allow`. */
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' }
  /** A segment is not valid percent-encoding. */
  | { readonly kind: 'malformed' };

export const matchRoute = (method: string, path: string): RouteMatch => {
  const allowed: string[] = [];
  for (const candidate of compiledRoutes) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    if (candidate.route.method !== method) {
      allowed.push(candidate.route.method);
      continue;
    }
    try {
      const pathParameters = Object.fromEntries(
        candidate.parameterNames.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
      );
      return { kind: 'matched', route: candidate.route, pathParameters };
    } catch {
      return { kind: 'malformed' };
    }
  }
  return allowed.length > 0
    ? { kind: 'method-not-allowed', allowed: [...new Set(allowed)] }
    : { kind: 'not-found' };
};
