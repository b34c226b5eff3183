export type { Citation, CitationInput, MeasureLabel } from './citation.ts';
export { awardCitation, indonesianDecimal, measureLabel } from './citation.ts';
export type { AwardDecision, AwardDecisionAction, ExclusionsInEffect } from './decisions.ts';
export { awardDecisionActions, decisionConflict, exclusionsInEffect } from './decisions.ts';
export type {
  AwardCandidate,
  AwardDraft,
  AwardDraftOptions,
  DraftCategory,
  DraftExclusion,
  DraftPool,
} from './draft.ts';
export { awardDraft, runnersUpPerPool } from './draft.ts';
export type {
  AwardPublication,
  AwardRecord,
  AwardRecordsInput,
  NewPublicationInput,
  PublicationCategory,
  PublicationReason,
  RecipientNotice,
  RevisionReason,
  WinnerResult,
  WithdrawnAward,
} from './publication.ts';
export {
  awardIdOf,
  awardIdPrefix,
  awardRecordIntact,
  awardRecords,
  awardsAsOf,
  maxAwardsPerPublication,
  maxPublicationBytes,
  newPublication,
  poolSlug,
  publicationSizeProblem,
  recipientNotices,
  revisionReasons,
  unchangedAwards,
  yearOfAwardId,
} from './publication.ts';
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
