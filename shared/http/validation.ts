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
 * no token needed; nobody mistypes twenty. It is also how many fields any problem's `detail` names:
 * `errors` carries them all for programs, the detail is read by a person.
 */
export const queryErrorsNamed = 20;

/**
 * How many invalid fields of a body `errors` lists: as many as the largest import has rows, so that
 * a file wrong once per row is named whole. A file wrong in every field (levels on a 0–4 scale in a
 * 2 MB import: a million fields) was answered field by field, at 15 times its size, and deployed
 * past Lambda's 6 MB response limit: a 502 instead of a 400.
 */
export const bodyErrorsNamed = 2000;

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
  const all = fieldErrorsFromZod(location, result.error, { value });
  // A field may break several rules (too short and not the pattern): it is one invalid field.
  const pointers = [...new Set(all.map((error) => error.pointer))];
  const [only] = pointers;
  if (pointers.length === 1 && only !== undefined) {
    throw new ValidationError(
      `Invalid ${locationNames[location] ?? location} ${only}: ${all.map((error) => error.detail).join('; ')}`,
      { errors: all },
    );
  }
  const listed = new Set(pointers.slice(0, location === 'query' ? queryErrorsNamed : bodyErrorsNamed));
  const errors = all.filter((error) => listed.has(error.pointer));
  const named = boundQueryErrors(pointers);
  const cut = listed.size < pointers.length ? ` (errors lists the first ${listed.size})` : '';
  throw new ValidationError(
    `${pointers.length} invalid fields: ${named.shown.join(', ')}${named.more > 0 ? `, and ${named.more} more${cut}` : ''}`,
    { errors },
  );
};

/** A query component as API Gateway decodes it (`+` is a space), or undefined if not valid percent-encoded UTF-8. */
const decodeQueryComponent = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};

/**
 * Refuses a query parameter the route declares that was sent more than once
 * (`?scope=national&scope=provinsi`) or whose value is not valid percent-encoded UTF-8 (`?q=100%`,
 * `?q=%ff`), naming each. API Gateway hands the function repeated values joined by commas
 * (`national,provinsi`; the local runtime does the same), and a broken escape as something else
 * (`%ff` becomes U+FFFD), so either would otherwise be read as a value nobody sent: a search for
 * both words at once, or a refusal quoting options or words that are not the client's.
 * Parameters the schema does not declare are left to it: a strict schema refuses them, the press
 * page's ignores them (a shared link may repeat `utm_source`).
 */
export const refuseUnreadableQuery = (schema: z.ZodType, rawQueryString: string | undefined): void => {
  if (!rawQueryString || !('shape' in schema) || typeof schema.shape !== 'object' || schema.shape === null)
    return;
  const declared = new Set(Object.keys(schema.shape));
  const counts = new Map<string, number>();
  const malformed = new Set<string>();
  for (const part of rawQueryString.split('&')) {
    const separator = part.indexOf('=');
    const name = decodeQueryComponent(separator === -1 ? part : part.slice(0, separator));
    if (name === undefined || !declared.has(name)) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (separator !== -1 && decodeQueryComponent(part.slice(separator + 1)) === undefined)
      malformed.add(name);
  }
  const problems = [...counts].flatMap(([name, count]): [string, string][] => [
    ...(count > 1 ? [[name, `Sent ${count} times: send it once`] as [string, string]] : []),
    ...(malformed.has(name)
      ? [
          [name, 'Not valid percent-encoding: % must start an escape of UTF-8 (send %25 for a % sign)'] as [
            string,
            string,
          ],
        ]
      : []),
  ]);
  const errors = problems.map(([name, detail]) => ({ pointer: jsonPointer('query', [name]), detail }));
  // One parameter sent twice with a broken escape is one invalid field with two problems.
  const pointers = [...new Set(errors.map((error) => error.pointer))];
  const [only] = pointers;
  if (only === undefined) return;
  const lowerFirst = (detail: string) => `${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
  throw new ValidationError(
    pointers.length === 1
      ? `Invalid ${locationNames.query} ${only}: ${errors.map((error) => lowerFirst(error.detail)).join('; ')}`
      : `${pointers.length} invalid fields: ${pointers.join(', ')}`,
    { errors },
  );
};
