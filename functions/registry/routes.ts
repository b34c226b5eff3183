import { cycleRoutes } from '#shared/api/cycles/routes.ts';
import { registryRoutes } from '#shared/api/registry/routes.ts';
import type { IdSource } from '#shared/domain/events.ts';
import { etagOf } from '#shared/domain/versions.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { optionalIfMatch, requireIfMatch } from '#shared/http/preconditions.ts';
import { pageBody, putResponse } from '#shared/http/responses.ts';
import { type CycleServicePorts, createCycleService, cycleView } from '#shared/services/cycles/cycles.ts';
import {
  type AgencyServicePorts,
  createAgencyService,
  publicAgencyView,
} from '#shared/services/registry/agencies.ts';
import {
  createMachineClientService,
  type MachineClientServicePorts,
} from '#shared/services/registry/machine-clients.ts';

export interface RegistryDependencies
  extends AgencyServicePorts,
    CycleServicePorts,
    MachineClientServicePorts {
  readonly ids: IdSource;
  readonly http: HttpOptions;
}

/** Agency registry, machine clients, cycles and audit trails (Kemenpan RB admins; one public read). */
export const createRegistryHandler = (dependencies: RegistryDependencies) => {
  const agencies = createAgencyService(dependencies);
  const cycles = createCycleService(dependencies);
  const machineClients = createMachineClientService(dependencies);

  return createLambdaHandler(
    'registry',
    { ...registryRoutes, ...cycleRoutes },
    {
      putAgency: async ({ params, body, headers }, context) => {
        const { created, agency } = await agencies.putAgency(
          actorOf(context, context.now),
          params.agencyId,
          body,
          optionalIfMatch(headers),
        );
        return putResponse(created, agency, `/v1/agencies/${agency.id}`);
      },
      importAgencies: async ({ body, csvLines }, context) => ({
        status: 200,
        body: await agencies.importAgencies(actorOf(context, context.now), body.agencies, csvLines),
      }),
      listAgencies: async ({ query }) => ({
        status: 200,
        body: pageBody(await agencies.listAgencies(query)),
      }),
      getAgency: async ({ params }) => {
        const agency = await agencies.getAgency(params.agencyId);
        return {
          status: 200,
          body: publicAgencyView(agency),
          // The record's version, not a hash of these bytes: the one ETag an admin can send back
          // in If-Match to PUT the same URL (a cache revalidates with it just as well).
          headers: { etag: etagOf(agency.version) },
        };
      },
      listAgencyDirectory: async ({ query }) => ({ status: 200, body: await agencies.directory(query) }),
      getAgencyAudit: async ({ params, query }) => ({
        status: 200,
        body: pageBody(await agencies.auditTrail(params.agencyId, query)),
      }),
      putMachineClient: async ({ params, body, headers }, context) => {
        const { created, client } = await machineClients.put(
          actorOf(context, context.now),
          params.clientId,
          body,
          optionalIfMatch(headers),
        );
        return putResponse(created, client, `/v1/machine-clients/${client.clientId}`);
      },
      getMachineClientAudit: async ({ params, query }) => ({
        status: 200,
        body: pageBody(await machineClients.auditTrail(params.clientId, query)),
      }),
      getMachineClient: async ({ params }) => {
        const client = await machineClients.get(params.clientId);
        return { status: 200, body: client, headers: { etag: etagOf(client.version) } };
      },
      createCycle: async ({ body }, context) => {
        const actor = actorOf(context, context.now);
        const cycle = await cycles.createCycle(actor, body);
        return {
          status: 201,
          body: cycleView(cycle, context.now, actor.role),
          headers: { etag: etagOf(cycle.version), location: `/v1/cycles/${cycle.year}` },
        };
      },
      listCycles: async (_input, context) => {
        const { role } = actorOf(context, context.now);
        const items = (await cycles.listCycles()).map((cycle) => cycleView(cycle, context.now, role));
        return { status: 200, body: { items } };
      },
      getCycle: async ({ params }, context) => {
        const cycle = await cycles.getCycle(params.year);
        return {
          status: 200,
          body: cycleView(cycle, context.now, actorOf(context, context.now).role),
          headers: { etag: etagOf(cycle.version) },
        };
      },
      putCycleWindows: async ({ params, body, headers }, context) => {
        const actor = actorOf(context, context.now);
        const cycle = await cycles.rescheduleCycle(actor, params.year, body, requireIfMatch(headers));
        return {
          status: 200,
          body: cycleView(cycle, context.now, actor.role),
          headers: { etag: etagOf(cycle.version) },
        };
      },
      getCycleAudit: async ({ params, query }) => ({
        status: 200,
        body: pageBody(await cycles.cycleAuditTrail(params.year, query)),
      }),
      getAgencyCycleAudit: async ({ params, query }) => ({
        status: 200,
        body: pageBody(await cycles.agencyAuditTrail(params.year, params.agencyId, query)),
      }),
    },
    dependencies.http,
  );
};
