import { foreignCursorError } from '#shared/domain/errors.ts';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '#shared/services/paging.ts';
import type { Page, PageRequest } from '#shared/services/ports.ts';

/** The key a memory listing's cursor resumes after; 400 for a cursor it did not return. */
const afterOf = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  const value = decodeOpaqueCursor(cursor) as { after?: unknown } | null | undefined;
  if (typeof value?.after === 'string') return value.after;
  throw foreignCursorError();
};

/**
 * A page of `items` already in listing order, keyed by `keyOf` (an index's sort key), strictly after
 * the cursor's key: what a Query with ExclusiveStartKey answers, for the in-memory ports.
 */
export const pageAfter = <T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  page: PageRequest,
  descending = false,
): Page<T> => {
  const after = afterOf(page.cursor);
  const rest =
    after === undefined
      ? items
      : items.filter((item) => (descending ? keyOf(item) < after : keyOf(item) > after));
  const slice = rest.slice(0, page.limit);
  const last = slice.at(-1);
  return {
    items: [...slice],
    nextCursor: rest.length > page.limit && last ? encodeOpaqueCursor({ after: keyOf(last) }) : undefined,
  };
};
