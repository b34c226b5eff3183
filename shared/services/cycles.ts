import { defaultAwardRules2023 } from '../domain/awards/rules.ts';
import { checkCycleWindows, currentPhase } from '../domain/cycles.ts';
import { findFramework } from '../domain/framework/registry.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { CycleCreate } from '../schemas/cycle.ts';
import type { CycleRecord, CycleStore } from './ports.ts';
import { auditEntry, type RequestActor } from './request-actor.ts';

export const cycleView = (cycle: CycleRecord, now: Date) => ({
  ...cycle,
  phase: { ...currentPhase(cycle.windows, now), serverTime: now.toISOString() },
});

/** Opens the cycle of a year. Windows must fit the cycle type and follow the programme's order. */
export const createCycle = async (
  store: CycleStore,
  actor: RequestActor,
  input: CycleCreate,
): Promise<CycleRecord> => {
  const errors = checkCycleWindows(input.type, input.windows).map((problem) => ({
    pointer: `/body/windows/${problem.path.join('/')}`,
    detail: problem.message,
  }));
  if (!findFramework(input.frameworkId)) {
    errors.push({ pointer: '/body/frameworkId', detail: `Unknown framework "${input.frameworkId}"` });
  }
  const awardRules = input.awardRules ?? defaultAwardRules2023;
  if (awardRules.frameworkId !== input.frameworkId) {
    errors.push({
      pointer: input.awardRules ? '/body/awardRules/frameworkId' : '/body/frameworkId',
      detail: `Award rules are written for ${awardRules.frameworkId}, the cycle uses ${input.frameworkId}`,
    });
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
    createdAt: actor.now.toISOString(),
    createdBy: actor.subject,
    version: 1,
  };
  const audit = auditEntry(actor, 'cycle.created', `cycle ${input.year}`, [
    { field: 'cycle', before: null, after: cycle },
  ]);
  if (!(await store.create(cycle, audit))) {
    throw new ConflictError(
      `The ${input.year} cycle already exists; read it with GET /v1/cycles/${input.year}.`,
    );
  }
  return cycle;
};

export const getCycle = async (store: CycleStore, year: number): Promise<CycleRecord> => {
  const cycle = await store.get(year);
  if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
  return cycle;
};
