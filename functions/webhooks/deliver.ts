import { instrumented } from '#shared/observability/lambda.ts';
import { createLogger } from '#shared/observability/powertools.ts';
import { createQueueHandler } from './dispatch.ts';
import { dispatcherFromEnvironment } from './wiring.ts';

// Lambda entry (delivery queue): one attempt per message; metrics flushed after every batch.
const logger = createLogger();
const { dispatcher, metrics } = dispatcherFromEnvironment(logger);

export const handler = instrumented(
  createQueueHandler(dispatcher, logger, () => {
    // A batch of duplicates only emits nothing; Powertools would warn about an empty flush.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }),
  { logger },
);
