import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AppConfig } from './config.ts';

/** What every capability handler is built from: the Lambda entry wires real ones, tests their own. */
export interface FunctionDependencies {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly documentClient: DynamoDBDocumentClient;
  /** The server's clock; windows and audit times come from it. */
  readonly now?: () => Date;
}
