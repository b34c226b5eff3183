import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#shared/domain/errors.ts';
import {
  problemContentType,
  problemDetails,
  problemFromError,
  problemResponse,
} from '#shared/http/problem-details.ts';

const context = { instance: '/v1/cycles/2026', requestId: 'req-1' } as const;

describe('problemFromError', () => {
  it('maps an AppError to its status, type, title and detail, with instance and request id', () => {
    // Act
    const { problem, headers } = problemFromError(new NotFoundError('No cycle 2026.'), context);

    // Assess
    expect(problem).toEqual({
      type: '/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'No cycle 2026.',
      instance: '/v1/cycles/2026',
      requestId: 'req-1',
    });
    expect(headers).toEqual({});
  });

  it.each([
    [new ValidationError('bad'), 400, '/problems/validation-failed'],
    [new ConflictError('closed'), 409, '/problems/conflict'],
    [new PreconditionFailedError('stale'), 412, '/problems/precondition-failed'],
    [new PayloadTooLargeError('big'), 413, '/problems/payload-too-large'],
    [new UnsupportedMediaTypeError('csv'), 415, '/problems/unsupported-media-type'],
  ])('maps %s to %i', (error, status, type) => {
    expect(problemFromError(error, context).problem).toMatchObject({ status, type, detail: error.message });
  });

  it('prefers an explicit detail over the message', () => {
    const error = new ConflictError('internal wording', { detail: 'The self-assessment window is closed.' });
    expect(problemFromError(error, context).problem.detail).toBe('The self-assessment window is closed.');
  });

  it('carries field errors, extension members and headers, but extensions never override the standard members', () => {
    // Prepare
    const error = new ConflictError('Unanswered indicators', {
      errors: [{ pointer: '/body/answers/0/level', detail: 'Too big' }],
      extensions: { unanswered: [3, 7], status: 200, type: 'about:blank' },
      headers: { etag: '"4"' },
    });

    // Act
    const { problem, headers } = problemFromError(error, context);

    // Assess
    expect(problem).toMatchObject({
      type: '/problems/conflict',
      status: 409,
      unanswered: [3, 7],
      errors: [{ pointer: '/body/answers/0/level', detail: 'Too big' }],
    });
    expect(headers).toEqual({ etag: '"4"' });
  });

  it('leaves errors out when there are none, and instance/requestId when unknown', () => {
    const { problem } = problemFromError(new NotFoundError('x'), {});
    expect(Object.keys(problem).sort()).toEqual(['detail', 'status', 'title', 'type']);
  });

  it.each([
    ['an Error', new Error('connect ECONNREFUSED 10.1.2.3:443 secret-table-name')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'PK')")],
    ['a thrown string', 'arn:aws:dynamodb:secret'],
    ['undefined', undefined],
  ])('answers %s with a generic 500 that never contains the message', (_name, thrown) => {
    // Act
    const { problem, headers } = problemFromError(thrown, context);

    // Assess
    expect(problem).toEqual({
      type: '/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      detail: expect.stringContaining('requestId'),
      instance: '/v1/cycles/2026',
      requestId: 'req-1',
    });
    const serialized = JSON.stringify(problem);
    for (const secret of ['ECONNREFUSED', 'secret', 'PK', 'arn:aws'])
      expect(serialized).not.toContain(secret);
    expect(headers).toEqual({});
  });
});

describe('problemResponse', () => {
  it('answers with the problem’s status, application/problem+json, no-store and extra headers', () => {
    // Act
    const response = problemResponse(
      { type: '/problems/x', title: 'X', status: 418 },
      { 'retry-after': '5' },
    );

    // Assess
    expect(response).toEqual({
      statusCode: 418,
      headers: { 'content-type': problemContentType, 'cache-control': 'no-store', 'retry-after': '5' },
      body: JSON.stringify({ type: '/problems/x', title: 'X', status: 418 }),
    });
    expect(problemContentType).toBe('application/problem+json');
  });
});

describe('problemDetails middleware', () => {
  const event = {
    rawPath: '/v1/agencies/prov-jawa-timur',
    routeKey: 'GET /v1/agencies/{agencyId}',
    requestContext: { requestId: 'req-42' },
  } as APIGatewayProxyEventV2;
  const lambdaContext = { awsRequestId: 'lambda-1' } as Context;

  const handlerThrowing = (error: unknown) => {
    const logger = new Logger({ logLevel: 'SILENT' });
    const errorLog = vi.spyOn(logger, 'error');
    const infoLog = vi.spyOn(logger, 'info');
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(problemDetails(logger))
      .handler(async () => {
        throw error;
      });
    return { handler, errorLog, infoLog };
  };

  it('turns a thrown AppError into its problem response and logs it at info', async () => {
    // Prepare
    const { handler, errorLog, infoLog } = handlerThrowing(new NotFoundError('No agency prov-jawa-timur.'));

    // Act
    const response = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body ?? '')).toEqual({
      type: '/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'No agency prov-jawa-timur.',
      instance: '/v1/agencies/prov-jawa-timur',
      requestId: 'req-42',
    });
    expect(infoLog).toHaveBeenCalledOnce();
    expect(errorLog).not.toHaveBeenCalled();
  });

  it('turns an unknown error into a generic 500, logging the error itself', async () => {
    // Prepare
    const failure = new Error('The table spbe-prod-secret is gone');
    const { handler, errorLog } = handlerThrowing(failure);

    // Act
    const response = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('spbe-prod-secret');
    expect(JSON.parse(response.body ?? '')).toMatchObject({ status: 500, requestId: 'req-42' });
    expect(errorLog).toHaveBeenCalledWith('Request failed', expect.objectContaining({ error: failure }));
  });
});

describe('problemDetails middleware on an HTML page', () => {
  const pageKey = 'GET /awards/{year}';
  const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const eventOf = (routeKey: string, accept: string | undefined) =>
    ({
      rawPath: '/awards/2099',
      routeKey,
      headers: accept === undefined ? {} : { accept },
      requestContext: { requestId: 'req-<7>' },
    }) as unknown as APIGatewayProxyEventV2;
  const answer = async (routeKey: string, accept: string | undefined) => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(problemDetails(new Logger({ logLevel: 'SILENT' }), { htmlRouteKeys: new Set([pageKey]) }))
      .handler(async () => {
        throw new NotFoundError('No award publication of 2099 <yet>.', { headers: { 'retry-after': '60' } });
      });
    return (await handler(eventOf(routeKey, accept), {
      awsRequestId: 'l',
    } as Context)) as APIGatewayProxyStructuredResultV2;
  };

  it('answers a browser with the problem as a page: title, escaped detail, request id, the type’s page', async () => {
    // Act
    const response = await answer(pageKey, browserAccept);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '60',
    });
    expect(response.body).toContain('<title>Not found (404)</title>');
    expect(response.body).toContain('<p>No award publication of 2099 &lt;yet&gt;.</p>');
    expect(response.body).toContain('<a href="/problems/not-found">');
    expect(response.body).toContain('<code>req-&lt;7&gt;</code>');
    expect(response.body).not.toMatch(/<script|<style/);
  });

  it.each([
    ['no Accept', undefined],
    ['any type', '*/*'],
    ['JSON', 'application/json'],
    ['problem+json above HTML', 'application/problem+json, text/html;q=0.5'],
  ])('answers problem+json to a client sending %s', async (_what, accept) => {
    const response = await answer(pageKey, accept);
    expect(response.headers?.['content-type']).toBe(problemContentType);
  });

  it('answers problem+json on a JSON route, whatever the browser asks', async () => {
    const response = await answer('GET /v1/cycles/{year}/awards', browserAccept);
    expect(response.headers?.['content-type']).toBe(problemContentType);
  });
});
