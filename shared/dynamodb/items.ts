import type * as z from 'zod';

/** Each schema's field names, listed once: reads map dozens of items a request (47 answers). */
const fieldsBySchema = new WeakMap<z.ZodObject, readonly string[]>();

const fieldsOf = (schema: z.ZodObject): readonly string[] => {
  let fields = fieldsBySchema.get(schema);
  if (fields === undefined) {
    fields = Object.keys(schema.shape);
    fieldsBySchema.set(schema, fields);
  }
  return fields;
};

/**
 * A stored item as the record its schema describes: the schema's fields, nothing else (keys, index
 * attributes and `entity` stay in storage). Not re-validated: items were validated on the way in,
 * and reads are on hot paths.
 */
export const recordFromItem = <S extends z.ZodObject>(
  schema: S,
  item: Readonly<Record<string, unknown>>,
): z.output<S> => {
  const record: Record<string, unknown> = {};
  for (const field of fieldsOf(schema)) {
    if (item[field] !== undefined) record[field] = item[field];
  }
  return record as z.output<S>;
};
