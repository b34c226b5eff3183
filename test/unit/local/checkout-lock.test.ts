import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTsx } from '#test/helpers/run-tsx.ts';

/**
 * `npm start` and `npm run rankings` share one lock, .local-data/running.json: whichever runs its own
 * DynamoDB Local on the checkout's data holds it, so the other never starts a second JVM on the same
 * files. Run as their users run them, on a data directory of their own (SPBE_LOCAL_DATA_DIRECTORY).
 */

const dataDirectory = (record?: object): string => {
  const directory = `${mkdtempSync(join(tmpdir(), 'spbe-lock-'))}/`;
  if (record) writeFileSync(join(directory, 'running.json'), `${JSON.stringify(record)}\n`);
  return directory;
};
/** This test's process stands for the command holding the checkout (it is alive). */
const heldByRankings = { pid: process.pid, kind: 'rankings', dynamodbPid: process.pid };

describe('the checkout held by npm run rankings', { timeout: 60_000 }, () => {
  it('refuses npm start, naming npm run rankings and what to do, before touching the data', async () => {
    // Act
    const run = await runTsx('local/start.ts', ['--port', '0'], {
      SPBE_LOCAL_DATA_DIRECTORY: dataDirectory(heldByRankings),
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `npm run rankings is running in this checkout \\(process ${process.pid}\\).*wait for it to finish`,
      ),
    );
    expect(run.stdout).not.toMatch(/starting DynamoDB Local/);
  });

  it('refuses a second npm run rankings without starting a DynamoDB Local', async () => {
    // Prepare
    const directory = dataDirectory(heldByRankings);
    mkdirSync(join(directory, 'dynamodb'));

    // Act
    const run = await runTsx('local/rankings.ts', ['--year', '2025'], {
      SPBE_LOCAL_DATA_DIRECTORY: directory,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^npm run rankings is running in this checkout/m);
    expect(run.stderr).not.toMatch(/Starting DynamoDB Local/);
  });
});

describe('npm run rankings', { timeout: 60_000 }, () => {
  it('takes the lock while it runs on its own and leaves none behind when it ends', async () => {
    // Prepare: no npm start, and no local data yet (it stops before starting a JVM).
    const directory = dataDirectory();

    // Act
    const run = await runTsx('local/rankings.ts', ['--year', '2025'], {
      SPBE_LOCAL_DATA_DIRECTORY: directory,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/No local data yet/);
    expect(existsSync(join(directory, 'running.json'))).toBe(false);
  });

  it('uses the DynamoDB Local of a running npm start, as before', async () => {
    // Prepare: an npm start (this process) whose DynamoDB Local answers nowhere.
    const directory = dataDirectory({
      pid: process.pid,
      kind: 'start',
      apiUrl: 'http://127.0.0.1:1',
      dynamodbEndpoint: 'http://127.0.0.1:1',
    });

    // Act
    const run = await runTsx('local/rankings.ts', ['--year', '2025', '--quiet'], {
      SPBE_LOCAL_DATA_DIRECTORY: directory,
    });

    // Assess: it connects there (and fails, nothing answering), and leaves npm start's record alone.
    expect(run.stderr).toMatch(
      /Using the DynamoDB Local of the running npm start \(http:\/\/127\.0\.0\.1:1\)/,
    );
    expect(existsSync(join(directory, 'running.json'))).toBe(true);
  });
});
