import type * as z from 'zod';
import { fieldErrorsFromZod, jsonPointer } from '#shared/api/field-errors.ts';
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

/**
 * Refuses a query parameter the route declares that was sent more than once
 * (`?scope=national&scope=provinsi`), naming each. API Gateway hands the function the values joined
 * by commas (`national,provinsi`; the local runtime does the same), so they would otherwise be read
 * as one value: a search for both words at once, or a refusal quoting options nobody sent.
 * Parameters the schema does not declare are left to it: a strict schema refuses them, the press
 * page's ignores them (a shared link may repeat `utm_source`).
 */
export const refuseRepeatedQuery = (schema: z.ZodType, rawQueryString: string | undefined): void => {
  if (!rawQueryString || !('shape' in schema) || typeof schema.shape !== 'object' || schema.shape === null)
    return;
  const declared = new Set(Object.keys(schema.shape));
  const counts = new Map<string, number>();
  for (const name of new URLSearchParams(rawQueryString).keys()) {
    if (declared.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const repeated = [...counts].filter(([, count]) => count > 1);
  const errors = repeated.map(([name, count]) => ({
    pointer: jsonPointer('query', [name]),
    detail: `Sent ${count} times: send it once`,
  }));
  const [only] = repeated;
  if (only === undefined) return;
  throw new ValidationError(
    repeated.length === 1
      ? `Invalid ${locationNames.query} ${jsonPointer('query', [only[0]])}: sent ${only[1]} times; send it once`
      : `${errors.length} invalid fields: ${errors.map((error) => error.pointer).join(', ')}`,
    { errors },
  );
};
