export type {
  ExclusionReason,
  Measure,
  PreparedRanking,
  Ranking,
  RankingEntry,
  RankingExclusion,
  RankingQuery,
  RankingRow,
  RankingScope,
} from './rank.ts';
export {
  measureDomainNo,
  measuresOf,
  parseMeasure,
  prepareRanking,
  rank,
  rankingEntryFromResult,
  standardRankingQueries,
} from './rank.ts';
