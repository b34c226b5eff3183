import { webhookRoutes } from '#shared/api/webhooks/routes.ts';
import { etagOf } from '#shared/domain/versions.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { ifMatchWhenRetryExpected, optionalIfMatch, requireIfMatch } from '#shared/http/preconditions.ts';
import { pageBody } from '#shared/http/responses.ts';
import {
  createWebhookEndpointService,
  endpointView,
  type WebhookEndpointServicePorts,
} from '#shared/services/webhooks/endpoints.ts';

export interface WebhooksDependencies extends WebhookEndpointServicePorts {
  readonly http: HttpOptions;
}

/** Webhook endpoints, their delivery log and redelivery; the published public keys. */
export const createWebhooksHandler = (dependencies: WebhooksDependencies) => {
  const endpoints = createWebhookEndpointService(dependencies);
  const location = (agencyId: string, endpointId: string) =>
    `/v1/agencies/${agencyId}/webhook-endpoints/${endpointId}`;

  return createLambdaHandler(
    'webhooks',
    webhookRoutes,
    {
      createWebhookEndpoint: async ({ params, body }, context) => {
        const { endpoint, secret } = await endpoints.create(
          actorOf(context, context.now),
          params.agencyId,
          body,
        );
        return {
          status: 201,
          body: { ...endpointView(endpoint, context.now), ...(secret === undefined ? {} : { secret }) },
          headers: { etag: etagOf(endpoint.version), location: location(endpoint.agencyId, endpoint.id) },
        };
      },
      listWebhookEndpoints: async ({ params }, context) => ({
        status: 200,
        body: {
          items: (await endpoints.list(actorOf(context, context.now), params.agencyId)).map((endpoint) =>
            endpointView(endpoint, context.now),
          ),
        },
      }),
      getWebhookEndpoint: async ({ params }, context) => {
        const endpoint = await endpoints.get(
          actorOf(context, context.now),
          params.agencyId,
          params.endpointId,
        );
        return {
          status: 200,
          body: endpointView(endpoint, context.now),
          headers: { etag: etagOf(endpoint.version) },
        };
      },
      updateWebhookEndpoint: async ({ params, body, headers }, context) => {
        const endpoint = await endpoints.update(
          actorOf(context, context.now),
          params.agencyId,
          params.endpointId,
          body,
          requireIfMatch(headers),
        );
        return {
          status: 200,
          body: endpointView(endpoint, context.now),
          headers: { etag: etagOf(endpoint.version) },
        };
      },
      deleteWebhookEndpoint: async ({ params, headers }, context) => {
        await endpoints.remove(
          actorOf(context, context.now),
          params.agencyId,
          params.endpointId,
          optionalIfMatch(headers),
        );
        return { status: 204 };
      },
      rotateWebhookSecret: async ({ params, body, headers }, context) => {
        const { endpoint, secret } = await endpoints.rotate(
          actorOf(context, context.now),
          params.agencyId,
          params.endpointId,
          body.overlapHours,
          ifMatchWhenRetryExpected(
            headers,
            'a replayed answer would keep the new secret for a day; rotating twice ends the overlap at once',
          ),
        );
        return {
          status: 200,
          body: { ...endpointView(endpoint, context.now), ...(secret === undefined ? {} : { secret }) },
          headers: { etag: etagOf(endpoint.version) },
        };
      },
      sendWebhookTest: async ({ params }, context) => ({
        status: 202,
        body: await endpoints.sendTest(actorOf(context, context.now), params.agencyId, params.endpointId),
      }),
      getWebhookEndpointAudit: async ({ params, query }, context) => ({
        status: 200,
        body: pageBody(
          await endpoints.auditTrail(
            actorOf(context, context.now),
            params.agencyId,
            params.endpointId,
            query,
          ),
        ),
      }),
      listWebhookDeliveries: async ({ params, query }, context) => ({
        status: 200,
        body: pageBody(
          await endpoints.deliveries(
            actorOf(context, context.now),
            params.agencyId,
            params.endpointId,
            query,
          ),
        ),
      }),
      redeliverWebhook: async ({ params }, context) => ({
        status: 202,
        body: await endpoints.redeliver(
          actorOf(context, context.now),
          params.agencyId,
          params.endpointId,
          params.eventId,
        ),
      }),
      redeliverFailedWebhooks: async ({ params, body }, context) => ({
        status: 202,
        body: await endpoints.redeliverFailed(
          actorOf(context, context.now),
          params.agencyId,
          params.endpointId,
          body.since,
        ),
      }),
      listWebhookPublicKeys: async ({ query }, context) => ({
        status: 200,
        body: pageBody(await endpoints.publicKeys(query, context.now)),
      }),
    },
    dependencies.http,
  );
};
