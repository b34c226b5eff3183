import type { DynamoDBStreamEvent } from 'aws-lambda';
import { instrumented } from '#shared/observability/lambda.ts';
import { createLogger } from '#shared/observability/powertools.ts';
import { createStreamHandler, createSweepHandler } from './dispatch.ts';
import { dispatcherFromEnvironment } from './wiring.ts';

// Lambda entry with two triggers: the events table's stream (INSERTs of outbox events → first
// attempts queued) and the schedule (`{"sweep": true}` every minute → retries and redeliveries that
// fall due queued). Both only queue: the delivery function makes the attempts.
const logger = createLogger();
const { dispatcher, metrics } = dispatcherFromEnvironment(logger);
const onStream = createStreamHandler(dispatcher, logger);
const onSchedule = createSweepHandler(dispatcher, logger);

export const handler = instrumented(
  async (event: DynamoDBStreamEvent | { readonly sweep: true }) =>
    'Records' in event ? onStream(event) : onSchedule(),
  // The sweep counts stalled award publications (`AwardPublicationsStalled`): flushed if any.
  { logger, metrics },
);
