import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, freePort, startDynamoDbLocal } from '#local/dynamodb-local.ts';

describe('starting DynamoDB Local', () => {
  let occupier: Server | undefined;
  let local: DynamoDbLocal | undefined;
  afterAll(async () => {
    await local?.stop();
    await new Promise((resolve) => (occupier ? occupier.close(resolve) : resolve(undefined)));
  });

  it('starts again on another port when the one it chose is taken before the JVM binds it', async () => {
    // Prepare: the first port chosen is bound by another process (here, a server of this one)
    const taken = await freePort();
    occupier = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => occupier?.listen(taken, '0.0.0.0', resolve));
    const chosen: number[] = [];
    const choosePort = async () => {
      const port = chosen.length === 0 ? taken : await freePort();
      chosen.push(port);
      return port;
    };

    // Act
    local = await startDynamoDbLocal({ choosePort });

    // Assess: the second choice serves, with its tables
    expect(chosen).toHaveLength(2);
    expect(local.port).toBe(chosen[1]);
    expect(local.port).not.toBe(taken);
    expect(Object.keys(local.tableNames).length).toBeGreaterThan(0);
  });
});
