import { requireEventsTable } from '#shared/config.ts';
import { createAgencyStore } from '#shared/dynamodb/agency-store.ts';
import { createAuditTrailStore } from '#shared/dynamodb/audit-store.ts';
import {
  createWebhookDeliveryStore,
  webhookDeliveryWrites,
} from '#shared/dynamodb/webhook-delivery-store.ts';
import {
  createWebhookEndpointStore,
  webhookEndpointWrites,
} from '#shared/dynamodb/webhook-endpoint-store.ts';
import { createWritePath } from '#shared/dynamodb/write-path.ts';
import { systemIds, systemSecrets } from '#shared/runtime/system.ts';
import { loadWebhookConfig } from '#shared/webhooks/config.ts';
import { createDnsResolver } from '#shared/webhooks/dns-resolver.ts';
import { apiFunctionBase } from '#shared/wiring/api-function.ts';
import { idempotencyGuardFor } from '#shared/wiring/idempotency.ts';
import { createWebhooksHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start. It imports
// only what its routes use: its stores, the DNS check of endpoint URLs and the idempotency guard.
const base = apiFunctionBase();
const { config, documents } = base;
const webhookConfig = loadWebhookConfig();
const tables = { programme: config.programmeTableName, events: requireEventsTable(config) };

export const handler = createWebhooksHandler({
  agencies: createAgencyStore(documents, tables.programme),
  audits: createAuditTrailStore(documents, tables.programme),
  webhookEndpoints: createWebhookEndpointStore(documents, tables.programme),
  webhookDeliveries: createWebhookDeliveryStore(documents, tables),
  // Endpoint changes, and redelivery requests with their audit records in one transaction.
  writes: createWritePath(documents, tables, { ...webhookEndpointWrites, ...webhookDeliveryWrites }),
  ids: systemIds,
  secrets: systemSecrets,
  resolver: createDnsResolver(),
  urlPolicy: { allowLoopbackHttp: webhookConfig.allowLoopbackHttp },
  http: {
    ...base.http,
    idempotency: idempotencyGuardFor(base),
  },
});
