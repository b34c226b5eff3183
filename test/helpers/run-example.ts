import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ExampleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one of `clients/typescript/examples/` as its readers do (`npx tsx <file>`), with `env` added. */
export const runClientExample = (name: string, env: Readonly<Record<string, string>>): Promise<ExampleRun> =>
  new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', `clients/typescript/examples/${name}`], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
