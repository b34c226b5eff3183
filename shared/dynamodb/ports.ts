import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAgencyStore } from './agency-store.ts';
import { createAssessmentStore, createAssessorStore, createAssignmentStore } from './assessment-store.ts';
import { createAuditTrailStore } from './audit-store.ts';
import { createAwardStore } from './award-store.ts';
import { createCycleStore } from './cycle-store.ts';
import { createMachineClientStore } from './machine-client-store.ts';
import { createRankingStore } from './ranking-store.ts';
import { createResultStore } from './result-store.ts';
import { createSelfAssessmentStore } from './self-assessment-store.ts';
import { everyStateWrite } from './state-actions.ts';
import { createWebhookDeliveryStore } from './webhook-delivery-store.ts';
import { createWebhookEndpointStore } from './webhook-endpoint-store.ts';
import { createWritePath } from './write-path.ts';

/**
 * Every DynamoDB adapter of the services' ports over one client. Cheap to build (closures over the
 * client and table names): Lambda entries build once at cold start and use what they need.
 */
export const createDynamoDbPorts = (
  client: DynamoDBDocumentClient,
  tables: { readonly programme: string; readonly events: string },
) => ({
  agencies: createAgencyStore(client, tables.programme),
  cycles: createCycleStore(client, tables.programme),
  machineClients: createMachineClientStore(client, tables.programme),
  selfAssessments: createSelfAssessmentStore(client, tables.programme),
  audits: createAuditTrailStore(client, tables.programme),
  assessors: createAssessorStore(client, tables.programme),
  assignments: createAssignmentStore(client, tables.programme),
  assessments: createAssessmentStore(client, tables.programme),
  results: createResultStore(client, tables.programme),
  rankings: createRankingStore(client, tables.programme),
  awards: createAwardStore(client, tables.programme),
  webhookEndpoints: createWebhookEndpointStore(client, tables.programme),
  webhookDeliveries: createWebhookDeliveryStore(client, tables),
  writes: createWritePath(client, tables, everyStateWrite),
});

export type DynamoDbPorts = ReturnType<typeof createDynamoDbPorts>;
