import { describe, expect, it } from 'vitest';
import { createCycleCache } from '#shared/dynamodb/cycle-cache.ts';
import type { CycleRecord } from '#shared/services/cycles/ports.ts';

/** The per-container cycle cache, on a clock the test moves (no timing). */

const cycleOf = (year: number, version: number) => ({ year, version }) as unknown as CycleRecord;

const setUp = () => {
  let clock = 0;
  const reads: number[] = [];
  const stored = new Map<number, CycleRecord>([[2026, cycleOf(2026, 1)]]);
  const cache = createCycleCache(
    async (year) => {
      reads.push(year);
      return stored.get(year);
    },
    { maxAgeMs: 60_000, now: () => clock },
  );
  return { cache, reads, stored, advance: (ms: number) => (clock += ms) };
};

describe('cycle cache', () => {
  it('serves a cached cycle until it is maxAge old, then reads again', async () => {
    // Prepare
    const { cache, reads, stored, advance } = setUp();
    await cache(2026, 'cached');
    stored.set(2026, cycleOf(2026, 2));

    // Act
    advance(59_999);
    const young = await cache(2026, 'cached');
    advance(1);
    const old = await cache(2026, 'cached');

    // Assess
    expect(young?.version).toBe(1);
    expect(old?.version).toBe(2);
    expect(reads).toEqual([2026, 2026]);
  });

  it('reads afresh when asked, and the fresh copy is cached', async () => {
    // Prepare
    const { cache, reads, stored } = setUp();
    await cache(2026, 'cached');
    stored.set(2026, cycleOf(2026, 2));

    // Act
    const fresh = await cache(2026, 'fresh');
    const cached = await cache(2026, 'cached');

    // Assess
    expect([fresh?.version, cached?.version]).toEqual([2, 2]);
    expect(reads).toEqual([2026, 2026]);
  });

  it('does not cache a cycle that does not exist: created a moment later, it is seen at once', async () => {
    // Prepare
    const { cache, stored } = setUp();
    expect(await cache(2027, 'cached')).toBeUndefined();

    // Act
    stored.set(2027, cycleOf(2027, 1));

    // Assess
    expect(await cache(2027, 'cached')).toMatchObject({ year: 2027 });
  });

  it('shares one read among concurrent misses of a year', async () => {
    // Prepare
    const { cache, reads } = setUp();

    // Act
    await Promise.all([cache(2026, 'cached'), cache(2026, 'cached'), cache(2026, 'cached')]);

    // Assess
    expect(reads).toEqual([2026]);
  });
});
