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
  readonly description: string;
}

/**
 * The programme table: one single-table design holding agencies, cycles, self-assessments,
 * assessments, results, rankings, awards, audit records, webhook endpoints and the outbox.
 * Item types and their keys are listed in `shared/dynamodb/keys.ts` and docs/access-patterns.md.
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
        'Collections read in order: agencies by group, cycles, an assessor’s assignments, a cycle’s results by group, an agency’s awards, due outbox deliveries.',
    },
    {
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: 'S' },
      sortKey: { name: 'GSI2SK', type: 'S' },
      purpose:
        'Second ordering of a collection: the whole agency roster by id, a cycle’s submissions by status.',
    },
  ],
  // TTL only clears short-lived items (webhook delivery attempts); never used as a lock's expiry.
  timeToLiveAttribute: 'expiresAt',
  // The stream feeds the webhook outbox dispatcher (new outbox items) in later work.
  stream: 'NEW_AND_OLD_IMAGES',
  description:
    'Agencies, cycles, self-assessments, assessments, results, rankings, awards, audit trail, webhooks.',
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

export const tableDefinitions: readonly TableDefinition[] = [programmeTable, idempotencyTable];
