import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createSubmissionsHandler } from './routes.ts';

// Lambda entry: configuration and clients are built once per container, at cold start.
export const handler = createSubmissionsHandler({
  config: loadConfig(),
  logger: new Logger(),
  documentClient: createDocumentClient(),
});
