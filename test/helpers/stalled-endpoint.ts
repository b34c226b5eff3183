import { createServer, type Socket } from 'node:net';

/**
 * A DynamoDB endpoint that accepts connections and never answers a byte: a stalled database, as a
 * paused DynamoDB Local or a black-holed network path looks to the SDK.
 */
export interface StalledEndpoint {
  readonly endpoint: string;
  close(): Promise<void>;
}

export const startStalledEndpoint = async (): Promise<StalledEndpoint> => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The stalled endpoint has no port.');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
