import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createStreamHandler, createSweepHandler } from './dispatch.ts';
import { dispatcherFromEnvironment } from './wiring.ts';

// Lambda entry with two triggers: the events table's stream (INSERTs of outbox events → first
// attempts queued) and the schedule (`{"sweep": true}` every minute → retries and redeliveries that
// fall due queued). Both only queue: the delivery function makes the attempts.
const { dispatcher } = dispatcherFromEnvironment();
const logger = new Logger();
const onStream = createStreamHandler(dispatcher, logger);
const onSchedule = createSweepHandler(dispatcher, logger);

export const handler = async (event: DynamoDBStreamEvent | { readonly sweep: true }) =>
  'Records' in event ? onStream(event) : onSchedule();
