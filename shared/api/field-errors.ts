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

/** Turns zod issues into one field error per invalid field, each located by a JSON pointer. */
export const fieldErrorsFromZod = (
  location: string | readonly PropertyKey[],
  error: z.ZodError,
): FieldError[] =>
  error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        pointer: jsonPointer(location, [...issue.path, key]),
        detail: `Unknown field "${key}": it is not part of this request's schema.`,
      }));
    }
    return [{ pointer: jsonPointer(location, issue.path), detail: issue.message }];
  });
