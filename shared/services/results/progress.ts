import type * as z from 'zod';
import type { CycleProgressSchema } from '#shared/api/results/schemas.ts';
import type { Actor } from '#shared/domain/actor.ts';
import { type AgencyGroup, agencyGroups } from '#shared/domain/agency-groups.ts';
import { currentPhase } from '#shared/domain/cycles.ts';
import { ForbiddenError, NotFoundError } from '#shared/domain/errors.ts';
import { readWholeListing } from '../paging.ts';
import type { AgencyStore } from '../registry/ports.ts';
import type { SelfAssessmentStore } from '../self-assessment/ports.ts';
import type { ResultStore } from './ports.ts';

export interface CycleProgressPorts {
  readonly agencies: Pick<AgencyStore, 'listAll'>;
  readonly selfAssessments: Pick<SelfAssessmentStore, 'cycle' | 'listByCycle'>;
  readonly results: Pick<ResultStore, 'listByCycle' | 'appealsByCycle'>;
}

/** One set of counts, as the API's schema defines it (the totals and each group's). */
type ProgressCounts = z.output<typeof CycleProgressSchema>['totals'];

const noProgress = (): ProgressCounts => ({
  agencies: 0,
  selfAssessment: { notStarted: 0, draft: 0, submitted: 0 },
  results: { final: 0, missing: 0, withOpenAppeal: 0 },
  appeals: { open: 0, decided: 0 },
});

/** What one agency contributes to the counts. */
interface AgencyProgress {
  readonly selfAssessment: 'notStarted' | 'draft' | 'submitted';
  readonly result: 'final' | 'missing';
  readonly openAppeal: boolean;
  readonly appeals: { readonly open: number; readonly decided: number };
}

const add = (counts: ProgressCounts, agency: AgencyProgress): void => {
  counts.agencies++;
  counts.selfAssessment[agency.selfAssessment]++;
  counts.results[agency.result]++;
  if (agency.openAppeal) counts.results.withOpenAppeal++;
  counts.appeals.open += agency.appeals.open;
  counts.appeals.decided += agency.appeals.decided;
};

/**
 * Where a cycle stands, for the review team before each deadline: how many agencies have not
 * started, are drafting or have submitted their self-assessment, have a final result (and an open
 * appeal), and the appeals filed — in all and by group. The agencies counted are the active ones
 * and any inactive one with a record in the cycle. The cycle and four listings read whole, side by
 * side (one round trip: a GetItem and one Query each at the programme's size).
 */
export const createCycleProgress = ({ agencies, selfAssessments, results }: CycleProgressPorts) => ({
  of: async (actor: Actor, year: number) => {
    if (actor.role !== 'admin') throw new ForbiddenError('Only the review team reads a cycle’s progress.');
    const [cycle, roster, headers, finals, appeals] = await Promise.all([
      // Read fresh, beside the listings (no extra round trip): the phase shown must be the windows'
      // now, not a container's copy from before a reschedule.
      selfAssessments.cycle(year, 'fresh'),
      agencies.listAll(),
      readWholeListing((page) => selfAssessments.listByCycle(year, page)),
      readWholeListing((page) => results.listByCycle(year, page)),
      readWholeListing((page) => results.appealsByCycle(year, page)),
    ]);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);

    const statusOf = new Map(headers.map((header) => [header.agencyId, header.status]));
    const resultOf = new Map(finals.map((result) => [result.agencyId, result]));
    const appealsOf = new Map<string, { open: number; decided: number }>();
    for (const appeal of appeals) {
      const counts = appealsOf.get(appeal.agencyId) ?? { open: 0, decided: 0 };
      counts[appeal.status]++;
      appealsOf.set(appeal.agencyId, counts);
    }

    const totals = noProgress();
    const byGroup = new Map<AgencyGroup, ProgressCounts>();
    for (const agency of roster) {
      const recorded = statusOf.has(agency.id) || resultOf.has(agency.id) || appealsOf.has(agency.id);
      if (!agency.active && !recorded) continue;
      const progress: AgencyProgress = {
        selfAssessment: statusOf.get(agency.id) ?? 'notStarted',
        result: resultOf.has(agency.id) ? 'final' : 'missing',
        openAppeal: resultOf.get(agency.id)?.openAppealId !== undefined,
        appeals: appealsOf.get(agency.id) ?? { open: 0, decided: 0 },
      };
      add(totals, progress);
      const group = byGroup.get(agency.group) ?? noProgress();
      add(group, progress);
      byGroup.set(agency.group, group);
    }

    const asOf = actor.now;
    return {
      year,
      asOf: asOf.toISOString(),
      phase: currentPhase(cycle.windows, asOf),
      totals,
      groups: agencyGroups.flatMap((group) => {
        const counts = byGroup.get(group);
        return counts ? [{ group, ...counts }] : [];
      }),
      links: {
        selfAssessments: `/v1/cycles/${year}/self-assessments`,
        results: `/v1/cycles/${year}/results`,
        appeals: `/v1/cycles/${year}/appeals`,
      },
    };
  },
});

export type CycleProgress = ReturnType<typeof createCycleProgress>;
