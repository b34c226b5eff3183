export type { AwardCategory, AwardEligibility, AwardRules } from './rules.ts';
export { awardRules2024, defaultAwardRules2023 } from './rules.ts';
export type {
  AwardCategoryResult,
  AwardPoolResult,
  AwardSelection,
  AwardSelectionOptions,
  AwardWinner,
} from './select.ts';
export { awardRuleProblems, selectAwardWinners, validateAwardRules } from './select.ts';
