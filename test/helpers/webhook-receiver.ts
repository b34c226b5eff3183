import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LookupFunction } from 'node:net';
import { webhookEventSchemas } from '#shared/api/webhooks/events.ts';

/**
 * Webhook receivers for tests: real HTTP servers on 127.0.0.1 (never another address) that record
 * every request with its raw body and answer as the test scripts them.
 */

export interface ReceivedWebhook {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** ms since the receiver started. */
  readonly at: number;
  /** What the receiver's verifier said (undefined: no verifier set). */
  readonly verified: boolean | undefined;
  /** How the body departs from the document's `webhooks` schema of its type; undefined when it matches. */
  readonly contractError: string | undefined;
}

/**
 * Every delivery a test receives is checked against what the OpenAPI document publishes for its
 * type (`webhookEventSchemas`): `waitFor` fails on the first that departs from it, so no test that
 * receives webhooks can pass with a payload that drifted from the contract.
 */
const contractErrorOf = (body: string): string | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  const type = (parsed as { type?: unknown } | null)?.type;
  const schema = Object.entries(webhookEventSchemas).find(([name]) => name === type)?.[1];
  if (schema === undefined) return `no published schema for the type ${JSON.stringify(type)}`;
  const result = schema.safeParse(parsed);
  return result.success ? undefined : JSON.stringify(result.error.issues);
};

/** The answer to the n-th request (1-based): a status, or never answer at all. */
/** A status; a status with a Retry-After header (seconds); or no answer at all. */
export type Answer = number | { readonly status: number; readonly retryAfter: string } | 'hang';

export interface TestReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Verifies each request as it arrives: a real receiver answers 400 to what fails it. */
  verifier: ((body: string, headers: Readonly<Record<string, string>>) => boolean) | undefined;
  /** Waits until `count` requests have arrived (or throws after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const startReceiver = async (answer: (n: number) => Answer = () => 200): Promise<TestReceiver> => {
  const started = performance.now();
  const received: ReceivedWebhook[] = [];
  const waiters: (() => void)[] = [];
  const receiver: TestReceiver = {
    url: '',
    received,
    verifier: undefined,
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      const drifted = () => received.find((webhook) => webhook.contractError !== undefined);
      while (received.length < count) {
        const departed = drifted();
        if (departed) {
          throw new Error(
            `A webhook departs from its published schema: ${departed.contractError} in ${departed.body}`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(`Receiver got ${received.length} of ${count} webhooks within ${timeoutMs} ms`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      const departed = drifted();
      if (departed) {
        throw new Error(
          `A webhook departs from its published schema: ${departed.contractError} in ${departed.body}`,
        );
      }
      return received.slice(0, count);
    },
    close: async () => undefined,
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // A request the sender abandons (its timeout) ends here: nothing to record.
    readBody(request).then(
      (body) => {
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(',') : (value ?? ''),
          ]),
        );
        const verified = receiver.verifier?.(body, headers);
        received.push({
          headers,
          body,
          at: performance.now() - started,
          verified,
          contractError: contractErrorOf(body),
        });
        for (const wake of waiters.splice(0)) wake();
        const scripted = answer(received.length);
        if (scripted === 'hang') return;
        if (verified === false) response.writeHead(400).end();
        else if (typeof scripted === 'number') response.writeHead(scripted).end();
        else response.writeHead(scripted.status, { 'retry-after': scripted.retryAfter }).end();
      },
      () => undefined,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
};

/**
 * A DNS stub for connections: names map to addresses, and every lookup is recorded. Supports both
 * callback shapes Node uses (`all: true` under autoSelectFamily, and single-address).
 */
export const stubLookup = (table: Readonly<Record<string, string>>) => {
  const calls: string[] = [];
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    calls.push(hostname);
    const address = table[hostname];
    if (address === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
  return { lookup, calls };
};
