import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { traced } from '#shared/observability/tracer.ts';
import type { RunLauncher } from '#shared/services/rankings/ports.ts';

/**
 * Starts a ranking run's worker as an asynchronous Lambda invocation: the caller (the API, or the
 * worker continuing itself) does not wait; Lambda retries a failed invocation and sends the last
 * failure to the dead-letter queue. Locally the runtime emulates the Lambda Invoke API on loopback
 * (`AWS_ENDPOINT_URL_LAMBDA`), so this code has no local branch.
 */
export const createLambdaRunLauncher = (
  functionName: string,
  client = traced(new LambdaClient({})),
): RunLauncher => ({
  launch: async (request) => {
    await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
  },
});
