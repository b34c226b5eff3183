import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIdentityProvider } from '#local/auth.ts';
import { scope, scopeNames } from '#shared/api/access.ts';
import { runTsx } from '#test/helpers/run-tsx.ts';

/** `npm run token` as integrators run it: a process, its exit code, stdout (the token) and stderr. */

let keyDirectory: string;
let keyFile: string;

beforeAll(() => {
  keyDirectory = mkdtempSync(join(tmpdir(), 'spbe-token-'));
  keyFile = join(keyDirectory, 'signing-key.json');
});

afterAll(() => {
  rmSync(keyDirectory, { recursive: true, force: true });
});

const mintToken = async (...args: string[]) => {
  const run = await runTsx('local/token.ts', args, { SPBE_SIGNING_KEY_FILE: keyFile });
  return { ...run, stdout: run.stdout.trim() };
};

const now = () => Math.floor(Date.now() / 1000);

describe('npm run token', { timeout: 30_000 }, () => {
  it('mints an already-expired token with --expires -1h, signed with the key file the env names', async () => {
    // Act
    const run = await mintToken('--role', 'admin', '--expires', '-1h');

    // Assess
    expect(run).toMatchObject({ code: 0 });
    const claims = decodeJwt(run.stdout);
    expect(claims.exp).toBeGreaterThan(now() - 3600 - 60);
    expect(claims.exp).toBeLessThanOrEqual(now() - 3600);
    expect(claims.iat).toBeLessThan(claims.exp ?? 0);
    expect(existsSync(keyFile)).toBe(true);
    const idp = await createLocalIdentityProvider({ keyFile });
    expect(await idp.verify(`Bearer ${run.stdout}`, [])).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringContaining('The token expired at '),
    });
  });

  it('mints a token valid only later with --not-before 1h', async () => {
    // Act
    const run = await mintToken('--role', 'admin', '--not-before', '1h');

    // Assess
    expect(run).toMatchObject({ code: 0 });
    const claims = decodeJwt(run.stdout);
    expect(claims.nbf).toBeGreaterThanOrEqual(now() + 3600 - 60);
    expect(claims.nbf).toBeLessThanOrEqual(now() + 3600);
    expect(claims.exp).toBeGreaterThan(claims.nbf ?? 0);
  });

  it.each([
    ['--expires', 'banana'],
    ['--expires', '1 hour'],
    ['--not-before', '-'],
  ])('refuses %s %s with exit code 2 and a message naming the option', async (option, value) => {
    // Act
    const run = await mintToken('--role', 'admin', option, value);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(option);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown option with exit code 2 and the usage, not a stack trace', async () => {
    // Act
    const run = await mintToken('--role', 'admin', '--colour', 'red');

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--colour');
    expect(run.stderr).toContain('Usage:');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown scope with exit code 2, listing the known ones', async () => {
    // Act
    const run = await mintToken(
      '--role',
      'agency',
      '--agency',
      'prov-bali',
      '--scopes',
      'spbe/self-assessment.read,spbe/everything',
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('spbe/everything');
    for (const name of scopeNames) expect(run.stderr).toContain(scope(name));
    expect(run.stderr).toContain('--allow-unknown-scopes');
  });

  it('mints a scope beyond the role (for testing the 403) and says that the API ignores it', async () => {
    // Act
    const run = await mintToken('--role', 'agency', '--agency', 'prov-bali', '--scopes', 'spbe/admin');

    // Assess
    expect(run).toMatchObject({ code: 0 });
    expect(decodeJwt(run.stdout).scope).toBe('spbe/admin');
    expect(run.stderr).toContain('the API ignores spbe/admin in a token of the role agency');
  });

  it('mints an unknown scope with --allow-unknown-scopes, for testing 403s', async () => {
    // Act
    const run = await mintToken(
      '--role',
      'agency',
      '--agency',
      'prov-bali',
      '--scopes',
      'spbe/everything',
      '--allow-unknown-scopes',
    );

    // Assess
    expect(run).toMatchObject({ code: 0 });
    expect(decodeJwt(run.stdout).scope).toBe('spbe/everything');
  });
});
