import type { CycleCreate } from '#shared/api/cycles/schemas.ts';
import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { diffFields } from '#shared/domain/audit.ts';
import { defaultAwardRules2023 } from '#shared/domain/awards/rules.ts';
import { awardRuleProblems } from '#shared/domain/awards/select.ts';
import {
  type CycleWindows,
  checkCycleWindows,
  currentPhase,
  removedOpenedStages,
  windowYearProblems,
} from '#shared/domain/cycles.ts';
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { findFramework } from '#shared/domain/framework/registry.ts';
import type { Role } from '#shared/domain/roles.ts';
import { readTrail } from '../audit-trail.ts';
import type { Page, PageRequest, WritePath } from '../ports.ts';
import type { AgencyStore, AuditRecord, AuditTrailStore } from '../registry/ports.ts';
import { assertVersion } from '../versioned-put.ts';
import type { CycleRecord, CycleStore } from './ports.ts';

/**
 * The representation of a cycle: its phase by the server's clock, and who opened it for admins
 * only (an admin's user id is nobody else's business).
 */
export const cycleView = (cycle: CycleRecord, now: Date, viewer: Role) => {
  const { createdBy, ...rest } = cycle;
  return {
    ...rest,
    ...(viewer === 'admin' ? { createdBy } : {}),
    phase: { ...currentPhase(cycle.windows, now), serverTime: now.toISOString() },
  };
};

const pointer = (path: readonly (string | number)[]) => `/body/${path.join('/')}`;
const windowPointer = (path: readonly (string | number)[]) => pointer(['windows', ...path]);

export interface CycleServicePorts {
  readonly cycles: CycleStore;
  readonly agencies: AgencyStore;
  readonly audits: AuditTrailStore;
  readonly writes: WritePath;
}

export const createCycleService = ({ cycles, agencies, audits, writes }: CycleServicePorts) => {
  const getCycle = async (year: number): Promise<CycleRecord> => {
    const cycle = await cycles.get(year);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    return cycle;
  };

  /**
   * Opens the cycle of a year. Windows must fit the cycle type, follow the programme's order and
   * belong to the year; award rules must be valid for the framework (the same check the award
   * selection makes, so a cycle never stores rules it could not apply).
   */
  const createCycle = async (actor: Actor, input: CycleCreate): Promise<CycleRecord> => {
    const errors: FieldError[] = [
      ...checkCycleWindows(input.type, input.windows),
      ...windowYearProblems(input.year, input.windows),
    ].map((problem) => ({ pointer: windowPointer(problem.path), detail: problem.message }));
    const framework = findFramework(input.frameworkId);
    if (!framework) {
      errors.push({ pointer: '/body/frameworkId', detail: `Unknown framework "${input.frameworkId}"` });
    }
    const awardRules = input.awardRules ?? defaultAwardRules2023;
    if (awardRules.frameworkId !== input.frameworkId) {
      errors.push({
        pointer: input.awardRules ? '/body/awardRules/frameworkId' : '/body/frameworkId',
        detail: `Award rules are written for ${awardRules.frameworkId}, the cycle uses ${input.frameworkId}`,
      });
    } else if (framework && input.awardRules) {
      for (const problem of awardRuleProblems(input.awardRules, framework)) {
        errors.push({ pointer: pointer(['awardRules', ...problem.path]), detail: problem.message });
      }
    }
    if (errors.length > 0) {
      throw new ValidationError(`The cycle is not valid: ${errors.map((error) => error.detail).join(' ')}`, {
        errors,
      });
    }
    const cycle: CycleRecord = {
      year: input.year,
      frameworkId: input.frameworkId,
      type: input.type,
      windows: input.windows,
      predicateBasis: input.predicateBasis,
      awardRules,
      assessorLoadCap: input.assessorLoadCap,
      createdAt: actor.now.toISOString(),
      createdBy: actor.subject,
      version: 1,
    };
    const outcome = await writes.commit({
      state: [{ kind: 'cycle', cycle }],
      audits: [
        auditEntry(actor, { kind: 'cycle', year: input.year }, 'cycle.created', `cycle ${input.year}`, [
          { field: 'cycle', before: null, after: cycle },
        ]),
      ],
      events: [],
    });
    if (!outcome.committed) {
      throw new ConflictError(
        `The ${input.year} cycle already exists; read it with GET /v1/cycles/${input.year}.`,
      );
    }
    return cycle;
  };

  /**
   * Reschedules a cycle (a deadline extended, the appeals opened): the new windows are checked like
   * a new cycle's, written at the version the caller read, audited with before and after.
   */
  const rescheduleCycle = async (
    actor: Actor,
    year: number,
    windows: CycleWindows,
    expectedVersion: number,
  ): Promise<CycleRecord> => {
    const current = await getCycle(year);
    assertVersion(expectedVersion, current.version, `The ${year} cycle`);
    const errors: FieldError[] = [
      ...checkCycleWindows(current.type, windows),
      ...windowYearProblems(year, windows),
    ].map((problem) => ({ pointer: pointer(problem.path), detail: problem.message }));
    if (errors.length > 0) {
      throw new ValidationError(
        `The windows are not valid: ${errors.map((error) => error.detail).join(' ')}`,
        {
          errors,
        },
      );
    }
    const removed = removedOpenedStages(current.windows, windows, actor.now);
    if (removed.length > 0) {
      throw new ConflictError(removed.map((problem) => problem.message).join(' '), {
        errors: removed.map((problem) => ({ pointer: pointer(problem.path), detail: problem.message })),
      });
    }
    const changes = diffFields(current, { windows }, ['windows']);
    if (changes.length === 0) return current;
    const cycle: CycleRecord = { ...current, windows, version: current.version + 1 };
    // A publication time already passed may still be corrected (a cycle opened with a wrong date)
    // until something was published on it: moving it then would hide a ranking the public has read
    // and the results that published awards cite. The check rides in the transaction, so a ranking
    // or awards published meanwhile still stop it.
    const publishedAt = current.windows.publication.at;
    const movesPassedPublication =
      Date.parse(publishedAt) <= actor.now.getTime() &&
      Date.parse(windows.publication.at) !== Date.parse(publishedAt);
    const outcome = await writes.commit({
      state: [
        { kind: 'cycle.windows', cycle, expectedVersion: current.version },
        ...(movesPassedPublication ? [{ kind: 'cycle.unpublished' as const, year }] : []),
      ],
      audits: [auditEntry(actor, { kind: 'cycle', year }, 'cycle.rescheduled', `cycle ${year}`, changes)],
      events: [],
    });
    if (!outcome.committed && outcome.failed.kind === 'cycle.unpublished') {
      throw new ConflictError(
        `The ${year} cycle’s results have been public since ${publishedAt} and its ranking or awards are published: its publication time can no longer change. Corrections come through appeals and award revisions.`,
        // PUT …/windows sends the windows themselves: the field is /body/publication/at.
        { errors: [{ pointer: pointer(['publication', 'at']), detail: `Must stay ${publishedAt}.` }] },
      );
    }
    if (!outcome.committed) {
      throw new PreconditionFailedError(
        `The ${year} cycle changed while you were rescheduling it; re-read it.`,
      );
    }
    return cycle;
  };

  return {
    createCycle,
    rescheduleCycle,
    getCycle,
    listCycles: () => cycles.list(),
    /**
     * The cycle's own trail: opened, rescheduled, ranking runs started and published, award
     * decisions, publications and revisions.
     */
    cycleAuditTrail: (year: number, page: PageRequest): Promise<Page<AuditRecord>> =>
      readTrail(audits, { kind: 'cycle', year }, page, () => getCycle(year)),
    /** The audit trail of one agency in one cycle: every answer saved, every submission. */
    agencyAuditTrail: async (
      year: number,
      agencyId: string,
      page: PageRequest,
    ): Promise<Page<AuditRecord>> => {
      const trail = await audits.list({ kind: 'cycle-agency', year, agencyId }, page);
      // Records exist only for changes of a cycle and agency that exist: only an empty page needs
      // the registry, to tell "nothing happened yet" from "no such cycle or agency".
      if (trail.items.length > 0) return trail;
      const [cycle, agency] = await Promise.all([cycles.get(year), agencies.get(agencyId)]);
      if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
      if (!agency) throw new NotFoundError(`No agency "${agencyId}".`);
      return trail;
    },
  };
};

export type CycleService = ReturnType<typeof createCycleService>;
