import { Logger } from '@aws-lambda-powertools/logger';
import { createQueueHandler } from './dispatch.ts';
import { dispatcherFromEnvironment } from './wiring.ts';

// Lambda entry (delivery queue): one attempt per message; metrics flushed after every batch.
const { dispatcher, metrics } = dispatcherFromEnvironment();

export const handler = createQueueHandler(dispatcher, new Logger(), () => {
  // A batch of duplicates only emits nothing; Powertools would warn about an empty flush.
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
});
