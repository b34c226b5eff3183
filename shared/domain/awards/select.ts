/**
 * Award selection: rank each pool of each category by the category's measure among the eligible results,
 * and award the top `winnersPerGroup` ranks.
 *
 * Tie rule at the cut-off: everyone whose rank is ≤ winnersPerGroup wins. With standard competition
 * ranking this means all agencies tied at the last winning rank win (a pool may get more winners than
 * planned), and no agency ranked below a tie that already fills the places wins (1, 2, 2 fill 3 places;
 * the next is rank 4). Winners are therefore exactly the top of their pool's ranking.
 */
import { type AgencyGroup, agencyGroups, poolName } from '../agency-groups.ts';
import { DomainInputError } from '../errors.ts';
import { getFramework } from '../framework/registry.ts';
import type { Framework } from '../framework/types.ts';
import {
  measureDomainNo,
  type PreparedRanking,
  parseMeasure,
  prepareRanking,
  type Ranking,
  type RankingEntry,
  type RankingExclusion,
  rank,
} from '../ranking/rank.ts';
import { compare, type IndexValue, parseRational, type Rational } from '../scoring/rational.ts';
import { awardCitation, measureLabel } from './citation.ts';
import type { AwardCategory, AwardRules } from './rules.ts';

export interface AwardWinner {
  readonly categoryId: string;
  readonly categoryNameId: string;
  readonly categoryNameEn: string;
  readonly pool: readonly AgencyGroup[];
  readonly poolNameId: string;
  readonly poolNameEn: string;
  readonly agencyId: string;
  readonly agencyName: string;
  readonly group: AgencyGroup;
  readonly rank: number;
  readonly value: IndexValue;
  /** Position of the pool in the category's `groups`. */
  readonly poolIndex: number;
  /** e.g. "Pemerintah Provinsi Jawa Timur — Penerapan Layanan SPBE, kelompok Provinsi, 2023: indeks domain Layanan 3,62, peringkat 1" */
  readonly citationId: string;
  readonly citationEn: string;
}

export interface AwardPoolResult {
  readonly groups: readonly AgencyGroup[];
  readonly nameId: string;
  readonly nameEn: string;
  readonly winners: readonly AwardWinner[];
  /** Results in the pool that could not compete, with the reason. */
  readonly excluded: readonly RankingExclusion[];
  /** The pool's ranking among eligible results, for review and audit. */
  readonly ranking: Ranking;
}

export interface AwardCategoryResult {
  readonly id: string;
  readonly nameId: string;
  readonly nameEn: string;
  readonly measure: AwardCategory['measure'];
  readonly pools: readonly AwardPoolResult[];
}

export interface AwardSelection {
  readonly rulesId: string;
  readonly categories: readonly AwardCategoryResult[];
  /** All winners, category by category, pool by pool, in rank order. */
  readonly winners: readonly AwardWinner[];
}

export interface AwardSelectionOptions {
  /** Defaults to the framework named by the rules. */
  readonly framework?: Framework;
  /** The cycle's year, named in the citations. */
  readonly year?: number;
  /**
   * Why an agency may not compete in a category beyond the rules' eligibility (an admin's recorded
   * decision), or null. Its place goes to the next eligible agency, as for any ineligible one.
   */
  readonly exclude?: (categoryId: string, entry: RankingEntry) => string | null;
}

/** One problem of a rule set, located by its path inside the rules (`['categories', 2, 'measure']`). */
export interface AwardRuleProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Every problem of `rules` against a framework: unique category ids, valid measures and domains,
 * non-empty pools, no group in two pools of one category, a positive whole number of winners, known
 * predicate ids, exact `valueAbove` decimals. Empty when the rules are valid.
 */
export function awardRuleProblems(rules: AwardRules, framework: Framework): AwardRuleProblem[] {
  const problems: AwardRuleProblem[] = [];
  const ids = new Set<string>();
  const bandIds = new Set(framework.predicateBands.map((b) => b.id));
  rules.categories.forEach((cat, index) => {
    const at = (...rest: (string | number)[]) => ['categories', index, ...rest];
    const where = `category '${cat.id}'`;
    if (ids.has(cat.id)) problems.push({ path: at('id'), message: `${where} is defined twice` });
    ids.add(cat.id);
    try {
      parseMeasure(cat.measure);
      const d = measureDomainNo(cat.measure);
      if (d !== null && !framework.domains.some((dom) => dom.no === d)) {
        problems.push({
          path: at('measure'),
          message: `${where}: framework '${framework.id}' has no domain ${d}`,
        });
      }
    } catch {
      problems.push({ path: at('measure'), message: `${where}: unknown measure '${cat.measure}'` });
    }
    if (cat.groups.length === 0) problems.push({ path: at('groups'), message: `${where} has no pools` });
    const used = new Set<string>();
    cat.groups.forEach((pool, poolIndex) => {
      if (pool.length === 0)
        problems.push({ path: at('groups', poolIndex), message: `${where} has an empty pool` });
      pool.forEach((g, groupIndex) => {
        if (!(agencyGroups as readonly string[]).includes(g)) {
          problems.push({
            path: at('groups', poolIndex, groupIndex),
            message: `${where}: unknown group '${g}'`,
          });
        }
        if (used.has(g)) {
          problems.push({
            path: at('groups', poolIndex, groupIndex),
            message: `${where}: group '${g}' is in two pools`,
          });
        }
        used.add(g);
      });
    });
    if (!Number.isInteger(cat.winnersPerGroup) || cat.winnersPerGroup < 1) {
      problems.push({
        path: at('winnersPerGroup'),
        message: `${where}: winnersPerGroup must be a positive integer, got ${cat.winnersPerGroup}`,
      });
    }
    const min = cat.eligibility?.minPredicate;
    if (min !== undefined && !bandIds.has(min)) {
      problems.push({
        path: at('eligibility', 'minPredicate'),
        message: `${where}: unknown minPredicate '${min}' (known: ${[...bandIds].join(', ')})`,
      });
    }
    const above = cat.eligibility?.valueAbove;
    if (above !== undefined) {
      try {
        parseRational(above);
      } catch {
        problems.push({
          path: at('eligibility', 'valueAbove'),
          message: `${where}: valueAbove '${above}' is not an exact decimal`,
        });
      }
    }
  });
  return problems;
}

/**
 * Checks rules against a framework (see {@link awardRuleProblems}).
 * @throws DomainInputError listing the problems.
 */
export function validateAwardRules(rules: AwardRules, framework: Framework): AwardRules {
  const problems = awardRuleProblems(rules, framework).map((problem) => problem.message);
  if (problems.length > 0) {
    throw new DomainInputError(`Award rules '${rules.id}' are invalid: ${problems.join('; ')}`);
  }
  return rules;
}

/** Why an entry may not compete in a category, or null. */
function ineligibility(
  category: AwardCategory,
  bandRank: ReadonlyMap<string, number>,
  entry: RankingEntry,
): string | null {
  const rules = category.eligibility;
  if (rules === undefined) return null;
  if (rules.requireComplete === true && entry.complete !== true)
    return 'Result is incomplete (unanswered indicators)';
  if (rules.minPredicate !== undefined) {
    const need = bandRank.get(rules.minPredicate) ?? 0;
    const has = entry.predicateId === undefined ? -1 : (bandRank.get(entry.predicateId) ?? -1);
    if (has < need)
      return `Predicate ${entry.predicateId ?? 'unknown'} is below the minimum ${rules.minPredicate}`;
  }
  return null;
}

/**
 * Selects the winners of every category and pool of `rules` from the cycle's results.
 * @param entries the ranking entries of the cycle (or a prepared ranking of them).
 * @throws DomainInputError for invalid rules or entries.
 */
export function selectAwardWinners(
  rules: AwardRules,
  entries: readonly RankingEntry[] | PreparedRanking,
  options: AwardSelectionOptions = {},
): AwardSelection {
  const framework = options.framework ?? getFramework(rules.frameworkId);
  validateAwardRules(rules, framework);
  const prepared = Array.isArray(entries)
    ? prepareRanking(entries as readonly RankingEntry[])
    : (entries as PreparedRanking);
  // Bands ordered from lowest to highest, so "at least Baik" is a comparison of positions.
  const bandRank = new Map(
    [...framework.predicateBands]
      .sort((a, b) => compare(parseRational(String(a.min)), parseRational(String(b.min))))
      .map((b, i) => [b.id, i]),
  );

  const categories: AwardCategoryResult[] = [];
  const allWinners: AwardWinner[] = [];
  for (const category of rules.categories) {
    const label = measureLabel(framework, category.measure);
    const above: Rational | null =
      category.eligibility?.valueAbove === undefined ? null : parseRational(category.eligibility.valueAbove);
    const pools: AwardPoolResult[] = [];
    for (const [poolIndex, pool] of category.groups.entries()) {
      const names = poolName(pool);
      const ranking = rank(prepared, {
        measure: category.measure,
        scope: pool,
        exclude: (entry) => options.exclude?.(category.id, entry) ?? ineligibility(category, bandRank, entry),
      });
      // valueAbove depends on the measure's value, which only the ranking knows: drop rows at or below it.
      // Dropped rows are all ranked below every kept row, so the kept ranks are unchanged.
      const rows =
        above === null
          ? ranking.rows
          : ranking.rows.filter((r) => compare(parseRational(r.value.exact), above) > 0);
      const lowRows = ranking.rows.slice(rows.length);
      const excluded: RankingExclusion[] = [
        ...ranking.excluded,
        ...lowRows.map((r) => ({
          agencyId: r.agencyId,
          group: r.group,
          reason: 'ineligible' as const,
          detail: `${label.en} ${r.value.exact} is not above ${category.eligibility?.valueAbove}`,
        })),
      ].sort((a, b) => (a.agencyId < b.agencyId ? -1 : a.agencyId > b.agencyId ? 1 : 0));
      const eligibleRanking: Ranking = { ...ranking, rows, excluded };
      const winners = rows
        .filter((r) => r.rank <= category.winnersPerGroup)
        .map((r): AwardWinner => {
          const agencyName = r.agencyName ?? r.agencyId;
          const citation = awardCitation({
            agencyName,
            categoryNameId: category.nameId,
            categoryNameEn: category.nameEn,
            poolNameId: names.nameId,
            poolNameEn: names.nameEn,
            year: options.year,
            label,
            display: r.value.display,
            rank: r.rank,
          });
          return {
            categoryId: category.id,
            categoryNameId: category.nameId,
            categoryNameEn: category.nameEn,
            pool: [...pool],
            poolIndex,
            poolNameId: names.nameId,
            poolNameEn: names.nameEn,
            agencyId: r.agencyId,
            agencyName,
            group: r.group,
            rank: r.rank,
            value: r.value,
            citationId: citation.id,
            citationEn: citation.en,
          };
        });
      allWinners.push(...winners);
      pools.push({
        groups: [...pool],
        nameId: names.nameId,
        nameEn: names.nameEn,
        winners,
        excluded,
        ranking: eligibleRanking,
      });
    }
    categories.push({
      id: category.id,
      nameId: category.nameId,
      nameEn: category.nameEn,
      measure: category.measure,
      pools,
    });
  }
  return { rulesId: rules.id, categories, winners: allWinners };
}
