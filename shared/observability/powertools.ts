import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { metricNamespace } from '#shared/domain/metrics.ts';
import { redactingReplacer } from './redaction.ts';

/**
 * The three Powertools utilities as every function uses them. Service name and log level come from
 * the environment the stack sets (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL`).
 */

/** A JSON logger whose every line passes the redaction rules (no tokens, secrets or URL queries). */
export const createLogger = (options: { readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' } = {}) =>
  new Logger({ jsonReplacerFn: redactingReplacer, ...options });

/**
 * Metrics in the API's one namespace, flushed once per invocation (the `logMetrics` middleware or an
 * explicit publish). `POWERTOOLS_METRICS_DISABLED=true` (the local runtime sets it) keeps them off
 * stdout where no CloudWatch reads them.
 */
export const createMetrics = () => new Metrics({ namespace: metricNamespace });
