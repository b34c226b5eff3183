import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { problemTypeUri } from '#shared/api/common/problem-types.ts';
import { AppError } from '#shared/domain/errors.ts';
import { problemTypes } from '#shared/domain/problem-types.ts';
import { escapeHtml, htmlDocument } from './html.ts';
import { prefersHtml } from './negotiation.ts';

export const problemContentType = 'application/problem+json';

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly requestId?: string;
  readonly errors?: readonly { pointer: string; detail: string }[];
  readonly [extension: string]: unknown;
}

export const problemResponse = (
  problem: ProblemDocument,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode: problem.status,
  headers: { 'content-type': problemContentType, 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(problem),
});

/**
 * The same problem as a page, for a person whose browser asked for one of the API's HTML pages (the
 * awards page before publication, a problem type that does not exist): the title, the detail, the
 * request id, and a link to what the type means.
 */
export const problemPage = (
  problem: ProblemDocument,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode: problem.status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: htmlDocument({
    lang: 'en',
    title: `${problem.title} (${problem.status})`,
    body: `<main>
<h1>${escapeHtml(problem.title)}</h1>
${problem.detail === undefined ? '' : `<p>${escapeHtml(problem.detail)}</p>\n`}<p><a href="${escapeHtml(problem.type)}">What this means and what to do</a></p>
${problem.requestId === undefined ? '' : `<p>Request id (quote it when you ask for help): <code>${escapeHtml(problem.requestId)}</code></p>\n`}</main>`,
  }),
});

const standardMembers = new Set(['type', 'title', 'status', 'detail', 'instance', 'requestId', 'errors']);

/** Maps any thrown value to a problem document. Unknown errors become a generic 500: never serialized. */
export const problemFromError = (
  error: unknown,
  context: { readonly instance?: string; readonly requestId?: string },
): { problem: ProblemDocument; headers: Readonly<Record<string, string>> } => {
  if (error instanceof AppError && error.expose) {
    return {
      problem: {
        type: problemTypeUri(error.slug),
        title: error.title,
        status: error.status,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        ...(context.instance === undefined ? {} : { instance: context.instance }),
        ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
        ...(error.errors.length > 0 ? { errors: error.errors } : {}),
        // Extensions (RFC 9457 §3.2) follow the standard members and never replace them.
        ...Object.fromEntries(
          Object.entries(error.extensions).filter(([name]) => !standardMembers.has(name)),
        ),
      },
      headers: error.headers,
    };
  }
  return {
    problem: {
      type: problemTypeUri('internal-error'),
      ...problemTypes['internal-error'],
      detail: 'An unexpected error occurred. Quote the requestId when reporting it.',
      ...(context.instance === undefined ? {} : { instance: context.instance }),
      ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    },
    headers: {},
  };
};

/**
 * The one error middleware (register it after CORS and security headers, so that their `onError`
 * decorate the response it sets). App errors expose their message; anything else is logged with its
 * stack and answered with a generic 500 carrying the request id.
 */
export const problemDetails = (
  logger: Logger,
  options: {
    /** Route keys of HTML pages: a browser asking one of them gets its problem as a page too. */
    readonly htmlRouteKeys?: ReadonlySet<string>;
    /**
     * First path segments of those pages (`/awards`): a browser asking a path under one that no
     * route serves (`/awards/2024/`, as a reader types it) gets its 404 as a page too.
     */
    readonly htmlPathPrefixes?: readonly string[];
  } = {},
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  onError: async (request) => {
    const requestId = request.event.requestContext?.requestId;
    const instance = request.event.rawPath;
    const { problem, headers } = problemFromError(request.error, { instance, requestId });
    if (problem.status >= 500) {
      logger.error('Request failed', { error: request.error as Error, routeKey: request.event.routeKey });
    } else {
      logger.info('Request rejected', {
        status: problem.status,
        type: problem.type,
        routeKey: request.event.routeKey,
      });
    }
    const { routeKey } = request.event;
    const underPage =
      routeKey === '$default' &&
      (options.htmlPathPrefixes ?? []).some(
        (prefix) => instance === prefix || instance.startsWith(`${prefix}/`),
      );
    const browsing =
      (options.htmlRouteKeys?.has(routeKey) === true || underPage) &&
      prefersHtml(request.event.headers?.accept);
    request.response = browsing ? problemPage(problem, headers) : problemResponse(problem, headers);
  },
});
