import type { AuditActor, AuditEntry, FieldChange } from '../domain/audit.ts';

/** Who is acting, on which request, at what time: what every audit record and timestamp needs. */
export interface RequestActor {
  readonly subject: string;
  readonly role: 'admin' | 'assessor' | 'agency';
  readonly agencyId?: string | undefined;
  readonly clientId?: string | undefined;
  readonly requestId: string;
  /** Route key, e.g. `PUT /v1/agencies/{agencyId}`. */
  readonly route: string;
  readonly now: Date;
}

const auditActor = (actor: RequestActor): AuditActor => ({
  subject: actor.subject,
  role: actor.role,
  ...(actor.agencyId ? { agencyId: actor.agencyId } : {}),
  ...(actor.clientId ? { clientId: actor.clientId } : {}),
});

export const auditEntry = (
  actor: RequestActor,
  action: string,
  target: string,
  changes: readonly FieldChange[],
): AuditEntry => ({
  at: actor.now.toISOString(),
  actor: auditActor(actor),
  action,
  route: actor.route,
  requestId: actor.requestId,
  target,
  changes,
});
