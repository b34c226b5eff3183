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

  it('reads a cycle’s years in Jakarta time (WIB): midnight of 1 January WIB opens a window in them', async () => {
    // Prepare: the 2028 cycle may start on 1 January 2027, as the review team in Jakarta counts it.
    const cycles = createCycleService(createMemoryPorts());
    const windows = {
      selfAssessment: { opensAt: '2027-01-01T00:00:00+07:00', closesAt: '2027-03-31T23:59:59+07:00' },
      documentAssessment: { opensAt: '2027-04-01T00:00:00+07:00', closesAt: '2027-05-01T00:00:00+07:00' },
      appeals: { opensAt: '2027-06-01T00:00:00+07:00', closesAt: '2027-06-15T00:00:00+07:00' },
      publication: { at: '2027-07-01T00:00:00+07:00' },
    };

    // Act
    const opened = await cycles
      .createCycle(actor(), { ...openCycle(), year: 2028, windows })
      .catch((caught: unknown) => caught);
    // One second before that midnight is still 2026 in Jakarta, and the refusal says so in WIB.
    const early = await cycles
      .createCycle(actor(), {
        ...openCycle(),
        year: 2029,
        windows: {
          ...windows,
          selfAssessment: { opensAt: '2027-12-31T16:59:59Z', closesAt: '2028-03-31T23:59:59+07:00' },
          documentAssessment: { opensAt: '2028-04-01T00:00:00+07:00', closesAt: '2028-05-01T00:00:00+07:00' },
          appeals: { opensAt: '2028-06-01T00:00:00+07:00', closesAt: '2028-06-15T00:00:00+07:00' },
          publication: { at: '2028-07-01T00:00:00+07:00' },
        },
      })
      .catch((caught: unknown) => caught);

    // Assess
    expect(opened).toMatchObject({ year: 2028 });
    expect(early).toBeInstanceOf(ValidationError);
    expect((early as ValidationError).errors).toEqual([
      {
        pointer: '/body/windows/selfAssessment/opensAt',
        detail:
          '2027-12-31T16:59:59Z is outside the 2029 cycle’s years: from 2028-01-01T00:00:00+07:00 (WIB) to before 2032-01-01T00:00:00+07:00.',
      },
    ]);
  });

  it('names the deadline a window overlaps as the admin wrote it, in its own offset', async () => {
    // Prepare: the documents open on 1 April while the self-assessment runs to 30 April (WIB), and
    // the publication falls before the appeals close.
    const cycles = createCycleService(createMemoryPorts());
    const windows = {
      selfAssessment: { opensAt: '2027-01-04T08:00:00+07:00', closesAt: '2027-04-30T23:59:59+07:00' },
      documentAssessment: { opensAt: '2027-04-01T00:00:00+07:00', closesAt: '2027-05-31T00:00:00+07:00' },
      appeals: { opensAt: '2027-06-01T00:00:00+07:00', closesAt: '2027-06-15T00:00:00+07:00' },
      publication: { at: '2027-06-10T00:00:00+07:00' },
    };

    // Act
    const error = await cycles
      .createCycle(actor(), { ...openCycle(), year: 2027, windows })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      {
        pointer: '/body/windows/documentAssessment/opensAt',
        detail:
          'The documentAssessment window must open no earlier than the selfAssessment window closes (2027-04-30T23:59:59+07:00).',
      },
      {
        pointer: '/body/windows/publication/at',
        detail:
          'Publication must come no earlier than the appeals window closes (2027-06-15T00:00:00+07:00).',
      },
    ]);
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

  it('shows who opened a cycle to admins only', async () => {
    const cycle = await createCycleService(createMemoryPorts()).createCycle(actor(), openCycle());
    expect(cycleView(cycle, now, 'admin')).toHaveProperty('createdBy', 'admin-1');
    expect(cycleView(cycle, now, 'agency')).not.toHaveProperty('createdBy');
    expect(cycleView(cycle, now, 'assessor')).not.toHaveProperty('createdBy');
  });
});

describe('rescheduling after stages opened (in-memory ports)', () => {
  const evaluasi = (visitOpensIn: number) =>
    openCycle({
      type: 'evaluasi',
      windows: {
        selfAssessment: { opensAt: at(-60), closesAt: at(-50) },
        documentAssessment: { opensAt: at(-49), closesAt: at(-30) },
        interviewAssessment: { opensAt: at(-29), closesAt: at(-20) },
        visitAssessment: { opensAt: at(visitOpensIn), closesAt: at(visitOpensIn + 10) },
        appeals: { opensAt: at(visitOpensIn + 11), closesAt: at(visitOpensIn + 20) },
        publication: { at: at(visitOpensIn + 30) },
      },
    });

  it('refuses to remove a visit window that has opened (its scores would stop counting), 409 naming it', async () => {
    // Prepare: the visit stage opened yesterday
    const cycles = createCycleService(createMemoryPorts());
    const cycle = await cycles.createCycle(actor(), evaluasi(-1));
    const { visitAssessment: _removed, ...withoutVisit } = cycle.windows;

    // Act
    const error = await cycles
      .rescheduleCycle(actor(), 2026, withoutVisit, cycle.version)
      .catch((caught: unknown) => caught);
    // Closing it early is allowed.
    const closed = await cycles.rescheduleCycle(
      actor(),
      2026,
      { ...cycle.windows, visitAssessment: { opensAt: at(-1), closesAt: at(0) } },
      cycle.version,
    );

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors).toEqual([
      {
        pointer: '/body/visitAssessment',
        detail: expect.stringMatching(
          /^The visitAssessment window opened at .+: scores given in it count toward the final index, .+ It can close early \(closesAt\) but not be removed\.$/,
        ),
      },
    ]);
    expect(closed.version).toBe(2);
  });

  it('removes a visit window that has not opened yet', async () => {
    const cycles = createCycleService(createMemoryPorts());
    const cycle = await cycles.createCycle(actor(), evaluasi(5));
    const { visitAssessment: _removed, ...withoutVisit } = cycle.windows;

    const rescheduled = await cycles.rescheduleCycle(actor(), 2026, withoutVisit, cycle.version);

    expect(rescheduled.windows.visitAssessment).toBeUndefined();
  });
});

describe('rescheduling an opened visit window to open later (in-memory ports)', () => {
  const evaluasi = (visitOpensIn: number) =>
    openCycle({
      type: 'evaluasi',
      windows: {
        selfAssessment: { opensAt: at(-60), closesAt: at(-50) },
        documentAssessment: { opensAt: at(-49), closesAt: at(-30) },
        interviewAssessment: { opensAt: at(-29), closesAt: at(-20) },
        visitAssessment: { opensAt: at(visitOpensIn), closesAt: at(visitOpensIn + 10) },
        appeals: { opensAt: at(visitOpensIn + 11), closesAt: at(visitOpensIn + 20) },
        publication: { at: at(visitOpensIn + 30) },
      },
    });

  it('refuses it: moved to open later, the window could then be removed, its scores with it (409)', async () => {
    // Prepare: the visit stage opened yesterday
    const cycles = createCycleService(createMemoryPorts());
    const cycle = await cycles.createCycle(actor(), evaluasi(-1));

    // Act: the first of two steps that would remove it (moved to open in two days, then dropped)
    const error = await cycles
      .rescheduleCycle(
        actor(),
        2026,
        { ...cycle.windows, visitAssessment: { opensAt: at(2), closesAt: at(9) } },
        cycle.version,
      )
      .catch((caught: unknown) => caught);
    // Moving its opening within the past stays allowed.
    const moved = await cycles.rescheduleCycle(
      actor(),
      2026,
      { ...cycle.windows, visitAssessment: { opensAt: at(-2), closesAt: at(9) } },
      cycle.version,
    );

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors).toEqual([
      {
        pointer: '/body/visitAssessment/opensAt',
        detail: expect.stringMatching(
          /^The visitAssessment window opened at .+: it cannot be moved to open later \(.+\), since .+ It can close early \(closesAt\)\.$/,
        ),
      },
    ]);
    expect(moved.version).toBe(2);
  });
});
