import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpSender, errorClassOf } from '#shared/webhooks/http-sender.ts';
import { startReceiver, stubLookup, type TestReceiver } from '#test/helpers/webhook-receiver.ts';

/**
 * The delivery client on loopback only: what it refuses before any connection (SSRF rules at
 * connect time), what it reads of an answer, when it gives up. DNS is stubbed; no packet leaves
 * 127.0.0.1.
 */

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

const receiver = async (answer?: Parameters<typeof startReceiver>[0]): Promise<TestReceiver> => {
  const started = await startReceiver(answer);
  open.push(started);
  return started;
};

/** A server whose answer the test writes itself (a large body, a redirect). */
const rawServer = async (handle: Parameters<typeof createServer>[1]) => {
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `http://127.0.0.1:${port}`;
};

const request = (url: string) => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"type":"webhook.test"}',
});

describe('the delivery client', () => {
  it('posts to a development loopback receiver and reports its status', async () => {
    const hooks = await receiver(() => 202);
    const outcome = await createHttpSender({ allowLoopbackHttp: true }).post(request(hooks.url));
    expect(outcome).toMatchObject({ kind: 'response', status: 202 });
    expect(hooks.received[0]?.body).toBe('{"type":"webhook.test"}');
  });

  it('refuses plain HTTP to 127.0.0.1 without the development setting, before connecting', async () => {
    const hooks = await receiver();
    const outcome = await createHttpSender().post(request(hooks.url));
    expect(outcome).toMatchObject({ kind: 'error', errorClass: 'blocked_address' });
    expect(hooks.received).toHaveLength(0);
  });

  it.each([
    ['https://127.0.0.1/', undefined],
    ['https://[::1]/', undefined],
    ['https://[::ffff:127.0.0.1]/', undefined],
    ['https://hooks.example.test/', '10.0.0.1'],
    ['https://hooks.example.test/', '169.254.169.254'],
    ['https://hooks.example.test/', '100.64.0.1'],
    ['https://hooks.example.test/', 'fd00::1'],
    ['https://hooks.example.test/', '127.0.0.1'],
  ])(
    'refuses %s (resolving to %s) at connect time, even with the development setting',
    async (url, address) => {
      // Prepare: the lookup answers a private address; the filter must refuse it before connecting
      const dns = stubLookup(address === undefined ? {} : { 'hooks.example.test': address });

      // Act
      const outcome = await createHttpSender({ allowLoopbackHttp: true, lookup: dns.lookup }).post(
        request(url),
      );

      // Assess
      expect(outcome).toMatchObject({ kind: 'error', errorClass: 'blocked_address' });
      if (address !== undefined) expect(dns.calls).toEqual(['hooks.example.test']);
    },
  );

  it('does not follow a redirect: the 3xx is the answer', async () => {
    let hits = 0;
    const base = await rawServer((_request, response) => {
      hits += 1;
      response.writeHead(302, { location: '/elsewhere' }).end();
    });
    const outcome = await createHttpSender({ allowLoopbackHttp: true }).post(request(`${base}/hooks`));
    expect(outcome).toMatchObject({ kind: 'response', status: 302 });
    expect(hits).toBe(1);
  });

  it('reads a large answer only up to the cap, then drops it', async () => {
    const base = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      // 64 MB announced, written slowly: reading it all would take far longer than the test allows.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const write = () => {
        if (sent >= 1024 || response.destroyed) {
          response.end();
          return;
        }
        sent += 1;
        response.write(chunk, () => setTimeout(write, 5));
      };
      write();
    });
    const started = performance.now();
    const outcome = await createHttpSender({ allowLoopbackHttp: true, maxResponseBytes: 4096 }).post(
      request(`${base}/big`),
    );
    expect(outcome).toMatchObject({ kind: 'response', status: 200 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('gives up on a receiver that never answers after the timeout', async () => {
    const hooks = await receiver(() => 'hang');
    const outcome = await createHttpSender({ allowLoopbackHttp: true, timeoutMs: 300 }).post(
      request(hooks.url),
    );
    expect(outcome).toMatchObject({ kind: 'error', errorClass: 'timeout' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(290);
    expect(outcome.latencyMs).toBeLessThan(2_000);
  });

  it('reports a refused connection and Retry-After as sent', async () => {
    const closed = await receiver();
    const url = closed.url;
    await closed.close();
    const retrying = await rawServer((_request, response) =>
      response.writeHead(429, { 'retry-after': '30' }).end(),
    );

    const refused = await createHttpSender({ allowLoopbackHttp: true }).post(request(url));
    const limited = await createHttpSender({ allowLoopbackHttp: true }).post(request(`${retrying}/x`));

    expect(refused).toMatchObject({ kind: 'error', errorClass: 'connection' });
    expect(limited).toMatchObject({ kind: 'response', status: 429, retryAfter: '30' });
  });

  it('sends once more on a new connection when the receiver closed the kept-alive one just as it was reused', async () => {
    // Prepare: a receiver that answers the first request of each connection and, as a server whose
    // idle timeout strikes at that moment, drops the connection when a second request arrives on it
    const sockets = new Set<Socket>();
    const server = createNetServer((socket) => {
      sockets.add(socket);
      let requests = 0;
      socket.on('data', (chunk: Buffer) => {
        if (!chunk.toString('latin1').startsWith('POST ')) return;
        requests += 1;
        if (requests > 1) {
          socket.destroy();
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${address && typeof address === 'object' ? address.port : 0}/`;
    open.push({
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    });
    const sender = createHttpSender({ allowLoopbackHttp: true });

    // Act
    const first = await sender.post(request(url));
    const second = await sender.post(request(url));

    // Assess: both delivered; the second on a new connection, not recorded as a failure
    expect(first).toMatchObject({ kind: 'response', status: 200 });
    expect(second).toMatchObject({ kind: 'response', status: 200 });
    expect(sockets.size).toBe(2);
  });

  it('classifies network errors for the delivery log', () => {
    expect(errorClassOf(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }))).toBe(
      'dns',
    );
    expect(
      errorClassOf(Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })),
    ).toBe('tls');
    expect(errorClassOf(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('connection');
    expect(
      errorClassOf(
        new Error('DNS lookup 10.0.0.1(family:4, host:x) is not allowed. Because, It is private IP address.'),
      ),
    ).toBe('blocked_address');
  });
});
