/**
 * The gateway's share of the `api-load` bench's API side, measured apart: what API Gateway does
 * outside the function when deployed (the JWT authorizer's RS256 verification and scope check, the
 * request → v2 event translation, the result → HTTP answer). Two servers answer a canned copy of a
 * route's real answer, with no handler work and no DynamoDB call:
 * - the local API stand-in (`local/server.ts`, the same identity provider as the runtime), whose
 *   handler returns the copy at once;
 * - a bare `node:http` server writing the same copy.
 * The difference of their CPU per request is the stand-in's own work; the API's CPU per request less
 * it is the function's share, which compares with the floor's.
 */
import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { LocalIdentityProvider } from '../local/auth.ts';
import { type LambdaHandler, type LocalApi, startLocalApi } from '../local/server.ts';
import { lambdaNames } from '../shared/api/route-spec.ts';

export interface CannedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Headers the HTTP layer writes itself (or the stand-in adds), left out of the copy. */
const connectionHeaders = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'apigw-requestid',
]);

/** A real answer of the API, to be served again as is. */
export const cannedAnswerOf = async (response: Response): Promise<CannedAnswer> => ({
  status: response.status,
  headers: Object.fromEntries(
    [...response.headers.entries()].filter(([name]) => !connectionHeaders.has(name)),
  ),
  body: await response.text(),
});

export interface GatewaySplitServers {
  readonly gatewayUrl: string;
  readonly httpUrl: string;
  close(): Promise<void>;
}

export const startGatewaySplitServers = async (
  identityProvider: LocalIdentityProvider,
  answer: () => CannedAnswer,
): Promise<GatewaySplitServers> => {
  const handler: LambdaHandler = async (): Promise<APIGatewayProxyResultV2> => {
    const { status, headers, body } = answer();
    return { statusCode: status, headers: { ...headers }, body };
  };
  const gateway: LocalApi = await startLocalApi({
    port: 0,
    identityProvider,
    handlers: Object.fromEntries(lambdaNames.map((name) => [name, handler])) as Record<
      (typeof lambdaNames)[number],
      LambdaHandler
    >,
  });
  const http: Server = createServer((_request, response) => {
    const { status, headers, body } = answer();
    response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    response.end(body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    gatewayUrl: gateway.url,
    httpUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await gateway.close();
      await new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      });
    },
  };
};
