import { routeKeyOf } from '#shared/api/route-spec.ts';
import type { Actor } from '#shared/domain/actor.ts';
import type { RequestContext } from './lambda-handler.ts';

/** The acting caller of a JWT route, stamped with the server's clock, for services and audit. */
export const actorOf = (context: RequestContext, now: Date): Actor => {
  const { identity } = context;
  // The dispatcher authenticates every JWT route before the implementation runs.
  if (!identity) throw new Error(`Route ${context.route.operationId} reached without an identity`);
  return {
    subject: identity.subject,
    role: identity.role,
    agencyId: identity.agencyId,
    clientId: identity.clientId,
    requestId: context.requestId,
    route: routeKeyOf(context.route),
    now,
  };
};
