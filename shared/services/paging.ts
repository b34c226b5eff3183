import type { Page } from './ports.ts';

/**
 * Every item of a paged listing, page after page (one call while it fits one page). For listings
 * bounded by the programme's size — a cycle's agencies — that a use case must see whole.
 */
export const readWholeListing = async <T>(
  read: (page: { readonly limit: number; readonly cursor: string | undefined }) => Promise<Page<T>>,
  // DynamoDB's 1 MB page is usually the bound before this.
  pageSize = 1000,
): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit: pageSize, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};

/** An opaque cursor a service pages with: JSON, base64url. */
export const encodeOpaqueCursor = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** What {@link encodeOpaqueCursor} wrote, or undefined for anything else (the caller refuses it). */
export const decodeOpaqueCursor = (cursor: string): unknown => {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // Not base64url JSON: no cursor a listing returned.
    return undefined;
  }
};
