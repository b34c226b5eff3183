import type * as z from 'zod';

/**
 * A stored item as the record its schema describes: the schema's fields, nothing else (keys, index
 * attributes and `entity` stay in storage). Not re-validated: items were validated on the way in,
 * and reads are on hot paths.
 */
export const recordFromItem = <S extends z.ZodObject>(
  schema: S,
  item: Readonly<Record<string, unknown>>,
): z.output<S> =>
  Object.fromEntries(
    Object.keys(schema.shape)
      .filter((field) => item[field] !== undefined)
      .map((field) => [field, item[field]]),
  ) as z.output<S>;
