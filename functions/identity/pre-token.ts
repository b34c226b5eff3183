import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createMachineClientStore } from '#shared/dynamodb/machine-client-store.ts';
import { instrumented } from '#shared/observability/lambda.ts';
import { createLogger } from '#shared/observability/powertools.ts';
import { traced } from '#shared/observability/tracer.ts';
import { createPreTokenGenerationHandler } from './pre-token-trigger.ts';

// Lambda entry of the Cognito pre-token-generation trigger (V3_0): configuration and clients are built
// once per container, at cold start.
//
// Cognito waits 5 s for a trigger (the function's timeout too): bounded SDK timeouts and two attempts
// let a hanging DynamoDB call fail, and be logged, by this function rather than by Cognito's cut-off.
const logger = createLogger();

export const handler = instrumented(
  createPreTokenGenerationHandler({
    logger,
    machineClients: createMachineClientStore(
      createDocumentClient(
        traced(
          new DynamoDBClient({
            maxAttempts: 2,
            requestHandler: { connectionTimeout: 500, requestTimeout: 1_500 },
          }),
        ),
      ),
      loadConfig().programmeTableName,
      // A registration is read long after it is written: an eventually consistent read costs half.
      { consistentRead: false },
    ),
  }),
  { logger },
);
