/**
 * Admins' recorded decisions on an award draft. The draft itself is computed from the published
 * ranking and the rules; the only way to change it is a decision: exclude an agency from a category
 * (with a mandatory reason, e.g. a pending investigation) or reinstate it. Decisions are numbered,
 * never edited or deleted: a decision is undone by a later one, so the record shows every step.
 */

export const awardDecisionActions = ['exclude', 'reinstate'] as const;
export type AwardDecisionAction = (typeof awardDecisionActions)[number];

export interface AwardDecision {
  readonly year: number;
  /** 1, 2, … in the order recorded; the next decision takes the next number or fails. */
  readonly number: number;
  /** The category's id in the cycle's award rules. */
  readonly category: string;
  readonly agencyId: string;
  readonly action: AwardDecisionAction;
  readonly reason: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

const pairKey = (category: string, agencyId: string) => `${category}\u0000${agencyId}`;

/** The exclusions in effect after these decisions (in number order): per category and agency. */
export interface ExclusionsInEffect {
  /** The decision that excludes `agencyId` from `category`, or undefined. */
  readonly of: (category: string, agencyId: string) => AwardDecision | undefined;
  /** Every exclusion in effect, by decision number. */
  readonly all: readonly AwardDecision[];
}

/** Folds decisions (any order) into the exclusions in effect: the latest decision on each pair wins. */
export function exclusionsInEffect(decisions: readonly AwardDecision[]): ExclusionsInEffect {
  const latest = new Map<string, AwardDecision>();
  for (const decision of [...decisions].sort((a, b) => a.number - b.number)) {
    latest.set(pairKey(decision.category, decision.agencyId), decision);
  }
  const excluding = new Map([...latest].filter(([, decision]) => decision.action === 'exclude'));
  return {
    of: (category, agencyId) => excluding.get(pairKey(category, agencyId)),
    all: [...excluding.values()].sort((a, b) => a.number - b.number),
  };
}

/**
 * Why `next` cannot follow `decisions`, or null: an agency already excluded from a category cannot
 * be excluded again, and only an excluded one can be reinstated. Such a decision would record
 * nothing but noise.
 */
export function decisionConflict(
  decisions: readonly AwardDecision[],
  next: Pick<AwardDecision, 'category' | 'agencyId' | 'action'>,
): string | null {
  const current = exclusionsInEffect(decisions).of(next.category, next.agencyId);
  if (next.action === 'exclude' && current) {
    return `${next.agencyId} is already excluded from '${next.category}' by decision ${current.number}; reinstate it first to record another exclusion.`;
  }
  if (next.action === 'reinstate' && !current) {
    return `${next.agencyId} is not excluded from '${next.category}': there is nothing to reinstate.`;
  }
  return null;
}
