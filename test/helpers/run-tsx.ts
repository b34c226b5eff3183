import { fileURLToPath } from 'node:url';
import { type ProcessOutput, runProcess } from '../../bench/lib.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs a TypeScript script of the project as its readers do (`npx tsx <script> <args>`, from the
 * project root), with `env` added to this process's environment: its exit code and output.
 */
export const runTsx = (
  script: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<ProcessOutput> =>
  runProcess('npx', ['tsx', script, ...args], { ...process.env, ...env }, projectRoot);

/** One of `clients/typescript/examples/`, run as the README says. */
export const runClientExample = (
  name: string,
  env: Readonly<Record<string, string>>,
): Promise<ProcessOutput> => runTsx(`clients/typescript/examples/${name}`, [], env);
