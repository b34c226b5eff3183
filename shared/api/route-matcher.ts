import type { HttpMethod } from './route-spec.ts';

/**
 * Matching a request path against routes as API Gateway does: literal segments must be equal,
 * `{name}` matches one non-empty segment, the most specific route (most literal segments) wins, and
 * no trailing slash is tolerated. HEAD matches every GET route (RFC 9110 §9.3.2; the stack deploys a
 * `HEAD` route beside each `GET` one, `headRouteKeyOf`), and `Allow` names it beside GET. Over any list of routes: the whole table (`route-match.ts`: the
 * local API Gateway stand-in), or what one function knows (its own routes; the public function,
 * which answers API Gateway's `$default` route, every route of its OpenAPI document).
 */

export interface RouteShape {
  readonly method: HttpMethod;
  readonly path: string;
}

interface CompiledRoute<R extends RouteShape> {
  readonly route: R;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
  readonly literalSegments: number;
}

const compile = <R extends RouteShape>(route: R): CompiledRoute<R> => {
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

export type RouteMatch<R extends RouteShape> =
  | { readonly kind: 'matched'; readonly route: R; readonly pathParameters: Record<string, string> }
  /** The path exists with other methods: 405 with `Allow`. */
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' }
  /** A segment is not valid percent-encoding. */
  | { readonly kind: 'malformed' };

export const createRouteMatcher = <R extends RouteShape>(routes: readonly R[]) => {
  const compiledRoutes = routes.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
  return (method: string, path: string): RouteMatch<R> => {
    const allowed: string[] = [];
    for (const candidate of compiledRoutes) {
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      const { method: routeMethod } = candidate.route;
      if (routeMethod !== method && !(method === 'HEAD' && routeMethod === 'GET')) {
        allowed.push(...(routeMethod === 'GET' ? ['GET', 'HEAD'] : [routeMethod]));
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
};
