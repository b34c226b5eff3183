import type * as z from 'zod';
import { fieldErrorsFromZod } from '#shared/api/field-errors.ts';
import { ValidationError } from '#shared/domain/errors.ts';

const locationNames: Readonly<Record<string, string>> = {
  params: 'path parameter',
  query: 'query parameter',
  body: 'body field',
  headers: 'header',
};

/**
 * How many invalid query parameters a problem names. A URL of 10 KB can carry a thousand unknown
 * parameters, and naming each (pointer and reason) answered 14 times the request's size to anyone,
 * no token needed; nobody mistypes twenty. Bodies are listed whole: an import needs every bad row.
 */
export const queryErrorsNamed = 20;

/** The first `queryErrorsNamed` of a query's errors, and how many were left out. */
export const boundQueryErrors = <E>(errors: readonly E[]): { shown: readonly E[]; more: number } => ({
  shown: errors.slice(0, queryErrorsNamed),
  more: Math.max(0, errors.length - queryErrorsNamed),
});

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
  const all = fieldErrorsFromZod(location, result.error);
  // A field may break several rules (too short and not the pattern): it is one invalid field.
  const pointers = [...new Set(all.map((error) => error.pointer))];
  const [only] = pointers;
  if (pointers.length === 1 && only !== undefined) {
    throw new ValidationError(
      `Invalid ${locationNames[location] ?? location} ${only}: ${all.map((error) => error.detail).join('; ')}`,
      { errors: all },
    );
  }
  if (location !== 'query') {
    throw new ValidationError(`${pointers.length} invalid fields: ${pointers.join(', ')}`, { errors: all });
  }
  const named = boundQueryErrors(pointers);
  const errors = all.filter((error) => named.shown.includes(error.pointer));
  throw new ValidationError(
    `${pointers.length} invalid fields: ${named.shown.join(', ')}${named.more > 0 ? `, and ${named.more} more` : ''}`,
    { errors },
  );
};
