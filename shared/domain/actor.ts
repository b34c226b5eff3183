import type { AuditEntry, AuditTrail, FieldChange } from './audit.ts';
import type { Role } from './roles.ts';

/**
 * Who is acting, on which request, at what time: what every rule about visibility, every audit
 * record and every timestamp needs. Built by the HTTP adapter from a verified token and the server's
 * clock; by the seed and the scheduled jobs for themselves.
 */
export interface Actor {
  readonly subject: string;
  readonly role: Role;
  readonly agencyId?: string | undefined;
  readonly clientId?: string | undefined;
  readonly requestId: string;
  /** Route key, e.g. `PUT /v1/agencies/{agencyId}`, or the job's name. */
  readonly route: string;
  readonly now: Date;
}

/** One audit record of a change by `actor`, to be appended to `trail` in the same transaction. */
export const auditEntry = (
  actor: Actor,
  trail: AuditTrail,
  action: string,
  target: string,
  changes: readonly FieldChange[],
): AuditEntry => ({
  trail,
  at: actor.now.toISOString(),
  actor: {
    subject: actor.subject,
    role: actor.role,
    ...(actor.agencyId ? { agencyId: actor.agencyId } : {}),
    ...(actor.clientId ? { clientId: actor.clientId } : {}),
  },
  action,
  route: actor.route,
  requestId: actor.requestId,
  target,
  changes,
});
