import { fileURLToPath } from 'node:url';

/** Where `npm start` keeps its state: DynamoDB Local's files and the local signing key (git-ignored). */
/** `SPBE_LOCAL_DATA_DIRECTORY` (ending in `/`) moves it, so that tests of the local CLIs leave `.local-data/` alone. */
export const localDataDirectory =
  process.env.SPBE_LOCAL_DATA_DIRECTORY || fileURLToPath(new URL('../.local-data/', import.meta.url));
export const dynamoDbDataDirectory = `${localDataDirectory}dynamodb`;
/** `SPBE_SIGNING_KEY_FILE` moves it, so that tests of `npm run token` leave `.local-data/` alone. */
export const signingKeyFile = process.env.SPBE_SIGNING_KEY_FILE || `${localDataDirectory}signing-key.json`;
