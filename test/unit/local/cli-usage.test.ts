import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTsx } from '#test/helpers/run-tsx.ts';

/** What the webhook receiver prints until it listens (its own process group, stopped then). */
const receiverStartup = (args: readonly string[], env: Readonly<Record<string, string>>) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'local/webhook-receiver.ts', '--port', '0', ...args], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      env: { ...process.env, ...env },
      detached: true,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Webhook receiver on')) {
        process.kill(-(child.pid ?? 0), 'SIGTERM');
        resolve(output);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', () => resolve(output));
  });

/**
 * `npm start` and `npm run webhook-receiver` asked for help, or given an option they do not know (a
 * typo such as `--fersh`): a usage text and an exit code, never a stack trace, and nothing started.
 */

describe('the local CLIs’ options', { timeout: 30_000 }, () => {
  it.each([
    ['local/start.ts', /^Usage: npm start -- \[--fresh\]/m],
    ['local/webhook-receiver.ts', /^Usage: \[WEBHOOK_SECRET=whsec_…\] npm run webhook-receiver -- /m],
  ])('%s --help prints its usage and exits 0 without starting', async (script, usage) => {
    // Act
    const run = await runTsx(script, ['--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(usage);
    expect(run.stdout).not.toMatch(/DynamoDB Local|Webhook receiver on/);
  });

  it.each(['local/start.ts', 'local/webhook-receiver.ts'])(
    '%s refuses an unknown option with its usage, exit code 2 and no stack trace',
    async (script) => {
      // Act
      const run = await runTsx(script, ['--fersh']);

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/Unknown option '--fersh'/);
      expect(run.stderr).toMatch(/^Usage: /m);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('webhook-receiver --secret works but suggests WEBHOOK_SECRET, which ps does not show', async () => {
    // Act
    const fromArgument = await receiverStartup(['--secret', 'whsec_dGVzdHNlY3JldA=='], {});
    const fromEnvironment = await receiverStartup([], { WEBHOOK_SECRET: 'whsec_dGVzdHNlY3JldA==' });

    // Assess
    expect(fromArgument).toMatch(
      /^Note: --secret shows the secret to anyone who can list processes; WEBHOOK_SECRET=whsec_… npm run webhook-receiver does not\.$/m,
    );
    expect(fromArgument).toMatch(/Webhook receiver on/);
    expect(fromEnvironment).not.toMatch(/Note:|Not verifying/);
  });
});
