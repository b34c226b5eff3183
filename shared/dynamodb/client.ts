import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '#shared/observability/tracer.ts';

/**
 * One DocumentClient per function instance, built at module scope. The endpoint comes from the
 * SDK's own `AWS_ENDPOINT_URL_DYNAMODB` variable, which only the local runtime and tests set, so
 * the deployed code has no local branch. Its calls are X-Ray subsegments when tracing is on.
 */
export const createDocumentClient = (
  client: DynamoDBClient = traced(new DynamoDBClient({})),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
