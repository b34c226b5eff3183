import type { FunctionDependencies } from '#shared/dependencies.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import { createCycleStore } from '#shared/dynamodb/cycle-store.ts';
import { createMachineClientStore } from '#shared/dynamodb/machine-client-store.ts';
import { createSelfAssessmentStore } from '#shared/dynamodb/self-assessment-store.ts';
import { NotFoundError } from '#shared/errors.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createCapabilityHandler } from '#shared/http/capability-handler.ts';
import type { IdempotencyGuard } from '#shared/http/idempotency.ts';
import { etagOf, optionalIfMatch } from '#shared/http/preconditions.ts';
import {
  agencyView,
  getPublicAgency,
  importAgencies,
  listAgencies,
  publicAgencyView,
  putAgency,
} from '#shared/services/agencies.ts';
import { createCycle, cycleView, getCycle } from '#shared/services/cycles.ts';
import { getMachineClient, machineClientView, putMachineClient } from '#shared/services/machine-clients.ts';

export interface RegistryDependencies extends FunctionDependencies {
  readonly idempotency: IdempotencyGuard;
}

/** A PUT that creates answers 201 with Location; one that updates, 200. Both carry the new ETag. */
const putResponse = (created: boolean, body: unknown, version: number, location: string) => ({
  status: created ? 201 : 200,
  body,
  headers: { etag: etagOf(version), ...(created ? { location } : {}) },
});

/** Agency registry, cycles and audit trails (Kemenpan RB admins; one public read). */
export const createRegistryHandler = (dependencies: RegistryDependencies) => {
  const { config, documentClient } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const agencies = createAgencyStore(documentClient, config.programmeTableName);
  const cycles = createCycleStore(documentClient, config.programmeTableName);
  const selfAssessments = createSelfAssessmentStore(documentClient, config.programmeTableName);
  const machineClients = createMachineClientStore(documentClient, config.programmeTableName);

  return createCapabilityHandler(
    'registry',
    {
      putAgency: async ({ params, body, headers }, context) => {
        const { created, agency } = await putAgency(
          agencies,
          actorOf(context, now()),
          params.agencyId,
          body,
          optionalIfMatch(headers),
        );
        return putResponse(created, agencyView(agency), agency.version, `/v1/agencies/${agency.id}`);
      },
      importAgencies: async ({ body, csvLines }, context) => {
        const report = await importAgencies(agencies, actorOf(context, now()), body.agencies, csvLines);
        return { status: 200, body: report };
      },
      listAgencies: async ({ query }) => {
        const page = await listAgencies(agencies, query);
        return {
          status: 200,
          body: {
            items: page.items.map(agencyView),
            ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
          },
        };
      },
      getAgency: async ({ params }) => {
        const agency = await getPublicAgency(agencies, params.agencyId);
        return {
          status: 200,
          body: publicAgencyView(agency),
          headers: { 'cache-control': 'public, max-age=300' },
        };
      },
      getAgencyAudit: async ({ params, query }) => {
        await getPublicAgency(agencies, params.agencyId);
        const page = await agencies.auditTrail(params.agencyId, query);
        return {
          status: 200,
          body: { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
        };
      },
      putMachineClient: async ({ params, body, headers }, context) => {
        const { created, client } = await putMachineClient(
          machineClients,
          agencies,
          actorOf(context, now()),
          params.clientId,
          body,
          optionalIfMatch(headers),
        );
        return putResponse(
          created,
          machineClientView(client),
          client.version,
          `/v1/machine-clients/${client.clientId}`,
        );
      },
      getMachineClient: async ({ params }) => {
        const client = await getMachineClient(machineClients, params.clientId);
        return { status: 200, body: machineClientView(client), headers: { etag: etagOf(client.version) } };
      },
      createCycle: async ({ body }, context) => {
        const clock = now();
        const cycle = await createCycle(cycles, actorOf(context, clock), body);
        return {
          status: 201,
          body: cycleView(cycle, clock),
          headers: { etag: etagOf(cycle.version), location: `/v1/cycles/${cycle.year}` },
        };
      },
      listCycles: async () => {
        const clock = now();
        return {
          status: 200,
          body: { items: (await cycles.list()).map((cycle) => cycleView(cycle, clock)) },
        };
      },
      getCycle: async ({ params }) => {
        const cycle = await getCycle(cycles, params.year);
        return { status: 200, body: cycleView(cycle, now()), headers: { etag: etagOf(cycle.version) } };
      },
      getAgencyCycleAudit: async ({ params, query }) => {
        const { cycle, agency } = await selfAssessments.context(params.year, params.agencyId);
        if (!cycle) throw new NotFoundError(`No cycle for ${params.year}.`);
        if (!agency) throw new NotFoundError(`No agency "${params.agencyId}".`);
        const page = await selfAssessments.auditTrail(params.year, params.agencyId, query);
        return {
          status: 200,
          body: { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
        };
      },
    },
    {
      logger: dependencies.logger,
      corsAllowedOrigins: config.corsAllowedOrigins,
      idempotency: dependencies.idempotency,
    },
  );
};
