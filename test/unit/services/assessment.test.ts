import { describe, expect, it } from 'vitest';
import type { Actor } from '#shared/domain/actor.ts';
import { canonicalJson } from '#shared/domain/audit.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { computeResult } from '#shared/domain/results.ts';
import type { MemoryPorts } from '#shared/memory/ports.ts';
import { createAssignmentService } from '#shared/services/assessment/assignments.ts';
import { createScoringService, type ScoreInput } from '#shared/services/assessment/scoring.ts';
import { createCycleService } from '#shared/services/cycles/cycles.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createResultService } from '#shared/services/results/results.ts';
import { createSelfAssessmentService } from '#shared/services/self-assessment/self-assessment.ts';
import { actor, at, now, openCycle, operatorOf, preparedPorts, sequentialIds } from './support.ts';

/**
 * The external assessment on in-memory ports, with the clock moved through the cycle's windows:
 * self-assessment (now), documents (day 30), interview (day 55), appeals (day 75), publication (day 90).
 */
const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
const framework = getFramework('spbe-2020');

const setUp = async () => {
  const ports = await preparedPorts();
  const agencies = createAgencyService(ports);
  await agencies.putAgency(
    actor(),
    'kota-surabaya',
    { name: 'Pemerintah Kota Surabaya', group: 'kota', parentProvinceId: 'prov-jawa-timur', active: true },
    undefined,
  );
  // An Evaluasi cycle for 2027 (the 2026 one of preparedPorts is Pemantauan).
  await createCycleService(ports).createCycle(
    actor(),
    openCycle({
      year: 2027,
      type: 'evaluasi',
      windows: {
        selfAssessment: { opensAt: at(-1), closesAt: at(20) },
        documentAssessment: { opensAt: at(21), closesAt: at(40) },
        interviewAssessment: { opensAt: at(41), closesAt: at(60) },
        appeals: { opensAt: at(70), closesAt: at(80) },
        publication: { at: at(90) },
      },
    }),
  );
  const ids = sequentialIds();
  const panels = createAssignmentService(ports);
  for (const [subject, affiliations] of [
    ['asesor-a', []],
    ['asesor-b', []],
    ['asesor-jatim', ['prov-jawa-timur']],
  ] as const) {
    await panels.putAssessor(
      actor(),
      subject,
      { name: `Asesor ${subject}`, affiliations: [...affiliations] },
      undefined,
    );
  }
  return {
    ports,
    panels,
    scoring: createScoringService(ports),
    results: createResultService({ ...ports, ids }),
    selfAssessments: createSelfAssessmentService({ ...ports, ids }),
  };
};

type Setup = Awaited<ReturnType<typeof setUp>>;
const assessor = (subject: string, at: Date): Actor => actor({ subject, role: 'assessor', now: at });

const submitAll = async ({ selfAssessments }: Setup, agencyId: string, level: Level = 3) => {
  const operator = operatorOf(agencyId);
  const answers = framework.indicators.map((indicator) => ({
    indicatorNo: indicator.no,
    level,
    explanation: '',
    evidence: [{ title: 'Data dukung', url: `https://example.go.id/${indicator.no}.pdf` }],
    pointer: `/x/${indicator.no}`,
  }));
  const saved = await selfAssessments.saveAnswers(operator, 2027, agencyId, 0, answers);
  await selfAssessments.submit(operator, 2027, agencyId, saved.version);
};

/** A valid first review of every indicator's standing score. */
const allValid = () =>
  framework.indicators.map((indicator) => ({
    indicatorNo: indicator.no,
    valid: true,
    reason: '',
    expectedVersion: 0,
    pointer: `/x/${indicator.no}`,
  }));

const scores = (
  level: Level | null,
  nos = framework.indicators.map((indicator) => indicator.no),
): ScoreInput[] =>
  nos.map((no) => ({
    indicatorNo: no,
    level,
    note: 'ok',
    evidenceUsed: [0],
    expectedVersion: 0,
    pointer: `/x/${no}/indicatorNo`,
    fieldsPointer: `/x/${no}`,
  }));

describe('assigning panels (in-memory ports)', () => {
  it('blocks conflicts of interest with 409 naming the rule, and writes nothing', async () => {
    // Prepare
    const { panels, ports } = await setUp();

    // Act: asesor-jatim on Jawa Timur itself and on its kota
    const error = await panels
      .assign(actor(), 2027, [
        { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
        { agencyId: 'prov-jawa-timur', assessor: 'asesor-jatim' },
        { agencyId: 'kota-surabaya', assessor: 'asesor-jatim' },
      ])
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    const rows = (error as ConflictError).extensions.rows as { row: number; rule: string }[];
    expect(rows.map(({ row, rule }) => [row, rule])).toEqual([
      [2, 'own-agency'],
      [3, 'parent-province'],
    ]);
    expect((error as ConflictError).message).toMatch(/^2 rows cannot be assigned/);
    expect((await ports.assignments.listByCycle(2027, { limit: 10 })).items).toEqual([]);
    const single = await panels
      .assign(actor(), 2027, [{ agencyId: 'prov-jawa-timur', assessor: 'asesor-jatim' }])
      .catch((caught: unknown) => caught);
    expect((single as ConflictError).message).toBe(
      '1 row cannot be assigned (own-agency); nothing was assigned.',
    );
  });

  it('refuses an affiliation that would conflict with an assignment in progress (409 naming it); past cycles do not count', async () => {
    // Prepare: asesor-a sits on Jawa Barat's 2027 panel
    const { panels } = await setUp();
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-a' }]);

    // Act: the admin records that asesor-a now works for Jawa Barat; then for Jawa Timur only
    const joined = await panels
      .putAssessor(
        actor(),
        'asesor-a',
        { name: 'Asesor asesor-a', affiliations: ['prov-jawa-timur', 'prov-jawa-barat'] },
        1,
      )
      .catch((caught: unknown) => caught);
    const unrelated = await panels.putAssessor(
      actor(),
      'asesor-a',
      { name: 'Asesor asesor-a', affiliations: ['prov-jawa-timur'] },
      1,
    );
    // After the cycle's publication the assignment is history: the affiliation may be recorded.
    const later = await panels.putAssessor(
      actor({ now: day(91) }),
      'asesor-a',
      { name: 'Asesor asesor-a', affiliations: ['prov-jawa-timur', 'prov-jawa-barat'] },
      2,
    );

    // Assess
    expect(joined).toBeInstanceOf(ConflictError);
    expect((joined as ConflictError).errors).toEqual([
      {
        pointer: '/body/affiliations/1',
        detail: expect.stringContaining(
          'Conflict of interest (own-agency) with the assignment to prov-jawa-barat in 2027',
        ),
      },
    ]);
    expect(unrelated.assessor.affiliations).toEqual(['prov-jawa-timur']);
    expect(later.assessor.affiliations).toEqual(['prov-jawa-barat', 'prov-jawa-timur']);
  });

  it('the assessor’s profile trail shows each change, refused ones never; 404 for no assessor', async () => {
    // Prepare: one affiliation recorded, one refused (a conflict of interest)
    const { panels } = await setUp();
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-a' }]);
    await panels.putAssessor(
      actor(),
      'asesor-a',
      { name: 'Asesor asesor-a', affiliations: ['prov-jawa-timur'] },
      1,
    );
    await panels
      .putAssessor(actor(), 'asesor-a', { name: 'Asesor asesor-a', affiliations: ['prov-jawa-barat'] }, 2)
      .catch(() => undefined);

    // Act
    const trail = await panels.assessorAuditTrail('asesor-a', { limit: 10 });

    // Assess
    expect(trail.items).toHaveLength(2);
    expect(trail.items[0]?.changes).toContainEqual({
      field: 'affiliations',
      before: [],
      after: ['prov-jawa-timur'],
    });
    await expect(panels.assessorAuditTrail('asesor-tidak-ada', { limit: 10 })).rejects.toThrow(NotFoundError);
  });

  it('refuses unknown assessors and agencies (400 per row), and the load cap (409)', async () => {
    const { panels, ports } = await setUp();
    const invalid = await panels
      .assign(actor(), 2027, [
        { agencyId: 'prov-tidak-ada', assessor: 'asesor-a' },
        { agencyId: 'prov-jawa-barat', assessor: 'asesor-tidak-ada' },
      ])
      .catch((caught: unknown) => caught);
    expect((invalid as ValidationError).errors.map((field) => field.pointer)).toEqual([
      '/body/assignments/0/agencyId',
      '/body/assignments/1/assessor',
    ]);
    expect((invalid as ValidationError).message).toBe('2 of 2 rows are invalid; nothing was assigned.');
    const single = await panels
      .assign(actor(), 2027, [{ agencyId: 'prov-tidak-ada', assessor: 'asesor-a' }])
      .catch((caught: unknown) => caught);
    expect((single as ValidationError).message).toBe('1 of 1 row is invalid; nothing was assigned.');
    const one = await panels
      .assign(actor(), 2027, [
        { agencyId: 'prov-jawa-barat', assessor: 'asesor-tidak-ada' },
        { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
      ])
      .catch((caught: unknown) => caught);
    expect((one as ValidationError).message).toBe('1 of 2 rows is invalid; nothing was assigned.');

    await createCycleService(ports).createCycle(actor(), openCycle({ year: 2025, assessorLoadCap: 1 }));
    await expect(
      panels.assign(actor(), 2025, [
        { agencyId: 'prov-jawa-barat', assessor: 'asesor-b' },
        { agencyId: 'prov-jawa-timur', assessor: 'asesor-b' },
      ]),
    ).rejects.toThrow('cap');
  });

  it('tells an agency deactivated in the registry from one that is not registered, saying what to do for each', async () => {
    // Prepare: Surabaya deactivated mid-cycle.
    const { panels, ports } = await setUp();
    await createAgencyService(ports).putAgency(
      actor(),
      'kota-surabaya',
      { name: 'Pemerintah Kota Surabaya', group: 'kota', parentProvinceId: 'prov-jawa-timur', active: false },
      1,
    );

    // Act
    const refused = await panels
      .assign(actor(), 2027, [
        { agencyId: 'kota-surabaya', assessor: 'asesor-a' },
        { agencyId: 'kota-surabayaa', assessor: 'asesor-a' },
      ])
      .catch((caught: unknown) => caught);

    // Assess
    expect((refused as ValidationError).errors).toEqual([
      {
        pointer: '/body/assignments/0/agencyId',
        detail:
          '"kota-surabaya" is inactive in the registry: inactive agencies join no assessment (PUT /v1/agencies/kota-surabaya with "active": true first, if it should)',
      },
      {
        pointer: '/body/assignments/1/agencyId',
        detail: '"kota-surabayaa" is not a registered agency (find its id with GET /v1/agency-directory?q=…)',
      },
    ]);
  });

  it('leaves rows already assigned alone, and lists assignments both ways', async () => {
    const { panels } = await setUp();
    const rows = [
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-b' },
    ];
    expect(await panels.assign(actor(), 2027, rows)).toEqual({ received: 2, assigned: 2, unchanged: 0 });
    expect(await panels.assign(actor(), 2027, rows)).toEqual({ received: 2, assigned: 0, unchanged: 2 });
    expect((await panels.listMine(assessor('asesor-a', now), { limit: 10 })).items).toMatchObject([
      { agencyId: 'prov-jawa-barat', status: 'active' },
    ]);
    expect((await panels.listForCycle(2027, { agencyId: 'prov-jawa-barat', limit: 10 })).items).toHaveLength(
      2,
    );
  });

  it('refuses a panel for an agency whose result in the cycle is final already (409, rule has-result): scoring could never finalize', async () => {
    // Prepare: Jawa Timur's 2027 result imported before any panel
    const { panels, ports } = await setUp();
    await createResultService({ ...ports, ids: sequentialIds() }).importResults(actor(), 2027, [
      {
        agencyId: 'prov-jawa-timur',
        levels: framework.indicators.map(() => 3 as Level),
        reference: 'Laporan',
      },
    ]);

    // Act
    const error = await panels
      .assign(actor(), 2027, [
        { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
        { agencyId: 'prov-jawa-timur', assessor: 'asesor-a' },
      ])
      .catch((caught: unknown) => caught);

    // Assess: nothing assigned, the row named
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors).toEqual([
      {
        pointer: '/body/assignments/1',
        detail:
          'prov-jawa-timur has a final result in 2027 already (version 1): there is nothing left to assess; changes come through appeals',
      },
    ]);
    expect((await panels.listForCycle(2027, { limit: 10 })).items).toEqual([]);
  });

  it('lists an assessor’s own assignments with the agency’s name and where its self-assessment stands', async () => {
    // Prepare: Jawa Barat submitted, Jawa Timur has a draft, Surabaya nothing yet
    const setup = await setUp();
    const { panels, selfAssessments } = setup;
    await submitAll(setup, 'prov-jawa-barat', 3);
    await selfAssessments.saveAnswers(operatorOf('prov-jawa-timur'), 2027, 'prov-jawa-timur', 0, [
      { indicatorNo: 1, level: 2, explanation: '', evidence: [], pointer: '/x' },
    ]);
    await panels.assign(
      actor(),
      2027,
      ['prov-jawa-barat', 'prov-jawa-timur', 'kota-surabaya'].map((agencyId) => ({
        agencyId,
        assessor: 'asesor-a',
      })),
    );

    // Act
    const mine = await panels.listMine(assessor('asesor-a', now), { limit: 10 });

    // Assess
    expect(
      mine.items.map(({ agencyId, agencyName, selfAssessmentStatus }) => [
        agencyId,
        agencyName,
        selfAssessmentStatus,
      ]),
    ).toEqual([
      ['kota-surabaya', 'Pemerintah Kota Surabaya', 'none'],
      ['prov-jawa-barat', 'Pemerintah Provinsi Jawa Barat', 'submitted'],
      ['prov-jawa-timur', 'Pemerintah Provinsi Jawa Timur', 'draft'],
    ]);
  });

  it('lets a member recuse with a reason while another stays; the last one may not', async () => {
    const { panels } = await setUp();
    await panels.assign(actor(), 2027, [
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-b' },
    ]);
    await expect(
      panels.recuse(assessor('asesor-a', now), 2027, 'prov-jawa-barat', 'Pernah menjadi konsultan'),
    ).resolves.toMatchObject({ status: 'recused', recusalReason: 'Pernah menjadi konsultan' });
    await expect(
      panels.recuse(assessor('asesor-b', now), 2027, 'prov-jawa-barat', 'Saya juga'),
    ).rejects.toThrow(ConflictError);
  });
});

describe('the review team removes an assessor from a panel (in-memory ports)', () => {
  const reason = 'Konflik kepentingan ditemukan: pernah menjadi konsultan instansi ini.';
  const trailOf = async ({ ports }: Setup, agencyId: string) =>
    (await ports.audits.list({ kind: 'cycle-agency', year: 2027, agencyId }, { limit: 50 })).items;

  const withPanel = async () => {
    const setup = await setUp();
    await submitAll(setup, 'prov-jawa-barat', 3);
    await setup.panels.assign(actor(), 2027, [
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-b' },
    ]);
    return setup;
  };

  it('ends the assignment as removed, by whom and why, audited; the rest of the panel stays', async () => {
    // Prepare
    const setup = await withPanel();
    const { panels } = setup;

    // Act
    const removed = await panels.removeFromPanel(
      actor({ subject: 'admin-tim-penilai' }),
      2027,
      'prov-jawa-barat',
      'asesor-a',
      reason,
    );

    // Assess: a status of its own, distinct from a recusal, and the panel's active members after it
    expect(removed).toEqual({
      year: 2027,
      agencyId: 'prov-jawa-barat',
      assessor: 'asesor-a',
      status: 'removed',
      assignedAt: now.toISOString(),
      assignedBy: 'admin-1',
      removedAt: now.toISOString(),
      removedBy: 'admin-tim-penilai',
      removalReason: reason,
      activeAssessors: ['asesor-b'],
    });
    const listed = await panels.listForCycle(2027, { agencyId: 'prov-jawa-barat', limit: 10 });
    expect(listed.items.map(({ assessor, status, removedBy }) => [assessor, status, removedBy])).toEqual([
      ['asesor-a', 'removed', 'admin-tim-penilai'],
      ['asesor-b', 'active', undefined],
    ]);
    expect((await trailOf(setup, 'prov-jawa-barat'))[0]).toMatchObject({
      action: 'assessment.removed',
      actor: { subject: 'admin-tim-penilai', role: 'admin' },
      target: 'assessor asesor-a',
      changes: [
        { field: 'status', before: 'active', after: 'removed' },
        { field: 'reason', before: null, after: reason },
      ],
    });
  });

  it('may remove the only active member, unlike a recusal: the agency then has no active assessor', async () => {
    // Prepare: asesor-a alone on Jawa Timur's panel
    const { panels, scoring } = await setUp();
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-timur', assessor: 'asesor-a' }]);
    await expect(
      panels.recuse(assessor('asesor-a', now), 2027, 'prov-jawa-timur', 'Saya mengundurkan diri'),
    ).rejects.toThrow(ConflictError);

    // Act
    const removed = await panels.removeFromPanel(actor(), 2027, 'prov-jawa-timur', 'asesor-a', reason);

    // Assess
    expect(removed).toMatchObject({ status: 'removed', activeAssessors: [] });
    const view = await scoring.view(actor(), 2027, 'prov-jawa-timur');
    expect(view.panel.map(({ assessor: subject, status }) => [subject, status])).toEqual([
      ['asesor-a', 'removed'],
    ]);
    // The next member is assigned as any other.
    await expect(
      panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-timur', assessor: 'asesor-b' }]),
    ).resolves.toEqual({ received: 1, assigned: 1, unchanged: 0 });
  });

  it('answers 404 for an assessor not on the agency’s panel, an agency without one, a cycle that does not exist', async () => {
    const { panels } = await withPanel();
    for (const [year, agencyId, subject] of [
      [2027, 'prov-jawa-barat', 'asesor-jatim'],
      [2027, 'prov-jawa-timur', 'asesor-a'],
      [2031, 'prov-jawa-barat', 'asesor-a'],
    ] as const) {
      await expect(panels.removeFromPanel(actor(), year, agencyId, subject, reason)).rejects.toThrow(
        NotFoundError,
      );
    }
  });

  it('shows a colleague’s recusal or removal to the panel without its reason (personal, for the review team)', async () => {
    // Prepare: asesor-a recuses from Jawa Barat, giving a personal reason
    const { panels, scoring } = await withPanel();
    await panels.recuse(assessor('asesor-a', now), 2027, 'prov-jawa-barat', 'Istri saya bekerja di sana');

    // Act
    const seenByColleague = await scoring.view(assessor('asesor-b', now), 2027, 'prov-jawa-barat');
    const seenByReviewTeam = await scoring.view(actor(), 2027, 'prov-jawa-barat');

    // Assess
    const recusal = (view: typeof seenByColleague) =>
      view.panel.find((entry) => entry.assessor === 'asesor-a');
    expect(recusal(seenByColleague)).toMatchObject({ status: 'recused', recusedAt: now.toISOString() });
    expect(recusal(seenByColleague)).not.toHaveProperty('recusalReason');
    expect(recusal(seenByReviewTeam)).toMatchObject({ recusalReason: 'Istri saya bekerja di sana' });
  });

  it('answers 409 for an assignment already ended, naming how; two removals at once: one wins', async () => {
    // Prepare: asesor-a recused from Jawa Barat
    const { panels } = await withPanel();
    await panels.recuse(assessor('asesor-a', now), 2027, 'prov-jawa-barat', 'Pernah menjadi konsultan');

    // Act
    const recused = panels.removeFromPanel(actor(), 2027, 'prov-jawa-barat', 'asesor-a', reason);
    const [first, second] = await Promise.allSettled([
      panels.removeFromPanel(actor({ subject: 'admin-1' }), 2027, 'prov-jawa-barat', 'asesor-b', reason),
      panels.removeFromPanel(actor({ subject: 'admin-2' }), 2027, 'prov-jawa-barat', 'asesor-b', reason),
    ]);
    const again = panels.removeFromPanel(actor(), 2027, 'prov-jawa-barat', 'asesor-b', reason);

    // Assess
    await expect(recused).rejects.toThrow(ConflictError);
    await expect(recused).rejects.toThrow(`asesor-a recused from "prov-jawa-barat" at ${now.toISOString()}`);
    expect([first?.status, second?.status]).toEqual(['fulfilled', 'rejected']);
    expect(second?.status === 'rejected' ? second.reason : undefined).toBeInstanceOf(ConflictError);
    await expect(again).rejects.toThrow(
      `asesor-b was removed from the panel of "prov-jawa-barat" at ${now.toISOString()} by admin-1`,
    );
  });

  it('stops the removed assessor scoring; the scores they recorded stay, as a recused assessor’s do', async () => {
    // Prepare: asesor-a scores indicator 1 at the documents, then is removed
    const { panels, scoring } = await withPanel();
    await scoring.saveScores(
      assessor('asesor-a', day(30)),
      2027,
      'prov-jawa-barat',
      'dokumen',
      scores(4, [1]),
    );
    await panels.removeFromPanel(actor({ now: day(31) }), 2027, 'prov-jawa-barat', 'asesor-a', reason);

    // Act
    const write = scoring.saveScores(
      assessor('asesor-a', day(32)),
      2027,
      'prov-jawa-barat',
      'dokumen',
      scores(2, [2]),
    );
    const read = scoring.view(assessor('asesor-a', day(32)), 2027, 'prov-jawa-barat');

    // Assess: off the panel, they learn nothing (404, as any assessor off it); their score stands
    await expect(write).rejects.toThrow(NotFoundError);
    await expect(read).rejects.toThrow(NotFoundError);
    const view = await scoring.view(assessor('asesor-b', day(32)), 2027, 'prov-jawa-barat');
    expect(view.indicators[0]?.standing).toMatchObject({ level: 4, recordedBy: 'asesor-a' });
    expect(view.indicators[1]?.standing).toBeUndefined();
  });

  it('lets the review team assign a removed assessor again (a recused one stays refused), audited', async () => {
    // Prepare: asesor-a removed, asesor-b recused (asesor-a's return keeps the panel staffed)
    const setup = await withPanel();
    const { panels, scoring } = setup;
    await panels.removeFromPanel(actor(), 2027, 'prov-jawa-barat', 'asesor-a', 'Dikeluarkan karena keliru');
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-jatim' }]);
    await panels.recuse(assessor('asesor-b', now), 2027, 'prov-jawa-barat', 'Pernah menjadi konsultan');

    // Act
    const back = await panels.assign(actor({ subject: 'admin-2', now: day(1) }), 2027, [
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
    ]);
    const again = await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-a' }]);
    const recused = await panels
      .assign(actor(), 2027, [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-b' }])
      .catch((caught: unknown) => caught);

    // Assess: a fresh assignment (the removal stays in the trail), counted once
    expect(back).toEqual({ received: 1, assigned: 1, unchanged: 0 });
    expect(again).toEqual({ received: 1, assigned: 0, unchanged: 1 });
    expect((recused as ConflictError).extensions.rows).toMatchObject([{ rule: 'recused' }]);
    const listed = await panels.listForCycle(2027, {
      agencyId: 'prov-jawa-barat',
      assessor: 'asesor-a',
      limit: 10,
    });
    expect(listed.items).toEqual([
      {
        year: 2027,
        agencyId: 'prov-jawa-barat',
        assessor: 'asesor-a',
        status: 'active',
        assignedAt: day(1).toISOString(),
        assignedBy: 'admin-2',
      },
    ]);
    await expect(scoring.view(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat')).resolves.toBeDefined();
    const trail = await trailOf(setup, 'prov-jawa-barat');
    expect(
      trail.filter((entry) => entry.target === 'assessor asesor-a').map((entry) => entry.action),
    ).toEqual(['assessment.assigned', 'assessment.removed', 'assessment.assigned']);
    expect(trail[0]?.changes).toEqual([
      { field: 'assessor', before: null, after: 'asesor-a' },
      { field: 'status', before: 'removed', after: 'active' },
    ]);
  });

  it('the conflict-of-interest refusal of an affiliation names both ways to end the assignment; a removal ends it', async () => {
    // Prepare: asesor-a sits on Jawa Barat's panel and now works for it
    const { panels } = await withPanel();
    const joined = { name: 'Asesor asesor-a', affiliations: ['prov-jawa-barat'] };

    // Act
    const refused = await panels
      .putAssessor(actor(), 'asesor-a', joined, 1)
      .catch((caught: unknown) => caught);
    await panels.removeFromPanel(actor(), 2027, 'prov-jawa-barat', 'asesor-a', reason);
    const accepted = await panels.putAssessor(actor(), 'asesor-a', joined, 1);

    // Assess
    expect((refused as ConflictError).errors[0]?.detail).toContain(
      'The assignment must end first: the review team removes asesor-a from the panel (POST /v1/cycles/2027/agencies/prov-jawa-barat/assessors/asesor-a/removal), or asesor-a recuses (POST /v1/cycles/2027/agencies/prov-jawa-barat/recusal) if another member of the panel is active (a panel’s only active member cannot recuse).',
    );
    expect(accepted.assessor.affiliations).toEqual(['prov-jawa-barat']);
  });
});

describe('staged scoring, review and finalizing (in-memory ports)', () => {
  const prepared = async () => {
    const setup = await setUp();
    await submitAll(setup, 'prov-jawa-barat', 3);
    await setup.panels.assign(actor(), 2027, [
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-b' },
    ]);
    return setup;
  };

  it('shows an agency only to its panel and admins: others get 404', async () => {
    const { scoring } = await prepared();
    await expect(scoring.view(assessor('asesor-jatim', day(30)), 2027, 'prov-jawa-barat')).rejects.toThrow(
      NotFoundError,
    );
    await expect(scoring.view(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat')).resolves.toMatchObject(
      {
        selfAssessmentStatus: 'submitted',
        panel: [{ assessor: 'asesor-a' }, { assessor: 'asesor-b' }],
      },
    );
  });

  it('shows the panel a self-assessment’s answers once submitted, not the agency’s draft; admins see both', async () => {
    // Prepare: Jawa Timur has a draft of one answer and a panel
    const { scoring, selfAssessments, panels } = await prepared();
    await selfAssessments.saveAnswers(operatorOf('prov-jawa-timur'), 2027, 'prov-jawa-timur', 0, [
      { indicatorNo: 1, level: 2, explanation: 'Masih disusun', evidence: [], pointer: '/x' },
    ]);
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-timur', assessor: 'asesor-a' }]);

    // Act
    const panel = await scoring.view(assessor('asesor-a', day(5)), 2027, 'prov-jawa-timur');
    const admin = await scoring.view(actor({ now: day(5) }), 2027, 'prov-jawa-timur');
    const submitted = await scoring.view(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat');

    // Assess
    expect(panel.selfAssessmentStatus).toBe('draft');
    expect(panel.indicators.filter((indicator) => indicator.selfAssessed)).toEqual([]);
    expect(admin.indicators[0]?.selfAssessed).toMatchObject({ level: 2, explanation: 'Masih disusun' });
    expect(submitted.indicators.filter((indicator) => indicator.selfAssessed)).toHaveLength(47);
  });

  it('scores only in the stage’s window, only stages the cycle has, only submitted self-assessments', async () => {
    const { scoring, selfAssessments, panels } = await prepared();
    const early = scoring.saveScores(
      assessor('asesor-a', day(5)),
      2027,
      'prov-jawa-barat',
      'dokumen',
      scores(3, [1]),
    );
    await expect(early).rejects.toThrow(ConflictError);
    // The stage is named as in the path, its window as in the cycle: the one an admin reschedules.
    await expect(early).rejects.toThrow(
      `The dokumen stage of the 2027 cycle is not open (its window documentAssessment: ${at(21)} – ${at(40)};`,
    );
    await expect(
      scoring.saveScores(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat', 'visitasi', scores(3, [1])),
    ).rejects.toThrow(ValidationError);
    await selfAssessments.saveAnswers(operatorOf('prov-jawa-timur'), 2027, 'prov-jawa-timur', 0, [
      { indicatorNo: 1, level: 2, explanation: '', evidence: [], pointer: '/x' },
    ]);
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-timur', assessor: 'asesor-a' }]);
    await expect(
      scoring.saveScores(assessor('asesor-a', day(30)), 2027, 'prov-jawa-timur', 'dokumen', scores(3, [1])),
    ).rejects.toThrow('has not submitted');
  });

  it('keeps scores append-only: a correction needs a reason, the original stays, a stale version is 412', async () => {
    // Prepare
    const { scoring } = await prepared();
    const a = assessor('asesor-a', day(30));
    await scoring.saveScores(a, 2027, 'prov-jawa-barat', 'dokumen', scores(2, [1]));

    // Act + Assess
    const noReason = await scoring
      .saveScore(a, 2027, 'prov-jawa-barat', 'dokumen', {
        ...scores(4, [1])[0]!,
        expectedVersion: 1,
        pointer: '/params/no',
        fieldsPointer: '/body',
      })
      .catch((caught: unknown) => caught);
    expect((noReason as ValidationError).errors?.[0]?.pointer).toBe('/body/reason');
    await expect(
      scoring.saveScore(a, 2027, 'prov-jawa-barat', 'dokumen', { ...scores(4, [1])[0]!, expectedVersion: 0 }),
    ).rejects.toThrow(PreconditionFailedError);
    const corrected = await scoring.saveScore(a, 2027, 'prov-jawa-barat', 'dokumen', {
      ...scores(4, [1])[0]!,
      expectedVersion: 1,
      reason: 'Bukti tambahan diperiksa',
    });
    expect(corrected).toMatchObject({
      version: 2,
      level: 4,
      reason: 'Bukti tambahan diperiksa',
      recordedBy: 'asesor-a',
    });
    expect(
      (await scoring.versions(a, 2027, 'prov-jawa-barat', 'dokumen', 1)).map((score) => score.level),
    ).toEqual([2, 4]);
  });

  it('audits a first score with no level as such: the trail says level null, not only the note', async () => {
    // Prepare
    const { scoring, ports } = await prepared();
    const a = assessor('asesor-a', day(30));

    // Act: the evidence supports no level (worth 0).
    await scoring.saveScores(a, 2027, 'prov-jawa-barat', 'dokumen', [
      { ...scores(null, [30])[0]!, note: 'Laporan audit TIK tidak dilampirkan', evidenceUsed: [] },
    ]);

    // Assess
    const trail = await ports.audits.list(
      { kind: 'cycle-agency', year: 2027, agencyId: 'prov-jawa-barat' },
      { limit: 10 },
    );
    const recorded = trail.items.find((record) => record.action === 'assessment.score.recorded');
    expect(recorded?.changes).toEqual([
      { field: 'level', before: null, after: null },
      { field: 'note', before: null, after: 'Laporan audit TIK tidak dilampirkan' },
      { field: 'evidenceUsed', before: null, after: [] },
    ]);
  });

  it('answers a score retried after its response was lost (stale version, score already as sent) without 412 or a new version', async () => {
    // Prepare: the first save went through; its response never arrived
    const { scoring } = await prepared();
    const a = assessor('asesor-a', day(30));
    await scoring.saveScores(a, 2027, 'prov-jawa-barat', 'dokumen', scores(2, [1, 2]));

    // Act: the same request again, from the versions it was first sent with
    const retried = await scoring.saveScores(a, 2027, 'prov-jawa-barat', 'dokumen', scores(2, [1, 2]));

    // Assess
    expect(
      (await scoring.versions(a, 2027, 'prov-jawa-barat', 'dokumen', 1)).map((score) => score.version),
    ).toEqual([1]);
    expect(retried.indicators[0]?.stages[0]?.score).toMatchObject({ version: 1, level: 2 });
    await expect(scoring.saveScores(a, 2027, 'prov-jawa-barat', 'dokumen', scores(4, [1]))).rejects.toThrow(
      PreconditionFailedError,
    );
  });

  it('answers reviews retried after their response was lost (stale versions, marks already as sent) without 412 or a new version', async () => {
    // Prepare: two indicators scored; the review went through, its response never arrived
    const { scoring } = await prepared();
    await scoring.saveScores(
      assessor('asesor-a', day(30)),
      2027,
      'prov-jawa-barat',
      'dokumen',
      scores(3, [1, 2]),
    );
    const admin = actor({ now: day(58) });
    const marks = [
      { indicatorNo: 1, valid: true, reason: '', expectedVersion: 0, pointer: '/x/0' },
      { indicatorNo: 2, valid: false, reason: 'Bukti tidak cukup', expectedVersion: 0, pointer: '/x/1' },
    ];
    await scoring.saveReviews(admin, 2027, 'prov-jawa-barat', marks);

    // Act: the same request again, from the versions it was first sent with
    const retried = await scoring.saveReviews(admin, 2027, 'prov-jawa-barat', marks);

    // Assess: the marks stand at version 1; a different mark from the stale version is still 412
    expect(retried.indicators.slice(0, 2).map((indicator) => indicator.review?.version)).toEqual([1, 1]);
    await expect(
      scoring.saveReviews(admin, 2027, 'prov-jawa-barat', [{ ...marks[1]!, valid: true, reason: '' }]),
    ).rejects.toThrow(PreconditionFailedError);
  });

  it('answers both of two identical saves racing (a double submit): one writes, the other finds its scores standing as sent', async () => {
    // Prepare
    const { scoring } = await prepared();
    const a = assessor('asesor-a', day(30));

    // Act
    const outcomes = await Promise.allSettled([
      scoring.saveScores(a, 2027, 'prov-jawa-barat', 'dokumen', scores(2, [5, 6])),
      scoring.saveScores(a, 2027, 'prov-jawa-barat', 'dokumen', scores(2, [5, 6])),
    ]);

    // Assess: both 200, one version each
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(
      (await scoring.versions(a, 2027, 'prov-jawa-barat', 'dokumen', 5)).map((score) => score.version),
    ).toEqual([1]);
  });

  it('refuses reviews of indicators with no score yet (409 naming each in the body)', async () => {
    const { scoring } = await prepared();
    await scoring.saveScores(
      assessor('asesor-a', day(30)),
      2027,
      'prov-jawa-barat',
      'dokumen',
      scores(3, [1]),
    );
    const error = await scoring
      .saveReviews(actor({ now: day(58) }), 2027, 'prov-jawa-barat', [
        {
          indicatorNo: 1,
          valid: true,
          reason: '',
          expectedVersion: 0,
          pointer: '/body/reviews/0/indicatorNo',
        },
        {
          indicatorNo: 2,
          valid: true,
          reason: '',
          expectedVersion: 0,
          pointer: '/body/reviews/1/indicatorNo',
        },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors).toEqual([
      { pointer: '/body/reviews/1/indicatorNo', detail: 'Indicator 2 has no score to review yet' },
    ]);
  });

  it('answers both of two identical reviews racing (a double submit); one mark is written', async () => {
    // Prepare
    const { scoring } = await prepared();
    await scoring.saveScores(
      assessor('asesor-a', day(30)),
      2027,
      'prov-jawa-barat',
      'dokumen',
      scores(3, [1]),
    );
    const admin = actor({ now: day(58) });
    const marks = [{ indicatorNo: 1, valid: true, reason: '', expectedVersion: 0, pointer: '/x/0' }];

    // Act
    const outcomes = await Promise.allSettled([
      scoring.saveReviews(admin, 2027, 'prov-jawa-barat', marks),
      scoring.saveReviews(admin, 2027, 'prov-jawa-barat', marks),
    ]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    const view = await scoring.view(admin, 2027, 'prov-jawa-barat');
    expect(view.indicators[0]?.review?.version).toBe(1);
  });

  it('lets one of two panel members writing from the same version win; the other gets 412', async () => {
    const { scoring } = await prepared();
    const outcomes = await Promise.allSettled([
      scoring.saveScores(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat', 'dokumen', scores(2, [5])),
      scoring.saveScores(assessor('asesor-b', day(30)), 2027, 'prov-jawa-barat', 'dokumen', scores(4, [5])),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(PreconditionFailedError);
  });

  it('lists score versions only of indicators the framework has and stages the cycle has (400 naming the path parameter)', async () => {
    const { scoring } = await prepared();
    const a = assessor('asesor-a', day(30));
    const noIndicator = await scoring
      .versions(a, 2027, 'prov-jawa-barat', 'dokumen', 48)
      .catch((caught: unknown) => caught);
    expect((noIndicator as ValidationError).errors).toEqual([
      { pointer: '/params/no', detail: 'No indicator 48' },
    ]);
    const noStage = await scoring
      .versions(a, 2027, 'prov-jawa-barat', 'visitasi', 1)
      .catch((caught: unknown) => caught);
    expect((noStage as ValidationError).errors).toEqual([
      { pointer: '/params/stage', detail: 'One of dokumen, interviu' },
    ]);
    await expect(scoring.versions(a, 2027, 'prov-jawa-barat', 'dokumen', 1)).resolves.toEqual([]);
  });

  it('refuses evidence indices the agency did not submit', async () => {
    const { scoring } = await prepared();
    const error = await scoring
      .saveScores(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat', 'dokumen', [
        { ...scores(3, [7])[0]!, evidenceUsed: [0, 3] },
      ])
      .catch((caught: unknown) => caught);
    expect((error as ValidationError).errors).toEqual([
      expect.objectContaining({ pointer: '/x/7/evidenceUsed/1' }),
    ]);
    // One of each: said in the singular.
    expect((error as ValidationError).message).toBe('1 score is invalid; none was recorded.');
    expect((error as ValidationError).errors[0]?.detail).toBe(
      'The agency submitted 1 evidence item for indicator 7; there is no item 3',
    );
  });

  it('carries document scores forward to the interview, finalizes only on valid current reviews, then closes scoring', async () => {
    // Prepare: every indicator scored at the documents, three re-scored at the interview
    const { scoring, results, ports } = await prepared();
    await scoring.saveScores(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat', 'dokumen', scores(3));
    const interview = await scoring.saveScores(
      assessor('asesor-b', day(50)),
      2027,
      'prov-jawa-barat',
      'interviu',
      scores(4, [1, 2, 3]),
    );
    expect(interview.indicators[0]?.stages).toMatchObject([
      { stage: 'dokumen', carriedForward: false },
      { stage: 'interviu', carriedForward: false, score: { level: 4 } },
    ]);
    expect(interview.indicators[9]?.stages[1]).toMatchObject({
      carriedForward: true,
      score: { stage: 'dokumen' },
    });

    // Act: review all valid but indicator 47, which is not valid
    const admin = actor({ now: day(58) });
    const reviews = framework.indicators.map((indicator) => ({
      indicatorNo: indicator.no,
      valid: indicator.no !== 47,
      reason: indicator.no === 47 ? 'Bukti tidak cukup' : '',
      expectedVersion: 0,
      pointer: `/x/${indicator.no}`,
    }));
    await scoring.saveReviews(admin, 2027, 'prov-jawa-barat', reviews);
    const early = await results.finalize(admin, 2027, 'prov-jawa-barat').catch((caught: unknown) => caught);
    expect((early as ConflictError).extensions).toEqual({ missing: [47] });

    // A rescore of 47 makes its review stale; a new review of the new score counts. The rescore
    // finds no evidence supporting any level: null, worth 0 (never a silent level 1).
    await scoring.saveScores(
      assessor('asesor-a', day(55)),
      2027,
      'prov-jawa-barat',
      'interviu',
      scores(null, [47]),
    );
    await scoring.saveReviews(admin, 2027, 'prov-jawa-barat', [
      { indicatorNo: 47, valid: true, reason: '', expectedVersion: 1, pointer: '/x' },
    ]);
    const finalized = await results.finalize(admin, 2027, 'prov-jawa-barat');

    // Assess: the engine's numbers on the validated levels, the event, and scoring closed
    const expectedLevels = framework.indicators.map((indicator) =>
      indicator.no <= 3 ? 4 : indicator.no === 47 ? null : 3,
    );
    expect(finalized.result.inputs.levels).toEqual(expectedLevels);
    expect(finalized.result.computed.score).toMatchObject({ unanswered: [47], complete: false });
    expect(canonicalJson(finalized.result.computed)).toBe(
      canonicalJson(computeResult(framework, finalized.result.inputs)),
    );
    // Ids and the link, never the numbers: they are readable from the cycle's publication time.
    expect(ports.events.filter((event) => event.type === 'result.finalized')).toEqual([
      expect.objectContaining({
        subject: { year: 2027, agencyId: 'prov-jawa-barat' },
        data: { version: 1, link: '/v1/cycles/2027/agencies/prov-jawa-barat/result' },
      }),
    ]);
    await expect(
      scoring.saveScores(assessor('asesor-a', day(56)), 2027, 'prov-jawa-barat', 'interviu', scores(5, [10])),
    ).rejects.toThrow('finalized');
    await expect(results.finalize(admin, 2027, 'prov-jawa-barat')).rejects.toThrow(ConflictError);
  });
  it('answers a score or review that lost its race to finalizing as one sent after it: 409 (scoring closed), not 412 “apply your change again”', async () => {
    // Prepare: every indicator scored at the documents and validly reviewed; the interview open
    const { scoring, results } = await prepared();
    await scoring.saveScores(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat', 'dokumen', scores(3));
    const admin = actor({ now: day(50) });
    await scoring.saveReviews(admin, 2027, 'prov-jawa-barat', allValid());

    // Act: the review team finalizes while an assessor rescores and a reviewer marks, at once
    const [finalized, scored, reviewed] = await Promise.allSettled([
      results.finalize(admin, 2027, 'prov-jawa-barat'),
      scoring.saveScores(assessor('asesor-b', day(50)), 2027, 'prov-jawa-barat', 'interviu', scores(5, [10])),
      scoring.saveReviews(actor({ subject: 'reviewer-2', now: day(50) }), 2027, 'prov-jawa-barat', [
        { indicatorNo: 11, valid: false, reason: 'Bukti tidak cukup', expectedVersion: 1, pointer: '/x' },
      ]),
    ]);

    // Assess: when finalizing won, the others are told scoring is closed (a re-read cannot help)
    expect(finalized.status).toBe('fulfilled');
    for (const outcome of [scored, reviewed]) {
      expect(outcome?.status === 'rejected' && outcome.reason).toBeInstanceOf(ConflictError);
      expect(outcome?.status === 'rejected' && (outcome.reason as Error).message).toMatch(
        /was finalized at .*; scores and reviews are closed/,
      );
    }
  });

  it('refuses to finalize an agency that never submitted, saying why nothing could be scored and what that leaves', async () => {
    // Prepare: a panel for Jawa Timur, who saved nothing before the self-assessment window closed
    const { panels, results } = await prepared();
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-timur', assessor: 'asesor-a' }]);

    // Act
    const refused = await results
      .finalize(actor({ now: day(50) }), 2027, 'prov-jawa-timur')
      .catch((caught: unknown) => caught);

    // Assess: the reason, not only 47 indicators without a review; `missing` still lists them
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).message).toMatch(
      /"prov-jawa-timur" has not submitted its 2027 self-assessment \(nothing saved\): no indicator could be scored/,
    );
    expect((refused as ConflictError).message).toContain(
      'stays without a result for 2027 and the ranking leaves it out',
    );
    expect((refused as ConflictError).extensions).toEqual({ missing: framework.indicators.map((i) => i.no) });
  });

  it('does not finalize before the cycle’s last stage has opened: its interview would be skipped (409 naming it)', async () => {
    // Prepare: every indicator scored and validly reviewed at the documents (day 30); the
    // interview window opens on day 41.
    const { scoring, results } = await prepared();
    await scoring.saveScores(assessor('asesor-a', day(30)), 2027, 'prov-jawa-barat', 'dokumen', scores(3));
    await scoring.saveReviews(actor({ now: day(35) }), 2027, 'prov-jawa-barat', allValid());

    // Act
    const early = await results
      .finalize(actor({ now: day(35) }), 2027, 'prov-jawa-barat')
      .catch((caught: unknown) => caught);
    const inTime = await results.finalize(actor({ now: day(41) }), 2027, 'prov-jawa-barat');

    // Assess: refused while the interview was ahead; once it opened, the document scores carried forward count.
    expect(early).toBeInstanceOf(ConflictError);
    expect((early as ConflictError).message).toMatch(
      /The interviu stage of the 2027 cycle opens at .*\(interviewAssessment\): finalizing before it would close scoring and skip it/,
    );
    expect(inTime.result.version).toBe(1);
  });
});

describe('results and appeals (in-memory ports)', () => {
  const finalized = async () => {
    const setup = await setUp();
    await submitAll(setup, 'prov-jawa-barat', 3);
    await setup.panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-a' }]);
    await setup.scoring.saveScores(
      assessor('asesor-a', day(30)),
      2027,
      'prov-jawa-barat',
      'dokumen',
      scores(3),
    );
    await setup.scoring.saveReviews(actor({ now: day(58) }), 2027, 'prov-jawa-barat', allValid());
    await setup.results.finalize(actor({ now: day(59) }), 2027, 'prov-jawa-barat');
    return setup;
  };
  const operator = (at: Date) => operatorOf('prov-jawa-barat', { now: at });

  it('are read by the agency from the appeals window’s opening (an appeal sees what it contests); admins always', async () => {
    const { results } = await finalized();
    await expect(results.current(operator(day(60)), 2027, 'prov-jawa-barat')).rejects.toThrow(
      'from the opening of the cycle’s appeals window',
    );
    await expect(results.current(operator(day(70)), 2027, 'prov-jawa-barat')).resolves.toMatchObject({
      result: { version: 1 },
    });
    // Another agency's operator: never, the appeals window and the publication alike
    await expect(
      results.current(operatorOf('prov-jawa-timur', { now: day(72) }), 2027, 'prov-jawa-barat'),
    ).rejects.toThrow(NotFoundError);
    await expect(
      results.current(operatorOf('prov-jawa-timur', { now: day(95) }), 2027, 'prov-jawa-barat'),
    ).rejects.toThrow(NotFoundError);
    await expect(results.current(operator(day(95)), 2027, 'prov-jawa-barat')).resolves.toMatchObject({
      result: { version: 1 },
    });
    await expect(results.current(actor({ now: day(60) }), 2027, 'prov-jawa-barat')).resolves.toMatchObject({
      agencyName: 'Pemerintah Provinsi Jawa Barat',
    });
  });

  it('take appeals only in the window; an upheld one makes version 2 chained to version 1', async () => {
    // Prepare
    const { results, ports } = await finalized();
    const appeal = {
      indicators: [
        {
          indicatorNo: 12,
          justification: 'Dokumen Renstra TIK telah ditetapkan sebelum batas waktu.',
          evidence: [],
        },
        {
          indicatorNo: 13,
          justification: 'Peta rencana SPBE sudah dilaksanakan seluruhnya pada 2026.',
          evidence: [],
        },
      ],
    };

    // Act + Assess: outside the window
    await expect(results.fileAppeal(operator(day(65)), 2027, 'prov-jawa-barat', appeal)).rejects.toThrow(
      'appeals window',
    );

    // Act: in the window; one upheld, one rejected
    const filed = await results.fileAppeal(operator(day(72)), 2027, 'prov-jawa-barat', appeal);
    await expect(results.fileAppeal(operator(day(72)), 2027, 'prov-jawa-barat', appeal)).rejects.toThrow(
      'still open',
    );
    const decided = await results.decideAppeal(
      actor({ now: day(75) }),
      2027,
      'prov-jawa-barat',
      filed.appealId,
      {
        decisions: [
          { indicatorNo: 12, upheld: true, level: 5, reason: 'Bukti sah' },
          { indicatorNo: 13, upheld: false, reason: 'Belum terbukti' },
        ],
      },
    );

    // Assess
    expect(decided).toMatchObject({ status: 'decided', newResultVersion: 2 });
    // A year without a cycle is named as such
    await expect(results.appeals(operator(day(76)), 2031, 'prov-jawa-barat')).rejects.toThrow(
      'No cycle for 2031.',
    );
    // One appeal reads alone, by its agency and the review team; not by another agency
    await expect(results.appeal(operator(day(76)), 2027, 'prov-jawa-barat', filed.appealId)).resolves.toEqual(
      decided,
    );
    await expect(
      results.appeal(actor({ now: day(76) }), 2027, 'prov-jawa-barat', filed.appealId),
    ).resolves.toEqual(decided);
    await expect(
      results.appeal(
        operatorOf('prov-jawa-timur', { now: day(76) }),
        2027,
        'prov-jawa-barat',
        filed.appealId,
      ),
    ).rejects.toThrow(NotFoundError);
    await expect(
      results.appeal(operator(day(76)), 2027, 'prov-jawa-barat', 'apl_00000000000000000000000000'),
    ).rejects.toThrow('No appeal apl_00000000000000000000000000 of prov-jawa-barat in the 2027 cycle.');
    const chain = await results.versions(actor({ now: day(76) }), 2027, 'prov-jawa-barat');
    expect(chain.items.map((version) => version.version)).toEqual([1, 2]);
    expect(chain.items[1]?.previousSha256).toBe(chain.items[0]?.sha256);
    expect(chain.items[1]?.inputs.levels[11]).toBe(5);
    expect(chain.items[1]?.inputs.sources[11]).toEqual({ kind: 'appeal', appealId: filed.appealId });
    expect(chain.verification).toEqual({ valid: true, problems: [] });
    expect(ports.events.filter((event) => event.type === 'appeal.decided')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          upheld: [12],
          rejected: [13],
          resultVersion: 2,
          // Where the decisions and their reasons are readable at once: the result (`link`) is not
          // before the cycle's publication, and the appeals window closes before it.
          appealsLink: '/v1/cycles/2027/agencies/prov-jawa-barat/appeals',
        }),
      }),
    ]);
    await expect(
      results.decideAppeal(actor({ now: day(76) }), 2027, 'prov-jawa-barat', filed.appealId, {
        decisions: [{ indicatorNo: 12, upheld: false, reason: 'Berubah pikiran' }],
      }),
    ).rejects.toThrow('decided');

    // Act + Assess: the same decision again (a PUT retried after a lost response), in another order,
    // answers the decided appeal; nothing more is written
    const again = await results.decideAppeal(
      actor({ now: day(76) }),
      2027,
      'prov-jawa-barat',
      filed.appealId,
      {
        decisions: [
          { indicatorNo: 13, upheld: false, reason: 'Belum terbukti' },
          { indicatorNo: 12, upheld: true, level: 5, reason: 'Bukti sah' },
        ],
      },
    );
    expect(again).toEqual(decided);
    expect((await results.versions(actor({ now: day(77) }), 2027, 'prov-jawa-barat')).items).toHaveLength(2);
    expect(ports.events.filter((event) => event.type === 'appeal.decided')).toHaveLength(1);
  });

  it('answer both of two identical decisions racing (a double submit) with the decided appeal; one result version is made', async () => {
    // Prepare
    const { results, ports } = await finalized();
    const filed = await results.fileAppeal(operator(day(72)), 2027, 'prov-jawa-barat', {
      indicators: [
        {
          indicatorNo: 12,
          justification: 'Dokumen Renstra TIK telah ditetapkan sebelum batas waktu.',
          evidence: [],
        },
      ],
    });
    const decision = {
      decisions: [{ indicatorNo: 12, upheld: true, level: 5 as const, reason: 'Bukti sah' }],
    };

    // Act
    const outcomes = await Promise.allSettled([
      results.decideAppeal(actor({ now: day(75) }), 2027, 'prov-jawa-barat', filed.appealId, decision),
      results.decideAppeal(actor({ now: day(75) }), 2027, 'prov-jawa-barat', filed.appealId, decision),
    ]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect((await results.versions(actor({ now: day(76) }), 2027, 'prov-jawa-barat')).items).toHaveLength(2);
    expect(ports.events.filter((event) => event.type === 'appeal.decided')).toHaveLength(1);
  });

  it('are listed for the review team per cycle, open ones oldest first, by status; others get 403', async () => {
    // Prepare: one appeal filed, not yet decided
    const { results } = await finalized();
    const filed = await results.fileAppeal(operator(day(72)), 2027, 'prov-jawa-barat', {
      indicators: [
        {
          indicatorNo: 12,
          justification: 'Dokumen Renstra TIK telah ditetapkan sebelum batas waktu.',
          evidence: [],
        },
      ],
    });

    // Act
    const open = await results.cycleAppeals(actor({ now: day(73) }), 2027, { status: 'open', limit: 10 });
    const decided = await results.cycleAppeals(actor({ now: day(73) }), 2027, {
      status: 'decided',
      limit: 10,
    });

    // Assess
    expect(open.items).toEqual([filed]);
    expect(decided.items).toEqual([]);
    await expect(
      results.cycleAppeals(operator(day(73)), 2027, { status: 'open', limit: 10 }),
    ).rejects.toThrow(ForbiddenError);
    await expect(results.cycleAppeals(actor(), 2031, { limit: 10 })).rejects.toThrow(NotFoundError);
  });

  it('count an import row with the levels finalized from the review as unchanged, and refuse one with others (409 naming version 1)', async () => {
    // Prepare: Jawa Barat finalized with every indicator at 3 (a result with no import reference)
    const { results, ports } = await finalized();
    const levels = (level: Level) => framework.indicators.map(() => level);

    // Act
    const same = await results.importResults(actor({ now: day(60) }), 2027, [
      { agencyId: 'prov-jawa-barat', levels: levels(3), reference: 'Laporan Evaluasi SPBE 2027' },
    ]);
    const other = await results
      .importResults(actor({ now: day(60) }), 2027, [
        { agencyId: 'prov-jawa-barat', levels: levels(4), reference: 'Laporan Evaluasi SPBE 2027' },
      ])
      .catch((caught: unknown) => caught);

    // Assess
    expect(same).toEqual({ received: 1, imported: 0, unchanged: 1 });
    expect(other).toBeInstanceOf(ConflictError);
    expect((other as ConflictError).errors).toEqual([
      {
        pointer: '/body/results/0/levels',
        detail: expect.stringMatching(
          /^"prov-jawa-barat" has a final result in the 2027 cycle \(version 1, index 3\.00\) and this row differs at 47 indicators: 1 \(stored 3, row 4\), .* and 37 more; it would give index 4\.00; an import never replaces/,
        ),
      },
    ]);
    expect(await ports.results.current(2027, 'prov-jawa-barat')).toMatchObject({ version: 1 });
  });

  it('bundle everything needed to recompute the same bytes', async () => {
    const { results } = await finalized();
    const bundle = JSON.parse(
      JSON.stringify(await results.bundle(actor({ now: day(60) }), 2027, 'prov-jawa-barat', 'test')),
    );
    expect(canonicalJson(computeResult(bundle.framework, bundle.result.inputs))).toBe(
      canonicalJson(bundle.result.computed),
    );
    expect(bundle.verification.valid).toBe(true);
  });
});

describe('importing past results (in-memory ports)', () => {
  it('computes and hashes each agency’s levels as version 1, all or nothing, skipping existing ones', async () => {
    // Prepare
    const ports: MemoryPorts = (await setUp()).ports;
    const results = createResultService({ ...ports, ids: sequentialIds() });
    const levels = framework.indicators.map(() => 4 as Level);

    // Act
    const bad = results.importResults(actor(), 2026, [
      { agencyId: 'prov-jawa-timur', levels: levels.slice(1), reference: 'r' },
    ]);
    const report = await results.importResults(actor(), 2026, [
      { agencyId: 'prov-jawa-timur', levels, reference: 'Laporan 2026' },
    ]);
    const again = await results.importResults(actor(), 2026, [
      { agencyId: 'prov-jawa-timur', levels, reference: 'Laporan 2026' },
    ]);

    // Assess
    await expect(bad).rejects.toThrow(ValidationError);
    await expect(bad).rejects.toThrow(/^1 problem in the import; nothing was imported\.$/);
    expect(report).toEqual({ received: 1, imported: 1, unchanged: 0 });
    expect(again).toEqual({ received: 1, imported: 0, unchanged: 1 });
    expect(await ports.results.current(2026, 'prov-jawa-timur')).toMatchObject({
      version: 1,
      summary: { index: '4', predicateId: 'sangat-baik' },
    });
    expect(ports.events).toHaveLength(0);
  });
  it('refuses agencies the cycle assesses (a panel is assigned): their result comes from finalizing, so nothing is imported (409 naming the row)', async () => {
    // Prepare: Jawa Barat has a panel in 2027 and no result yet
    const { ports, panels } = await setUp();
    await panels.assign(actor(), 2027, [{ agencyId: 'prov-jawa-barat', assessor: 'asesor-a' }]);
    const results = createResultService({ ...ports, ids: sequentialIds() });
    const levels = framework.indicators.map(() => 4 as Level);

    // Act
    const error = await results
      .importResults(actor(), 2027, [
        { agencyId: 'prov-jawa-timur', levels, reference: 'Laporan 2027' },
        { agencyId: 'prov-jawa-barat', levels, reference: 'Laporan 2027' },
      ])
      .catch((caught: unknown) => caught);

    // Assess: all or nothing, the row named
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors).toEqual([
      {
        pointer: '/body/results/1/agencyId',
        detail:
          '"prov-jawa-barat" is assessed in the 2027 cycle (a panel is assigned): its result comes from finalizing the review, not from an import',
      },
    ]);
    expect(await ports.results.current(2027, 'prov-jawa-timur')).toBeUndefined();
  });
});

describe('importing again into a cycle with results (in-memory ports)', () => {
  const levels = (level: Level) => framework.indicators.map(() => level);
  const imported = async () => {
    const { ports } = await setUp();
    const results = createResultService({ ...ports, ids: sequentialIds() });
    await results.importResults(actor(), 2026, [
      { agencyId: 'prov-jawa-timur', levels: levels(4), reference: 'Laporan 2026' },
    ]);
    return { ports, results };
  };

  it('completes a file cut short: rows already imported as sent are unchanged, the rest imported', async () => {
    // Prepare: the first row of the file was imported before the failure
    const { ports, results } = await imported();

    // Act: the same file again
    const report = await results.importResults(actor(), 2026, [
      { agencyId: 'prov-jawa-timur', levels: levels(4), reference: 'Laporan 2026' },
      { agencyId: 'prov-jawa-barat', levels: levels(3), reference: 'Laporan 2026' },
    ]);

    // Assess
    expect(report).toEqual({ received: 2, imported: 1, unchanged: 1 });
    expect(await ports.results.current(2026, 'prov-jawa-barat')).toMatchObject({ version: 1 });
  });

  it('refuses the whole import when a row differs from its agency’s stored result: 409 naming the row, the agency, both indices and the appeal; nothing written', async () => {
    // Prepare: Jawa Timur has index 4 (every level 4); the file now says 5 at indicators 1 and 2
    const { ports, results } = await imported();
    const corrected = levels(4).map((level, index) => (index < 2 ? 5 : level));

    // Act
    const error = await results
      .importResults(actor(), 2026, [
        { agencyId: 'prov-jawa-barat', levels: levels(3), reference: 'Laporan 2026' },
        { agencyId: 'prov-jawa-timur', levels: corrected, reference: 'Laporan 2026' },
      ])
      .catch((caught: unknown) => caught);

    // Assess: one entry, for the differing row; the new row is not written either
    expect(error).toBeInstanceOf(ConflictError);
    const conflict = error as ConflictError;
    const importedIndex = computeResult(framework, {
      frameworkId: framework.id,
      frameworkSha256: '',
      predicateBasis: 'exact',
      levels: corrected,
      sources: [],
    }).score.index.display;
    expect(conflict.errors).toEqual([
      {
        pointer: '/body/results/1/levels',
        detail: `"prov-jawa-timur" has a final result in the 2026 cycle (version 1, index 4.00) and this row differs at 2 indicators: 1 (stored 4, row 5), 2 (stored 4, row 5); it would give index ${importedIndex}; an import never replaces a final result, which changes only through an upheld appeal`,
      },
    ]);
    expect(conflict.message).toMatch(
      /^1 row differs from the final result stored in the 2026 cycle; nothing was imported\..*appeal its agency files while the cycle’s appeals window is open \(.+ – .+\).*There is no other correction\./,
    );
    expect(await ports.results.current(2026, 'prov-jawa-barat')).toBeUndefined();
    expect(await ports.results.current(2026, 'prov-jawa-timur')).toMatchObject({
      version: 1,
      summary: { index: '4' },
    });
  });

  it('skips a row of a file already imported whose result an upheld appeal changed since (a retried file), and still refuses a row that differs from both', async () => {
    // Prepare: Jawa Timur imported into 2027 at level 4 everywhere; its appeal on indicator 12 upheld (level 5)
    const { ports, results } = await setUp();
    const row = { agencyId: 'prov-jawa-timur', levels: levels(4), reference: 'Laporan 2027' };
    await results.importResults(actor(), 2027, [row]);
    const filed = await results.fileAppeal(
      operatorOf('prov-jawa-timur', { now: day(72) }),
      2027,
      'prov-jawa-timur',
      {
        indicators: [
          { indicatorNo: 12, justification: 'Dokumen Renstra TIK telah ditetapkan.', evidence: [] },
        ],
      },
    );
    await results.decideAppeal(actor({ now: day(75) }), 2027, 'prov-jawa-timur', filed.appealId, {
      decisions: [{ indicatorNo: 12, upheld: true, level: 5, reason: 'Bukti sah' }],
    });
    expect(await ports.results.current(2027, 'prov-jawa-timur')).toMatchObject({ version: 2 });

    // Act: the same file again, with one more agency
    const report = await results.importResults(actor({ now: day(76) }), 2027, [
      row,
      { agencyId: 'prov-jawa-barat', levels: levels(3), reference: 'Laporan 2027' },
    ]);

    // Assess: Jawa Timur's row is the import that made version 1: unchanged, version 2 stands
    expect(report).toEqual({ received: 2, imported: 1, unchanged: 1 });
    expect(await ports.results.current(2027, 'prov-jawa-timur')).toMatchObject({ version: 2 });

    // Act + Assess: a row matching neither version 1 nor version 2 is refused, naming the standing version
    const other = levels(4).map((level, index) => (index === 0 ? 2 : level));
    const error = await results
      .importResults(actor({ now: day(76) }), 2027, [{ ...row, levels: other }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors?.[0]?.detail).toMatch(/\(version 2, index/);
  });

  it('refuses a row with the stored levels but another reference: the stored result cites its source (409 at the reference)', async () => {
    // Prepare
    const { results } = await imported();

    // Act
    const error = await results
      .importResults(actor(), 2026, [
        { agencyId: 'prov-jawa-timur', levels: levels(4), reference: 'Laporan 2026 (ralat)' },
      ])
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).errors).toEqual([
      {
        pointer: '/body/results/0/reference',
        detail:
          '"prov-jawa-timur" has a final result in the 2026 cycle (version 1) with these levels and index 4.00, but imported from “Laporan 2026”, not “Laporan 2026 (ralat)”; an import never replaces a final result, which changes only through an upheld appeal',
      },
    ]);
  });

  it('refuses an import into a cycle that has not started (409 quoting its start as the admin wrote it), and takes it once started', async () => {
    // Prepare: the 2028 cycle starts on 1 February 2028, Jakarta time
    const { ports } = await setUp();
    const date = (monthDay: string) => `2028-${monthDay}T00:00:00+07:00`;
    await createCycleService(ports).createCycle(
      actor(),
      openCycle({
        year: 2028,
        windows: {
          selfAssessment: { opensAt: date('02-01'), closesAt: date('03-31') },
          documentAssessment: { opensAt: date('04-01'), closesAt: date('04-30') },
          appeals: { opensAt: date('06-01'), closesAt: date('06-15') },
          publication: { at: date('07-01') },
        },
      }),
    );
    const results = createResultService({ ...ports, ids: sequentialIds() });
    const rows = [{ agencyId: 'prov-jawa-timur', levels: levels(4), reference: 'Laporan 2028' }];

    // Act: one second before the start, then at it
    const early = await results
      .importResults(actor({ now: new Date('2028-01-31T16:59:59Z') }), 2028, rows)
      .catch((caught: unknown) => caught);
    const unwritten = await ports.results.current(2028, 'prov-jawa-timur');
    const started = await results.importResults(actor({ now: new Date('2028-01-31T17:00:00Z') }), 2028, rows);

    // Assess
    expect(early).toBeInstanceOf(ConflictError);
    expect((early as ConflictError).message).toBe(
      'The 2028 cycle has not started: it starts when its self-assessment window opens, at 2028-02-01T00:00:00+07:00 (server time 2028-01-31T16:59:59.000Z). Results are imported into a cycle once it has started; nothing was imported.',
    );
    expect((early as ConflictError).extensions).toEqual({
      window: { opensAt: date('02-01'), closesAt: date('03-31') },
    });
    expect(unwritten).toBeUndefined();
    expect(started).toEqual({ received: 1, imported: 1, unchanged: 0 });
  });
});

describe('the review team’s list of a cycle’s results (in-memory ports)', () => {
  const setUpResults = async () => {
    // Jawa Timur, Jawa Barat and Kota Surabaya are registered.
    const ports: MemoryPorts = (await setUp()).ports;
    const results = createResultService({ ...ports, ids: sequentialIds() });
    const levels = (level: Level) => framework.indicators.map(() => level);
    await results.importResults(actor(), 2026, [
      { agencyId: 'prov-jawa-timur', levels: levels(4), reference: 'Laporan 2026' },
      { agencyId: 'prov-jawa-barat', levels: levels(3), reference: 'Laporan 2026' },
      { agencyId: 'kota-surabaya', levels: [null, ...levels(5).slice(1)], reference: 'Laporan 2026' },
    ]);
    return results;
  };

  it('lists every final result by group then agency, with its index, predicate, version and link', async () => {
    // Prepare
    const results = await setUpResults();

    // Act
    const all = await results.listByCycle(actor(), 2026, { limit: 10 });
    const first = await results.listByCycle(actor(), 2026, { limit: 2 });
    const rest = await results.listByCycle(actor(), 2026, { limit: 2, cursor: first.nextCursor });
    const provinces = await results.listByCycle(actor(), 2026, { limit: 10, group: 'provinsi' });

    // Assess
    expect(all.items.map((item) => item.agencyId)).toEqual([
      'kota-surabaya',
      'prov-jawa-barat',
      'prov-jawa-timur',
    ]);
    expect(all.items[2]).toEqual({
      agencyId: 'prov-jawa-timur',
      agencyName: 'Pemerintah Provinsi Jawa Timur',
      group: 'provinsi',
      version: 1,
      index: { exact: '4', display: '4.00', value: 4 },
      predicate: { id: 'sangat-baik', name: 'Sangat Baik', nameEn: 'Very good' },
      complete: true,
      result: '/v1/cycles/2026/agencies/prov-jawa-timur/result',
    });
    expect(all.items[0]).toMatchObject({ group: 'kota', complete: false });
    expect(all.nextCursor).toBeUndefined();
    expect([...first.items, ...rest.items]).toEqual(all.items);
    expect(rest.nextCursor).toBeUndefined();
    expect(provinces.items.map((item) => item.agencyId)).toEqual(['prov-jawa-barat', 'prov-jawa-timur']);
  });

  it('is the review team’s alone, and a year without a cycle is 404', async () => {
    const results = await setUpResults();
    await expect(results.listByCycle(operatorOf('prov-jawa-timur'), 2026, { limit: 10 })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(results.listByCycle(actor(), 2031, { limit: 10 })).rejects.toThrow(NotFoundError);
  });
});
