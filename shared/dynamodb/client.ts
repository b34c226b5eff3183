import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '#shared/observability/tracer.ts';

let functionClient: DynamoDBClient | undefined;

/**
 * How long a DynamoDB call may stall before the SDK abandons that attempt (and retries it, as a
 * transient error; the last failure answers 503). A healthy call takes milliseconds; without these
 * a stalled connection held the request until the function's own 29 s timeout (the SDK's default
 * socket timeout for DynamoDB is 300 s). Four attempts of 5 s stay inside the 29 s an API function
 * has; the calls in front of a route's own (the rate limiter) and the health probe have shorter
 * budgets of their own (`rateLimiterBudgetMs`, `healthProbeBudgetMs`), so they leave it that room.
 */
export const dynamoDbTimeouts = { connectionTimeout: 2_000, socketTimeout: 5_000 } as const;

/** A client as the functions build theirs: bounded waits, traced when tracing is on. */
export const createFunctionDynamoDbClient = (
  timeouts: { readonly connectionTimeout: number; readonly socketTimeout: number } = dynamoDbTimeouts,
): DynamoDBClient => traced(new DynamoDBClient({ requestHandler: { ...timeouts } }));

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
  functionClient ??= createFunctionDynamoDbClient();
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
