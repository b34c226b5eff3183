import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runClientExample } from '#test/helpers/run-tsx.ts';

/**
 * The integrator's first-hour example as integrators run it (`npx tsx clients/typescript/examples/
 * first-hour.ts`), where the API is not: the most common first error (npm start not running, or on
 * another port) must read as one line saying so, not as a stack trace of fetch internals.
 */

/** A loopback port nothing listens on: taken, then released. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

describe('clients/typescript/examples/first-hour.ts', () => {
  it('says in one line that the API cannot be reached, and where it looked', async () => {
    // Prepare
    const port = await closedPort();
    const baseUrl = `http://127.0.0.1:${port}`;

    // Act
    const { code, stderr } = await runClientExample('first-hour.ts', {
      SPBE_API_URL: baseUrl,
      OPERATOR_TOKEN: 'any.token.here',
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `✗ GET ${baseUrl}/v1/me: no answer (connection refused). Is the API running there? ` +
        '`npm start` serves it on http://127.0.0.1:3000; SPBE_API_URL points elsewhere.',
    ]);
  }, 60_000);
});
