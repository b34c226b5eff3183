import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { invocationTracing } from './tracer.ts';

/**
 * Flushes the invocation's metrics when it has any. Powertools' own `logMetrics` warns on an
 * invocation with none, and most invocations of the background functions (a ranking run that finds
 * the lease taken, a sweep with nothing due) have none to report.
 */
export const publishMetricsIfAny = <Event, Result>(metrics: Metrics): MiddlewareObj<Event, Result> => {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
};

/**
 * A background function's handler (stream, queue, schedule, Cognito trigger) with what every
 * function has: an X-Ray subsegment per invocation (when tracing is on; never the response, which may
 * hold secrets), the logger's Lambda context (request id, cold start) and, when given, its metrics
 * flushed per invocation. API functions get the same from `createLambdaHandler`.
 */
export const instrumented = <Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
  options: { readonly logger: Logger; readonly metrics?: Metrics },
) => {
  const wrapped = middy<Event, Result>(handler)
    .use(invocationTracing<Event, Result>())
    .use(injectLambdaContext(options.logger, { resetKeys: true }));
  return options.metrics ? wrapped.use(publishMetricsIfAny<Event, Result>(options.metrics)) : wrapped;
};
