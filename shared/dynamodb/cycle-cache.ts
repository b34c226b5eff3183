import type { CycleRecord } from '#shared/services/cycles/ports.ts';
import type { CycleFreshness } from '#shared/services/self-assessment/ports.ts';

/**
 * How long a container may serve a cycle's settings (framework, windows, predicate basis) from
 * memory: the self-assessment routes read them on every request, an admin changes them a few times
 * a year. A rescheduling therefore shows in reads within this age; writes are never decided on a
 * stale copy: each carries a check of the cycle's version in its transaction, and a refusal based
 * on a cached copy is re-checked against a fresh read (see `shared/services/self-assessment`).
 */
export const cycleCacheMaxAgeMs = 60_000;

export interface CycleCacheOptions {
  readonly maxAgeMs?: number;
  /** Milliseconds on a clock that never goes back (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * A per-container cache of cycles in front of `read` (one GetItem). Misses are not cached (a cycle
 * created a moment later is seen at once), and concurrent misses of one year share one read.
 */
export const createCycleCache = (
  read: (year: number) => Promise<CycleRecord | undefined>,
  options: CycleCacheOptions = {},
) => {
  const maxAgeMs = options.maxAgeMs ?? cycleCacheMaxAgeMs;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<number, { readonly cycle: CycleRecord; readonly readAt: number }>();
  const inFlight = new Map<number, Promise<CycleRecord | undefined>>();

  const refresh = (year: number): Promise<CycleRecord | undefined> => {
    const pending = inFlight.get(year);
    if (pending) return pending;
    const readAt = now();
    const reading = read(year)
      .then((cycle) => {
        if (cycle) entries.set(year, { cycle, readAt });
        else entries.delete(year);
        return cycle;
      })
      .finally(() => inFlight.delete(year));
    inFlight.set(year, reading);
    return reading;
  };

  return async (year: number, freshness: CycleFreshness): Promise<CycleRecord | undefined> => {
    const entry = entries.get(year);
    if (freshness === 'cached' && entry && now() - entry.readAt < maxAgeMs) return entry.cycle;
    return refresh(year);
  };
};
