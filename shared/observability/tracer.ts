import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

/**
 * One tracer per process (Powertools' advice: built at module scope), and only in Lambda.
 *
 * Powertools Tracer switches itself off outside Lambda (no `AWS_EXECUTION_ENV`: the local runtime,
 * the tests, the benches), but merely loading it costs: the X-Ray SDK under it installs an async hook
 * (cls-hooked) as it loads, which makes every `await` in the process about ten times dearer
 * (a million awaits: 72 → 980 ms here, measured), tracing or not. So it is imported only where it
 * can trace; in Lambda it is, and `POWERTOOLS_TRACE_ENABLED=false` still turns it off there.
 *
 * `captureHTTPsRequests: false`: the AWS SDK calls are traced through their clients ({@link traced});
 * patching `https` globally as well would trace each of them twice, and put webhook receivers' URLs
 * (agencies' servers) into traces.
 */
export const tracer: Tracer | undefined =
  process.env.AWS_EXECUTION_ENV === undefined
    ? undefined
    : new (await import('@aws-lambda-powertools/tracer')).Tracer({ captureHTTPsRequests: false });

/** An AWS SDK v3 client whose calls show as X-Ray subsegments when tracing is on. */
export const traced = <Client>(client: Client): Client =>
  tracer ? tracer.captureAWSv3Client(client) : client;

/**
 * An X-Ray subsegment per invocation when tracing is on (never the response: it may hold secrets),
 * as middy middlewares to `use`: none where there is no tracer.
 */
export const invocationTracing = <Event, Result>(): MiddlewareObj<Event, Result>[] =>
  tracer ? [captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj<Event, Result>] : [];
