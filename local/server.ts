import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { corsAllowedRequestHeaders, corsExposedResponseHeaders } from '#shared/api/access.ts';
import { problemTypeUri } from '#shared/api/common/problem-types.ts';
import { matchRoute } from '#shared/api/route-match.ts';
import type { LambdaName } from '#shared/api/route-spec.ts';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '#shared/domain/errors.ts';
import { problemTypes } from '#shared/domain/problem-types.ts';
import {
  type ProblemDocument,
  problemContentType,
  problemFromError,
  problemResponse,
} from '#shared/http/problem-details.ts';
import { flattenClaims, type LocalIdentityProvider } from './auth.ts';

/**
 * The local stand-in for API Gateway (HTTP API) and Lambda: each HTTP request becomes an API Gateway
 * v2 event for the very handler CDK deploys, after the JWT authorizer's checks.
 */

export type LambdaHandler = (
  event: APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface LocalApiOptions {
  readonly port: number;
  readonly host?: string;
  readonly identityProvider: LocalIdentityProvider;
  readonly handlers: Readonly<Record<LambdaName, LambdaHandler>>;
  readonly corsAllowedOrigins?: readonly string[];
  /** API Gateway's payload limit. */
  readonly maxPayloadBytes?: number;
  /** Called for each request after it is answered (request logs for `npm start`). */
  readonly onResponse?: (line: ResponseLine) => void;
  /**
   * Wraps each handler invocation (the local runtime counts the DynamoDB calls of a request
   * there, `local/dynamodb-calls.ts`).
   */
  readonly aroundInvocation?: (
    request: { readonly requestId: string; readonly routeKey: string },
    invoke: () => Promise<APIGatewayProxyResultV2>,
  ) => Promise<APIGatewayProxyResultV2>;
}

export interface ResponseLine {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  /** The `apigw-requestid` header of the answer. */
  readonly requestId: string;
}

export interface LocalApi {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const noBody = Buffer.alloc(0);

const readBody = async (request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> => {
  // Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 §6.3): nothing to
  // wait for, and Node discards the empty stream once the response ends. Most requests are GETs.
  if (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined) {
    return noBody;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return 'too-large';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
};

const isTextual = (contentType: string | undefined) =>
  !contentType ||
  /^(text\/|application\/(json|problem\+json|x-www-form-urlencoded|xml|[\w.+-]+\+json))/i.test(contentType);

/** Multi-valued headers and query parameters are joined by commas, as HTTP API payload v2 does. */
const singleValued = (values: Readonly<Record<string, string | string[] | undefined>>) =>
  Object.fromEntries(
    Object.entries(values)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(',') : value]),
  );

/**
 * The request target read against a fixed base, never against the Host header: routing needs only
 * the path, and a malformed Host (`[::1`, `a b`) must not break the parse. Origin-form (`/path?q`)
 * is appended to the base as is, so `//x/y` stays a path; absolute-form (`http://h/path`) is parsed
 * alone. Undefined when it is neither.
 */
const requestTarget = (target: string): URL | undefined => {
  const absolute = target.startsWith('/') ? `http://localhost${target}` : target;
  return URL.canParse(absolute) ? new URL(absolute) : undefined;
};

/** RFC 3986 `host [ ":" port ]`: an IP literal or a registered name, possibly empty. */
const hostPattern = /^(?:\[[0-9a-f:.]+\]|[\w\-.~!$&'()*+,;=%]*)(?::\d*)?$/i;

/**
 * Why the Host header is unacceptable, if it is: RFC 9112 §3.2 has a server answer 400 to an
 * HTTP/1.1 request without one, with several, or with an invalid one.
 */
const hostError = (request: IncomingMessage): string | undefined => {
  const { rawHeaders } = request;
  const hosts = rawHeaders.filter(
    (_value, index) => index % 2 === 1 && rawHeaders[index - 1]?.toLowerCase() === 'host',
  );
  const [host] = hosts;
  if (host === undefined) {
    return request.httpVersion === '1.1' ? 'An HTTP/1.1 request needs a Host header.' : undefined;
  }
  if (hosts.length > 1) return 'The request has more than one Host header.';
  return hostPattern.test(host) ? undefined : `The Host header ${JSON.stringify(host)} is not a valid host.`;
};

/**
 * Requests Node's HTTP parser refuses never become a request object: their problem document, by
 * the parser's error code. Local only (API Gateway has its own parser and limits).
 */
const parserProblem = (error: NodeJS.ErrnoException): ProblemDocument => {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      type: problemTypeUri('request-header-fields-too-large'),
      ...problemTypes['request-header-fields-too-large'],
      detail: 'The request headers exceed Node’s limit (`--max-http-header-size`, 16 KB by default).',
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      type: problemTypeUri('request-timeout'),
      ...problemTypes['request-timeout'],
      detail: 'The request was not received in time.',
    };
  }
  return problemFromError(
    new BadRequestError(`The request is not valid HTTP/1.1 (${error.code ?? error.message}).`),
    {},
  ).problem;
};

/** A whole HTTP/1.1 response for a socket without a response object; the connection then closes. */
const rawProblemResponse = (problem: ProblemDocument): string => {
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    `content-type: ${problemContentType}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'connection: close',
    '',
    body,
  ].join('\r\n');
};

/**
 * The handler's result as API Gateway receives it: Lambda returns JSON, so the round trip drops
 * undefined values, as in AWS. A string body comes through that round trip unchanged, so it is kept
 * aside rather than escaped and parsed again: for a 16 KB answer that costs more than the rest of
 * the gateway's work on the request.
 */
const asReturnedToGateway = (result: APIGatewayProxyResultV2): APIGatewayProxyStructuredResultV2 => {
  if (typeof result === 'string') return { statusCode: 200, body: result };
  const { body, ...rest } = result;
  if (typeof body !== 'string')
    return JSON.parse(JSON.stringify(result)) as APIGatewayProxyStructuredResultV2;
  return { ...(JSON.parse(JSON.stringify(rest)) as APIGatewayProxyStructuredResultV2), body };
};

const lambdaContext = (capability: LambdaName, requestId: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `spbe-local-${capability}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:spbe-local-${capability}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/spbe-local-${capability}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export const startLocalApi = async (options: LocalApiOptions): Promise<LocalApi> => {
  const host = options.host ?? '127.0.0.1';
  const maxPayload = options.maxPayloadBytes ?? 10 * 1024 * 1024;
  const allowedOrigins = new Set(options.corsAllowedOrigins ?? []);

  const send = (response: ServerResponse, result: APIGatewayProxyResultV2) => {
    const structured = asReturnedToGateway(result);
    const headers: Record<string, string | string[]> = { ...(structured.headers as Record<string, string>) };
    if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
    response.writeHead(structured.statusCode ?? 200, headers);
    const body = structured.body ?? '';
    response.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
  };

  /**
   * CORS headers on the gateway's own answers (a rejected token, a body too large) for an allowed
   * origin, so that a portal's script reads the 401 rather than a CORS failure. API Gateway adds its
   * CORS configuration's headers to CORS responses; AWS documents this for integration responses and
   * says nothing of its authorizer's 401: check it on a first deployment.
   */
  const gatewayCors = (origin: string | undefined): Record<string, string> =>
    origin !== undefined && allowedOrigins.has(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': corsExposedResponseHeaders.join(','),
          vary: 'origin',
        }
      : {};

  const gatewayProblem = (
    response: ServerResponse,
    error: Error,
    path: string,
    requestId: string,
    origin: string | undefined,
  ) => {
    const { problem, headers } = problemFromError(error, { instance: path, requestId });
    send(response, problemResponse(problem, { ...headers, ...gatewayCors(origin) }));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = requestTarget(request.url ?? '/');
    const method = (request.method ?? 'GET').toUpperCase();
    const headers = singleValued(request.headers);
    const { onResponse } = options;
    if (onResponse) {
      response.on('finish', () =>
        onResponse({
          method,
          // Never the query or fragment, of a path or of a target that is not one: a client may put
          // a credential there, and this line is npm start's request log.
          path: url?.pathname ?? (request.url ?? '').replace(/[?#].*$/s, ''),
          status: response.statusCode,
          ms: performance.now() - started,
          requestId,
        }),
      );
    }
    response.setHeader('apigw-requestid', requestId);
    if (url === undefined) {
      const error = new BadRequestError(`The request target ${JSON.stringify(request.url)} is not a path.`);
      return gatewayProblem(response, error, request.url ?? '', requestId, headers.origin);
    }
    const badHost = hostError(request);
    if (badHost !== undefined) {
      return gatewayProblem(response, new BadRequestError(badHost), url.pathname, requestId, headers.origin);
    }

    // CORS preflight is answered by API Gateway itself (its CORS configuration), never the Lambda.
    const origin = headers.origin;
    if (method === 'OPTIONS' && origin && headers['access-control-request-method']) {
      if (!allowedOrigins.has(origin)) return send(response, { statusCode: 204 });
      return send(response, {
        statusCode: 204,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE',
          'access-control-allow-headers': corsAllowedRequestHeaders.join(','),
          'access-control-expose-headers': corsExposedResponseHeaders.join(','),
          'access-control-max-age': '600',
          vary: 'origin',
        },
      });
    }

    if (url.pathname === '/.well-known/jwks.json' && method === 'GET') {
      return send(response, {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(options.identityProvider.jwks),
      });
    }

    const match = matchRoute(method, url.pathname);
    // Requests no route matches go to the `$default` route (the public function), as deployed.
    const route = match.kind === 'matched' ? match.route : undefined;
    const pathParameters = match.kind === 'matched' ? match.pathParameters : {};
    // `HEAD /v1/…` for a HEAD request a GET route matched: the stack deploys that route key too.
    const routeKey = route ? `${method} ${route.path}` : '$default';
    const capability: LambdaName = route?.lambda ?? 'public';
    if (route === undefined && match.kind === 'malformed') {
      return gatewayProblem(
        response,
        new BadRequestError(`The path ${url.pathname} is not valid percent-encoding.`),
        url.pathname,
        requestId,
        origin,
      );
    }

    let authorizer: APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'] | undefined;
    if (route?.access.kind === 'jwt') {
      const verification = await options.identityProvider.verify(headers.authorization, route.access.scopes);
      if (!verification.ok) {
        const error =
          verification.status === 401
            ? new UnauthorizedError(verification.reason, { headers: { 'www-authenticate': 'Bearer' } })
            : new ForbiddenError(verification.reason);
        return gatewayProblem(response, error, url.pathname, requestId, origin);
      }
      const scopes = String(verification.claims.scope ?? '')
        .split(/\s+/)
        .filter(Boolean);
      authorizer = {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: flattenClaims(verification.claims), scopes },
      };
    }

    const body = await readBody(request, maxPayload);
    if (body === 'too-large') {
      return send(response, {
        statusCode: 413,
        headers: { 'content-type': 'application/json', ...gatewayCors(origin) },
        body: JSON.stringify({ message: 'Request Entity Too Large' }),
      });
    }
    // A string body can only hold valid UTF-8: other bytes would turn into U+FFFD on the way.
    // Passed base64-encoded instead, unchanged, so the handler sees them and refuses them.
    const textual = isTextual(headers['content-type']) && isUtf8(body);
    const now = new Date();
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(url.searchParams.size > 0
        ? {
            queryStringParameters: Object.fromEntries(
              [...new Set(url.searchParams.keys())].map((key) => [
                key,
                url.searchParams.getAll(key).join(','),
              ]),
            ),
          }
        : {}),
      ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        ...(authorizer ? { authorizer } : {}),
        domainName: headers.host ?? host,
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
      ...(body.length > 0
        ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }
        : { isBase64Encoded: false }),
    };

    const handler = options.handlers[capability];
    try {
      const invoke = () => handler(event, lambdaContext(capability, requestId, 29_000));
      const result = options.aroundInvocation
        ? await options.aroundInvocation({ requestId, routeKey }, invoke)
        : await invoke();
      send(response, result);
    } catch (error) {
      // A handler that throws is a Lambda invocation error: API Gateway answers 500.
      console.error(`Handler for ${capability} threw`, error);
      gatewayProblem(response, new Error('Internal Server Error'), url.pathname, requestId, origin);
    }
  };

  // Host is checked in `handle`, so that its absence is answered with problem+json too.
  const server = createServer({ requireHostHeader: false }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('Local API failure', error);
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Internal Server Error' }));
      }
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that has gone away cannot be answered.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(rawProblemResponse(parserProblem(error)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/**
 * Whether another process listens on the port where the local API would: `npm start` asks before
 * DynamoDB Local starts and the seed runs (and before `--fresh` wipes the data), not after them.
 */
export const isPortTaken = (port: number, host = '127.0.0.1'): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
