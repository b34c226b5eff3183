import { diffFields } from '../domain/audit.ts';
import {
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '../errors.ts';
import { etagOf } from '../http/preconditions.ts';
import type { MachineClientWrite } from '../schemas/machine-client.ts';
import type { AgencyStore, MachineClientRecord, MachineClientStore } from './ports.ts';
import { auditEntry, type RequestActor } from './request-actor.ts';

const auditedFields = ['role', 'agencyId', 'description'] as const;

/**
 * Registers (or re-binds) an OAuth2 client-credentials client: its tokens then carry this role and
 * agency. Create without If-Match; update with the ETag. An agency client must name a registered,
 * active agency.
 */
export const putMachineClient = async (
  clients: MachineClientStore,
  agencies: AgencyStore,
  actor: RequestActor,
  clientId: string,
  write: MachineClientWrite,
  ifMatch: number | undefined,
): Promise<{ created: boolean; client: MachineClientRecord }> => {
  const [current, agency] = await Promise.all([
    clients.get(clientId),
    write.agencyId ? agencies.get(write.agencyId) : Promise.resolve(undefined),
  ]);
  if (write.agencyId && !agency?.active) {
    throw new ValidationError(`"${write.agencyId}" is not a registered, active agency.`, {
      errors: [{ pointer: '/body/agencyId', detail: 'Must be the id of a registered, active agency' }],
    });
  }
  const at = actor.now.toISOString();
  if (!current) {
    if (ifMatch !== undefined) {
      throw new PreconditionFailedError(`Client "${clientId}" is not registered, so If-Match cannot match.`);
    }
    const client: MachineClientRecord = { clientId, ...write, version: 1, createdAt: at, updatedAt: at };
    const audit = auditEntry(
      actor,
      'machine-client.registered',
      `client ${clientId}`,
      diffFields(undefined, write, auditedFields),
    );
    if (!(await clients.write(client, undefined, audit))) {
      throw new PreconditionFailedError(
        `Client "${clientId}" was registered by another request; re-read it.`,
      );
    }
    return { created: true, client };
  }
  if (ifMatch === undefined) {
    throw new PreconditionRequiredError(
      `Client "${clientId}" exists: send If-Match ${etagOf(current.version)} to change it.`,
    );
  }
  if (ifMatch !== current.version) {
    throw new PreconditionFailedError(
      `Client "${clientId}" is at ${etagOf(current.version)}, not ${etagOf(ifMatch)}: re-read it.`,
      { headers: { etag: etagOf(current.version) } },
    );
  }
  const changes = diffFields(current, write, auditedFields);
  if (changes.length === 0) return { created: false, client: current };
  const client: MachineClientRecord = {
    ...current,
    ...write,
    agencyId: write.agencyId,
    version: current.version + 1,
    updatedAt: at,
  };
  const audit = auditEntry(actor, 'machine-client.updated', `client ${clientId}`, changes);
  if (!(await clients.write(client, current.version, audit))) {
    throw new PreconditionFailedError(`Client "${clientId}" changed while you were updating it; re-read it.`);
  }
  return { created: false, client };
};

export const getMachineClient = async (clients: MachineClientStore, clientId: string) => {
  const client = await clients.get(clientId);
  if (!client) throw new NotFoundError(`No machine client "${clientId}" is registered.`);
  return client;
};

export const machineClientView = (client: MachineClientRecord) => ({
  clientId: client.clientId,
  role: client.role,
  ...(client.agencyId ? { agencyId: client.agencyId } : {}),
  description: client.description,
  version: client.version,
  createdAt: client.createdAt,
  updatedAt: client.updatedAt,
});
