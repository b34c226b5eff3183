import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { describeCalls } from './dynamodb-calls.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { dynamoDbDataDirectory, signingKeyFile } from './paths.ts';
import {
  checkoutRefusal,
  claimCheckout,
  clearRunning,
  recordRunning,
  stopOrphanedDynamoDbLocal,
} from './running.ts';
import { startLocalRuntime } from './runtime.ts';
import { demoUsers, seedDemoData } from './seed/seed.ts';
import { isPortTaken } from './server.ts';
import { startBanner } from './start-banner.ts';

/**
 * `npm start`: DynamoDB Local (data kept in .local-data/ between runs; `--fresh` wipes it), the
 * tables, demo data when empty, and the API on http://127.0.0.1:3000 (PORT to change it).
 */

const usage = `Usage: npm start -- [--fresh] [--no-seed] [--port <port>] [--quiet]

  --fresh     wipe the local data (.local-data/dynamodb) and seed the demo data again
  --no-seed   start without demo data when the tables are empty
  --port      the API's port (or PORT=…; default 3000)
  --quiet     no request lines`;

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        fresh: { type: 'boolean', default: false },
        'no-seed': { type: 'boolean', default: false },
        port: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // A mistyped option (--fersh) is told as such, with the usage, not as a stack trace.
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
})();
const { values } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0–65535); got "${values.port ?? process.env.PORT}".`);
  process.exit(2);
}
const corsAllowedOrigins = (process.env.CORS_ALLOWED_ORIGINS ?? 'http://localhost:5173,http://127.0.0.1:5173')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);

const log = (message: string) => console.log(`[spbe] ${message}`);

// Before anything touches .local-data/: `--fresh` would wipe it under the running instance (or under
// an `npm run rankings` on its own DynamoDB Local). Claimed, not just checked: two started together
// cannot both pass a check.
const claim = claimCheckout('start');
const refusal = claim.claimed ? undefined : checkoutRefusal(claim.running, 'start');
if (refusal !== undefined) {
  console.error(`\n${refusal}\n`);
  process.exit(1);
}

const orphan = claim.claimed
  ? await stopOrphanedDynamoDbLocal(claim.stale, dynamoDbDataDirectory)
  : undefined;
if (orphan !== undefined)
  log(`stopped DynamoDB Local (process ${orphan}) left running by an npm start that was killed`);

const portInUse = `\nPort ${port} is in use. Stop the other process or choose another: PORT=3001 npm start\n`;
if (port !== 0 && (await isPortTaken(port))) {
  console.error(portInUse);
  clearRunning();
  process.exit(1);
}

if (values.fresh) {
  rmSync(dynamoDbDataDirectory, { recursive: true, force: true });
  log('--fresh: local data wiped');
}

const started = performance.now();
log('starting DynamoDB Local…');
let runtime: Awaited<ReturnType<typeof startLocalRuntime>>;
try {
  runtime = await startLocalRuntime({
    dataDirectory: dynamoDbDataDirectory,
    signingKeyFile,
    port,
    corsAllowedOrigins,
    ...(values.quiet
      ? {}
      : {
          onResponse: ({ method, path, status, ms, dynamodb }) =>
            console.log(
              `[spbe] ${method} ${path} → ${status} (${ms.toFixed(1)} ms; DynamoDB: ${describeCalls(dynamodb)})`,
            ),
          webhooks: { onAttempt: (line: string) => console.log(`[webhooks] ${line}`) },
        }),
    beforeServe: async (dynamodb) => {
      // Recorded at once (not with the addresses, once ready): a start killed while seeding leaves it too.
      recordRunning({
        pid: process.pid,
        kind: 'start',
        ...(dynamodb.pid === undefined ? {} : { dynamodbPid: dynamodb.pid }),
      });
      log(`DynamoDB Local answering on ${dynamodb.endpoint}; tables ready`);
      if (values['no-seed']) return;
      const seeded = await seedDemoData({
        ports: createDynamoDbPorts(createDocumentClient(dynamodb.client), dynamodb.tables),
        ids: systemIds,
        progress: (message) => log(`seed: ${message}`),
      });
      if (!seeded) log('seed: demo data already present (npm start -- --fresh starts over)');
    },
  });
} catch (error) {
  if (error instanceof JavaMissingError || (error as Error).cause instanceof JavaMissingError) {
    console.error(`\n${(error as Error).message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    // Taken between the check above and the API's own listen.
    console.error(portInUse);
  } else {
    console.error('\nThe local API could not start:', error);
  }
  clearRunning();
  process.exit(1);
}

const { api, identityProvider } = runtime;
// `npm run rankings` and other local CLIs find this instance's DynamoDB Local here.
recordRunning({
  pid: process.pid,
  kind: 'start',
  apiUrl: api.url,
  dynamodbEndpoint: runtime.dynamodb.endpoint,
  ...(runtime.dynamodb.pid === undefined ? {} : { dynamodbPid: runtime.dynamodb.pid }),
});
const tokens = {
  admin: await identityProvider.mint(demoUsers.admin),
  assessor: await identityProvider.mint(demoUsers.assessor),
  agency: await identityProvider.mint(demoUsers.agency),
};
console.log(
  startBanner({
    apiUrl: api.url,
    issuer: identityProvider.issuer,
    audience: identityProvider.audience,
    readySeconds: (performance.now() - started) / 1000,
    users: demoUsers,
    tokens,
    year: new Date().getUTCFullYear(),
  }),
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping…`);
  clearRunning();
  await runtime.stop();
  log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void stop('SIGHUP'));
process.on('uncaughtException', (error) => {
  console.error('[spbe] unexpected error, stopping:', error);
  void stop('error');
});
