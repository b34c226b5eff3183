import { type CycleCreate, CycleCreateSchema } from '#shared/api/cycles/schemas.ts';

const day = 24 * 60 * 60 * 1000;

/**
 * A cycle open for self-assessment now: opened `openedDaysAgo` days ago, closing in 30 days, then
 * the document and interview stages, appeals and publication 91 days from now. What the demo's
 * current year and the benches run in.
 */
export const openCycle = (year: number, frameworkId: string, now: Date, openedDaysAgo = 14): CycleCreate => {
  const at = (days: number) => new Date(now.getTime() + days * day).toISOString();
  return CycleCreateSchema.parse({
    year,
    frameworkId,
    type: 'evaluasi',
    windows: {
      selfAssessment: { opensAt: at(-openedDaysAgo), closesAt: at(30) },
      documentAssessment: { opensAt: at(31), closesAt: at(60) },
      interviewAssessment: { opensAt: at(61), closesAt: at(75) },
      appeals: { opensAt: at(76), closesAt: at(90) },
      publication: { at: at(91) },
    },
    predicateBasis: 'exact',
  });
};

/** A past year's cycle on the ministry's calendar (WIB): self-assessment in February–March, published 1 July. */
export const pastCycle = (year: number, frameworkId: string): CycleCreate => {
  const date = (monthDay: string) => `${year}-${monthDay}T00:00:00+07:00`;
  return CycleCreateSchema.parse({
    year,
    frameworkId,
    type: 'evaluasi',
    windows: {
      selfAssessment: { opensAt: date('02-01'), closesAt: date('03-31') },
      documentAssessment: { opensAt: date('04-01'), closesAt: date('04-30') },
      interviewAssessment: { opensAt: date('05-01'), closesAt: date('05-31') },
      appeals: { opensAt: date('06-01'), closesAt: date('06-15') },
      publication: { at: date('07-01') },
    },
    predicateBasis: 'exact',
  });
};
