import type * as z from 'zod';
import type { FieldError } from '#shared/domain/errors.ts';

/**
 * zod issues as the API reports them: one field error per invalid field, located by a JSON pointer
 * into the request. Part of the contract (every 400 names its fields this way), so both the HTTP
 * adapter (request parts) and services (row-by-row imports) use it.
 */

/** RFC 6901: `~` and `/` inside a reference token are escaped. */
const escapePointerToken = (token: PropertyKey): string =>
  String(token).replaceAll('~', '~0').replaceAll('/', '~1');

/** `location` is the first token (`body`) or several (`['body', 'agencies', 3]`). */
export const jsonPointer = (
  location: string | readonly PropertyKey[],
  path: readonly PropertyKey[],
): string =>
  `/${[...(typeof location === 'string' ? [location] : location), ...path].map(escapePointerToken).join('/')}`;

/** The value at `path` inside `input`; undefined when it, or an object on the way, is not there. */
const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      typeof value === 'object' && value !== null
        ? (value as Readonly<Record<PropertyKey, unknown>>)[key]
        : undefined,
    input,
  );

/**
 * What a field that was not sent lacks. A schema's own message describes a valid value ("An instant
 * with its offset …"), zod's says `received undefined`: neither tells the client it left the field
 * out, so the detail says so first.
 */
const missingDetail = (message: string): string =>
  `Missing (required): ${message.replace(/^Invalid input: (expected [^,]+), received undefined$/, '$1')}`;

/**
 * Turns zod issues into one field error per invalid field, each located by a JSON pointer. Given the
 * input parsed (`{ value }`), a required field absent from it is reported as missing.
 */
export const fieldErrorsFromZod = (
  location: string | readonly PropertyKey[],
  error: z.ZodError,
  input?: { readonly value: unknown },
): FieldError[] =>
  error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        pointer: jsonPointer(location, [...issue.path, key]),
        detail: `Unknown field "${key}": it is not part of this request's schema.`,
      }));
    }
    const missing =
      input !== undefined &&
      issue.code === 'invalid_type' &&
      issue.path.length > 0 &&
      valueAt(input.value, issue.path) === undefined;
    return [
      {
        pointer: jsonPointer(location, issue.path),
        detail: missing ? missingDetail(issue.message) : issue.message,
      },
    ];
  });
