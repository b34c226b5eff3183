/**
 * The one description of every DynamoDB table. The CDK stack (`infra/`) and the local runtime
 * (`local/dynamodb-local.ts`) both build their tables from this module, so keys, indexes, TTL and
 * streams cannot drift between what we deploy and what we develop and test against.
 *
 * Pure data: no AWS SDK or CDK imports, so both sides can read it.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalSecondaryIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Why the index exists: which access patterns it serves (see docs/access-patterns.md). */
  readonly purpose: string;
}

export interface TableDefinition {
  /** Stable CDK construct id: renaming it replaces the table (and loses its data). */
  readonly constructId: string;
  /** Environment variable through which Lambda functions receive the physical table name. */
  readonly environmentVariable: string;
  /** Table name used on DynamoDB Local (CDK lets CloudFormation name the real one). */
  readonly localTableName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndexDefinition[];
  readonly timeToLiveAttribute?: string;
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  /**
   * Partitions (by partition-key prefix) that a function reaches only when its use of the table says
   * so: IAM denies every other function any item in them (`dynamodb:LeadingKeys`).
   */
  readonly restrictedPartitions?: readonly { readonly prefix: string; readonly holds: string }[];
  readonly description: string;
}

/**
 * The programme table: one single-table design holding agencies, cycles, self-assessments,
 * assessments, results, rankings, awards, audit records and webhook endpoints. Item types and their
 * keys are catalogued in `shared/dynamodb/keys.ts` (docs/access-patterns.md is generated from it).
 */
export const programmeTable = {
  constructId: 'ProgrammeTable',
  environmentVariable: 'PROGRAMME_TABLE_NAME',
  localTableName: 'spbe-programme',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
      purpose:
        'Collections read in order: agencies by group, cycles, an assessor’s assignments, a cycle’s results by group, an agency’s awards, webhook subscribers by event type.',
    },
    {
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: 'S' },
      sortKey: { name: 'GSI2SK', type: 'S' },
      purpose:
        'Second ordering of a collection: the whole agency roster by id, a cycle’s submissions by status, the public keys of ed25519 webhook endpoints.',
    },
  ],
  // No TTL and no stream: results are legal records (nothing here may expire), and nothing consumes
  // its changes — domain events go to the events table in the same transaction instead.
  // Webhook signing secrets (`WebhookSigningSecrets` in keys.ts): only the webhooks API (registration,
  // rotation) and the delivery function (signing) may reach them. The prefix is keys.ts's
  // `signingSecretsPrefix`, spelled here because this module stays free of imports (a unit test
  // checks that the two agree).
  restrictedPartitions: [{ prefix: 'SIGNING#', holds: 'webhook signing secrets' }],
  description:
    'Agencies, cycles, self-assessments, assessments, results, rankings, awards, audit trail, webhook endpoints.',
} as const satisfies TableDefinition;

/**
 * The events table: the transactional outbox (every domain event, written in the same transaction
 * as the change that caused it) and the webhook delivery log (deliveries with their attempts,
 * endpoint health). Its stream
 * starts the first delivery attempt of each new event; TTL clears delivery records after their
 * retention (events themselves carry no expiry). Kept apart from the programme table so delivery
 * churn never shares capacity or a stream with legal records.
 */
export const eventsTable = {
  constructId: 'EventsTable',
  environmentVariable: 'EVENTS_TABLE_NAME',
  localTableName: 'spbe-events',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
      purpose: 'Events by day in time order; webhook deliveries due for an attempt, by due time (sparse).',
    },
    {
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: 'S' },
      sortKey: { name: 'GSI2SK', type: 'S' },
      purpose: 'Webhook deliveries of an endpoint by status, newest first.',
    },
  ],
  // Only delivery records carry `expiresAt`; compared in code wherever expiry matters.
  timeToLiveAttribute: 'expiresAt',
  // New events (INSERT) wake the webhook dispatcher.
  stream: 'NEW_IMAGE',
  description: 'Outbox of domain events and webhook deliveries (stream: new events).',
} as const satisfies TableDefinition;

/**
 * Idempotency records for POST routes (`Idempotency-Key`), in the layout Powertools for AWS Lambda's
 * DynamoDB persistence layer expects (`id` key, `expiration` TTL). Kept apart from the programme table
 * so its high write churn and TTL deletes never share partitions with legal records.
 */
export const idempotencyTable = {
  constructId: 'IdempotencyTable',
  environmentVariable: 'IDEMPOTENCY_TABLE_NAME',
  localTableName: 'spbe-idempotency',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiration',
  description: 'Idempotency-Key records: the first response of a POST, replayed for 24 h.',
} as const satisfies TableDefinition;

/**
 * Per-client rate-limit counters: one item per caller, route class and fixed window, counted by one
 * conditional UpdateItem per request (`shared/dynamodb/rate-limit-store.ts`). Its own table, not the
 * idempotency table: every API function writes it on every request (the public function included,
 * which must write nothing else), its churn is the highest of all, and its throttling shows in its own
 * metrics and alarm. The window is part of the key, so TTL only clears old windows away: correctness
 * never waits for a TTL deletion.
 */
export const rateLimitTable = {
  constructId: 'RateLimitTable',
  environmentVariable: 'RATE_LIMIT_TABLE_NAME',
  localTableName: 'spbe-rate-limits',
  partitionKey: { name: 'PK', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
  description: 'Per-client rate-limit counters (one item per caller, route class and minute).',
} as const satisfies TableDefinition;

export const tableDefinitions: readonly TableDefinition[] = [
  programmeTable,
  eventsTable,
  idempotencyTable,
  rateLimitTable,
];
