import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Context } from 'aws-lambda';

/**
 * The Lambda Invoke API on loopback, for the functions the API starts asynchronously (the ranking
 * run). Product code calls Lambda with the SDK as deployed; the local runtime points the SDK here
 * (`AWS_ENDPOINT_URL_LAMBDA`), so no code has a local branch. `Event` invocations answer 202 and run
 * in the background, as Lambda does; `RequestResponse` waits for the result.
 */

export type AsyncHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LambdaEmulator {
  readonly endpoint: string;
  /** Waits for invocations still running (tests and shutdown). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Lambda's longest run: what `getRemainingTimeInMillis` counts down from. */
const invocationBudgetMs = 15 * 60 * 1000;

const contextFor = (functionName: string): Context => {
  const deadline = Date.now() + invocationBudgetMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export const startLambdaEmulator = async (
  functions: Readonly<Record<string, () => Promise<AsyncHandler>>>,
  onError: (functionName: string, error: unknown) => void = (name, error) =>
    console.error(`[lambda ${name}] invocation failed`, error),
): Promise<LambdaEmulator> => {
  const running = new Set<Promise<unknown>>();
  const server: Server = createServer((request, response) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const name = match ? decodeURIComponent(match[1] ?? '') : '';
      const load = functions[name];
      if (request.method !== 'POST' || !load) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const payload: unknown = text.length > 0 ? JSON.parse(text) : {};
      const invocation = load().then((handler) => handler(payload, contextFor(name)));
      if (request.headers['x-amz-invocation-type'] === 'Event') {
        const tracked = invocation
          .catch((error: unknown) => onError(name, error))
          .finally(() => running.delete(tracked));
        running.add(tracked);
        response.writeHead(202);
        response.end();
        return;
      }
      invocation.then(
        (result) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(result ?? null));
        },
        (error: unknown) => {
          response.writeHead(200, {
            'content-type': 'application/json',
            'x-amz-function-error': 'Unhandled',
          });
          response.end(
            JSON.stringify({ errorMessage: error instanceof Error ? error.message : String(error) }),
          );
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  const settle = async () => {
    while (running.size > 0) await Promise.allSettled([...running]);
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    settle,
    close: async () => {
      await settle();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
};
