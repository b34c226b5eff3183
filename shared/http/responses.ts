import { etagOf } from '#shared/domain/versions.ts';

/**
 * The answer of every versioned PUT: 201 with `Location` when it created the record, 200 when it
 * updated it (or found it unchanged); both carry the record's ETag.
 */
export const putResponse = <B extends { readonly version: number }>(
  created: boolean,
  body: B,
  location: string,
) => {
  const headers: Record<string, string> = { etag: etagOf(body.version) };
  if (created) return { status: 201 as const, body, headers: { ...headers, location } };
  return { status: 200 as const, body, headers };
};

/** A page of a listing: `nextCursor` only while there is more. */
export const pageBody = <T>(result: { readonly items: T[]; readonly nextCursor: string | undefined }) => ({
  items: result.items,
  ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
});
