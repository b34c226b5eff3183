import type { TokenRequest } from '#local/auth.ts';
import type { DynamoDbCall } from '#local/dynamodb-calls.ts';
import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '#local/runtime.ts';
import { scopesByRole } from '#shared/api/access.ts';
import { ProblemSchema } from '#shared/api/common/schemas.ts';
import { documentedResponseHeaders, documentedStatuses } from '#shared/api/openapi.ts';
import { routeKeyOf } from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';
import type { Role } from '#shared/domain/roles.ts';

/**
 * The integration-test harness: the real local runtime (DynamoDB Local in memory, the deployed
 * handlers, the JWT authorizer emulation) and a small HTTP client for it.
 */

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is (e.g. CSV, malformed JSON, bytes that are not UTF-8); overrides `body`. */
  readonly rawBody?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TestApi {
  readonly url: string;
  readonly runtime: LocalRuntime;
  token(role: Role, overrides?: Partial<TokenRequest>): Promise<string>;
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** The DynamoDB calls the request behind `response` made (by its `apigw-requestid`). */
  dynamoDbCallsOf(response: ApiResponse<unknown>): readonly DynamoDbCall[];
  stop(): Promise<void>;
}

const routesByKey = new Map(routeList.map((route) => [routeKeyOf(route), route]));

/**
 * The response headers a client acts on (saves a file under, shows a language, revalidates or writes
 * with, follows, waits for, caches): an answer carrying one its published response does not declare
 * fails the test that received it, so that generated clients and readers of /docs learn of it.
 */
const checkedResponseHeaders = [
  'content-disposition',
  'content-language',
  'etag',
  'location',
  'retry-after',
  'cache-control',
] as const;

/**
 * `Cache-Control: no-store` goes with every answer but a public read's 200 (`toHttpResponse`): the
 * default a client need not be told of, so only a value allowing caches must be declared.
 */
const defaultHeader = (name: string, headers: Headers): boolean =>
  name === 'cache-control' && headers.get(name) === 'no-store';

/**
 * Every answer an integration test receives is checked against what the OpenAPI document publishes
 * for its route: its status is one the route lists, a JSON body matches the route's schema for that
 * status (the same zod schema), a problem the problem schema, and it carries none of
 * `checkedResponseHeaders` that its response does not declare. A mismatch fails the test that made
 * the request, so the suite's 1,200-odd requests hold the document to what the API does.
 */
const checkAgainstContract = (response: Response, requestIdRoute: string | undefined, body: unknown) => {
  const type = response.headers.get('content-type') ?? '';
  const route = requestIdRoute === undefined ? undefined : routesByKey.get(requestIdRoute);
  if (route !== undefined && !documentedStatuses(route).includes(response.status)) {
    throw new Error(
      `${requestIdRoute} answered ${response.status}, which its published responses do not list`,
    );
  }
  if (route !== undefined) {
    const declared = new Set(
      documentedResponseHeaders(route, response.status).map((name) => name.toLowerCase()),
    );
    const undeclared = checkedResponseHeaders.filter(
      (name) => response.headers.has(name) && !declared.has(name) && !defaultHeader(name, response.headers),
    );
    if (undeclared.length > 0) {
      throw new Error(
        `${requestIdRoute} answered ${response.status} with ${undeclared.join(', ')}, which its published response does not declare`,
      );
    }
  }
  const schema = type.startsWith('application/problem+json')
    ? ProblemSchema
    : type.startsWith('application/json')
      ? route?.responses[response.status]?.schema
      : undefined;
  if (schema === undefined || body === undefined) return;
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(
      `${requestIdRoute ?? 'unrouted'} ${response.status}: the body does not match the published schema: ${result.error.issues
        .map((issue) => `/${issue.path.join('/')} ${issue.message}`)
        .join('; ')}`,
    );
  }
};

export const startTestApi = async (
  options: Pick<LocalRuntimeOptions, 'beforeServe' | 'webhooks'> = {},
): Promise<TestApi> => {
  const runtime = await startLocalRuntime({
    port: 0,
    ...(options.beforeServe ? { beforeServe: options.beforeServe } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
  });
  try {
    assertLoopbackEndpoint(runtime.dynamodb.endpoint);
    assertLoopbackEndpoint(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  const url = runtime.api.url;
  return {
    url,
    runtime,
    token: (role, overrides = {}) =>
      runtime.identityProvider.mint({
        subject: overrides.subject ?? `test-${role}`,
        role,
        scopes: scopesByRole[role],
        ...(role === 'agency' ? { agencyId: 'prov-jawa-timur' } : {}),
        ...overrides,
      }),
    request: async <T>(
      method: string,
      path: string,
      request: RequestOptions = {},
    ): Promise<ApiResponse<T>> => {
      const headers: Record<string, string> = { ...request.headers };
      if (request.token) headers.authorization = `Bearer ${request.token}`;
      let body: string | Uint8Array | undefined = request.rawBody;
      if (body === undefined && request.body !== undefined) {
        body = JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: leave the text.
      }
      const recorded = runtime.dynamoDbCalls.of(response.headers.get('apigw-requestid') ?? '');
      checkAgainstContract(response, recorded?.routeKey, parsed);
      return { status: response.status, headers: response.headers, body: parsed as T, text };
    },
    dynamoDbCallsOf: (response) => {
      const requestId = response.headers.get('apigw-requestid') ?? '';
      const recorded = runtime.dynamoDbCalls.of(requestId);
      if (!recorded) throw new Error(`No DynamoDB calls recorded for request "${requestId}"`);
      return recorded.calls;
    },
    stop: () => runtime.stop(),
  };
};
