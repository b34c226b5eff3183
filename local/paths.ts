import { fileURLToPath } from 'node:url';

/** Where `npm start` keeps its state: DynamoDB Local's files and the local signing key (git-ignored). */
export const localDataDirectory = fileURLToPath(new URL('../.local-data/', import.meta.url));
export const dynamoDbDataDirectory = `${localDataDirectory}dynamodb`;
export const signingKeyFile = `${localDataDirectory}signing-key.json`;
