import type { StateChange } from '#shared/services/ports.ts';
import { agencyWrites } from './agency-store.ts';
import { assessmentWrites } from './assessment-store.ts';
import { awardWrites } from './award-store.ts';
import { cycleWrites } from './cycle-store.ts';
import { machineClientWrites } from './machine-client-store.ts';
import { rankingWrites } from './ranking-store.ts';
import { resultWrites } from './result-store.ts';
import { selfAssessmentWrites } from './self-assessment-store.ts';
import { webhookDeliveryWrites } from './webhook-delivery-store.ts';
import { webhookEndpointWrites } from './webhook-endpoint-store.ts';
import {
  type StateActionBuilder,
  type StateActionBuilders,
  stateActionsWith,
  type TransactAction,
} from './write-path.ts';

/**
 * Every store's write-path builders: what a write path over every store takes (`ports.ts`: tests and
 * local tools). Lambda functions pass only their own stores' builders instead, so that none bundles
 * every capability's stores and schemas. Complete by type: a new kind of state change fails to
 * compile here until its store's builder is listed.
 */
export const everyStateWrite: { readonly [Kind in StateChange['kind']]: StateActionBuilder<Kind> } = {
  ...agencyWrites,
  ...machineClientWrites,
  ...cycleWrites,
  ...selfAssessmentWrites,
  ...assessmentWrites,
  ...resultWrites,
  ...rankingWrites,
  ...webhookEndpointWrites,
  ...webhookDeliveryWrites,
  ...awardWrites,
} satisfies StateActionBuilders;

/** Pure: the actions of any state change, each with the condition that makes it safe. */
export const stateActions = (tableName: string, change: StateChange): TransactAction[] =>
  stateActionsWith(everyStateWrite, tableName, change);
