import { awardRoutes } from '#shared/api/awards/routes.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { type AwardServicePorts, createAwardService } from '#shared/services/awards/awards.ts';
import { type AwardReaderPorts, createAwardReader } from '#shared/services/awards/read.ts';
import { publicationView } from '#shared/services/awards/views.ts';
import { awardsIndexHtml, awardsPageHtml, awardsStylesheet } from './page.ts';

/** The reader needs a subset of the service's ports. */
export interface AwardsDependencies extends AwardServicePorts {
  readonly agencies: AwardReaderPorts['agencies'] & AwardServicePorts['agencies'];
  readonly http: HttpOptions;
}

/** The Digital Government Award: draft, decisions, publication and revisions (admins); public reads and the page. */
export const createAwardsHandler = (dependencies: AwardsDependencies) => {
  const service = createAwardService(dependencies);
  const reader = createAwardReader(dependencies);
  const location = (year: number) => `/v1/cycles/${year}/awards`;

  return createLambdaHandler(
    'awards',
    awardRoutes,
    {
      getAwardDraft: async ({ params }, context) => ({
        status: 200,
        body: await service.draft(params.year, context.now),
      }),
      createAwardDecision: async ({ params, body }, context) => {
        const decision = await service.decide(actorOf(context, context.now), params.year, body);
        return {
          status: 201,
          body: decision,
          headers: { location: `/v1/cycles/${decision.year}/awards/decisions/${decision.number}` },
        };
      },
      getAwardDecision: async ({ params }) => ({
        status: 200,
        body: await service.decision(params.year, params.number),
      }),
      listAwardDecisions: async ({ params }) => ({
        status: 200,
        body: { items: await service.decisions(params.year) },
      }),
      publishAwards: async ({ params }, context) => {
        const { publication, created } = await service.publish(actorOf(context, context.now), params.year);
        return {
          status: created ? 201 : 200,
          body: publicationView(publication),
          headers: { location: location(params.year) },
        };
      },
      reviseAwards: async ({ params, body }, context) => {
        const { publication, created } = await service.revise(
          actorOf(context, context.now),
          params.year,
          body,
        );
        return {
          status: created ? 201 : 200,
          body: publicationView(publication),
          headers: { location: location(params.year) },
        };
      },
      getCycleAwards: async ({ params }) => ({
        status: 200,
        body: await reader.cycleAwards(params.year),
      }),
      getAgencyAwards: async ({ params }) => ({
        status: 200,
        body: await reader.agencyAwards(params.agencyId),
      }),
      listAwardYears: async () => ({
        status: 200,
        body: {
          items: (await reader.publishedYears()).map((published) => ({
            ...published,
            links: { awards: location(published.year), page: `/awards/${published.year}` },
          })),
        },
      }),
      getAward: async ({ params }) => ({
        status: 200,
        body: await reader.award(params.awardId),
      }),
      getAwardsPage: async ({ params, query }) => {
        const data = await reader.page(params.year);
        return {
          status: 200,
          body: awardsPageHtml({ ...data, year: params.year, lang: query.lang ?? 'id' }),
          headers: { 'content-language': query.lang ?? 'id' },
        };
      },
      getAwardsIndexPage: async ({ query }) => {
        const lang = query.lang ?? 'id';
        return {
          status: 200,
          body: awardsIndexHtml({ years: await reader.publishedYears(), lang }),
          headers: { 'content-language': lang },
        };
      },
      getAwardsStylesheet: async () => ({ status: 200, body: awardsStylesheet }),
    },
    dependencies.http,
  );
};
