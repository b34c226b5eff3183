/**
 * The award draft: what the cycle's rules give on its ranking entries once the recorded decisions
 * are applied — every category × pool with its winners (the top of the pool's ranking among
 * eligible agencies) and the next runners-up, who move up when a winner is excluded. Computed, never
 * stored: the same entries, rules and decisions always give the same draft.
 */
import type { AgencyGroup } from '../agency-groups.ts';
import { getFramework } from '../framework/registry.ts';
import type { Framework } from '../framework/types.ts';
import type { Measure, RankingEntry, RankingRow } from '../ranking/rank.ts';
import type { IndexValue } from '../scoring/rational.ts';
import { awardCitation, type Citation, measureLabel } from './citation.ts';
import { type AwardDecision, exclusionsInEffect } from './decisions.ts';
import type { AwardRules } from './rules.ts';
import { type AwardSelectionOptions, selectAwardWinners } from './select.ts';

/** Runners-up shown per pool: who would move up, in order, if winners were excluded. */
export const runnersUpPerPool = 3;

/** One agency's place in a pool: a winner, or a runner-up shown with the citation it would get. */
export interface AwardCandidate {
  readonly categoryId: string;
  readonly poolIndex: number;
  readonly rank: number;
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
  readonly value: IndexValue;
  readonly predicateId: string | undefined;
  readonly citation: Citation;
}

export interface DraftExclusion {
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
  readonly decision: AwardDecision;
}

export interface DraftPool {
  readonly groups: readonly AgencyGroup[];
  readonly nameId: string;
  readonly nameEn: string;
  readonly winnersPerGroup: number;
  /** The top of the pool's ranking among eligible agencies (everyone tied at the cut-off wins). */
  readonly winners: readonly AwardCandidate[];
  readonly runnersUp: readonly AwardCandidate[];
  /** Agencies of the pool kept out by a decision in effect. */
  readonly excludedByDecision: readonly DraftExclusion[];
  /** Agencies of the pool that cannot compete under the rules (no previous result, ineligible …). */
  readonly notCompeting: number;
}

export interface DraftCategory {
  readonly id: string;
  readonly nameId: string;
  readonly nameEn: string;
  readonly measure: Measure;
  readonly pools: readonly DraftPool[];
}

export interface AwardDraft {
  readonly rulesId: string;
  /** The framework whose domains and predicates the draft's values refer to. */
  readonly frameworkId: string;
  readonly categories: readonly DraftCategory[];
  /** Every winner, category by category, pool by pool, in rank order. */
  readonly winners: readonly AwardCandidate[];
  /** Agencies with at least one award. */
  readonly recipients: number;
  /** The exclusions in effect, by decision number. */
  readonly exclusions: readonly AwardDecision[];
}

export interface AwardDraftOptions {
  readonly year: number;
  readonly framework?: Framework;
  /** @default runnersUpPerPool */
  readonly runnersUp?: number;
}

/**
 * The draft of `rules` on `entries` (the cycle's ranking entries) with `decisions` applied: an
 * excluded agency leaves its pool's ranking, so the next eligible agency takes its place.
 */
export function awardDraft(
  rules: AwardRules,
  entries: readonly RankingEntry[],
  decisions: readonly AwardDecision[],
  options: AwardDraftOptions,
): AwardDraft {
  const exclusions = exclusionsInEffect(decisions);
  const framework = options.framework ?? getFramework(rules.frameworkId);
  const byId = new Map(entries.map((entry) => [entry.agencyId, entry]));
  const selectionOptions: AwardSelectionOptions = {
    year: options.year,
    framework,
    exclude: (categoryId, entry) => {
      const decision = exclusions.of(categoryId, entry.agencyId);
      return decision ? `Excluded by decision ${decision.number}: ${decision.reason}` : null;
    },
  };
  const selection = selectAwardWinners(rules, entries, selectionOptions);
  const runnersUp = options.runnersUp ?? runnersUpPerPool;

  const categories = selection.categories.map((category): DraftCategory => {
    const rule = rules.categories.find((candidate) => candidate.id === category.id);
    const winnersPerGroup = rule?.winnersPerGroup ?? 0;
    const label = measureLabel(framework, category.measure);
    return {
      id: category.id,
      nameId: category.nameId,
      nameEn: category.nameEn,
      measure: category.measure,
      pools: category.pools.map((pool, poolIndex): DraftPool => {
        const candidate = (row: RankingRow, citation: Citation): AwardCandidate => ({
          categoryId: category.id,
          poolIndex,
          rank: row.rank,
          agencyId: row.agencyId,
          agencyName: row.agencyName ?? row.agencyId,
          group: row.group,
          value: row.value,
          predicateId: byId.get(row.agencyId)?.predicateId,
          citation,
        });
        const winners = pool.winners.map((winner) => {
          const row = pool.ranking.rows.find((r) => r.agencyId === winner.agencyId) as RankingRow;
          return candidate(row, { id: winner.citationId, en: winner.citationEn });
        });
        const next = pool.ranking.rows.filter((row) => row.rank > winnersPerGroup).slice(0, runnersUp);
        const excludedByDecision = pool.excluded.flatMap((excluded): DraftExclusion[] => {
          const decision = exclusions.of(category.id, excluded.agencyId);
          if (!decision) return [];
          const entry = byId.get(excluded.agencyId);
          return [
            {
              agencyId: excluded.agencyId,
              agencyName: entry?.agencyName ?? excluded.agencyId,
              group: excluded.group,
              decision,
            },
          ];
        });
        return {
          groups: pool.groups,
          nameId: pool.nameId,
          nameEn: pool.nameEn,
          winnersPerGroup,
          winners,
          runnersUp: next.map((row) =>
            candidate(
              row,
              awardCitation({
                agencyName: row.agencyName ?? row.agencyId,
                categoryNameId: category.nameId,
                categoryNameEn: category.nameEn,
                poolNameId: pool.nameId,
                poolNameEn: pool.nameEn,
                year: options.year,
                label,
                display: row.value.display,
                rank: row.rank,
              }),
            ),
          ),
          excludedByDecision,
          notCompeting: pool.excluded.length - excludedByDecision.length,
        };
      }),
    };
  });
  const winners = categories.flatMap((category) => category.pools.flatMap((pool) => pool.winners));
  return {
    rulesId: rules.id,
    frameworkId: framework.id,
    categories,
    winners,
    recipients: new Set(winners.map((winner) => winner.agencyId)).size,
    exclusions: exclusions.all,
  };
}
