import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '#shared/observability/tracer.ts';

let functionClient: DynamoDBClient | undefined;

/**
 * The function instance's one DynamoDB client, built on first use. The stores' DocumentClient and
 * the idempotency records (Powertools) share it: one connection pool per container, one client to
 * build at cold start, and one middleware stack that sees every DynamoDB call the function makes
 * (the local runtime counts a request's calls there; `docs/access-patterns.md` lists each route's).
 * Its calls are X-Ray subsegments when tracing is on. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` variable, which only the local runtime and tests set, so the deployed
 * code has no local branch.
 */
export const functionDynamoDbClient = (): DynamoDBClient => {
  functionClient ??= traced(new DynamoDBClient({}));
  return functionClient;
};

/** A DocumentClient over `client` (by default the function's one client): one per function instance. */
export const createDocumentClient = (
  client: DynamoDBClient = functionDynamoDbClient(),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
