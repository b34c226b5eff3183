import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { localDataDirectory } from './paths.ts';

/**
 * While `npm start` runs it records where its DynamoDB Local answers, so the local CLIs
 * (`npm run rankings`) work on the same data without a second JVM on the same files.
 */
export interface RunningLocalApi {
  readonly pid: number;
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
}

const runningFile = `${localDataDirectory}running.json`;

export const recordRunning = (running: RunningLocalApi): void =>
  writeFileSync(runningFile, `${JSON.stringify(running, null, 2)}\n`);

/** Removes the record, if it is this process's. */
export const clearRunning = (pid = process.pid): void => {
  if (findRecorded()?.pid === pid) rmSync(runningFile, { force: true });
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

const findRecorded = (): RunningLocalApi | undefined => {
  try {
    return JSON.parse(readFileSync(runningFile, 'utf8')) as RunningLocalApi;
  } catch {
    return undefined;
  }
};

/** The running `npm start`, if there is one (a record left by a killed process is ignored). */
export const findRunning = (): RunningLocalApi | undefined => {
  const recorded = findRecorded();
  return recorded && isAlive(recorded.pid) ? recorded : undefined;
};

/**
 * Why `npm start` must not start here, or undefined when it may: another `npm start` of this checkout
 * runs (`findRunning()`). A second one would run a second DynamoDB Local on the same files, take over
 * the record the local CLIs read (and remove it on stopping, while the first still runs), and with
 * `--fresh` wipe the data under the first.
 */
export const secondStartRefusal = (running: RunningLocalApi | undefined): string | undefined =>
  running === undefined
    ? undefined
    : `npm start is already running in this checkout (process ${running.pid}, the API at ${running.apiUrl}), ` +
      'on the same data in .local-data/: use that one, or stop it first (Ctrl-C in its terminal, or kill ' +
      `${running.pid}). If process ${running.pid} is not npm start, delete .local-data/running.json.`;
