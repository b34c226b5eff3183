import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { lazyShape } from '#shared/api/lazy-shape.ts';

/** A shape whose builds are counted. */
const countedShape = () => {
  const builds = { count: 0 };
  const shape = lazyShape(() => {
    builds.count += 1;
    return { name: z.string().min(1).meta({ description: 'A name' }), year: z.int().min(2018) };
  });
  return { builds, shape };
};

describe('lazyShape', () => {
  it('builds no field while the schema is made, wrapped and described', () => {
    const { builds, shape } = countedShape();
    z.strictObject(shape).meta({ id: 'LazyShapeProbe' }).optional().describe('probe');
    expect(builds.count).toBe(0);
  });

  it('builds the fields once, on the first parse, and then parses as the plain object would', () => {
    const { builds, shape } = countedShape();
    const lazy = z.strictObject(shape).meta({ description: 'Lazy' });
    const plain = z.strictObject({ name: z.string().min(1), year: z.int().min(2018) });
    const inputs = [{ name: 'Jatim', year: 2026 }, { name: '', year: 2017 }, { name: 'x', extra: 1 }, null];
    for (const input of inputs) {
      expect(lazy.safeParse(input).success).toBe(plain.safeParse(input).success);
      expect(lazy.safeParse(input).error?.issues).toEqual(plain.safeParse(input).error?.issues);
    }
    expect(builds.count).toBe(1);
  });

  it('gives every schema made from the same shape the same field schemas', () => {
    const { builds, shape } = countedShape();
    const base = z.object(shape);
    const described = base.meta({ description: 'Described' });
    const withoutYear = described.omit({ year: true });
    expect(described.shape.name).toBe(base.shape.name);
    expect(withoutYear.shape.name).toBe(base.shape.name);
    expect(Object.keys(withoutYear.shape)).toEqual(['name']);
    expect(builds.count).toBe(1);
  });
});
