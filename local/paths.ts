import { fileURLToPath } from 'node:url';

/** Where `npm start` keeps its state: DynamoDB Local's files and the local signing key (git-ignored). */
export const localDataDirectory = fileURLToPath(new URL('../.local-data/', import.meta.url));
export const dynamoDbDataDirectory = `${localDataDirectory}dynamodb`;
/** `SPBE_SIGNING_KEY_FILE` moves it, so that tests of `npm run token` leave `.local-data/` alone. */
export const signingKeyFile = process.env.SPBE_SIGNING_KEY_FILE || `${localDataDirectory}signing-key.json`;
