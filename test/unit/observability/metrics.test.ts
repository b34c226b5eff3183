import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPublicHandler } from '#functions/public/routes.ts';
import { withRunMetrics } from '#functions/rankings/run-metrics.ts';
import type { RankingWorkerResult } from '#functions/rankings/worker.ts';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { routeKeyOf } from '#shared/api/route-spec.ts';
import { routes, routesByKey } from '#shared/api/routes.ts';
import { metricNames, metricNamespace, problemTypeDimension } from '#shared/domain/metrics.ts';
import { requestMetrics } from '#shared/http/request-metrics.ts';

/** What a function writes to stdout in the embedded metric format, one object per flush. */
const captureEmf = () => {
  const blobs: Record<string, unknown>[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk)
      .split('\n')
      .filter((text) => text.includes('"_aws"'))) {
      blobs.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  });
  return blobs;
};

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string }[];
}
const directiveOf = (blob: Record<string, unknown>): EmfDirective =>
  (blob._aws as { CloudWatchMetrics: EmfDirective[] }).CloudWatchMetrics[0] as EmfDirective;

const lambdaContext = {
  awsRequestId: 'req-1',
  functionName: 'spbe-public',
  getRemainingTimeInMillis: () => 29_000,
} as Context;

const getRequest = (routeKey: string, path: string, pathParameters: Record<string, string>) =>
  ({
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    pathParameters,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', routeKey, http: { method: 'GET', path, sourceIp: '203.0.113.7' } },
  }) as unknown as APIGatewayProxyEventV2;

afterEach(() => vi.restoreAllMocks());

describe('API request metrics (embedded metric format, flushed per invocation)', () => {
  const handlerWith = (metrics: Metrics) =>
    createPublicHandler({
      http: {
        logger: new Logger({ logLevel: 'SILENT' }),
        corsAllowedOrigins: [],
        clock: { now: () => new Date('2026-03-10T08:00:00Z') },
        metrics,
      },
      serviceVersion: 'test',
      openApiDocument: async () => buildOpenApiDocument({ version: 'test' }),
      health: { check: async () => [] },
    });

  it('counts a request in the one namespace under the function’s service', async () => {
    // Prepare
    const blobs = captureEmf();
    const handler = handlerWith(new Metrics({ namespace: metricNamespace, serviceName: 'spbe-public' }));

    // Act
    await handler(
      getRequest('GET /v1/frameworks/{frameworkId}', '/v1/frameworks/spbe-2020', {
        frameworkId: 'spbe-2020',
      }),
      lambdaContext,
    );

    // Assess: the request, and nothing per route or caller
    const requestBlob = blobs.find((blob) => blob[metricNames.requests] !== undefined);
    expect(requestBlob).toMatchObject({ service: 'spbe-public', [metricNames.requests]: 1 });
    expect(directiveOf(requestBlob ?? {})).toMatchObject({
      Namespace: 'SpbeAward',
      Dimensions: [['service']],
    });
    expect(JSON.stringify(blobs)).not.toContain('203.0.113.7');
  });

  it('counts a problem answer by its type, in its own blob with the problemType dimension', async () => {
    // Prepare
    const blobs = captureEmf();
    const handler = handlerWith(new Metrics({ namespace: metricNamespace, serviceName: 'spbe-public' }));

    // Act: an unknown framework answers 404
    await handler(
      getRequest('GET /v1/frameworks/{frameworkId}', '/v1/frameworks/spbe-1999', {
        frameworkId: 'spbe-1999',
      }),
      lambdaContext,
    );

    // Assess
    const problem = blobs.find((blob) => blob[metricNames.problems] !== undefined);
    expect(problem).toMatchObject({ service: 'spbe-public', [problemTypeDimension]: 'not-found' });
    expect(directiveOf(problem ?? {}).Dimensions).toEqual([['service', problemTypeDimension]]);
    const requests = blobs.find((blob) => blob[metricNames.requests] !== undefined);
    expect(requests?.[problemTypeDimension]).toBeUndefined();
    expect(blobs.some((blob) => blob[metricNames.serverErrors] !== undefined)).toBe(false);
  });

  it('counts ServerErrors for unexpected errors (500) only, not for a database that is unavailable (503)', async () => {
    // Prepare: health answers 503 when a table does not answer, 500 when the probe itself breaks
    const blobs = captureEmf();
    const withProbe = (
      check: () => Promise<never[] | { name: string; status: 'failed'; latencyMs: number }[]>,
    ) =>
      createPublicHandler({
        http: {
          logger: new Logger({ logLevel: 'SILENT' }),
          corsAllowedOrigins: [],
          clock: { now: () => new Date('2026-03-10T08:00:00Z') },
          metrics: new Metrics({ namespace: metricNamespace, serviceName: 'spbe-public' }),
        },
        serviceVersion: 'test',
        openApiDocument: async () => buildOpenApiDocument({ version: 'test' }),
        health: { check },
      });
    const health = getRequest('GET /v1/health', '/v1/health', {});

    // Act
    await withProbe(async () => [{ name: 'programme', status: 'failed', latencyMs: 2000 }])(
      health,
      lambdaContext,
    );
    const afterUnavailable = blobs.filter((blob) => blob[metricNames.serverErrors] !== undefined).length;
    await withProbe(async () => {
      throw new Error('a defect');
    })(health, lambdaContext);

    // Assess
    expect(blobs.map((blob) => blob[problemTypeDimension]).filter(Boolean)).toEqual([
      'service-unavailable',
      'internal-error',
    ]);
    expect(afterUnavailable).toBe(0);
    expect(blobs.filter((blob) => blob[metricNames.serverErrors] !== undefined)).toHaveLength(1);
  });

  it('counts submissions and finalized results when they ran, not when a stored answer is replayed', async () => {
    // Prepare
    const metrics = new Metrics({ namespace: metricNamespace, serviceName: 'spbe-submissions' });
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const middleware = requestMetrics(metrics, routesByKey);
    const answered = (routeKey: string, headers: Record<string, string> = {}) =>
      middleware.after?.({
        event: { routeKey },
        response: { statusCode: 200, headers },
      } as never);

    // Act
    await answered(routeKeyOf(routes.submitSelfAssessment));
    await answered(routeKeyOf(routes.submitSelfAssessment), { 'idempotent-replayed': 'true' });
    await answered(routeKeyOf(routes.finalizeResult));
    await answered(routeKeyOf(routes.getMe));

    // Assess
    const counted = addMetric.mock.calls.map(([name]) => name);
    expect(counted.filter((name) => name === metricNames.requests)).toHaveLength(4);
    expect(counted.filter((name) => name === metricNames.selfAssessmentsSubmitted)).toHaveLength(1);
    expect(counted.filter((name) => name === metricNames.resultsFinalized)).toHaveLength(1);
  });
});

describe('ranking run metrics', () => {
  const metricsSpy = () => ({ addMetric: vi.fn() });

  it('counts a published run and its duration', async () => {
    // Prepare
    const metrics = metricsSpy();
    const result: RankingWorkerResult = {
      outcome: 'published',
      year: 2025,
      runId: 'run-1',
      report: { durationMs: 4_200 },
    };

    // Act
    await withRunMetrics(async () => result, metrics)({}, {});

    // Assess
    expect(metrics.addMetric.mock.calls).toEqual([
      [metricNames.rankingRunsPublished, 'Count', 1],
      [metricNames.rankingRunDuration, 'Milliseconds', 4_200],
    ]);
  });

  it('counts a run that confirmed the published ranking (unchanged), and not as published', async () => {
    // Prepare
    const metrics = metricsSpy();
    const result: RankingWorkerResult = {
      outcome: 'unchanged',
      year: 2025,
      runId: 'run-2',
      report: { durationMs: 3_100 },
    };

    // Act
    await withRunMetrics(async () => result, metrics)({}, {});

    // Assess
    expect(metrics.addMetric.mock.calls).toEqual([[metricNames.rankingRunsConfirmed, 'Count', 1]]);
  });

  it('counts a failed invocation and lets the error through (Lambda retries it)', async () => {
    // Prepare
    const metrics = metricsSpy();
    const failing = async (): Promise<RankingWorkerResult> => {
      throw new Error('DynamoDB unavailable');
    };

    // Act / Assess
    await expect(withRunMetrics(failing, metrics)({}, {})).rejects.toThrow('DynamoDB unavailable');
    expect(metrics.addMetric.mock.calls).toEqual([[metricNames.rankingRunFailures, 'Count', 1]]);
  });

  it('counts nothing for a run that continues or finds the cycle busy', async () => {
    const metrics = metricsSpy();
    await withRunMetrics(async () => ({ outcome: 'busy', year: 2025, runId: 'r' }) as const, metrics)({}, {});
    await withRunMetrics(
      async () => ({ outcome: 'continue', year: 2025, runId: 'r', report: undefined }) as const,
      metrics,
    )({}, {});
    expect(metrics.addMetric).not.toHaveBeenCalled();
  });
});
