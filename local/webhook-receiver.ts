import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from '../docs/examples/verify-webhook.ts';

/**
 * `npm run webhook-receiver`: a webhook receiver for local demos, on http://127.0.0.1:4000. It
 * verifies each delivery — `v1` with the standardwebhooks package and the endpoint's `whsec_`
 * secret, `v1a` with node:crypto and its `whpk_` public key (docs/examples/verify-webhook.ts) —
 * prints it, and answers 204 (400 when the signature does not verify).
 *
 *   WEBHOOK_SECRET=whsec_… npm run webhook-receiver       (or --secret, which shows it in ps)
 *   npm run webhook-receiver -- --public-key whpk_…       (v1a endpoints; a public key, no secret)
 *   npm run webhook-receiver -- --fail-first 2            (answer 503 twice, to watch the retries)
 */

const usage = `Usage: [WEBHOOK_SECRET=whsec_…] npm run webhook-receiver -- [--public-key whpk_…] [--port <port>] [--fail-first <n>]

  --secret      verify v1 signatures with the endpoint's secret; better WEBHOOK_SECRET=… (an argument
                is visible to every user of the machine in the process list)
  --public-key  verify v1a signatures with the endpoint's public key (or WEBHOOK_PUBLIC_KEY=…)
  --port        where to listen on 127.0.0.1 (or PORT=…; default 4000)
  --fail-first  answer 503 to the first n deliveries, to watch the retries`;

const { values, tokens } = (() => {
  try {
    return parseArgs({
      tokens: true,
      options: {
        port: { type: 'string', default: process.env.PORT ?? '4000' },
        secret: { type: 'string', default: process.env.WEBHOOK_SECRET },
        'public-key': { type: 'string', default: process.env.WEBHOOK_PUBLIC_KEY },
        'fail-first': { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // A mistyped option is told as such, with the usage, not as a stack trace.
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(usage);
  process.exit(0);
}

// An argument is in the process list (ps shows it to every user of the machine); the environment is not.
if (tokens.some((token) => token.kind === 'option' && token.name === 'secret')) {
  console.error(
    'Note: --secret shows the secret to anyone who can list processes; WEBHOOK_SECRET=whsec_… npm run webhook-receiver does not.',
  );
}

const port = Number(values.port);
const failFirst = Number(values['fail-first']);
const secret = values.secret;
const publicKey = values['public-key'];
let received = 0;

/** Why a delivery does not verify, or undefined when it does. */
const refusal = (body: string, headers: Record<string, string>): string | undefined => {
  if (secret) {
    try {
      new Webhook(secret).verify(body, headers);
      return undefined;
    } catch (error) {
      return `v1: ${(error as Error).message}`;
    }
  }
  if (publicKey)
    return verifyWebhook(publicKey, headers, body) ? undefined : 'v1a: no matching signature (or stale)';
  return undefined;
};

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received += 1;
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(request.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
    };
    const problem = refusal(body, headers);
    const at = new Date().toISOString();
    if (problem) {
      console.log(`${at}  ✗ ${headers['webhook-id']} refused — ${problem}`);
      response.writeHead(400).end();
      return;
    }
    if (received <= failFirst) {
      console.log(
        `${at}  … ${headers['webhook-id']} verified; answering 503 on purpose (${received}/${failFirst})`,
      );
      response.writeHead(503, { 'retry-after': '1' }).end();
      return;
    }
    let type = '?';
    try {
      type = (JSON.parse(body) as { type?: string }).type ?? '?';
    } catch {
      // Not JSON: print it as it came.
    }
    console.log(
      `${at}  ✓ ${type} ${headers['webhook-id']}${secret || publicKey ? ' (signature verified)' : ''}`,
    );
    console.log(`    ${body}`);
    response.writeHead(204).end();
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Webhook receiver on http://127.0.0.1:${port}/ (Ctrl-C stops it)`);
  if (!secret && !publicKey) {
    console.log(
      'Not verifying: set WEBHOOK_SECRET=whsec_… (v1) or pass --public-key whpk_… (v1a) to check signatures.',
    );
  }
});
