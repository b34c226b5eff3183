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
  // A field may break several rules (too short and not the pattern): it is one invalid field.
  const pointers = [...new Set(errors.map((error) => error.pointer))];
  const [only] = pointers;
  const summary =
    pointers.length === 1 && only !== undefined
      ? `Invalid ${locationNames[location] ?? location} ${only}: ${errors.map((error) => error.detail).join('; ')}`
      : `${pointers.length} invalid fields: ${pointers.join(', ')}`;
  throw new ValidationError(summary, { errors });
};
