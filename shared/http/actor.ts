import { routeKeyOf } from '../api/route-spec.ts';
import type { RequestActor } from '../services/request-actor.ts';
import type { RequestContext } from './capability-handler.ts';

/** The acting caller of a JWT route, stamped with the server's clock, for services and audit. */
export const actorOf = (context: RequestContext, now: Date): RequestActor => {
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
