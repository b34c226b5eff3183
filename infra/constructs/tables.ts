import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { KeyAttribute, TableDefinition } from '../../shared/dynamodb/table-definitions.ts';

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

const streamViewType = (stream: TableDefinition['stream']): dynamodb.StreamViewType | undefined => {
  switch (stream) {
    case 'NEW_IMAGE':
      return dynamodb.StreamViewType.NEW_IMAGE;
    case 'NEW_AND_OLD_IMAGES':
      return dynamodb.StreamViewType.NEW_AND_OLD_IMAGES;
    case undefined:
      return undefined;
  }
};

/**
 * Creates one table from its shared definition (the same one the local runtime builds DynamoDB Local
 * tables from), under the definition's stable construct id.
 */
export const createTable = (scope: Construct, definition: TableDefinition): dynamodb.TableV2 =>
  new dynamodb.TableV2(scope, definition.constructId, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: definition.sortKey === undefined ? undefined : attribute(definition.sortKey),
    globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey === undefined ? undefined : attribute(index.sortKey),
      // ALL: the access patterns behind each index read whole items; KEYS_ONLY would cost a GetItem each.
      projectionType: dynamodb.ProjectionType.ALL,
    })),
    timeToLiveAttribute: definition.timeToLiveAttribute,
    dynamoStream: streamViewType(definition.stream),
    // On demand: traffic is a few peaks a year (submission deadlines, ranking), idle otherwise.
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Self-assessments, scores, rankings and awards are legal records of a government programme: a stack
    // deletion or a replacing change must never take the data with it, in any stage.
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    // AWS-managed key (aws/dynamodb), not AWS-owned: every use of the key shows in CloudTrail. Not a
    // customer-managed key: it would add a key policy to get right and a way to lose the records for good
    // (a disabled or deleted key makes the table unreadable) for control we do not need — one account,
    // no cross-account readers.
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
  });
