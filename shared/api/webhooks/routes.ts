import { scope } from '#shared/api/access.ts';
import { AuditPageSchema, AuditQuerySchema } from '#shared/api/common/schemas.ts';
import { AgencyIdParamsSchema } from '#shared/api/registry/schemas.ts';
import { errors, etag, problemResponse, publicAccess } from '#shared/api/route-kit.ts';
import { defineRoute, type RouteSpec } from '#shared/api/route-spec.ts';
import {
  RedeliverFailedSchema,
  RedeliveryReceiptSchema,
  RotateSecretSchema,
  WebhookDeliveryPageSchema,
  WebhookDeliveryParamsSchema,
  WebhookDeliveryQuerySchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointListSchema,
  WebhookEndpointParamsSchema,
  WebhookEndpointPatchSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
  WebhookPublicKeysPageSchema,
  WebhookPublicKeysQuerySchema,
  WebhookTestReceiptSchema,
  webhookLimits,
} from './schemas.ts';

/** An agency operator manages the own agency's endpoints (scope webhooks.manage); admins any agency's. */
const webhookManagers = {
  kind: 'jwt',
  roles: ['admin', 'agency'],
  scopes: [scope('admin'), scope('webhooks.manage')],
} as const;

const endpoints = '/v1/agencies/{agencyId}/webhook-endpoints';
const endpoint = `${endpoints}/{endpointId}`;
const tags = ['Webhooks'];

/** Webhook endpoints of an agency, their delivery log and redelivery; the published v1a public keys. */
export const webhookRoutes = {
  createWebhookEndpoint: defineRoute({
    operationId: 'createWebhookEndpoint',
    method: 'POST',
    path: endpoints,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'Register an https endpoint for the event types it wants; the signing secret is shown once',
    description: `The URL is checked (https, no credentials, a DNS name that is not localhost) and its name resolved: every address must be public unicast, else 400 naming the reason. An agency registers a URL once: registering it again (a double click, a retry whose answer was lost) answers 409 naming the endpoint that has it (\`/body/url\`); that endpoint’s secret was shown once, so a client that lost it rotates it. An agency has at most ${webhookLimits.endpointsPerAgency} endpoints: registering one more answers 409 (delete one first). Idempotency-Key is not honoured on purpose: a replayed response would store the secret for a day.`,
    tags,
    params: AgencyIdParamsSchema,
    body: WebhookEndpointCreateSchema,
    responses: {
      201: {
        description: 'Registered; `secret` appears in this response only',
        schema: WebhookEndpointWithSecretSchema,
        headers: [...etag, 'Location'],
      },
      ...errors(400, 401, 403, 404, 409, 415),
      503: problemResponse('The URL’s name could not be resolved right now; retry'),
    },
  }),
  listWebhookEndpoints: defineRoute({
    operationId: 'listWebhookEndpoints',
    method: 'GET',
    path: endpoints,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: `The agency’s webhook endpoints (at most ${webhookLimits.endpointsPerAgency}), oldest first`,
    tags,
    params: AgencyIdParamsSchema,
    responses: {
      200: { description: 'Endpoints, without secrets', schema: WebhookEndpointListSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  getWebhookEndpoint: defineRoute({
    operationId: 'getWebhookEndpoint',
    method: 'GET',
    path: endpoint,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'One webhook endpoint (never its secret)',
    tags,
    params: WebhookEndpointParamsSchema,
    responses: {
      200: { description: 'The endpoint', schema: WebhookEndpointSchema, headers: etag },
      ...errors(400, 401, 403, 404),
    },
  }),
  updateWebhookEndpoint: defineRoute({
    operationId: 'updateWebhookEndpoint',
    method: 'PATCH',
    path: endpoint,
    lambda: 'webhooks',
    access: webhookManagers,
    summary:
      'Change an endpoint’s URL, enable or disable it, change its event types or description (If-Match required)',
    description:
      'Disabling stops new deliveries at once (pending retries end as failed); enabling starts afresh, so an endpoint disabled for failing gets five more days. A new URL (a portal that moved) is checked as at registration (400 naming the reason; 409 when another of the agency’s endpoints has it); the endpoint keeps its id, keys and delivery log, and pending retries go to the new URL.',
    tags,
    params: WebhookEndpointParamsSchema,
    body: WebhookEndpointPatchSchema,
    requiresIfMatch: true,
    responses: {
      200: { description: 'Updated', schema: WebhookEndpointSchema, headers: etag },
      ...errors(400, 401, 403, 404, 409, 412, 415, 428),
      503: problemResponse('The new URL’s name could not be resolved right now; retry'),
    },
  }),
  deleteWebhookEndpoint: defineRoute({
    operationId: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: endpoint,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'Delete an endpoint; If-Match is optional, and must match when sent',
    tags,
    params: WebhookEndpointParamsSchema,
    optionalIfMatch: true,
    responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404, 412) },
  }),
  rotateWebhookSecret: defineRoute({
    operationId: 'rotateWebhookSecret',
    method: 'POST',
    path: `${endpoint}/rotate-secret`,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'New signing keys; the previous ones keep signing beside them for an overlap (24 h default)',
    description:
      'During the overlap every delivery carries both signatures, so receivers holding only the old or only the new secret (or public key) verify it. The new secret is shown in this response only. The body may be left out (a bare POST): the overlap is then 24 h. Not idempotent, for the same reason as registration. One previous generation is kept: rotating again during an overlap ends it (the keys from before the first rotation stop signing at once), so after a lost response read the endpoint (`previousSecretExpiresAt`) before retrying. If-Match is optional; when sent it must match (412 otherwise, nothing rotated): send the ETag you read, and a double click or a retry of a rotation that happened cannot end its overlap. A request carrying Idempotency-Key without If-Match answers 428: the key is not honoured here, and its sender counts on a safe retry.',
    tags,
    params: WebhookEndpointParamsSchema,
    body: RotateSecretSchema,
    bodyOptional: true,
    optionalIfMatch: true,
    responses: {
      200: {
        description: 'Rotated; `secret` appears in this response only',
        schema: WebhookEndpointWithSecretSchema,
        headers: etag,
      },
      ...errors(400, 401, 403, 404, 412, 415, 428),
    },
  }),
  sendWebhookTest: defineRoute({
    operationId: 'sendWebhookTest',
    method: 'POST',
    path: `${endpoint}/test`,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'Send a `webhook.test` event to this endpoint (whatever it subscribes to)',
    tags,
    params: WebhookEndpointParamsSchema,
    idempotent: true,
    idempotencyClaim: 'with-change',
    responses: {
      202: { description: 'Queued: the delivery log shows its attempts', schema: WebhookTestReceiptSchema },
      ...errors(400, 401, 403, 404, 409, 422),
    },
  }),
  getWebhookEndpointAudit: defineRoute({
    operationId: 'getWebhookEndpointAudit',
    method: 'GET',
    path: `${endpoint}/audit`,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'The endpoint’s audit trail: registered, changed, keys rotated, redeliveries asked for, deleted',
    description:
      'Newest first, with who, when, on which route and the fields before and after (signing keys by fingerprint, never by value). A deleted endpoint’s trail stays readable by admins.',
    tags,
    params: WebhookEndpointParamsSchema,
    query: AuditQuerySchema,
    responses: {
      200: { description: 'Newest first', schema: AuditPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  listWebhookDeliveries: defineRoute({
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: `${endpoint}/deliveries`,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'The endpoint’s delivery log, newest event first, with every attempt; filter by status',
    description: 'Deliveries are kept 30 days after their last attempt.',
    tags,
    params: WebhookEndpointParamsSchema,
    query: WebhookDeliveryQuerySchema,
    responses: {
      200: { description: 'A page of deliveries', schema: WebhookDeliveryPageSchema },
      ...errors(400, 401, 403, 404),
    },
  }),
  redeliverWebhook: defineRoute({
    operationId: 'redeliverWebhook',
    method: 'POST',
    path: `${endpoint}/deliveries/{eventId}/redeliver`,
    lambda: 'webhooks',
    access: webhookManagers,
    summary:
      'Attempt one delivery once more, with the same `webhook-id`: a finished one again, a pending one now',
    description:
      'A finished delivery (succeeded or failed) gets one more attempt, logged as `redelivery`. A pending one — its receiver fixed while the next retry is hours away — gets the next attempt of its schedule now (logged as `scheduled`; should it fail, the schedule goes on). Asking again while that attempt is on its way answers the same receipt and adds no attempt. Attempts are queued within a minute.',
    tags,
    params: WebhookDeliveryParamsSchema,
    idempotent: true,
    // One change through the write path (the delivery and its audit record), nothing before it.
    idempotencyClaim: 'with-change',
    responses: {
      202: { description: 'Scheduled', schema: RedeliveryReceiptSchema },
      ...errors(400, 401, 403, 404, 409, 422),
    },
  }),
  redeliverFailedWebhooks: defineRoute({
    operationId: 'redeliverFailedWebhooks',
    method: 'POST',
    path: `${endpoint}/deliveries/redeliver-failed`,
    lambda: 'webhooks',
    access: webhookManagers,
    summary: 'Attempt every failed delivery of events since a time once more (same `webhook-id`s)',
    description: 'At most 500 deliveries per request; send it again for more.',
    tags,
    params: WebhookEndpointParamsSchema,
    body: RedeliverFailedSchema,
    idempotent: true,
    responses: {
      202: { description: 'Scheduled', schema: RedeliveryReceiptSchema },
      ...errors(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  listWebhookPublicKeys: defineRoute({
    operationId: 'listWebhookPublicKeys',
    publicCache: true,
    method: 'GET',
    path: '/v1/webhooks/public-keys',
    lambda: 'webhooks',
    access: publicAccess,
    summary: 'The ed25519 public keys (whpk_) of v1a endpoints, to verify `v1a` signatures with',
    tags,
    query: WebhookPublicKeysQuerySchema,
    responses: {
      200: { description: 'A page of endpoints and their keys', schema: WebhookPublicKeysPageSchema },
      ...errors(400),
    },
  }),
} as const satisfies Record<string, RouteSpec>;
