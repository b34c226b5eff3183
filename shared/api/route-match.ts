import { createRouteMatcher, type RouteMatch as MatchOf } from './route-matcher.ts';
import type { RouteSpec } from './route-spec.ts';
import { routeList } from './routes.ts';

/**
 * The whole route table's matcher (`route-matcher.ts` says how it matches): what the local API
 * Gateway stand-in routes requests with. Functions match against the routes they know instead, so
 * that none imports every capability's schemas for it.
 */
export type RouteMatch = MatchOf<RouteSpec>;

export const matchRoute: (method: string, path: string) => RouteMatch = createRouteMatcher(routeList);
