import { describe, expect, it } from 'vitest';
import { runTsx } from '#test/helpers/run-tsx.ts';

/**
 * `npm start` and `npm run webhook-receiver` asked for help, or given an option they do not know (a
 * typo such as `--fersh`): a usage text and an exit code, never a stack trace, and nothing started.
 */

describe('the local CLIs’ options', { timeout: 30_000 }, () => {
  it.each([
    ['local/start.ts', /^Usage: npm start -- \[--fresh\]/m],
    ['local/webhook-receiver.ts', /^Usage: npm run webhook-receiver -- \[--secret whsec_…/m],
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
});
