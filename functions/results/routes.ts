import { resultRoutes } from '#shared/api/results/routes.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { pageBody } from '#shared/http/responses.ts';
import { createCycleProgress } from '#shared/services/results/progress.ts';
import { createResultService, type ResultServicePorts } from '#shared/services/results/results.ts';

export interface ResultsDependencies extends ResultServicePorts {
  readonly serviceVersion: string;
  readonly http: HttpOptions;
}

/** Final results (finalize, read, verify, bundle, import) and appeals. */
export const createResultsHandler = (dependencies: ResultsDependencies) => {
  const results = createResultService(dependencies);
  const progress = createCycleProgress(dependencies);
  const location = (year: number, agencyId: string) => `/v1/cycles/${year}/agencies/${agencyId}`;

  return createLambdaHandler(
    'results',
    resultRoutes,
    {
      listCycleResults: async ({ params, query }, context) => ({
        status: 200,
        body: await results.listByCycle(actorOf(context, context.now), params.year, query),
      }),
      getCycleProgress: async ({ params }, context) => ({
        status: 200,
        body: await progress.of(actorOf(context, context.now), params.year),
      }),
      finalizeResult: async ({ params }, context) => ({
        status: 201,
        body: await results.finalize(actorOf(context, context.now), params.year, params.agencyId),
        headers: { location: `${location(params.year, params.agencyId)}/result` },
      }),
      getResult: async ({ params }, context) => ({
        status: 200,
        body: await results.current(actorOf(context, context.now), params.year, params.agencyId),
      }),
      listResultVersions: async ({ params }, context) => ({
        status: 200,
        body: await results.versions(actorOf(context, context.now), params.year, params.agencyId),
      }),
      getResultBundle: async ({ params }, context) => ({
        status: 200,
        body: await results.bundle(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          dependencies.serviceVersion,
        ),
      }),
      fileAppeal: async ({ params, body }, context) => {
        const appeal = await results.fileAppeal(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          body,
        );
        return {
          status: 201,
          body: appeal,
          headers: { location: `${location(params.year, params.agencyId)}/appeals/${appeal.appealId}` },
        };
      },
      listAppeals: async ({ params }, context) => ({
        status: 200,
        body: { items: await results.appeals(actorOf(context, context.now), params.year, params.agencyId) },
      }),
      getAppeal: async ({ params }, context) => ({
        status: 200,
        body: await results.appeal(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          params.appealId,
        ),
      }),
      listCycleAppeals: async ({ params, query }, context) => ({
        status: 200,
        body: pageBody(await results.cycleAppeals(actorOf(context, context.now), params.year, query)),
      }),
      decideAppeal: async ({ params, body }, context) => ({
        status: 200,
        body: await results.decideAppeal(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          params.appealId,
          body,
        ),
      }),
      importResults: async ({ params, body }, context) => ({
        status: 200,
        body: await results.importResults(actorOf(context, context.now), params.year, body.results),
      }),
    },
    dependencies.http,
  );
};
