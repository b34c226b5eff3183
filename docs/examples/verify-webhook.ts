import { createPublicKey, verify } from 'node:crypto';

/** Verifies a Standard Webhooks `v1a` (ed25519) signature with the endpoint's `whpk_` public key. */
export function verifyWebhook(
  publicKey: string,
  headers: Record<string, string | undefined>,
  rawBody: string,
  nowMs = Date.now(),
): boolean {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  if (!id || !Number.isInteger(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - timestamp) > 300) return false; // stale or replayed: 5-minute tolerance
  const x = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64').toString('base64url');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  const signed = Buffer.from(`${id}.${timestamp}.${rawBody}`);
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1a' && !!signature && verify(null, signed, key, Buffer.from(signature, 'base64'));
  });
}
