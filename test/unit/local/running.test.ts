import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname as dirnameOf, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkoutRefusal,
  claimCheckout,
  clearRunning,
  findRunning,
  recordRunning,
  stopOrphanedDynamoDbLocal,
} from '#local/running.ts';

/**
 * `npm start` twice in one checkout: the second would start another DynamoDB Local on the same files
 * in .local-data/ (and, on stopping, remove the first one's record, so `npm run rankings` would start
 * a third), and `--fresh` would wipe the data under the running one.
 */

describe('a second npm start in the same checkout', () => {
  it('is refused while the first runs, naming its process and address and what to do', () => {
    // Act
    const refusal = checkoutRefusal(
      {
        pid: 4242,
        kind: 'start',
        apiUrl: 'http://127.0.0.1:3000',
        dynamodbEndpoint: 'http://127.0.0.1:41000',
      },
      'start',
    );

    // Assess
    expect(refusal).toBe(
      'npm start is already running in this checkout (process 4242, the API at http://127.0.0.1:3000), on ' +
        'the same data in .local-data/: use that one, or stop it first (Ctrl-C in its terminal, or kill 4242). ' +
        'If process 4242 is not npm start, delete .local-data/running.json.',
    );
  });

  it('is let through when none runs (no record, or the record of a process that has gone)', () => {
    expect(checkoutRefusal(undefined, 'start')).toBeUndefined();
  });
});

describe('npm run rankings on its own DynamoDB Local (no npm start running)', () => {
  const recordFile = () => join(mkdtempSync(join(tmpdir(), 'spbe-running-')), 'running.json');

  it('holds the checkout: an npm start launched meanwhile is refused, naming rankings and what to do', () => {
    // Prepare
    const file = recordFile();

    // Act
    const rankings = claimCheckout('rankings', process.pid, file);
    const start = claimCheckout('start', process.pid + 1, file);

    // Assess
    expect(rankings).toEqual({ claimed: true });
    expect(start).toEqual({ claimed: false, running: { pid: process.pid, kind: 'rankings' } });
    expect(checkoutRefusal(start.claimed ? undefined : start.running, 'start')).toBe(
      `npm run rankings is running in this checkout (process ${process.pid}) on its own DynamoDB Local, on ` +
        'the same data in .local-data/: wait for it to finish (it stops that DynamoDB Local when done) and run ' +
        `npm start again, or stop it first (Ctrl-C in its terminal, or kill ${process.pid}). If process ` +
        `${process.pid} is not npm run rankings, delete .local-data/running.json.`,
    );
  });

  it('refuses a second npm run rankings too (it would start another DynamoDB Local on the same files)', () => {
    expect(checkoutRefusal({ pid: 77, kind: 'rankings', dynamodbPid: 78 }, 'rankings')).toMatch(
      /^npm run rankings is running in this checkout \(process 77\) on its own DynamoDB Local.*run npm run rankings again/,
    );
  });

  it('is not refused by a running npm start, whose DynamoDB Local it uses; only while that one starts', () => {
    expect(
      checkoutRefusal(
        {
          pid: 77,
          kind: 'start',
          apiUrl: 'http://127.0.0.1:3000',
          dynamodbEndpoint: 'http://127.0.0.1:41000',
        },
        'rankings',
      ),
    ).toBeUndefined();
    expect(checkoutRefusal({ pid: 77, kind: 'start' }, 'rankings')).toBe(
      'npm start is still starting in this checkout (process 77): run this again once it prints its banner.',
    );
  });

  it('reads a record without a kind (written before rankings took the lock) as npm start', () => {
    expect(checkoutRefusal({ pid: 77 }, 'start')).toMatch(/^npm start is already starting/);
  });
});

describe('claiming the checkout (before anything touches .local-data/)', () => {
  const recordFile = () => join(mkdtempSync(join(tmpdir(), 'spbe-running-')), 'running.json');
  /** The id of a process that has exited. */
  const gonePid = () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    return Number(child.stdout.toString());
  };

  it('lets the first start in and refuses a second one still starting, before either has its addresses', () => {
    // Prepare
    const file = recordFile();

    // Act
    const first = claimCheckout('start', process.pid, file);
    const second = claimCheckout('start', gonePid(), file);

    // Assess
    expect(first).toEqual({ claimed: true });
    expect(second).toEqual({ claimed: false, running: { pid: process.pid, kind: 'start' } });
    expect(checkoutRefusal({ pid: process.pid, kind: 'start' }, 'start')).toMatch(
      new RegExp(
        `^npm start is already starting in this checkout \\(process ${process.pid}\\), on the same data`,
      ),
    );
  });

  it('replaces the record of a process that has gone, and the record gains its addresses when ready', () => {
    // Prepare
    const file = recordFile();
    const crashed = gonePid();
    recordRunning(
      { pid: crashed, apiUrl: 'http://127.0.0.1:3000', dynamodbEndpoint: 'http://127.0.0.1:1' },
      file,
    );

    // Act
    const claim = claimCheckout('start', process.pid, file);
    recordRunning(
      { pid: process.pid, apiUrl: 'http://127.0.0.1:3001', dynamodbEndpoint: 'http://127.0.0.1:2' },
      file,
    );

    // Assess
    expect(claim).toEqual({
      claimed: true,
      stale: { pid: crashed, apiUrl: 'http://127.0.0.1:3000', dynamodbEndpoint: 'http://127.0.0.1:1' },
    });
    expect(findRunning(file)).toEqual({
      pid: process.pid,
      apiUrl: 'http://127.0.0.1:3001',
      dynamodbEndpoint: 'http://127.0.0.1:2',
    });
    clearRunning(process.pid, file);
    expect(existsSync(file)).toBe(false);
  });
});

describe('the DynamoDB Local of an npm start that was killed (kill -9: no exit handler runs)', () => {
  const recordFile = () => join(mkdtempSync(join(tmpdir(), 'spbe-running-')), 'running.json');
  const gonePid = () =>
    Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
    );
  /** A process whose command line reads like DynamoDB Local's on a data directory. */
  const fakeJvm = async (dataDirectory: string): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      ['-e', 'setInterval(() => {}, 1000)', '--', '-jar', 'DynamoDBLocal.jar', '-dbPath', dataDirectory],
      { stdio: 'ignore' },
    );
    // Its command line is the one above once it has spawned (before, it may still be the fork's).
    await once(child, 'spawn');
    return child;
  };
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));

  it('is stopped by the next start, which finds it in the record the killed one left', async () => {
    // Prepare
    const file = recordFile();
    const dataDirectory = join(dirnameOf(file), 'dynamodb');
    const jvm = await fakeJvm(dataDirectory);
    recordRunning({ pid: gonePid(), dynamodbPid: jvm.pid ?? 0 }, file);

    // Act
    const claim = claimCheckout('start', process.pid, file);
    const stopped = await stopOrphanedDynamoDbLocal(claim.claimed ? claim.stale : undefined, dataDirectory);

    // Assess
    expect(stopped).toBe(jvm.pid);
    await exited(jvm);
    expect(jvm.signalCode).toBe('SIGTERM');
  });

  it('leaves alone a process that is not DynamoDB Local on this data (its pid reused since)', async () => {
    // Prepare
    const file = recordFile();
    const other = await fakeJvm(join(tmpdir(), 'another-checkout', 'dynamodb'));
    recordRunning({ pid: gonePid(), dynamodbPid: other.pid ?? 0 }, file);

    // Act
    const claim = claimCheckout('start', process.pid, file);
    const stopped = await stopOrphanedDynamoDbLocal(
      claim.claimed ? claim.stale : undefined,
      join(dirnameOf(file), 'dynamodb'),
    );

    // Assess
    expect(stopped).toBeUndefined();
    expect(other.exitCode).toBeNull();
    other.kill();
    await exited(other);
  });
});
