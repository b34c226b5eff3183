import { randomBytes } from 'node:crypto';
import type { IdSource } from '#shared/domain/events.ts';
import type { Clock } from '#shared/services/ports.ts';

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
