import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { demoUsers } from '#local/seed/seed.ts';
import { startBanner } from '#local/start-banner.ts';

/**
 * What `npm start` prints is copied into shells: every command in it must run as printed. A command
 * is a line beginning with `curl`, `npm` or `npx` and the lines its trailing backslashes continue; what
 * follows `#` is a remark for the reader.
 */

const banner = startBanner({
  apiUrl: 'http://127.0.0.1:3000',
  issuer: 'https://local-idp.spbe.invalid',
  audience: 'spbe-api',
  readySeconds: 30,
  users: demoUsers,
  tokens: { admin: 'admin.token.x', assessor: 'assessor.token.x', agency: 'agency.token.x' },
  year: 2026,
});

/** The commands of the banner, each with its continuation lines joined and its remark removed. */
const commands = (text: string): string[] => {
  const found: string[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    // A command may begin with environment assignments (`WEBHOOK_SECRET=… npm run …`).
    if (current === undefined && !/^([A-Z_]+=\S+ )*(curl|npm|npx) /.test(trimmed)) continue;
    const withoutRemark = trimmed.replace(/\s+#\s.*$/, '');
    const continues = withoutRemark.endsWith(' \\');
    current = `${current === undefined ? '' : `${current} `}${continues ? withoutRemark.slice(0, -2) : withoutRemark}`;
    if (!continues) {
      found.push(current);
      current = undefined;
    }
  }
  return found;
};

describe('the banner of npm start', () => {
  const printed = commands(banner);

  it('prints the commands it promises', () => {
    // Assess: six reads to try, three award commands, two webhook calls and the receiver.
    expect(printed.filter((command) => command.startsWith('curl'))).toHaveLength(11);
    expect(printed.some((command) => command.includes('/progress'))).toBe(true);
    expect(printed.some((command) => command.includes('/agency-directory?q='))).toBe(true);
    expect(printed.some((command) => command.includes('/self-assessments'))).toBe(true);
    expect(printed.filter((command) => command.includes('npm run webhook-receiver'))).toHaveLength(1);
    expect(printed.some((command) => command.includes('/awards/publish'))).toBe(true);
    expect(printed).toContain('npx tsx clients/typescript/examples/whole-year.ts');
  });

  it('gives the webhook receiver its secret in the environment, not as an argument ps shows every user', () => {
    expect(printed).toContain('WEBHOOK_SECRET=whsec_… npm run webhook-receiver');
    expect(printed.filter((command) => command.includes('--secret'))).toEqual([]);
  });

  it('prints every command so that a shell parses it', () => {
    for (const command of printed) {
      // Act
      const parsed = spawnSync('bash', ['-n', '-c', command], { encoding: 'utf8' });

      // Assess
      expect({ command, stderr: parsed.stderr }).toEqual({ command, stderr: '' });
    }
  });

  it('ends every curl command with its URL: no remark is passed to curl as an argument', () => {
    for (const command of printed.filter((each) => each.startsWith('curl'))) {
      const last = command.split(/\s+/).at(-1) ?? '';
      expect({ command, last: /^"?http:\/\/127\.0\.0\.1:3000\/[^\s<>]*"?$/.test(last) }).toEqual({
        command,
        last: true,
      });
    }
  });
});
