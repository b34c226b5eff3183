import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One tracer per process (Powertools' advice: built at module scope). It switches itself off outside
 * Lambda (no `AWS_EXECUTION_ENV`: the local runtime and tests) and with `POWERTOOLS_TRACE_ENABLED=false`,
 * and then costs nothing: `traced` hands the client back untouched.
 *
 * `captureHTTPsRequests: false`: the AWS SDK calls are traced through their clients ({@link traced});
 * patching `https` globally as well would trace each of them twice, and put webhook receivers' URLs
 * (agencies' servers) into traces.
 */
export const tracer = new Tracer({ captureHTTPsRequests: false });

/** An AWS SDK v3 client whose calls show as X-Ray subsegments when tracing is on. */
export const traced = <Client>(client: Client): Client => tracer.captureAWSv3Client(client);
