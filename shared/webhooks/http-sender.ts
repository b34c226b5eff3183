import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import {
  type DeliveryErrorClass,
  deliveryTimeoutMs,
  responseBodyCapBytes,
  type SendOutcome,
} from '#shared/domain/webhooks/delivery.ts';
import { isLoopbackDevUrl } from '#shared/domain/webhooks/urls.ts';
import type { WebhookSender } from '#shared/services/webhooks/ports.ts';

export interface HttpSenderOptions {
  /**
   * An attempt without a complete answer after this long fails as `timeout`.
   * @default 15 000 ms
   */
  readonly timeoutMs?: number;
  /**
   * Answers are read up to this many bytes, then the connection is dropped.
   * @default 4 096
   */
  readonly maxResponseBytes?: number;
  /**
   * Development only: plain HTTP to 127.0.0.1 (and nothing else private) is allowed.
   * @default false
   */
  readonly allowLoopbackHttp?: boolean;
  /**
   * Name resolution for connections (tests stub it). Whatever it answers is checked before any
   * connection is made.
   * @default the system resolver
   */
  readonly lookup?: LookupFunction;
  /** Extra trusted CA certificates (tests with a local TLS receiver). */
  readonly ca?: string | Buffer;
}

const blockedByFilter = /is not allowed\. Because/;
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENODATA', 'EAI_NONAME']);

/** What kind of failure a Node network error is, for the delivery log. */
export const errorClassOf = (error: unknown): DeliveryErrorClass => {
  const { code = '', message = '' } = error as NodeJS.ErrnoException;
  if (blockedByFilter.test(message)) return 'blocked_address';
  if (dnsCodes.has(code)) return 'dns';
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'ERR_OSSL_EVP_UNSUPPORTED'
  ) {
    return 'tls';
  }
  return 'connection';
};

/**
 * Webhook delivery over `node:https` with request-filtering-agent (SSRF defence at connect time):
 * the agent checks every address the name resolves to — on this very connection, so a name that
 * resolved to a public address at registration and to a private one now (DNS rebinding) is refused
 * before any packet is sent. Redirects are not followed (an answer, not a hop); the answer is read
 * up to a small cap; the whole attempt is bounded by a timeout.
 */
export const createHttpSender = (options: HttpSenderOptions = {}): WebhookSender => {
  const timeoutMs = options.timeoutMs ?? deliveryTimeoutMs;
  const cap = options.maxResponseBytes ?? responseBodyCapBytes;
  // keepAlive: retries and busy endpoints reuse connections the filter already checked.
  const httpsAgent = new RequestFilteringHttpsAgent({
    keepAlive: true,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  // Development only: the one private address a local receiver listens on, nothing else.
  const loopbackAgent = options.allowLoopbackHttp
    ? new RequestFilteringHttpAgent({ keepAlive: true, allowIPAddressList: ['127.0.0.1'] })
    : undefined;

  const post: WebhookSender['post'] = ({ url, headers, body }) =>
    new Promise<SendOutcome>((resolve) => {
      const started = performance.now();
      const elapsed = () => performance.now() - started;
      const fail = (errorClass: DeliveryErrorClass, detail: string) =>
        resolve({ kind: 'error', errorClass, detail, latencyMs: elapsed() });
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return fail('connection', 'The stored URL does not parse');
      }
      const plain = target.protocol === 'http:';
      if (plain && !(loopbackAgent && isLoopbackDevUrl(target))) {
        return fail('blocked_address', 'Plain HTTP is allowed only to 127.0.0.1 in development');
      }
      if (!plain && target.protocol !== 'https:') return fail('blocked_address', `Scheme ${target.protocol}`);
      const payload = Buffer.from(body, 'utf8');
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      let request: http.ClientRequest | undefined;
      // The whole attempt — connect, headers and the (capped) body — within the limit, or it failed.
      const timer = setTimeout(() => {
        settle(() => fail('timeout', `No complete answer within ${timeoutMs} ms`));
        request?.destroy();
      }, timeoutMs);
      const send = (firstTry: boolean) => {
        const sent = (plain ? http : https).request(target, {
          method: 'POST',
          agent: plain ? loopbackAgent : httpsAgent,
          headers: { ...headers, 'content-length': String(payload.length) },
          ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
        });
        request = sent;
        sent.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive connection the receiver closed as it idled, just as we reused it: nothing
          // was received, so send once more on a new connection (Node's documented remedy) rather
          // than record a failure and wait 5 s for the retry schedule.
          if (firstTry && !settled && sent.reusedSocket && error.code === 'ECONNRESET') {
            send(false);
            return;
          }
          settle(() => fail(errorClassOf(error), error.message));
        });
        sent.on('response', (response) => {
          let read = 0;
          const finish = () =>
            settle(() =>
              resolve({
                kind: 'response',
                status: response.statusCode ?? 0,
                retryAfter: response.headers['retry-after'],
                latencyMs: elapsed(),
              }),
            );
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            // Enough read: what matters is the status; the rest of a large answer is not our business.
            if (read >= cap) {
              finish();
              response.destroy();
            }
          });
          response.on('end', finish);
          response.on('error', () => finish());
        });
        sent.end(payload);
      };
      send(true);
    });

  return { post };
};
