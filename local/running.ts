import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { localDataDirectory } from './paths.ts';

/**
 * The command holding the checkout's data: `npm start`, or `npm run rankings` run while no `npm start`
 * runs (it then starts its own DynamoDB Local on .local-data/, which nothing else may open meanwhile).
 */
export type CheckoutHolder = 'start' | 'rankings';

/**
 * While `npm start` runs it records where its DynamoDB Local answers, so the local CLIs
 * (`npm run rankings`) work on the same data without a second JVM on the same files. The record is
 * made before anything else (`claimCheckout`), without the addresses, which follow once they answer.
 * `npm run rankings` with no `npm start` running claims the same record for its own JVM (no addresses:
 * nothing else is to use that JVM, which stops with the command).
 */
export interface RunningLocalApi {
  readonly pid: number;
  /** Which command holds the checkout; absent in records written before there were two ('start'). */
  readonly kind?: CheckoutHolder;
  /** Both absent while that `npm start` is still starting. */
  readonly apiUrl?: string;
  readonly dynamodbEndpoint?: string;
  /** Its DynamoDB Local's JVM, recorded as soon as it answers (see `stopOrphanedDynamoDbLocal`). */
  readonly dynamodbPid?: number;
}

const runningFile = `${localDataDirectory}running.json`;

export const recordRunning = (running: RunningLocalApi, file = runningFile): void =>
  writeFileSync(file, `${JSON.stringify(running, null, 2)}\n`);

/** Removes the record, if it is this process's. */
export const clearRunning = (pid = process.pid, file = runningFile): void => {
  if (findRecorded(file)?.pid === pid) rmSync(file, { force: true });
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const findRecorded = (file: string): RunningLocalApi | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunningLocalApi;
  } catch {
    return undefined;
  }
};

/** The running `npm start`, if there is one (a record left by a killed process is ignored). */
export const findRunning = (file = runningFile): RunningLocalApi | undefined => {
  const recorded = findRecorded(file);
  return recorded && isAlive(recorded.pid) ? recorded : undefined;
};

/** Blocks this thread for a moment (startup code, before anything else runs). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Makes this process the checkout's one `npm start`, or names the one that is: the record is created
 * exclusively (`wx`), so two started at once cannot both pass a check made before either recorded
 * itself. A record of a process that has gone is replaced.
 */
export const claimCheckout = (
  kind: CheckoutHolder,
  pid = process.pid,
  file = runningFile,
):
  | { readonly claimed: true; readonly stale?: RunningLocalApi }
  | { readonly claimed: false; readonly running: RunningLocalApi } => {
  mkdirSync(dirname(file), { recursive: true });
  let stale: RunningLocalApi | undefined;
  for (let attempt = 0; attempt < 40; attempt += 1) {
    try {
      writeFileSync(file, `${JSON.stringify({ pid, kind }, null, 2)}\n`, { flag: 'wx' });
      return stale === undefined ? { claimed: true } : { claimed: true, stale };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const recorded = findRecorded(file);
    if (recorded === undefined) {
      // Created this instant and not yet written (or unreadable): look again in a moment.
      pause(25);
    } else if (isAlive(recorded.pid)) {
      return { claimed: false, running: recorded };
    } else if (findRecorded(file)?.pid === recorded.pid) {
      // Left by a process that has gone: replaced (unless another start replaced it first).
      rmSync(file, { force: true });
      stale = recorded;
    }
  }
  throw new Error(
    `${file} could not be claimed; if neither npm start nor npm run rankings runs in this checkout, delete it.`,
  );
};

/** The command a record names, as its user typed it. */
const commandOf = (running: RunningLocalApi): string =>
  running.kind === 'rankings' ? 'npm run rankings' : 'npm start';

/**
 * Why `wanted` must not start here, or undefined when it may. Another `npm start` (running or
 * starting) refuses a second one: that would run a second DynamoDB Local on the same files, take over
 * the record the local CLIs read (and remove it on stopping, while the first still runs), and with
 * `--fresh` wipe the data under the first. `npm run rankings` on its own DynamoDB Local refuses both
 * commands for the same files, until it has finished. (`npm run rankings` while `npm start` runs is
 * not refused: it uses that one's DynamoDB Local.)
 */
export const checkoutRefusal = (
  running: RunningLocalApi | undefined,
  wanted: CheckoutHolder,
): string | undefined => {
  if (running === undefined) return undefined;
  const holder = commandOf(running);
  const notIt = `If process ${running.pid} is not ${holder}, delete .local-data/running.json.`;
  if (running.kind === 'rankings') {
    return (
      `npm run rankings is running in this checkout (process ${running.pid}) on its own DynamoDB Local, on ` +
      `the same data in .local-data/: wait for it to finish (it stops that DynamoDB Local when done) and ` +
      `run ${wanted === 'start' ? 'npm start' : 'npm run rankings'} again, or stop it first (Ctrl-C in ` +
      `its terminal, or kill ${running.pid}). ${notIt}`
    );
  }
  if (wanted === 'rankings') {
    // Only while npm start is still starting: once it has its addresses, rankings uses its DynamoDB Local.
    return running.dynamodbEndpoint === undefined
      ? `npm start is still starting in this checkout (process ${running.pid}): run this again once it ` +
          'prints its banner.'
      : undefined;
  }
  return (
    `npm start is already ${running.apiUrl === undefined ? 'starting' : 'running'} in this checkout ` +
    `(process ${running.pid}${running.apiUrl === undefined ? '' : `, the API at ${running.apiUrl}`}), ` +
    'on the same data in .local-data/: use that one, or stop it first (Ctrl-C in its terminal, or kill ' +
    `${running.pid}). ${notIt}`
  );
};

/** A process's command line, or undefined when it cannot be read (gone, or no /proc and no ps). */
const commandLineOf = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout : undefined;
  }
};

/**
 * Stops the DynamoDB Local of an `npm start` that ended without stopping it (kill -9, a crash): the
 * JVM outlives its parent (nothing ties it to it), keeps 1 GB and the data files, and the next start
 * would run a second one on the same files. Only a process that still is DynamoDB Local on this data
 * directory is stopped (its pid may have been reused since). Answers the pid it stopped.
 */
export const stopOrphanedDynamoDbLocal = async (
  stale: RunningLocalApi | undefined,
  dataDirectory: string,
): Promise<number | undefined> => {
  const pid = stale?.dynamodbPid;
  if (pid === undefined || !isAlive(pid)) return undefined;
  const command = commandLineOf(pid);
  if (!command?.includes('DynamoDBLocal.jar') || !command.includes(dataDirectory)) return undefined;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 5000 && isAlive(pid); waited += 50) await sleep(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return pid;
};
