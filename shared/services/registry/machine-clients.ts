import type { MachineClientWrite } from '#shared/api/registry/schemas.ts';
import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { diffFields } from '#shared/domain/audit.ts';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { readTrail } from '../audit-trail.ts';
import type { Page, PageRequest, WritePath } from '../ports.ts';
import { putVersioned } from '../versioned-put.ts';
import type { AuditRecord, AuditTrailStore, MachineClientRecord, MachineClientStore } from './ports.ts';

const auditedFields = ['role', 'agencyId', 'description'] as const;

export interface MachineClientServicePorts {
  readonly machineClients: MachineClientStore;
  readonly audits: AuditTrailStore;
  readonly writes: WritePath;
}

/** OAuth2 client-credentials clients bound to a role (and agency): their tokens carry both. */
export const createMachineClientService = ({ machineClients, audits, writes }: MachineClientServicePorts) => {
  /** A registration, or the 404 naming the client. */
  const getClient = async (clientId: string): Promise<MachineClientRecord> => {
    const client = await machineClients.get(clientId);
    if (!client) throw new NotFoundError(`No machine client "${clientId}" is registered.`);
    return client;
  };

  return {
    /**
     * Registers (or re-binds) a client: create without If-Match, update with the ETag. An agency
     * client must name a registered, active agency.
     */
    put: async (
      actor: Actor,
      clientId: string,
      write: MachineClientWrite,
      ifMatch: number | undefined,
    ): Promise<{ created: boolean; client: MachineClientRecord }> => {
      const current = await machineClients.get(clientId);
      const { agencyId } = write;
      const { created, record } = await putVersioned<MachineClientRecord>({
        what: `Client "${clientId}"`,
        current,
        ifMatch,
        at: actor.now.toISOString(),
        content: { clientId, role: write.role, agencyId: write.agencyId, description: write.description },
        unchanged: (stored) => diffFields(stored, write, auditedFields).length === 0,
        // The agency is checked in the transaction (`agency.active`): no read of the registry.
        commit: async (client, before) => {
          const outcome = await writes.commit({
            state: [
              { kind: 'machine-client', client, before },
              ...(agencyId ? [{ kind: 'agency.active', agencyId } as const] : []),
            ],
            audits: [
              auditEntry(
                actor,
                { kind: 'machine-client', clientId },
                before ? 'machine-client.updated' : 'machine-client.registered',
                `client ${clientId}`,
                diffFields(before, client, auditedFields),
              ),
            ],
            events: [],
          });
          if (!outcome.committed && outcome.failed.kind === 'agency.active') {
            throw new ValidationError(`"${agencyId}" is not a registered, active agency.`, {
              errors: [
                { pointer: '/body/agencyId', detail: 'Must be the id of a registered, active agency' },
              ],
            });
          }
          return outcome;
        },
      });
      return { created, client: record };
    },

    /** The registration's trail: bound, rebound (role, agency, description before and after). */
    auditTrail: (clientId: string, page: PageRequest): Promise<Page<AuditRecord>> =>
      readTrail(audits, { kind: 'machine-client', clientId }, page, () => getClient(clientId)),
    get: getClient,
  };
};

export type MachineClientService = ReturnType<typeof createMachineClientService>;
