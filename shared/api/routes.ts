import { assessmentRoutes } from './assessment/routes.ts';
import { awardRoutes } from './awards/routes.ts';
import { cycleRoutes } from './cycles/routes.ts';
import { publicRoutes } from './public/routes.ts';
import { rankingRoutes } from './rankings/routes.ts';
import { registryRoutes } from './registry/routes.ts';
import { resultRoutes } from './results/routes.ts';
import { type RouteSpec, routeKeyOf } from './route-spec.ts';
import { selfAssessmentRoutes } from './self-assessment/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

/**
 * The one route table, assembled from one module per capability (`shared/api/<capability>/routes.ts`,
 * each beside its zod schemas). The CDK stack creates an API Gateway route per entry (with the JWT
 * authorizer and scopes for non-public ones) pointing at the function the entry names; the local
 * runtime matches requests against it; each function's handler dispatches on its route keys (the
 * compiler checks every route is implemented); the OpenAPI document and the authorization test
 * matrix are generated from it.
 *
 * Adding a route: an entry in its capability module, its implementation in `functions/<lambda>/`.
 */
export const routes = {
  ...publicRoutes,
  ...registryRoutes,
  ...cycleRoutes,
  ...selfAssessmentRoutes,
  ...assessmentRoutes,
  ...resultRoutes,
  ...rankingRoutes,
  ...webhookRoutes,
  ...awardRoutes,
} as const satisfies Record<string, RouteSpec>;

export type OperationId = keyof typeof routes;

export const routeList: readonly RouteSpec[] = Object.values(routes);

export const routesByKey: ReadonlyMap<string, RouteSpec> = new Map(routeList.map((r) => [routeKeyOf(r), r]));
