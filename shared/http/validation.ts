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
  const first = errors[0];
  const summary =
    errors.length === 1 && first
      ? `Invalid ${locationNames[location] ?? location} ${first.pointer}: ${first.detail}`
      : `${errors.length} invalid fields: ${errors.map((e) => e.pointer).join(', ')}`;
  throw new ValidationError(summary, { errors });
};
