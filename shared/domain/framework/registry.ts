/**
 * The frameworks this build knows. Adding a successor regulation = adding a data module and one entry here;
 * every instance is validated and deep-frozen when this module loads, so a broken framework fails at cold
 * start (and in tests), never halfway through scoring a cycle.
 */
import { UnknownFrameworkError } from '../errors.ts';
import { validateFramework } from './compile.ts';
import { spbe2020 } from './spbe-2020.ts';
import type { Framework } from './types.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Validated, frozen frameworks by id. Past results name their framework id, so ids are never reused. */
export const frameworks: Readonly<Record<string, Framework>> = Object.freeze({
  [spbe2020.id]: deepFreeze(validateFramework(spbe2020)),
});

/** The default framework of new cycles. */
export const currentFrameworkId = spbe2020.id;

/** The registered framework with this id, or undefined. */
export function findFramework(id: string): Framework | undefined {
  return Object.hasOwn(frameworks, id) ? frameworks[id] : undefined;
}

/** A predicate band by its names in the framework (the id itself where the framework does not know it). */
export function predicateRef(framework: Framework | undefined, predicateId: string) {
  const band = framework?.predicateBands.find((candidate) => candidate.id === predicateId);
  return { id: predicateId, name: band?.name ?? predicateId, nameEn: band?.nameEn ?? predicateId };
}

/**
 * The registered framework with this id.
 * @throws UnknownFrameworkError (404) naming the known ids.
 */
export function getFramework(id: string): Framework {
  const framework = findFramework(id);
  if (framework === undefined) {
    throw new UnknownFrameworkError(
      `Unknown framework '${id}'; known frameworks: ${Object.keys(frameworks).join(', ')}`,
    );
  }
  return framework;
}
