import type { OperationId } from '#shared/api/routes.ts';
import type { AccessPatternName } from './keys.ts';

/**
 * The DynamoDB calls of every route, as data: the one source of the per-route table in
 * `docs/access-patterns.md` (`npm run docs:keys`) and of the test that calls every route on
 * DynamoDB Local and counts its calls (`test/integration/dynamodb-calls.test.ts`: it fails when a
 * route makes other calls than these). Each call is named by its access pattern in the key
 * catalogue (`keys.ts`), so the table says which reads and writes a route makes, not only how many.
 * Every SDK call counts as one; calls in parallel (`∥` in the notes) cost one round trip of latency
 * but each its own request and CPU (about 0.7 ms of Node time per call on this runtime).
 *
 * Adding a route: its entry here (the compiler asks for it), then `npm run docs:keys`.
 */

export interface ExtraCalls {
  /** When the route makes these calls besides its usual ones. */
  readonly when: string;
  readonly calls: readonly AccessPatternName[];
}

export interface RouteCalls {
  /** A successful request on a warm container, in call order. */
  readonly calls: readonly AccessPatternName[];
  /** Further calls in the situations named (a cold cache, an empty page, a longer list). */
  readonly extra?: readonly ExtraCalls[];
  /** Why this is the fewest the access pattern allows, or what is left as it is and why. */
  readonly notes?: string;
}

/** The calls of a cycle read from the container's cache when it is older than its maximum age. */
const cycleNotCached: ExtraCalls = {
  when: 'the cycle is not in the container’s cache (its first request of the year, or the copy is over 60 s old)',
  calls: ['getCycle'],
};

/** A score or review write that lost its transaction reads again: the same standing as sent answers 200. */
const lostScoreRace: ExtraCalls = {
  when: 'its transaction lost to a concurrent write (it reads the assessment again: an identical save that won answers 200)',
  calls: ['loadAssessment', 'loadAssessment'],
};

/** A save of answers that lost its transaction reads again: the same answers as sent answer 200. */
const lostAnswerRace: ExtraCalls = {
  when: 'its transaction lost to a concurrent save (it reads the self-assessment again: an identical save that won answers 200)',
  calls: ['loadSelfAssessment'],
};

/** Powertools' record of an idempotent route: claimed before the route runs, completed after. */
const claimedBefore = (calls: readonly AccessPatternName[]): readonly AccessPatternName[] => [
  'claimIdempotencyKey',
  ...calls,
  'storeIdempotentResponse',
];

/** A `with-change` route: its key is claimed inside its change's transaction; one update stores the answer. */
const claimedWithChange = (calls: readonly AccessPatternName[]): readonly AccessPatternName[] => [
  ...calls,
  'storeIdempotentResponse',
];

const withChangeNote =
  'Idempotency-Key claimed in the change’s transaction (`idempotencyClaim: with-change`); a retry runs the route’s reads again and is answered from the record (+ readIdempotencyRecord).';
const beforeNote =
  'Idempotency-Key claimed by Powertools before the route runs: the route commits several transactions, or has a side effect before its change, so the claim cannot ride in one.';

/** What an award draft is drawn from, after the cycle (in parallel with it): the draft, publish and revise read it. */
const awardDraftReads: readonly AccessPatternName[] = [
  'getPublishedRun',
  'listCycleResults',
  'listCycleResults',
  'listAwardDecisions',
  'listAwardPublications',
  // Then, once the draft is drawn: are its winners still active in the registry?
  'getAgencies',
];

export const routeCalls = {
  // Public and the contract.
  getHealth: {
    calls: ['probeTables'],
    notes:
      'When the batch fails, each table is probed alone (a GetItem each) to name the one that does not answer.',
  },
  getOpenApi: { calls: [] },
  getMe: { calls: [], notes: 'From the token alone.' },
  getFramework: { calls: [], notes: 'Frameworks are code (`shared/domain/framework`).' },
  getDocs: { calls: [] },
  getDocsScript: { calls: [] },
  getDocsStylesheet: { calls: [] },
  getDocsInitializer: { calls: [] },
  listProblemTypes: { calls: [] },
  getProblemType: { calls: [] },

  // Registry.
  putAgency: {
    calls: ['getAgency', 'commitChange'],
    notes: 'A versioned PUT reads the current record (ETag, audit of changed fields), then one transaction.',
  },
  importAgencies: {
    calls: claimedBefore(['listRoster', 'commitChange']),
    extra: [
      { when: 'the roster is over 1 MB', calls: ['listRoster'] },
      { when: 'per further 100 actions of the import', calls: ['commitChange'] },
    ],
    notes: beforeNote,
  },
  listAgencies: {
    calls: ['listAgenciesByGroup'],
    notes: 'listRoster instead without `group`.',
  },
  getAgency: { calls: ['getAgency'] },
  listAgencyDirectory: {
    calls: ['listRoster'],
    extra: [{ when: 'per further 1,000 agencies (the page size) or 1 MB', calls: ['listRoster'] }],
    notes:
      'listAgenciesByGroup instead with `group`. The partition is read whole and matched in the function: case- and diacritic-free matching on any word cannot be a key condition, and a few hundred small items are one page.',
  },
  getAgencyAudit: {
    calls: ['listAuditTrail'],
    extra: [{ when: 'the page is empty (no such agency, or past the end)', calls: ['getAgency'] }],
    notes: 'An agency’s trail starts with its registration: records prove it exists.',
  },
  putMachineClient: {
    calls: ['getMachineClient', 'commitChange'],
    notes: 'The bound agency is checked in the transaction (`agency.active`), not read.',
  },
  getMachineClient: { calls: ['getMachineClient'] },

  // Cycles.
  createCycle: {
    calls: claimedWithChange(['commitChange']),
    notes: `A new cycle is \`attribute_not_exists\`: no read. ${withChangeNote}`,
  },
  listCycles: { calls: ['listCycles'] },
  getCycle: { calls: ['getCycle'] },
  putCycleWindows: { calls: ['getCycle', 'commitChange'] },
  getMachineClientAudit: {
    calls: ['listAuditTrail'],
    extra: [{ when: 'the page is empty (no such client, or past the end)', calls: ['getMachineClient'] }],
  },
  getAssessorAudit: {
    calls: ['listAuditTrail'],
    extra: [{ when: 'the page is empty (no such assessor, or past the end)', calls: ['getAssessor'] }],
  },
  getCycleAudit: {
    calls: ['listAuditTrail'],
    extra: [{ when: 'the page is empty (no such cycle, or past the end)', calls: ['getCycle'] }],
    notes: 'A cycle’s trail starts with its opening: records prove it exists.',
  },
  getAgencyCycleAudit: {
    calls: ['listAuditTrail'],
    extra: [
      {
        when: 'the page is empty (nothing happened yet, or no such cycle or agency)',
        calls: ['getCycle', 'getAgency'],
      },
    ],
  },

  // Self-assessment.
  listCycleSelfAssessments: {
    calls: ['listSubmissionsByStatus'],
    extra: [cycleNotCached],
    notes:
      'One Query of the cycle’s GSI2 partition; the cycle (its framework, or a 404) from the container’s cache beside it (∥).',
  },
  getSelfAssessment: {
    calls: ['loadSelfAssessment'],
    extra: [
      cycleNotCached,
      {
        when: 'nothing saved yet (an empty partition cannot tell a new draft from no agency)',
        calls: ['getAgency'],
      },
    ],
    notes:
      'The cycle’s settings come from the container’s cache (at most 60 s old: a rescheduling shows in reads within a minute).',
  },
  saveSelfAssessment: {
    calls: ['loadSelfAssessment', 'commitChange'],
    extra: [cycleNotCached, lostAnswerRace],
    notes:
      'The transaction checks the cycle is still at the version cached and the agency active (ConditionCheck, no read); a refusal by a cached cycle is decided again on a fresh read.',
  },
  saveIndicatorAnswer: {
    calls: ['loadSelfAssessment', 'commitChange'],
    extra: [cycleNotCached, lostAnswerRace],
    notes: 'As the bulk save.',
  },
  submitSelfAssessment: {
    calls: claimedWithChange(['loadSelfAssessment', 'commitChange']),
    extra: [cycleNotCached],
    notes: withChangeNote,
  },

  // External assessment.
  putAssessor: {
    calls: ['getAssessor', 'commitChange'],
    extra: [
      { when: 'per affiliation named (it must be a registered agency)', calls: ['getAgency'] },
      {
        when: 'an update adds affiliations: the assessor’s assignments, then each of their cycles and assigned agencies (conflicts with assignments in progress)',
        calls: ['listAssessorAssignments', 'getCycle', 'getAgency'],
      },
    ],
    notes: 'The affiliations’ registry records ∥ the profile.',
  },
  getAssessor: { calls: ['getAssessor'] },
  createAssignments: {
    calls: claimedBefore(['planAssignments', 'listRoster', 'listCycleAssignments', 'commitChange']),
    extra: [
      { when: 'per further agency named in the batch', calls: ['listCycleAssignments'] },
      {
        when: 'per further 100 keys of the plan (two per assessor, one per agency)',
        calls: ['planAssignments'],
      },
      { when: 'per further 100 actions', calls: ['commitChange'] },
    ],
    notes: `Reads in parallel (planAssignments ∥ listRoster ∥ listCycleAssignments per agency). ${beforeNote}`,
  },
  listAssignments: {
    calls: ['listCycleAssignments'],
    extra: [{ when: 'the page is empty', calls: ['getCycle'] }],
  },
  listMyAssignments: {
    calls: ['listAssessorAssignments', 'getAssignmentSummaries'],
    extra: [{ when: 'per further 50 assignments on the page', calls: ['getAssignmentSummaries'] }],
    notes: 'An empty page makes the Query alone.',
  },
  recuse: {
    calls: claimedWithChange(['loadAssessment', 'loadAssessment', 'commitChange']),
    notes: withChangeNote,
  },
  removeFromPanel: {
    calls: claimedWithChange(['loadAssessment', 'loadAssessment', 'commitChange']),
    notes: withChangeNote,
  },
  getAssessment: {
    calls: ['getCycleAndAgency', 'loadAssessment', 'loadAssessment'],
    notes:
      'In parallel. The view needs the agency’s name and group and the cycle’s stages (one BatchGetItem); the partition is read in two ranges around its audit trail.',
  },
  saveStageScores: {
    calls: ['getCycleAndAgency', 'loadAssessment', 'loadAssessment', 'commitChange'],
    extra: [lostScoreRace],
  },
  saveStageScore: {
    calls: ['getCycleAndAgency', 'loadAssessment', 'loadAssessment', 'commitChange'],
    extra: [lostScoreRace],
  },
  listStageScoreVersions: { calls: ['getCycleAndAgency', 'loadAssessment', 'loadAssessment'] },
  saveReviews: {
    calls: ['getCycleAndAgency', 'loadAssessment', 'loadAssessment', 'commitChange'],
    extra: [lostScoreRace],
  },

  // Results and appeals.
  listCycleResults: {
    calls: ['pageCycleResults'],
    extra: [cycleNotCached],
    notes:
      'One Query of the cycle’s results partition (GSI1); the cycle (its framework, or a 404) from the container’s cache beside it (∥).',
  },
  getCycleProgress: {
    calls: ['getCycle', 'listRoster', 'listSubmissionsByStatus', 'pageCycleResults', 'listCycleAppeals'],
    extra: [
      { when: 'the roster past 1,000 agencies or 1 MB (likewise each listing)', calls: ['listRoster'] },
    ],
    notes:
      'The cycle (its windows, read fresh: the phase shown must not be a copy from before a reschedule) and four listings read whole, side by side (∥, one round trip): one Query each at the programme’s size.',
  },
  finalizeResult: {
    calls: claimedWithChange(['getCycleAndAgency', 'loadAssessment', 'loadAssessment', 'commitChange']),
    notes: withChangeNote,
  },
  getResult: {
    calls: ['getCycleAndAgency', 'listResultVersions'],
    notes: 'In parallel; served only once the caller may read it.',
  },
  listResultVersions: { calls: ['getCycleAndAgency', 'listResultVersions'] },
  getResultBundle: { calls: ['getCycleAndAgency', 'listResultVersions'] },
  fileAppeal: {
    calls: claimedWithChange(['getCycleAndCurrentResults', 'commitChange']),
    extra: [{ when: 'no current result (404 or 409)', calls: ['getCycleAndAgency'] }],
    notes: `The current result proves the agency. ${withChangeNote}`,
  },
  listAppeals: { calls: ['getCycleAndAgency', 'listAppeals'] },
  getAppeal: {
    calls: ['getCycleAndAgency', 'listAppeals'],
    notes: 'An agency has a few appeals a cycle: its appeals are read and the one named picked.',
  },
  listCycleAppeals: {
    calls: ['listCycleAppeals'],
    extra: [cycleNotCached],
    notes:
      'One Query of the cycle’s GSI1 appeals partition; the cycle (a 404) from the container’s cache beside it (∥).',
  },
  decideAppeal: {
    calls: ['getCycleAndAgency', 'listAppeals', 'listResultVersions', 'commitChange'],
    extra: [
      {
        when: 'its transaction lost to a concurrent decision (it reads the appeals again: the same decisions answer 200)',
        calls: ['listAppeals'],
      },
    ],
    notes:
      'Reads in parallel; appeals and results are two ranges of the partition with the audit trail between.',
  },
  importResults: {
    calls: claimedBefore(['getCycleAndCurrentResults', 'listRoster', 'commitChange']),
    extra: [
      { when: 'per further 50 agencies', calls: ['getCycleAndCurrentResults'] },
      {
        when: 'rows name agencies with a result already (a retry): per 100 of their versions (two for an appealed result)',
        calls: ['getResultVersions'],
      },
      { when: 'per further 100 actions', calls: ['commitChange'] },
    ],
    notes: `${beforeNote} A row whose agency has a result already is compared with its standing version, and with version 1 (the import) when an appeal changed it since: skipped when the same as either, the import refused when not.`,
  },

  // Rankings.
  startRankingRun: {
    calls: claimedWithChange(['getCycleAndRankingRun', 'findCycleResult', 'commitChange']),
    notes: `The cycle and run ∥ whether any result is final (a run of none is refused); then the worker is invoked (Lambda, not DynamoDB). ${withChangeNote}`,
  },
  listRankingRuns: {
    calls: ['listRankingRuns'],
    extra: [{ when: 'no run yet', calls: ['getCycle'] }],
  },
  getRankingRun: { calls: ['getRankingRun'] },
  getRankingRunEntries: {
    calls: ['getRankingPages'],
    extra: [
      {
        when: 'the run is `unchanged` (it wrote no entries: the pages are those of the run it confirmed)',
        calls: ['getRankingPages'],
      },
    ],
    notes: 'Every key is known: the cycle, the run and the page(s) in one BatchGetItem.',
  },
  getRankings: {
    calls: ['getRankingPointer', 'getRankingPages'],
    notes: 'The page keys name the published run: two steps.',
  },
  getRankingOpenData: {
    calls: ['getRankingPointer', 'listRunPages'],
    extra: [{ when: 'the run’s rankings are over 1 MB', calls: ['listRunPages'] }],
  },
  getAgencyRankings: {
    calls: ['listAgencyPositions', 'getRankingPublications'],
    extra: [{ when: 'the agency has no positions (never ranked, or no such agency)', calls: ['getAgency'] }],
    notes: 'Positions prove the agency exists: only an empty list needs the registry read.',
  },

  // Webhooks.
  createWebhookEndpoint: {
    calls: ['listAgencyWebhookEndpoints', 'commitChange'],
    extra: [
      {
        when: 'the transaction is refused (a racing registration of the URL or of the agency’s last free place, or the agency removed)',
        calls: ['listAgencyWebhookEndpoints'],
      },
    ],
    notes:
      'The list refuses a registration beyond the per-agency limit and finds the URL already registered; the transaction checks the agency exists, counts the endpoint against the limit on the agency’s item (so registrations sent at once cannot pass it) and claims the URL.',
  },
  listWebhookEndpoints: {
    calls: ['listAgencyWebhookEndpoints'],
    extra: [{ when: 'the agency has no endpoint', calls: ['getAgency'] }],
  },
  getWebhookEndpoint: { calls: ['getWebhookEndpoint'] },
  updateWebhookEndpoint: {
    calls: ['getWebhookEndpoint', 'commitChange'],
    extra: [
      {
        when: 'a new URL (is another endpoint of the agency at it?); again when the transaction is refused',
        calls: ['listAgencyWebhookEndpoints'],
      },
    ],
  },
  deleteWebhookEndpoint: { calls: ['getWebhookEndpoint', 'commitChange'] },
  getWebhookEndpointAudit: {
    calls: ['getWebhookEndpoint', 'listAuditTrail'],
    notes:
      'Side by side: the trail’s partition is named by the endpoint alone, so the endpoint proves the agency in the path.',
  },
  rotateWebhookSecret: { calls: ['getWebhookEndpoint', 'commitChange'] },
  sendWebhookTest: {
    calls: claimedWithChange(['getWebhookEndpoint', 'commitChange']),
    notes: withChangeNote,
  },
  listWebhookDeliveries: {
    calls: ['getWebhookEndpoint', 'listEndpointDeliveries'],
    notes: 'In parallel; listEndpointDeliveriesByStatus with `status`.',
  },
  redeliverWebhook: {
    calls: claimedWithChange(['loadAttemptContext', 'commitChange']),
    extra: [
      {
        when: 'asked again while a pending delivery’s attempt is already due (no change: the key is claimed alone, instead of commitChange)',
        calls: ['claimIdempotencyKey'],
      },
    ],
    notes: `The delivery’s update (events table) and its audit record in one transaction. ${withChangeNote}`,
  },
  redeliverFailedWebhooks: {
    calls: claimedBefore(['getWebhookEndpoint', 'listEndpointDeliveriesByStatus']),
    extra: [
      {
        when: 'per 99 failed deliveries (their updates and one audit record), and per delivery that changed since it was listed (its transaction is sent again without it)',
        calls: ['commitChange'],
      },
    ],
    notes: beforeNote,
  },
  listWebhookPublicKeys: { calls: ['listWebhookPublicKeys'] },
  // Awards.
  getAwardDraft: {
    calls: ['getCycle', ...awardDraftReads],
    extra: [
      {
        when: 'after a publication (would a revision change anything?)',
        calls: ['listCycleAwards', 'listPublicationAwards'],
      },
      {
        when: 'the ranking was published before its pointer kept the run’s inputs hash (until the next run)',
        calls: ['getRankingRun'],
      },
    ],
    notes:
      'Three round trips: the cycle ∥ the ranking pointer (it carries the published run’s inputs hash); then this and last year’s results ∥ decisions ∥ publications, all in parallel; then the winners in the registry.',
  },
  createAwardDecision: {
    calls: claimedWithChange(['getCycle', 'getCurrentResult', 'listAwardDecisions', 'commitChange']),
    notes: `The result and the decisions in parallel. ${withChangeNote}`,
  },
  listAwardDecisions: { calls: ['getCycle', 'listAwardDecisions'], notes: 'In parallel.' },
  getAwardDecision: { calls: ['getAwardDecision'] },
  publishAwards: {
    calls: claimedBefore([
      'getCycle',
      'listAwardPublications',
      ...awardDraftReads,
      'listCycleAwards',
      'commitChange',
      'getAwardPublication',
      'listPublicationRecipients',
      'commitChange',
      'commitChange',
    ]),
    extra: [
      { when: 'per further 100 actions of recipients’ transactions', calls: ['commitChange'] },
      {
        when: 'the ranking was published before its pointer kept the run’s inputs hash (until the next run)',
        calls: ['getRankingRun'],
      },
    ],
    notes: `The draft’s reads, every earlier award (numbering), the claim; then finishing: the claimed version, who is written, the recipients’ transactions, the pointer switch. Publishing again is answered after getCycle ∥ listAwardPublications. ${beforeNote}`,
  },
  reviseAwards: {
    calls: claimedBefore([
      'getCycle',
      'listAwardPublications',
      ...awardDraftReads,
      'listCycleAwards',
      'listPublicationAwards',
      'commitChange',
      'getAwardPublication',
      'listPublicationAwards',
      'listPublicationRecipients',
      'commitChange',
      'commitChange',
    ]),
    extra: [
      { when: 'per further 100 actions of recipients’ transactions', calls: ['commitChange'] },
      {
        when: 'the ranking was published before its pointer kept the run’s inputs hash (until the next run)',
        calls: ['getRankingRun'],
      },
    ],
    notes: `As the first publication, and the current version’s awards (a revision must change something; what each recipient lost). ${beforeNote}`,
  },
  getCycleAwards: {
    calls: ['listAwardPublications', 'listCycleAwards'],
    notes: 'The award records of every version: the current ones, and those revisions withdrew.',
  },
  getAgencyAwards: {
    calls: ['listAgencyAwards', 'getAwardPointers'],
    extra: [
      { when: 'the agency has no award records (none won, or no such agency)', calls: ['getAgency'] },
      {
        when: 'an award looks withdrawn (its record in the published version, read consistently: the index may lag a revision)',
        calls: ['getAwardVersions'],
      },
    ],
    notes: 'Only the records of each year’s published version are shown.',
  },
  listAwardYears: {
    calls: ['listCycles', 'getAwardPointers'],
    notes: 'As the page `GET /awards`: the cycles are one page, their published pointers one batch.',
  },
  getAward: { calls: ['getAwardPointer', 'getAwardVersions'] },
  getAwardsPage: {
    calls: ['listAwardPublications', 'getPublishedRun', 'listCycleAwards', 'listRankingPages'],
    notes:
      'Two round trips: the award publications ∥ the published ranking pointer (so that the page says when the open-data link serves a newer run than the awards rest on); then the award records of every version (the withdrawn awards keep their rows) ∥ the national index ranking of the run the awards rest on.',
  },
  getAwardsIndexPage: {
    calls: ['listCycles', 'getAwardPointers'],
    notes: 'One cycle a year: the cycles are one page, their published pointers one batch.',
  },
  getAwardsStylesheet: { calls: [] },
} as const satisfies { readonly [K in OperationId]: RouteCalls };

/**
 * The calls every API request makes before its route runs, whatever the route: the per-client rate
 * limit's counter (`countRequest`, one UpdateItem on its own table; `shared/http/rate-limit.ts`).
 * Kept apart from each route's own calls so the table shows what the route itself needs.
 */
export const everyRequestCalls: readonly AccessPatternName[] = ['countRequest'];

/** Everything a successful request of the route makes on a warm container, the limiter's call first. */
export const documentedCallsOf = (operationId: OperationId): readonly AccessPatternName[] => [
  ...everyRequestCalls,
  ...routeCalls[operationId].calls,
];
