/**
 * Versioned records: every record written under optimistic concurrency carries a version that
 * starts at 1 and grows by one per change. Over HTTP it is the strong ETag `"<version>"`.
 */
export const etagOf = (version: number): string => `"${version}"`;
