import { describe, expect, it } from 'vitest';
import type { CycleCreate } from '#shared/api/cycles/schemas.ts';
import { defaultAwardRules2023 } from '#shared/domain/awards/rules.ts';
import { ConflictError, ValidationError } from '#shared/domain/errors.ts';
import { createMemoryPorts } from '#shared/memory/ports.ts';
import { createCycleService, cycleView } from '#shared/services/cycles/cycles.ts';
import { actor, at, now, openCycle } from './support.ts';

const pointersOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).errors.map((field) => field.pointer);
};

describe('cycle rules (in-memory ports)', () => {
  it('opens one cycle per year: the second is 409', async () => {
    const cycles = createCycleService(createMemoryPorts());
    await expect(cycles.createCycle(actor(), openCycle())).resolves.toMatchObject({ year: 2026, version: 1 });
    await expect(cycles.createCycle(actor(), openCycle())).rejects.toThrow(ConflictError);
  });

  it('refuses windows out of order and windows that cannot belong to the year, naming each', async () => {
    const cycles = createCycleService(createMemoryPorts());
    const base = openCycle();
    expect(
      await pointersOf(
        cycles.createCycle(actor(), {
          ...base,
          windows: {
            ...base.windows,
            appeals: {
              opensAt: base.windows.selfAssessment.opensAt,
              closesAt: base.windows.appeals.closesAt,
            },
          },
        }),
      ),
    ).toContain('/body/windows/appeals/opensAt');
    expect(await pointersOf(cycles.createCycle(actor(), { ...base, year: 2094 }))).toEqual(
      expect.arrayContaining(['/body/windows/selfAssessment/opensAt', '/body/windows/publication/at']),
    );
  });

  it('refuses award rules the award selection would refuse, naming each field', async () => {
    // Prepare
    const cycles = createCycleService(createMemoryPorts());
    // The default rules as a client would send them (plain, mutable JSON).
    const rules = JSON.parse(JSON.stringify(defaultAwardRules2023)) as NonNullable<CycleCreate['awardRules']>;
    const [first, second] = rules.categories;
    if (!first || !second) throw new Error('no categories');

    // Act
    const pointers = await pointersOf(
      cycles.createCycle(actor(), {
        ...openCycle(),
        awardRules: {
          ...rules,
          categories: [
            { ...first, eligibility: { minPredicate: 'istimewa' } },
            { ...second, id: first.id, measure: 'domain-7', groups: [['provinsi'], ['provinsi']] },
          ],
        },
      }),
    );

    // Assess
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/body/awardRules/categories/0/eligibility/minPredicate',
        '/body/awardRules/categories/1/id',
        '/body/awardRules/categories/1/measure',
        '/body/awardRules/categories/1/groups/1/0',
      ]),
    );
  });

  it('keeps a publication time that has passed: moving it (the results, the ranking made private again) is 409', async () => {
    // Prepare: a cycle published ten days ago
    const cycles = createCycleService(createMemoryPorts());
    const published = {
      selfAssessment: { opensAt: at(-60), closesAt: at(-50) },
      documentAssessment: { opensAt: at(-49), closesAt: at(-30) },
      appeals: { opensAt: at(-29), closesAt: at(-20) },
      publication: { at: at(-10) },
    };
    await cycles.createCycle(actor(), openCycle({ windows: published }));

    // Act
    const later = await cycles
      .rescheduleCycle(actor(), 2026, { ...published, publication: { at: at(5) } }, 1)
      .catch((caught: unknown) => caught);
    const earlier = await cycles
      .rescheduleCycle(actor(), 2026, { ...published, publication: { at: at(-15) } }, 1)
      .catch((caught: unknown) => caught);

    // Assess
    for (const error of [later, earlier]) {
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).errors.map((field) => field.pointer)).toEqual(['/body/publication/at']);
    }
    expect((later as ConflictError).detail).toContain(`published at ${at(-10)}`);
    // The same instant in another spelling, and the past windows before it, may still be written.
    const sameInstant = at(-10).replace('.000Z', 'Z');
    await expect(
      cycles.rescheduleCycle(
        actor(),
        2026,
        { ...published, appeals: { opensAt: at(-29), closesAt: at(-19) }, publication: { at: sameInstant } },
        1,
      ),
    ).resolves.toMatchObject({ version: 2 });
  });

  it('shows who opened a cycle to admins only', async () => {
    const cycle = await createCycleService(createMemoryPorts()).createCycle(actor(), openCycle());
    expect(cycleView(cycle, now, 'admin')).toHaveProperty('createdBy', 'admin-1');
    expect(cycleView(cycle, now, 'agency')).not.toHaveProperty('createdBy');
    expect(cycleView(cycle, now, 'assessor')).not.toHaveProperty('createdBy');
  });
});
