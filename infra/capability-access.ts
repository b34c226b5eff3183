import type { LambdaName } from '../shared/api/route-spec.ts';
import {
  eventsTable,
  idempotencyTable,
  programmeTable,
  rateLimitTable,
  type TableDefinition,
} from '../shared/dynamodb/table-definitions.ts';
import type { TableAccess } from './constructs/spbe-function.ts';

/** One table a function uses, and how. */
export interface TableUse {
  readonly definition: TableDefinition;
  readonly access: TableAccess;
  /**
   * Whether it may reach the table's restricted partitions (`TableDefinition.restrictedPartitions`:
   * the webhook signing secrets); IAM denies them otherwise.
   * @default false
   */
  readonly restrictedPartitions?: boolean;
}

const read = (definition: TableDefinition): TableUse => ({ definition, access: 'read' });
const readWrite = (definition: TableDefinition): TableUse => ({ definition, access: 'readWrite' });
/** Functions that change state append to the outbox and never read it. */
const write = (definition: TableDefinition): TableUse => ({ definition, access: 'write' });

/**
 * Every API request is counted against its caller's limit (`shared/http/rate-limit.ts`): one
 * UpdateItem on the counters, the only write the public function makes.
 */
const limits = write(rateLimitTable);

/**
 * What each capability's function may do with each table — least privilege, decided per capability.
 *
 * A capability in `lambdaNames` with no entry here fails type-checking (`tableUsesByCapability`
 * below), so nobody ships a function with guessed permissions.
 */
const plannedTableUses = {
  // Health checks (every table must answer) and public reads: no writes but its callers' counters.
  public: [read(programmeTable), read(eventsTable), read(idempotencyTable), limits],
  registry: [readWrite(programmeTable), write(eventsTable), readWrite(idempotencyTable), limits],
  submissions: [readWrite(programmeTable), write(eventsTable), readWrite(idempotencyTable), limits],
  assessment: [readWrite(programmeTable), write(eventsTable), readWrite(idempotencyTable), limits],
  results: [readWrite(programmeTable), write(eventsTable), readWrite(idempotencyTable), limits],
  rankings: [readWrite(programmeTable), write(eventsTable), readWrite(idempotencyTable), limits],
  awards: [readWrite(programmeTable), write(eventsTable), readWrite(idempotencyTable), limits],
  // Registration and rotation write signing secrets: the one API function that reaches them.
  webhooks: [
    { ...readWrite(programmeTable), restrictedPartitions: true },
    readWrite(eventsTable),
    readWrite(idempotencyTable),
    limits,
  ],
} as const satisfies Readonly<Record<string, readonly TableUse[]>>;

/** Compile-time check that every capability in `shared/api/route-spec.ts` has its grants decided. */
export const tableUsesByCapability: Readonly<Record<LambdaName, readonly TableUse[]>> = plannedTableUses;

/** The scheduled national ranking run reads scores and writes rankings; it serves no POST, so no idempotency. */
export const rankingRunTableUses: readonly TableUse[] = [readWrite(programmeTable), write(eventsTable)];

/**
 * The Cognito pre-token-generation trigger reads machine-client registrations (`CLIENT#<id>`) and
 * nothing else: read-only, and no idempotency table (it serves no POST).
 */
export const preTokenGenerationTableUses: readonly TableUse[] = [read(programmeTable)];

/**
 * The webhook dispatcher (stream fan-out and the due-index sweep) reads subscriptions and endpoints
 * and marks due deliveries as queued; it changes no programme record.
 */
export const webhookDispatcherTableUses: readonly TableUse[] = [read(programmeTable), readWrite(eventsTable)];

/**
 * The webhook delivery function reads endpoints with their signing secrets and the published award
 * pointers (an award event
 * waits for its publication), writes the delivery log and endpoint health, and
 * disables endpoints (410, or failing for days) through the audited write path: endpoint, audit
 * record and `webhook.endpoint_disabled` in one transaction.
 */
export const webhookDeliveryTableUses: readonly TableUse[] = [
  // It signs: the one function besides the webhooks API that reads the signing secrets.
  { ...readWrite(programmeTable), restrictedPartitions: true },
  readWrite(eventsTable),
];
