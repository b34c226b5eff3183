import { createHmac, createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): every request carries
 * `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`, a space-separated list
 * of `<version>,<base64 signature>` over `<id>.<timestamp>.<body>`:
 * - `v1`: HMAC-SHA256 with the endpoint's `whsec_` secret (base64 of random bytes);
 * - `v1a`: ed25519 with the endpoint's `whsk_` key; receivers verify with the `whpk_` public key,
 *   so they hold no shared secret.
 * During a rotation both the new and the previous key sign, so receivers holding either verify.
 */

export const signatureSchemes = ['v1', 'v1a'] as const;
export type SignatureScheme = (typeof signatureSchemes)[number];

/** The key material of one generation: what each scheme the endpoint uses needs. */
export interface SigningKeys {
  /** `whsec_…` (v1). */
  readonly secret?: string | undefined;
  /** `whsk_…` (v1a): base64 of the 32-byte ed25519 seed followed by the 32-byte public key. */
  readonly signingKey?: string | undefined;
  /** `whpk_…` (v1a): base64 of the raw 32-byte ed25519 public key. */
  readonly publicKey?: string | undefined;
}

const prefixed = (value: string, prefix: string, what: string): Buffer => {
  if (!value.startsWith(prefix)) throw new Error(`${what} must start with ${prefix}`);
  return Buffer.from(value.slice(prefix.length), 'base64');
};

// DER prefixes that turn a raw ed25519 seed (PKCS#8) or public key (SPKI) into a key node:crypto reads.
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiEd25519Prefix = Buffer.from('302a300506032b6570032100', 'hex');

/** The ed25519 private key of a `whsk_` key (32-byte seed, or seed ‖ public key as Svix stores it). */
export const privateKeyOf = (signingKey: string): KeyObject => {
  const raw = prefixed(signingKey, 'whsk_', 'A signing key');
  if (raw.length !== 32 && raw.length !== 64) throw new Error('A whsk_ key holds 32 or 64 bytes');
  return createPrivateKey({
    key: Buffer.concat([pkcs8Ed25519Prefix, raw.subarray(0, 32)]),
    format: 'der',
    type: 'pkcs8',
  });
};

/** The ed25519 public key of a `whpk_` key. */
export const publicKeyOf = (publicKey: string): KeyObject => {
  const raw = prefixed(publicKey, 'whpk_', 'A public key');
  if (raw.length !== 32) throw new Error('A whpk_ key holds 32 bytes');
  return createPublicKey({ key: Buffer.concat([spkiEd25519Prefix, raw]), format: 'der', type: 'spki' });
};

/** What is signed: the id and timestamp are ours (never user input) and hold no full stop. */
export const signedContent = (messageId: string, timestampSeconds: number, body: string): Buffer =>
  Buffer.from(`${messageId}.${timestampSeconds}.${body}`, 'utf8');

/** `v1,<base64 HMAC-SHA256>` with a `whsec_` secret. */
export const signV1 = (secret: string, messageId: string, timestampSeconds: number, body: string): string =>
  `v1,${createHmac('sha256', prefixed(secret, 'whsec_', 'A secret'))
    .update(signedContent(messageId, timestampSeconds, body))
    .digest('base64')}`;

/** `v1a,<base64 ed25519 signature>` with a `whsk_` key. */
export const signV1a = (
  signingKey: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string =>
  `v1a,${sign(null, signedContent(messageId, timestampSeconds, body), privateKeyOf(signingKey)).toString('base64')}`;

/**
 * The `webhook-signature` header: one signature per scheme and per key generation (current first,
 * then the previous one while a rotation's overlap lasts).
 */
export const signatureHeader = (
  schemes: readonly SignatureScheme[],
  generations: readonly SigningKeys[],
  messageId: string,
  timestampSeconds: number,
  body: string,
): string =>
  generations
    .flatMap((keys) =>
      schemes.flatMap((scheme) => {
        if (scheme === 'v1')
          return keys.secret ? [signV1(keys.secret, messageId, timestampSeconds, body)] : [];
        return keys.signingKey ? [signV1a(keys.signingKey, messageId, timestampSeconds, body)] : [];
      }),
    )
    .join(' ');

/** The three Standard Webhooks headers of one attempt. */
export const webhookHeaders = (
  messageId: string,
  sentAt: Date,
  body: string,
  schemes: readonly SignatureScheme[],
  generations: readonly SigningKeys[],
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> => {
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(schemes, generations, messageId, timestamp, body),
  };
};
