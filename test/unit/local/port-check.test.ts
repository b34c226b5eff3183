import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPortTaken } from '#local/server.ts';

/**
 * `npm start` on a port another process holds: told at once, before DynamoDB Local starts, the seed
 * runs and `--fresh` wipes the data (it used to be told only after all of that, up to a minute later).
 */
describe('the API port check of npm start', () => {
  it('finds a port another process listens on taken, and the same port free once it closes', async () => {
    // Prepare
    const other = createServer();
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    const address = other.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    // Act
    const whileListening = await isPortTaken(port);
    other.close();
    await once(other, 'close');
    const afterwards = await isPortTaken(port);

    // Assess
    expect(whileListening).toBe(true);
    expect(afterwards).toBe(false);
  });
});
