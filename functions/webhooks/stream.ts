import { Logger } from '@aws-lambda-powertools/logger';
import { createStreamHandler } from './dispatch.ts';
import { dispatcherFromEnvironment } from './wiring.ts';

// Lambda entry (events table stream, INSERTs of outbox events): fan-out to the delivery queue.
const { dispatcher } = dispatcherFromEnvironment();

export const handler = createStreamHandler(dispatcher, new Logger());
