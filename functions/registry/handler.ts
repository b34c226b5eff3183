import { requireEventsTable } from '#shared/config.ts';
import { agencyWrites, createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import { createAuditTrailStore } from '#shared/dynamodb/audit-store.ts';
import { createCycleStore, cycleWrites } from '#shared/dynamodb/cycle-store.ts';
import { createMachineClientStore, machineClientWrites } from '#shared/dynamodb/machine-client-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { readCsvBody } from '#shared/http/csv-body.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { idempotencyGuardFor } from '#shared/wiring/idempotency.ts';
import { createRegistryHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores, the CSV reader (agency import) and the idempotency guard.
const base = apiFunctionBase();
const { config, documents, programme } = base;

export const handler = createRegistryHandler({
  agencies: createAgencyStore(documents, programme),
  cycles: createCycleStore(documents, programme),
  machineClients: createMachineClientStore(documents, programme),
  audits: createAuditTrailStore(documents, programme),
  writes: createWritePath(
    documents,
    { programme, events: requireEventsTable(config) },
    {
      ...agencyWrites,
      ...machineClientWrites,
      ...cycleWrites,
    },
  ),
  ids: systemIds,
  http: {
    ...base.http,
    csv: readCsvBody,
    idempotency: idempotencyGuardFor(base),
  },
});
