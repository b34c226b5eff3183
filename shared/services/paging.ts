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
