export * from './rational.ts';
export {
  computeIndexUnits,
  indexValueOfUnits,
  predicateOf,
  scoreAssessment,
} from './score.ts';
export type {
  AspectScore,
  DomainScore,
  IndicatorScore,
  Level,
  LevelsInput,
  PredicateBasis,
  PredicateRef,
  ScoreResult,
  ScoringOptions,
} from './types.ts';
export { predicateBases } from './types.ts';
