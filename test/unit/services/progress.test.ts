import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '#shared/domain/errors.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createCycleProgress } from '#shared/services/results/progress.ts';
import { createResultService } from '#shared/services/results/results.ts';
import { createSelfAssessmentService } from '#shared/services/self-assessment/self-assessment.ts';
import { actor, answers, at, operatorOf, preparedPorts, sequentialIds } from './support.ts';

const framework = getFramework('spbe-2020');

/**
 * The 2026 cycle with Jawa Timur drafting, Jawa Barat submitted with an imported result under
 * appeal, and Kabupaten Malang not started; Kota Lama is no longer active.
 */
const setUp = async () => {
  const ports = await preparedPorts();
  const agencies = createAgencyService(ports);
  await agencies.putAgency(
    actor(),
    'kab-malang',
    {
      name: 'Pemerintah Kabupaten Malang',
      group: 'kabupaten',
      parentProvinceId: 'prov-jawa-timur',
      active: true,
    },
    undefined,
  );
  await agencies.putAgency(
    actor(),
    'kota-lama',
    { name: 'Pemerintah Kota Lama', group: 'kota', parentProvinceId: 'prov-jawa-timur', active: false },
    undefined,
  );
  const selfAssessment = createSelfAssessmentService({ ...ports, ids: sequentialIds() });
  const jatim = operatorOf('prov-jawa-timur');
  const jabar = operatorOf('prov-jawa-barat');
  await selfAssessment.saveAnswers(jatim, 2026, 'prov-jawa-timur', 0, answers(2));
  await selfAssessment.saveAnswers(jabar, 2026, 'prov-jawa-barat', 0, answers(47));
  await selfAssessment.submit(jabar, 2026, 'prov-jawa-barat', 1);
  const results = createResultService({ ...ports, ids: sequentialIds() });
  await results.importResults(actor(), 2026, [
    { agencyId: 'prov-jawa-barat', levels: framework.indicators.map(() => 3 as Level), reference: 'Laporan' },
  ]);
  await results.fileAppeal(
    operatorOf('prov-jawa-barat', { now: new Date(at(55)) }),
    2026,
    'prov-jawa-barat',
    {
      indicators: [
        { indicatorNo: 12, justification: 'Renstra TIK telah ditetapkan sebelum batas waktu.', evidence: [] },
      ],
    },
  );
  return { progress: createCycleProgress(ports) };
};

describe('a cycle’s progress for the review team (in-memory ports)', () => {
  it('counts, in all and by group, who has not started, drafts, submitted, has a result, and appeals', async () => {
    // Prepare
    const { progress } = await setUp();

    // Act
    const view = await progress.of(actor({ now: new Date(at(56)) }), 2026);

    // Assess
    expect(view).toMatchObject({
      year: 2026,
      asOf: at(56),
      phase: { current: 'appeals', windowOpen: true },
      totals: {
        agencies: 3,
        selfAssessment: { notStarted: 1, draft: 1, submitted: 1 },
        results: { final: 1, missing: 2, withOpenAppeal: 1 },
        appeals: { open: 1, decided: 0 },
      },
    });
    expect(view.groups).toEqual([
      {
        group: 'provinsi',
        agencies: 2,
        selfAssessment: { notStarted: 0, draft: 1, submitted: 1 },
        results: { final: 1, missing: 1, withOpenAppeal: 1 },
        appeals: { open: 1, decided: 0 },
      },
      {
        group: 'kabupaten',
        agencies: 1,
        selfAssessment: { notStarted: 1, draft: 0, submitted: 0 },
        results: { final: 0, missing: 1, withOpenAppeal: 0 },
        appeals: { open: 0, decided: 0 },
      },
    ]);
  });

  it('is the review team’s alone, and 404 for a year without a cycle', async () => {
    const { progress } = await setUp();
    await expect(progress.of(operatorOf('prov-jawa-timur'), 2026)).rejects.toThrow(ForbiddenError);
    await expect(progress.of(actor(), 2031)).rejects.toThrow(NotFoundError);
  });
});
