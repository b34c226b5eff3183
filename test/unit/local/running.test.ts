import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claimCheckout,
  clearRunning,
  findRunning,
  recordRunning,
  secondStartRefusal,
} from '#local/running.ts';

/**
 * `npm start` twice in one checkout: the second would start another DynamoDB Local on the same files
 * in .local-data/ (and, on stopping, remove the first one's record, so `npm run rankings` would start
 * a third), and `--fresh` would wipe the data under the running one.
 */

describe('a second npm start in the same checkout', () => {
  it('is refused while the first runs, naming its process and address and what to do', () => {
    // Act
    const refusal = secondStartRefusal({
      pid: 4242,
      apiUrl: 'http://127.0.0.1:3000',
      dynamodbEndpoint: 'http://127.0.0.1:41000',
    });

    // Assess
    expect(refusal).toBe(
      'npm start is already running in this checkout (process 4242, the API at http://127.0.0.1:3000), on ' +
        'the same data in .local-data/: use that one, or stop it first (Ctrl-C in its terminal, or kill 4242). ' +
        'If process 4242 is not npm start, delete .local-data/running.json.',
    );
  });

  it('is let through when none runs (no record, or the record of a process that has gone)', () => {
    expect(secondStartRefusal(undefined)).toBeUndefined();
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
    const first = claimCheckout(process.pid, file);
    const second = claimCheckout(gonePid(), file);

    // Assess
    expect(first).toEqual({ claimed: true });
    expect(second).toEqual({ claimed: false, running: { pid: process.pid } });
    expect(secondStartRefusal({ pid: process.pid })).toMatch(
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
    const claim = claimCheckout(process.pid, file);
    recordRunning(
      { pid: process.pid, apiUrl: 'http://127.0.0.1:3001', dynamodbEndpoint: 'http://127.0.0.1:2' },
      file,
    );

    // Assess
    expect(claim).toEqual({ claimed: true });
    expect(findRunning(file)).toEqual({
      pid: process.pid,
      apiUrl: 'http://127.0.0.1:3001',
      dynamodbEndpoint: 'http://127.0.0.1:2',
    });
    clearRunning(process.pid, file);
    expect(existsSync(file)).toBe(false);
  });
});
