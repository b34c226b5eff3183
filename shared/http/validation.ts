import type * as z from 'zod';
import { type FieldError, ValidationError } from '../errors.ts';

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

const locationNames: Readonly<Record<string, string>> = {
  params: 'path parameter',
  query: 'query parameter',
  body: 'body field',
  headers: 'header',
};

/**
 * Validates one part of a request (`params`, `query`, `body`) against its schema; throws a
 * `ValidationError` whose `errors[]` points at every invalid field.
 */
export const parseRequestPart = <S extends z.ZodType>(
  location: string,
  schema: S,
  value: unknown,
): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrorsFromZod(location, result.error);
  const first = errors[0];
  const summary =
    errors.length === 1 && first
      ? `Invalid ${locationNames[location] ?? location} ${first.pointer}: ${first.detail}`
      : `${errors.length} invalid fields: ${errors.map((e) => e.pointer).join(', ')}`;
  throw new ValidationError(summary, { errors });
};
