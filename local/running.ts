import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { localDataDirectory } from './paths.ts';

/**
 * While `npm start` runs it records where its DynamoDB Local answers, so the local CLIs
 * (`npm run rankings`) work on the same data without a second JVM on the same files. The record is
 * made before anything else (`claimCheckout`), without the addresses, which follow once they answer.
 */
export interface RunningLocalApi {
  readonly pid: number;
  /** Both absent while that `npm start` is still starting. */
  readonly apiUrl?: string;
  readonly dynamodbEndpoint?: string;
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
  pid = process.pid,
  file = runningFile,
): { readonly claimed: true } | { readonly claimed: false; readonly running: RunningLocalApi } => {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 40; attempt += 1) {
    try {
      writeFileSync(file, `${JSON.stringify({ pid }, null, 2)}\n`, { flag: 'wx' });
      return { claimed: true };
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
    }
  }
  throw new Error(`${file} could not be claimed; if no npm start runs in this checkout, delete it.`);
};

/**
 * Why `npm start` must not start here, or undefined when it may: another `npm start` of this checkout
 * runs (or is starting). A second one would run a second DynamoDB Local on the same files, take over
 * the record the local CLIs read (and remove it on stopping, while the first still runs), and with
 * `--fresh` wipe the data under the first.
 */
export const secondStartRefusal = (running: RunningLocalApi | undefined): string | undefined =>
  running === undefined
    ? undefined
    : `npm start is already ${running.apiUrl === undefined ? 'starting' : 'running'} in this checkout (process ${running.pid}${running.apiUrl === undefined ? '' : `, the API at ${running.apiUrl}`}), ` +
      'on the same data in .local-data/: use that one, or stop it first (Ctrl-C in its terminal, or kill ' +
      `${running.pid}). If process ${running.pid} is not npm start, delete .local-data/running.json.`;
