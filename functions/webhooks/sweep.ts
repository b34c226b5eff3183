import { Logger } from '@aws-lambda-powertools/logger';
import { createSweepHandler } from './dispatch.ts';
import { dispatcherFromEnvironment } from './wiring.ts';

// Lambda entry (EventBridge Scheduler, every minute): queues retries and redeliveries falling due.
const { dispatcher } = dispatcherFromEnvironment();

export const handler = createSweepHandler(dispatcher, new Logger());
