import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DocumentClient per function instance, built at module scope. The endpoint comes from the
 * SDK's own `AWS_ENDPOINT_URL_DYNAMODB` variable, which only the local runtime and tests set, so
 * the deployed code has no local branch.
 */
export const createDocumentClient = (
  client: DynamoDBClient = new DynamoDBClient({}),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
