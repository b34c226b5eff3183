import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { createCycleService } from '#shared/services/cycles/cycles.ts';
import type { CycleRecord } from '#shared/services/cycles/ports.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import type { SelfAssessmentStore } from '#shared/services/self-assessment/ports.ts';
import { createSelfAssessmentService } from '#shared/services/self-assessment/self-assessment.ts';
import { actor, answers, at, openCycle, operatorOf, preparedPorts, sequentialIds } from './support.ts';

const setUp = async () => {
  const ports = await preparedPorts();
  return { ports, service: createSelfAssessmentService({ ...ports, ids: sequentialIds() }) };
};

const jatim = operatorOf('prov-jawa-timur');

describe('self-assessment rules (in-memory ports)', () => {
  it('shows an agency’s self-assessment to its operator and admins only: everyone else gets 404', async () => {
    const { service } = await setUp();
    await expect(service.read(jatim, 2026, 'prov-jawa-timur')).resolves.toMatchObject({ version: 0 });
    await expect(service.read(actor(), 2026, 'prov-jawa-timur')).resolves.toMatchObject({ status: 'draft' });
    await expect(service.read(operatorOf('prov-jawa-barat'), 2026, 'prov-jawa-timur')).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      service.read(actor({ role: 'assessor', subject: 'asesor' }), 2026, 'prov-jawa-timur'),
    ).rejects.toThrow(NotFoundError);
  });

  it('saves under the version read (412 when stale), and an unchanged save keeps the version', async () => {
    // Prepare
    const { ports, service } = await setUp();
    const first = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(2));

    // Act
    const stale = service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(3));
    const same = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 1, answers(2));

    // Assess
    expect(first).toMatchObject({ version: 1, answeredCount: 2 });
    await expect(stale).rejects.toThrow(PreconditionFailedError);
    expect(same.version).toBe(1);
    expect(ports.commits()).toBe(4); // two agencies, the cycle, one save
  });

  it('answers a save retried after its response was lost (stale If-Match, answers already stored as sent) with the current version, writing nothing', async () => {
    // Prepare: the first save went through; its response never arrived
    const { ports, service } = await setUp();
    await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(2));
    const commits = ports.commits();

    // Act: the same request again, with the If-Match it was first sent with (RFC 9110 §13.1.1)
    const retried = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(2));

    // Assess: nothing to lose, so no 412; a different change from that version is still refused
    expect(retried).toMatchObject({ version: 1, answeredCount: 2 });
    expect(ports.commits()).toBe(commits);
    await expect(service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(2, 4))).rejects.toThrow(
      PreconditionFailedError,
    );
  });

  it('lets one of two saves from the same version win; the other gets 412 (lost race at commit)', async () => {
    const { service } = await setUp();
    const results = await Promise.allSettled([
      service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(1, 2)),
      service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(1, 4)),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(PreconditionFailedError);
  });

  it('answers both of two identical saves racing from the same version (a double click) with the saved state', async () => {
    // Prepare
    const { service } = await setUp();

    // Act: the same answers twice at once; one commits, the other loses the race at commit
    const results = await Promise.all([
      service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(2, 4)),
      service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(2, 4)),
    ]);

    // Assess: nothing was lost, so no 412; both show the one version that was written
    expect(results.map((result) => result.version)).toEqual([1, 1]);
    expect(results[1]?.answers).toEqual(results[0]?.answers);
  });

  it('says that a year has no cycle, rather than that the agency has no self-assessment in it', async () => {
    // Prepare
    const { service } = await setUp();

    // Act
    const reads = await Promise.all(
      [
        service.read(jatim, 2031, 'prov-jawa-timur'),
        service.saveAnswers(jatim, 2031, 'prov-jawa-timur', 0, answers(1)),
        service.submit(jatim, 2031, 'prov-jawa-timur', undefined),
      ].map((attempt) => attempt.catch((error: unknown) => error)),
    );

    // Assess: a mistyped year reads as one (the cycles are public to every token)
    for (const error of reads) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toBe('No cycle for 2031.');
    }
    // Another agency’s self-assessment still answers like a missing one, whatever the year
    await expect(service.read(operatorOf('prov-jawa-barat'), 2031, 'prov-jawa-timur')).rejects.toThrow(
      'No self-assessment of agency "prov-jawa-timur" in the 2031 cycle.',
    );
  });

  it('refuses indicators the framework does not have, naming them', async () => {
    const { service } = await setUp();
    const write = {
      indicatorNo: 48,
      level: 3 as const,
      explanation: '',
      evidence: [],
      pointer: '/params/no',
    };
    const error = await service
      .saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, [write])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([expect.objectContaining({ pointer: '/params/no' })]);
  });

  it('refuses saves outside the window (409), naming the window', async () => {
    // Prepare: a 2025 cycle whose self-assessment closed
    const { ports, service } = await setUp();
    await createCycleService(ports).createCycle(
      actor(),
      openCycle({
        year: 2025,
        windows: {
          selfAssessment: { opensAt: at(-60), closesAt: at(-30) },
          documentAssessment: { opensAt: at(-29), closesAt: at(5) },
          appeals: { opensAt: at(6), closesAt: at(10) },
          publication: { at: at(20) },
        },
      }),
    );

    // Act
    const error = await service
      .saveAnswers(jatim, 2025, 'prov-jawa-timur', 0, answers(1))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain('window');
  });

  describe('on a cycle read from the container’s cache', () => {
    /** The store as a container sees it: `cached` answers with `copy`, `fresh` reads the cycle. */
    const cachedAs = async (copy: (current: CycleRecord) => CycleRecord) => {
      const { ports } = await setUp();
      const freshReads: number[] = [];
      const selfAssessments: SelfAssessmentStore = {
        ...ports.selfAssessments,
        cycle: async (year, freshness) => {
          const current = await ports.selfAssessments.cycle(year, 'fresh');
          if (freshness === 'fresh') freshReads.push(year);
          return freshness === 'cached' && current ? copy(current) : current;
        },
      };
      const service = createSelfAssessmentService({ ...ports, selfAssessments, ids: sequentialIds() });
      return { ports, service, freshReads };
    };

    it('decides a save again on a fresh read when the cached copy refused it (the window was reopened)', async () => {
      // Prepare: the cached copy still has the window closed
      const { service, freshReads } = await cachedAs((current) => ({
        ...current,
        windows: { ...current.windows, selfAssessment: { opensAt: at(-30), closesAt: at(-20) } },
      }));

      // Act
      const saved = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(1));

      // Assess
      expect(saved).toMatchObject({ version: 1, window: { open: true } });
      expect(freshReads).toEqual([2026]);
    });

    it('decides a save again when the transaction finds the cycle rescheduled since the cached copy', async () => {
      // Prepare: the cycle is rescheduled (version 2) after the container cached version 1
      const { ports, service, freshReads } = await cachedAs((current) => ({ ...current, version: 1 }));
      const cycles = createCycleService(ports);
      const cycle = await cycles.getCycle(2026);
      const windows = { ...cycle.windows, selfAssessment: { opensAt: at(-9), closesAt: at(21) } };
      expect((await cycles.rescheduleCycle(actor(), 2026, windows, cycle.version)).version).toBe(2);

      // Act
      const saved = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(1));

      // Assess
      expect(saved.version).toBe(1);
      expect(freshReads).toEqual([2026]);
    });
  });

  it('refuses saves for an inactive agency (409): the transaction checks it, no read', async () => {
    // Prepare
    const { ports, service } = await setUp();
    const agencies = createAgencyService(ports);
    await agencies.putAgency(
      actor(),
      'prov-jawa-timur',
      { name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi', active: false },
      1,
    );

    // Act
    const error = await service
      .saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(1))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain('inactive');
    await expect(service.read(jatim, 2026, 'prov-jawa-timur')).resolves.toMatchObject({ version: 0 });
  });

  it('submits only when all 47 are answered (409 listing the rest), then freezes the answers', async () => {
    // Prepare
    const { ports, service } = await setUp();
    const partial = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(45));

    // Act + Assess: two unanswered
    const early = await service
      .submit(jatim, 2026, 'prov-jawa-timur', partial.version)
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(ConflictError);
    expect((early as ConflictError).extensions).toEqual({ unanswered: [46, 47] });

    // Act + Assess: complete, submitted, frozen
    const full = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', partial.version, answers(47));
    const submitted = await service.submit(jatim, 2026, 'prov-jawa-timur', undefined);
    expect(submitted).toMatchObject({ status: 'submitted', version: full.version + 1 });
    await expect(
      service.saveAnswers(jatim, 2026, 'prov-jawa-timur', submitted.version, answers(1, 5)),
    ).rejects.toThrow(ConflictError);

    // Exactly one event, in the same commit as the submission
    expect(ports.events).toEqual([
      expect.objectContaining({
        id: 'evt_0001',
        type: 'self_assessment.submitted',
        subject: { year: 2026, agencyId: 'prov-jawa-timur' },
      }),
    ]);
  });

  it('answers the loser of two submissions at once as a second submission: 409 naming when and by whom, not 412 “submit again”', async () => {
    // Prepare: two operators of the agency, both at the complete draft
    const { ports, service } = await setUp();
    const full = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(47));
    const colleague = operatorOf('prov-jawa-timur', { subject: 'operator-kedua' });

    // Act: both press submit from the same version; one commits, the other loses at commit
    const results = await Promise.allSettled([
      service.submit(jatim, 2026, 'prov-jawa-timur', full.version),
      service.submit(colleague, 2026, 'prov-jawa-timur', full.version),
    ]);

    // Assess: the loser is told it is submitted (re-reading and submitting again cannot succeed)
    const won = results.find((result) => result.status === 'fulfilled');
    const lost = results.find((result) => result.status === 'rejected');
    expect(won?.status === 'fulfilled' && won.value.status).toBe('submitted');
    const error = lost?.status === 'rejected' ? lost.reason : undefined;
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/was submitted at .* by operator-/);
    expect(ports.events).toHaveLength(1);
  });

  it('answers a save that lost its race to the submission with 409 (answers frozen), not 412 “apply your change again”', async () => {
    // Prepare
    const { service } = await setUp();
    const full = await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(47));

    // Act: a colleague edits indicator 1 from the version the submission was made from, at once
    const results = await Promise.allSettled([
      service.submit(jatim, 2026, 'prov-jawa-timur', full.version),
      service.saveAnswers(
        operatorOf('prov-jawa-timur', { subject: 'operator-kedua' }),
        2026,
        'prov-jawa-timur',
        full.version,
        answers(1, 5),
      ),
    ]);

    // Assess: whichever won, the other is refused; a save refused because of the submission says so
    const [submitted, saved] = results;
    if (submitted?.status === 'fulfilled') {
      expect(saved?.status === 'rejected' && saved.reason).toBeInstanceOf(ConflictError);
      expect(saved?.status === 'rejected' && (saved.reason as Error).message).toContain('answers are frozen');
    } else {
      expect(saved?.status).toBe('fulfilled');
      expect(submitted?.status === 'rejected' && submitted.reason).toBeInstanceOf(PreconditionFailedError);
    }
  });
});

describe('the review team’s overview of a cycle (in-memory ports)', () => {
  it('lists drafts, then submissions, by agency, with how far each got; pages by cursor', async () => {
    // Prepare: Jawa Timur submits all 47, Jawa Barat saves two answers.
    const { service } = await setUp();
    const jabar = operatorOf('prov-jawa-barat');
    await service.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(47));
    await service.submit(jatim, 2026, 'prov-jawa-timur', undefined);
    await service.saveAnswers(jabar, 2026, 'prov-jawa-barat', 0, answers(2));

    // Act
    const all = await service.listByCycle(actor(), 2026, { limit: 10 });
    const first = await service.listByCycle(actor(), 2026, { limit: 1 });
    const rest = await service.listByCycle(actor(), 2026, { limit: 1, cursor: first.nextCursor });
    const submitted = await service.listByCycle(actor(), 2026, { limit: 10, status: 'submitted' });

    // Assess
    expect(all.items).toEqual([
      expect.objectContaining({
        agencyId: 'prov-jawa-barat',
        status: 'draft',
        answeredCount: 2,
        indicatorCount: 47,
      }),
      expect.objectContaining({
        agencyId: 'prov-jawa-timur',
        status: 'submitted',
        answeredCount: 47,
        submittedAt: expect.any(String),
      }),
    ]);
    expect(all.nextCursor).toBeUndefined();
    expect([...first.items, ...rest.items]).toEqual(all.items);
    expect(submitted.items.map((item) => item.agencyId)).toEqual(['prov-jawa-timur']);
  });

  it('is the review team’s alone, and a year without a cycle is 404', async () => {
    const { service } = await setUp();
    await expect(service.listByCycle(jatim, 2026, { limit: 10 })).rejects.toThrow(ForbiddenError);
    await expect(service.listByCycle(actor(), 2031, { limit: 10 })).rejects.toThrow(NotFoundError);
  });
});
