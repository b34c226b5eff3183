import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IdSource } from '#shared/domain/events.ts';
import type { Clock } from '#shared/services/ports.ts';
import type { SecretSource } from '#shared/services/webhooks/ports.ts';

/** The server's clock: windows, audit times and event times come from it. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Time-ordered unique ids: 48 bits of milliseconds and 80 random bits, in a sortable base32 (the
 * ULID layout), so ids created later sort later in keys and listings. Hand-written: eleven lines
 * against a dependency for the same.
 */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const encode = (value: bigint, length: number): string => {
  let text = '';
  let rest = value;
  for (let index = 0; index < length; index += 1) {
    text = alphabet[Number(rest % 32n)] + text;
    rest /= 32n;
  }
  return text;
};

export const ulid = (time = Date.now()): string =>
  encode(BigInt(time), 10) + encode(BigInt(`0x${randomBytes(10).toString('hex')}`), 16);

export const systemIds: IdSource = { next: (prefix) => `${prefix}_${ulid()}` };

/**
 * Webhook signing keys from the system's CSPRNG: `whsec_` + base64 of 32 random bytes (the Standard
 * Webhooks spec asks for 24–64), and ed25519 pairs as `whsk_` (seed ‖ public key, Svix's layout) and
 * `whpk_` (the raw 32-byte public key).
 */
export const systemSecrets: SecretSource = {
  newSecret: () => `whsec_${randomBytes(32).toString('base64')}`,
  newKeyPair: () => {
    const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const seed = Buffer.from(jwk.d ?? '', 'base64url');
    const publicKey = Buffer.from(jwk.x ?? '', 'base64url');
    return {
      signingKey: `whsk_${Buffer.concat([seed, publicKey]).toString('base64')}`,
      publicKey: `whpk_${publicKey.toString('base64')}`,
    };
  },
};
