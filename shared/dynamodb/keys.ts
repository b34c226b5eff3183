import { createHash } from 'node:crypto';
import type { AuditTrail } from '#shared/domain/audit.ts';

/**
 * The one key catalogue: every item type of every table (built and planned), its keys, and every
 * access pattern that reads it. The key builders below are the only code that spells a key;
 * `docs/access-patterns.md` is generated from the catalogue (`npm run docs:keys`), and a unit test
 * checks that each builder produces keys of its catalogued shape and that the document is current.
 */

export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

type TableName = 'programme' | 'events' | 'idempotency' | 'rate-limits';

export interface ItemTypeEntry {
  /** Stable name, also the item's `entity` attribute where it has one. */
  readonly name: string;
  readonly table: TableName;
  /** Key templates: `<name>` is a value, everything else literal. */
  readonly pk: string;
  readonly sk: string;
  readonly gsi1?: readonly [pk: string, sk: string];
  readonly gsi2?: readonly [pk: string, sk: string];
  /** `built` items exist today; `planned` ones are designed here before they are built. */
  readonly status: 'built' | 'planned';
  readonly notes: string;
}

export interface AccessPatternEntry {
  readonly name: string;
  readonly table: TableName;
  readonly operation: 'GetItem' | 'BatchGetItem' | 'Query' | 'TransactWriteItems' | 'UpdateItem' | 'PutItem';
  readonly index?: 'GSI1' | 'GSI2';
  /** The key condition in template form. */
  readonly key: string;
  readonly status: 'built' | 'planned';
  readonly notes: string;
}

export const itemCatalogue: readonly ItemTypeEntry[] = [
  {
    name: 'Agency',
    table: 'programme',
    pk: 'AGENCY#<agencyId>',
    sk: 'PROFILE',
    gsi1: ['AGENCIES#GROUP#<group>', '<agencyId>'],
    gsi2: ['AGENCIES', '<agencyId>'],
    status: 'built',
    notes:
      'Registry record (versioned). Provinces carry `childCount`, kept in the same transaction as every kabupaten/kota registered or moved under them; agencies with webhook endpoints carry `webhookEndpointCount`, kept in the same transaction as every registration and deletion of one (its condition holds the per-agency limit).',
  },
  {
    name: 'Audit',
    table: 'programme',
    pk: '<trail partition>',
    sk: 'AUDIT#<at>#<requestId>#<sequence>',
    status: 'built',
    notes:
      'Append-only (`attribute_not_exists`), written in the same transaction as the change. Trail partitions: `AGENCY#<agencyId>`, `CYCLE#<year>`, `CYCLE#<year>#AGENCY#<agencyId>`, `CLIENT#<clientId>`, `WEBHOOK#<endpointId>`, `ASSESSOR#<subject>`; each is read by its own route (…/audit).',
  },
  {
    name: 'Cycle',
    table: 'programme',
    pk: 'CYCLE#<year>',
    sk: 'CYCLE',
    gsi1: ['CYCLES', '<year>'],
    status: 'built',
    notes: 'Framework, type, windows, predicate basis, award rules. Created once (`attribute_not_exists`).',
  },
  {
    name: 'MachineClient',
    table: 'programme',
    pk: 'CLIENT#<clientId>',
    sk: 'CLIENT',
    status: 'built',
    notes: 'Role and agency of an OAuth2 client-credentials client; read by the Cognito pre-token trigger.',
  },
  {
    name: 'SelfAssessment',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'SELF',
    gsi2: ['CYCLE#<year>#SELF', '<status>#<agencyId>'],
    status: 'built',
    notes: 'Header: status, version (the ETag of the whole self-assessment), answer count.',
  },
  {
    name: 'SelfAssessmentAnswer',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'SELF#IND#<indicatorNo>',
    status: 'built',
    notes: 'One per answered indicator (two-digit number): level, penjelasan, evidence.',
  },
  {
    name: 'AssessorProfile',
    table: 'programme',
    pk: 'ASSESSOR#<subject>',
    sk: 'PROFILE',
    gsi1: ['ASSESSORS', '<subject>'],
    status: 'built',
    notes:
      'Name and affiliations (agency ids) of an external assessor; affiliations drive conflict-of-interest checks.',
  },
  {
    name: 'AssessorLoad',
    table: 'programme',
    pk: 'ASSESSOR#<subject>',
    sk: 'LOAD#<year>',
    status: 'built',
    notes:
      'Assignments of an assessor in a cycle: `ADD count :1` with `count < :cap` in the assignment transaction enforces the load cap without a read.',
  },
  {
    name: 'Assignment',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'ASSIGN#<subject>',
    gsi1: ['ASSESSOR#<subject>', 'CYCLE#<year>#<agencyId>'],
    gsi2: ['CYCLE#<year>#ASSIGN', '<agencyId>#<subject>'],
    status: 'built',
    notes:
      'A panel member of one agency in one cycle. The agency partition lists its panel (and is what makes the assessor see it); GSI1 lists an assessor’s assignments (all cycles, or one by prefix); GSI2 lists a cycle’s by agency. An assignment that ends keeps its item and index keys, so the panel and both listings show how it ended: a recusal (`recused`, `recusedAt`, `recusalReason`) or the review team’s removal (`removed`, `removedAt`, `removedBy`, `removalReason`), each audited. A removed assessor assigned again gets a new item in its place (`attribute_not_exists(PK) OR status = removed`); the removal stays in the agency’s trail.',
  },
  {
    name: 'StageScore',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'SCORE#<stage>#IND#<indicatorNo>#V#<version>',
    status: 'built',
    notes:
      'Append-only score versions: level, note, evidence indices relied on, `recordedBy` (the assessor), and for corrections the mandatory reason. How a panel decides: any member records, the latest version stands; writing version n + 1 is `attribute_not_exists`, so two members writing from version n get one 2xx and one 412.',
  },
  {
    name: 'AssessmentHead',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'ASSESSMENT',
    status: 'built',
    notes:
      'The panel’s active members (a string set: a recusal keeps at least one; a removal by the review team may leave none, and an emptied set is dropped), a revision every score and review bumps (finalizing is conditional on the revision it read), and `finalizedAt` (no scoring after it).',
  },
  {
    name: 'Review',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'REVIEW#IND#<indicatorNo>',
    status: 'built',
    notes:
      'The review team’s mark (valid / not valid, reason) on one stage-score version; stale once a newer version exists.',
  },
  {
    name: 'ResultVersion',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'RESULT#V#<version>',
    status: 'built',
    notes:
      'Immutable final result: levels, indices (exact and display), predicate, framework and settings, improvement plan, SHA-256 of its canonical inputs and the previous version’s hash (chain per agency and cycle).',
  },
  {
    name: 'ResultCurrent',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'RESULT#CURRENT',
    gsi1: ['CYCLE#<year>#RESULTS', '<group>#<agencyId>'],
    gsi2: ['AGENCY#<agencyId>#RESULTS', '<year>'],
    status: 'built',
    notes:
      'Which version stands, its hash and summary (exact index, domain indices, predicate), and an open appeal: small, because the ranking run reads one per agency from GSI1; an agency’s results across years from GSI2. One Query (`begins_with RESULT#`) reads it with every version.',
  },
  {
    name: 'Appeal',
    table: 'programme',
    pk: 'CYCLE#<year>#AGENCY#<agencyId>',
    sk: 'APPEAL#<appealId>',
    gsi1: ['CYCLE#<year>#APPEALS', '<status>#<filedAt>#<agencyId>'],
    status: 'built',
    notes: 'Indicators appealed with justification and evidence; each decided (upheld / rejected, reason).',
  },
  {
    name: 'RankingRun',
    table: 'programme',
    pk: 'CYCLE#<year>#RANKINGS',
    sk: 'RUN#<runId>',
    status: 'built',
    notes:
      'Run report (status: `running`, `published`, `failed`, or `unchanged` naming the published run it confirmed; phase, progress checkpoint, counts, inputs and entries hashes, duration, consumed capacity, changes against the previous published run). A scheduled run’s id derives from its schedule slot (`slot-<time>`), so retries of one slot are one run.',
  },
  {
    name: 'RankingLease',
    table: 'programme',
    pk: 'CYCLE#<year>#RANKINGS',
    sk: 'LEASE',
    status: 'built',
    notes:
      'Who runs the cycle’s ranking until when: taken with `attribute_not_exists(PK) OR leaseUntil < :now` (times compared, TTL never trusted).',
  },
  {
    name: 'RankingPointer',
    table: 'programme',
    pk: 'CYCLE#<year>#RANKINGS',
    sk: 'PUBLISHED',
    status: 'built',
    notes:
      'The published run id, switched by one conditional write (with `ranking.published` in the same transaction) after every entry of the run is stored: readers resolve it first, so they see the old ranking whole or the new one whole. Keeps the run’s inputs and entries hashes: a later run with both equal confirms it (a ConditionCheck on them, the item not written, no event) instead of publishing it again; a pointer without them (written before they were kept) is replaced by the next run.',
  },
  {
    name: 'RankingPage',
    table: 'programme',
    pk: 'CYCLE#<year>#RANKING#<runId>',
    sk: '<scope>#<measure>#<page>',
    status: 'built',
    notes:
      'Up to 400 rows of one ranking (scope × measure) of a run, written once by BatchWriteItem (unprocessed items retried with backoff and jitter): derived data nobody reads until the audited pointer switch publishes the run.',
  },
  {
    name: 'AgencyRankingPositions',
    table: 'programme',
    pk: 'AGENCY#<agencyId>',
    sk: 'RANK#<year>#<runId>',
    status: 'built',
    notes:
      'One agency’s positions in every ranking of one run and its rank range; read for `GET /agencies/{agencyId}/rankings`, filtered to the published run of each published cycle.',
  },
  {
    name: 'AwardDecision',
    table: 'programme',
    pk: 'CYCLE#<year>#AWARDS',
    sk: 'DECISION#<number>',
    status: 'built',
    notes:
      'An admin’s exclusion of an agency from a category (or its reinstatement), with the mandatory reason; numbered 1, 2, … and written `attribute_not_exists`, so two admins deciding at once get one 201 and one 409. Never edited: a decision is undone by a later one.',
  },
  {
    name: 'AwardPublication',
    table: 'programme',
    pk: 'CYCLE#<year>#AWARDS',
    sk: 'PUBLICATION#<version>',
    gsi1: ['AWARDS#PUBLISHING', '<startedAt>#<year>#<version>'],
    status: 'built',
    notes:
      'One publication version: `publishing` from its claim (`attribute_not_exists`, the pointer at the version before, no decision after the draft’s last, the published ranking still the run it draws from) until every recipient is written, then `published`. GSI1 keys only while `publishing` (sparse: the publish removes them), so the webhook sweep finds a publication cut off half-way. Holds every award record it publishes (at most 300, so a crashed publication is finished from it), the ranking run and the hash of its inputs, the decisions applied, the reason and note of a revision, and a SHA-256 chained to the previous version’s.',
  },
  {
    name: 'AwardPointer',
    table: 'programme',
    pk: 'CYCLE#<year>#AWARDS',
    sk: 'PUBLISHED',
    status: 'built',
    notes:
      'The current publication version (and its hash): created once by the first publication, then moved only from version n − 1 to n, in the transaction that marks n published. `PUBLISHED` sorts beside `PUBLICATION#…`, so one Query (`begins_with PUBLI`) reads the pointer and every version.',
  },
  {
    name: 'Award',
    table: 'programme',
    pk: 'CYCLE#<year>#AWARDS',
    sk: 'AWARD#V<version>#<awardId>',
    gsi2: ['AGENCY#<agencyId>#AWARDS', '<year>#V<version>#<awardId>'],
    status: 'built',
    notes:
      'A numbered, immutable award of one publication version (`apd-<year>-<category>-<groups>-<n>`: the agency, value, rank and citation; the ranking run, its inputs’ hash and the winner’s result version and hash; its own SHA-256). Each version writes all of its awards, so a version reads with one Query. GSI2 lists an agency’s awards of every version; readers keep those of each cycle’s published version, so an award shows only once its version is published.',
  },
  {
    name: 'AwardRecipient',
    table: 'programme',
    pk: 'CYCLE#<year>#AWARDS',
    sk: 'RECIPIENT#V<version>#<agencyId>',
    status: 'built',
    notes:
      'One agency’s part of a publication version is written: its awards, this marker and its `award.published` / `award.revoked` event in one transaction (`attribute_not_exists`). Finishing a publication skips the agencies whose marker exists, so a re-drive after a crash notifies each agency once.',
  },
  {
    name: 'WebhookEndpoint',
    table: 'programme',
    pk: 'AGENCY#<agencyId>',
    sk: 'WEBHOOK#<endpointId>',
    gsi2: ['WEBHOOK-KEYS', '<agencyId>#<endpointId>'],
    status: 'built',
    notes:
      'URL, event types, enabled, signature schemes and the public side of its signing keys (creation times, the ed25519 public key; the previous ones during a rotation, until their expiry); versioned. Read with its agency’s partition (consistent). GSI2 only for ed25519 (v1a) endpoints: the published public keys. The secrets live in `WebhookSigningSecrets`.',
  },
  {
    name: 'WebhookSigningSecrets',
    table: 'programme',
    pk: 'SIGNING#<agencyId>#<endpointId>',
    sk: 'SECRETS',
    status: 'built',
    notes:
      'The endpoint’s `whsec_` secret and `whsk_` signing key (current and, during a rotation, previous), written by every endpoint write in its transaction and deleted with it. A partition of its own, so IAM can keep it from every function but the two that sign or rotate (a Deny on `dynamodb:LeadingKeys` `SIGNING#*`): an agency partition holds the endpoint, but no secret.',
  },
  {
    name: 'WebhookUrlClaim',
    table: 'programme',
    pk: 'AGENCY#<agencyId>',
    sk: 'WEBHOOK-URL#<sha256 of the URL>',
    status: 'built',
    notes:
      'An agency registers a URL once: put with `attribute_not_exists` in the endpoint’s creating transaction, deleted with it, so two racing registrations of one URL (a double click) leave one endpoint and a 409. Hashed because a URL may outgrow a sort key.',
  },
  {
    name: 'WebhookSubscription',
    table: 'programme',
    pk: 'AGENCY#<agencyId>',
    sk: 'WEBHOOK#<endpointId>#SUB#<eventType>',
    gsi1: ['SUBSCRIBERS#<eventType>', '<agencyId>#<endpointId>'],
    status: 'built',
    notes:
      'One per event type an enabled endpoint wants (none while disabled), written in the endpoint’s transaction. The dispatcher finds an event’s endpoints with one Query: the agency’s (`begins_with <agencyId>#`) or, for national events, all.',
  },
  {
    name: 'Event',
    table: 'events',
    pk: 'EVENT#<eventId>',
    sk: 'EVENT',
    gsi1: ['EVENTS#<day>', '<occurredAt>#<eventId>'],
    status: 'built',
    notes:
      'Outbox: `{id, type, occurredAt, subject, data}` written `attribute_not_exists` in the transaction of its change; the stream delivers it.',
  },
  {
    name: 'WebhookDelivery',
    table: 'events',
    pk: 'ENDPOINT#<endpointId>',
    sk: 'DELIVERY#<eventId>',
    gsi1: ['DUE#<shard>', '<nextAttemptAt>#<endpointId>#<eventId>'],
    gsi2: ['ENDPOINT#<endpointId>#<status>', '<createdAt>#<eventId>'],
    status: 'built',
    notes:
      'One event to one endpoint, created by its first attempt (`attribute_not_exists`) and replaced by each later one (`attemptCount = :previous`): status, the event, next attempt, and the attempts themselves (time, status code, latency, error class; the latest 25). GSI1 keys only while an attempt is due (sparse; 4 shards), GSI2 lists an endpoint’s deliveries by status. Expires 30 days after its last change.',
  },
  {
    name: 'WebhookEndpointHealth',
    table: 'events',
    pk: 'ENDPOINT#<endpointId>',
    sk: 'HEALTH',
    status: 'built',
    notes:
      '`failingSince`: set by the first failed attempt after a success, removed by a success (or by enabling the endpoint). Five days failing disables the endpoint.',
  },
];

export const accessPatterns = [
  {
    name: 'getAgency',
    table: 'programme',
    operation: 'GetItem',
    key: 'AGENCY#<agencyId> / PROFILE',
    status: 'built',
    notes: 'Public profile, PUT flow.',
  },
  {
    name: 'getAgencies',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'AGENCY#<agencyId> / PROFILE, one per agency',
    status: 'built',
    notes: 'The award draft’s winners (is each still active?): one request for up to 100.',
  },
  {
    name: 'listAgenciesByGroup',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'AGENCIES#GROUP#<group>',
    status: 'built',
    notes: 'Paginated, id order.',
  },
  {
    name: 'listRoster',
    table: 'programme',
    operation: 'Query',
    index: 'GSI2',
    key: 'AGENCIES',
    status: 'built',
    notes: 'Paginated, id order; the import reads it whole.',
  },
  {
    name: 'listAuditTrail',
    table: 'programme',
    operation: 'Query',
    key: '<trail partition> AND begins_with(SK, AUDIT#)',
    status: 'built',
    notes: 'Newest first, paginated.',
  },
  {
    name: 'getCycle',
    table: 'programme',
    operation: 'GetItem',
    key: 'CYCLE#<year> / CYCLE',
    status: 'built',
    notes: '',
  },
  {
    name: 'listCycles',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'CYCLES',
    status: 'built',
    notes: 'Newest first, one page.',
  },
  {
    name: 'getMachineClient',
    table: 'programme',
    operation: 'GetItem',
    key: 'CLIENT#<clientId> / CLIENT',
    status: 'built',
    notes: 'Also the pre-token trigger.',
  },
  {
    name: 'getCycleAndAgency',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year> / CYCLE + AGENCY#<agencyId> / PROFILE',
    status: 'built',
    notes: 'The context of every per-agency route.',
  },
  {
    name: 'loadSelfAssessment',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AGENCY#<agencyId> AND begins_with(SK, SELF)',
    status: 'built',
    notes: 'Header and all answers in one page.',
  },
  {
    name: 'listSubmissionsByStatus',
    table: 'programme',
    operation: 'Query',
    index: 'GSI2',
    key: 'CYCLE#<year>#SELF AND begins_with(GSI2SK, <status>#)',
    status: 'built',
    notes:
      'The review team’s overview of a cycle: drafts, then submissions, by agency; one status by prefix; paginated.',
  },
  {
    name: 'commitChange',
    table: 'programme',
    operation: 'TransactWriteItems',
    key: 'state items + audit records (programme) + events and redelivery requests (events table)',
    status: 'built',
    notes:
      'The one audited write path; conditions per state change. A redelivery request (a delivery due now again, conditional on the status and attempt count read) rides here with its audit record.',
  },
  {
    name: 'listAssessorAssignments',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'ASSESSOR#<subject> AND begins_with(GSI1SK, CYCLE#<year>#)',
    status: 'built',
    notes: '`GET /assessors/me/assignments`; admins by assessor.',
  },
  {
    name: 'getAssignmentSummaries',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'AGENCY#<agencyId> / PROFILE + CYCLE#<year>#AGENCY#<agencyId> / SELF per assignment of the page',
    status: 'built',
    notes: 'An assessor’s list: each agency’s name and where its self-assessment stands (100 keys a call).',
  },
  {
    name: 'listCycleAssignments',
    table: 'programme',
    operation: 'Query',
    index: 'GSI2',
    key: 'CYCLE#<year>#ASSIGN AND begins_with(GSI2SK, <agencyId>#)',
    status: 'built',
    notes:
      'Admins: a cycle’s assignments, all or one agency’s, paginated; an assignment batch reads each named agency’s panel.',
  },
  {
    name: 'planAssignments',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year> / CYCLE + ASSESSOR#<subject> / PROFILE and / LOAD#<year> per assessor + CYCLE#<year>#AGENCY#<agencyId> / RESULT#CURRENT per agency',
    status: 'built',
    notes:
      'What an assignment batch checks its rows against: the load cap, affiliations, loads, and agencies whose result is final already.',
  },
  {
    name: 'getAssessor',
    table: 'programme',
    operation: 'GetItem',
    key: 'ASSESSOR#<subject> / PROFILE',
    status: 'built',
    notes: 'Profile and affiliations; the versioned PUT reads it first.',
  },
  {
    name: 'loadAssessment',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AGENCY#<agencyId> AND SK BETWEEN ASSESSMENT AND ASSIGN$ · and SK >= REVIEW#',
    status: 'built',
    notes:
      'Two Queries in parallel, around the audit trail (which only grows and sorts between them): panel and head, then reviews, stage scores and the self-assessment.',
  },
  {
    name: 'listResultVersions',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AGENCY#<agencyId> AND begins_with(SK, RESULT#)',
    status: 'built',
    notes: 'The current result and every version (the hash chain), in one Query.',
  },
  {
    name: 'listAppeals',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AGENCY#<agencyId> AND begins_with(SK, APPEAL#)',
    status: 'built',
    notes: 'An agency’s appeals in a cycle.',
  },
  {
    name: 'listCycleAppeals',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'CYCLE#<year>#APPEALS [AND begins_with(GSI1SK, <status>#)]',
    status: 'built',
    notes:
      'The review team’s queue: every agency’s appeals of a cycle, decided then open, by filing time; paginated.',
  },
  {
    name: 'getCycleAndCurrentResults',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year> / CYCLE + CYCLE#<year>#AGENCY#<agencyId> / RESULT#CURRENT per agency [+ / ASSESSMENT per agency]',
    status: 'built',
    notes:
      'An appeal (one agency) or an import (every agency of the batch, with its assessment head: an agency with a panel is refused; 100 keys a call).',
  },
  {
    name: 'getResultVersions',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year>#AGENCY#<agencyId> / RESULT#V#<version> per agency [+ / RESULT#V#1 when appealed since]',
    status: 'built',
    notes:
      'An import naming agencies that have a result already: the inputs of their standing versions, and of version 1 when an upheld appeal made a later one (projected: levels and sources), to tell a row already imported (skipped) from one that differs (refused); 100 keys a call.',
  },
  {
    name: 'listCycleResults',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'CYCLE#<year>#RESULTS',
    status: 'built',
    notes: 'The ranking run’s input, by group.',
  },
  {
    name: 'pageCycleResults',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'CYCLE#<year>#RESULTS AND begins_with(GSI1SK, <group>#) (Limit, ExclusiveStartKey)',
    status: 'built',
    notes: 'The review team’s page of a cycle’s final results, by group then agency; one group by prefix.',
  },
  {
    name: 'findCycleResult',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'CYCLE#<year>#RESULTS (Limit 1, keys only)',
    status: 'built',
    notes: 'Whether a cycle has any final result: a ranking run of none is refused before it starts.',
  },
  {
    name: 'getPublishedRun',
    table: 'programme',
    operation: 'GetItem',
    key: 'CYCLE#<year>#RANKINGS / PUBLISHED',
    status: 'built',
    notes:
      'The published run alone: awards, which read the cycle in parallel (the same round trip); the awards page, beside its publications, for its open-data link.',
  },
  {
    name: 'getRankingPointer',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year> / CYCLE + CYCLE#<year>#RANKINGS / PUBLISHED',
    status: 'built',
    notes: 'The cycle (publication time) and the published run, together.',
  },
  {
    name: 'getRankingPages',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year>#RANKING#<runId> / <scope>#<measure>#<page> (the one or two pages an API page spans) [+ CYCLE#<year> / CYCLE + CYCLE#<year>#RANKINGS / RUN#<runId>]',
    status: 'built',
    notes:
      'A page of a ranking; with the cycle and the run record when the run is named (admins), one call in all.',
  },
  {
    name: 'getRankingRun',
    table: 'programme',
    operation: 'GetItem',
    key: 'CYCLE#<year>#RANKINGS / RUN#<runId>',
    status: 'built',
    notes: 'Status, progress and report.',
  },
  {
    name: 'getCycleAndRankingRun',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year> / CYCLE + CYCLE#<year>#RANKINGS / RUN#<runId>',
    status: 'built',
    notes: 'Starting a run: the cycle, and a run of that id (a retried schedule slot).',
  },
  {
    name: 'listRankingRuns',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#RANKINGS AND begins_with(SK, RUN#)',
    status: 'built',
    notes: 'Every run of a cycle.',
  },
  {
    name: 'listRunPages',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#RANKING#<runId>',
    status: 'built',
    notes:
      'Every ranking of a run at once: the open-data file (about 1 MB for 620 agencies: one or two pages).',
  },
  {
    name: 'listRankingPages',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#RANKING#<runId> AND begins_with(SK, <scope>#<measure>#)',
    status: 'built',
    notes: 'A whole ranking of a run: open data, changes between runs.',
  },
  {
    name: 'listAgencyPositions',
    table: 'programme',
    operation: 'Query',
    key: 'AGENCY#<agencyId> AND begins_with(SK, RANK#)',
    status: 'built',
    notes: 'Then getRankingPublications for those years.',
  },
  {
    name: 'getRankingPublications',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year> / CYCLE + CYCLE#<year>#RANKINGS / PUBLISHED per year',
    status: 'built',
    notes: 'The cycles and published runs of the years an agency was ranked in.',
  },
  {
    name: 'takeRankingLease',
    table: 'programme',
    operation: 'PutItem',
    key: 'CYCLE#<year>#RANKINGS / LEASE',
    status: 'built',
    notes: '`attribute_not_exists(PK) OR leaseUntil < :now OR runId = :me`.',
  },
  {
    name: 'getAwardDecision',
    table: 'programme',
    operation: 'GetItem',
    key: 'CYCLE#<year>#AWARDS / DECISION#<nnnn>',
    status: 'built',
    notes: 'Consistent; one decision, where its 201 points.',
  },
  {
    name: 'listAwardDecisions',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AWARDS AND begins_with(SK, DECISION#)',
    status: 'built',
    notes: 'Consistent; every decision in order (the draft folds them into the exclusions in effect).',
  },
  {
    name: 'listAwardPublications',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AWARDS AND begins_with(SK, PUBLI)',
    status: 'built',
    notes:
      'The pointer and every version’s summary in one read (the projection leaves out the awards each version holds).',
  },
  {
    name: 'getAwardPointer',
    table: 'programme',
    operation: 'GetItem',
    key: 'CYCLE#<year>#AWARDS / PUBLISHED',
    status: 'built',
    notes:
      'Then the awards up to that version only (records of a later version, still being written, are left out).',
  },
  {
    name: 'getCurrentResult',
    table: 'programme',
    operation: 'GetItem',
    key: 'CYCLE#<year>#AGENCY#<agencyId> / RESULT#CURRENT',
    status: 'built',
    notes: 'Consistent: which result version stands (an award decision names an agency with a final result).',
  },
  {
    name: 'getAwardPointers',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year>#AWARDS / PUBLISHED per year',
    status: 'built',
    notes:
      'The published versions of the years an agency’s award records name: only those versions’ records are shown.',
  },
  {
    name: 'getAwardPublication',
    table: 'programme',
    operation: 'GetItem',
    key: 'CYCLE#<year>#AWARDS / PUBLICATION#<version>',
    status: 'built',
    notes:
      'Consistent: the claimed version with every award it publishes, to finish it (each recipient’s transaction, then the pointer).',
  },
  {
    name: 'listUnfinishedAwardPublications',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'AWARDS#PUBLISHING AND GSI1SK < <10 minutes ago>#~ (year, version, startedAt)',
    status: 'built',
    notes:
      'The webhook sweep, every minute: publications of any cycle still `publishing` 10 minutes after their claim (cut off half-way), each counted as `AwardPublicationsStalled`. Empty unless one is stalled; a publication claimed before this index existed is not in it.',
  },
  {
    name: 'listCycleAwards',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AWARDS AND begins_with(SK, AWARD#)',
    status: 'built',
    notes:
      'Every award record of every version: numbering (numbers are never reused), whether a revision changes anything, and the cycle’s public awards and page (with the awards revisions withdrew; records of a version newer than the pointer are left out).',
  },
  {
    name: 'listPublicationAwards',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AWARDS AND begins_with(SK, AWARD#V<version>#)',
    status: 'built',
    notes:
      'Consistent: one version’s awards (the current version’s for the draft and a revision, the previous version’s when a version is finished).',
  },
  {
    name: 'getAwardVersions',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'CYCLE#<year>#AWARDS / AWARD#V<v>#<awardId> for v = 1 … current',
    status: 'built',
    notes:
      '`GET /awards/{awardId}`: the award in every version, after the pointer. `GET /agencies/{agencyId}/awards`: an award that looks withdrawn, in the published version (the agency index may lag a revision).',
  },
  {
    name: 'listPublicationRecipients',
    table: 'programme',
    operation: 'Query',
    key: 'CYCLE#<year>#AWARDS AND begins_with(SK, RECIPIENT#V<version>#)',
    status: 'built',
    notes: 'Consistent, keys only: which agencies a (re-driven) publication has written.',
  },
  {
    name: 'listAgencyAwards',
    table: 'programme',
    operation: 'Query',
    index: 'GSI2',
    key: 'AGENCY#<agencyId>#AWARDS',
    status: 'built',
    notes:
      'Every version’s records, newest cycle first; then BatchGetItem of those cycles’ pointers keeps the published ones.',
  },
  {
    name: 'listAgencyWebhookEndpoints',
    table: 'programme',
    operation: 'Query',
    key: 'AGENCY#<agencyId> AND begins_with(SK, WEBHOOK#)',
    status: 'built',
    notes: 'Consistent; subscription items filtered out (at most 10 endpoints per agency).',
  },
  {
    name: 'getWebhookEndpoint',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'AGENCY#<agencyId> / WEBHOOK#<endpointId> + SIGNING#<agencyId>#<endpointId> / SECRETS',
    status: 'built',
    notes:
      'Consistent, the endpoint with its secrets in one call (a rotation keeps the current ones as previous); the agency in the key is the path’s, so another agency’s endpoint is not found.',
  },
  {
    name: 'findSubscribers',
    table: 'programme',
    operation: 'Query',
    index: 'GSI1',
    key: 'SUBSCRIBERS#<eventType> [AND begins_with(GSI1SK, <agencyId>#)]',
    status: 'built',
    notes:
      'Endpoints of an event: the subject agency’s, or all for national events; then one BatchGetItem per 100.',
  },
  {
    name: 'listWebhookPublicKeys',
    table: 'programme',
    operation: 'Query',
    index: 'GSI2',
    key: 'WEBHOOK-KEYS',
    status: 'built',
    notes: 'Public, paginated: the whpk_ keys of v1a endpoints.',
  },
  {
    name: 'loadAttemptContext',
    table: 'events',
    operation: 'BatchGetItem',
    key: 'AGENCY#<agencyId> / WEBHOOK#<endpointId> and SIGNING#<agencyId>#<endpointId> / SECRETS (programme) + ENDPOINT#<endpointId> / DELIVERY#<eventId> and / HEALTH',
    status: 'built',
    notes: 'Everything one attempt needs in one round trip, across both tables.',
  },
  {
    name: 'saveDeliveryAttempt',
    table: 'events',
    operation: 'PutItem',
    key: 'ENDPOINT#<endpointId> / DELIVERY#<eventId>',
    status: 'built',
    notes: 'Conditional on the attempt count read (a duplicate message loses).',
  },
  {
    name: 'listDueDeliveries',
    table: 'events',
    operation: 'Query',
    index: 'GSI1',
    key: 'DUE#<shard> AND GSI1SK <= <until>',
    status: 'built',
    notes:
      'The sweep, once a minute: retries further off than the queue’s 15-minute delay limit, redeliveries, lost messages.',
  },
  {
    name: 'listEndpointDeliveries',
    table: 'events',
    operation: 'Query',
    key: 'ENDPOINT#<endpointId> AND begins_with(SK, DELIVERY#)',
    status: 'built',
    notes: 'Delivery log, newest event first (event ids are time-ordered), paginated.',
  },
  {
    name: 'listEndpointDeliveriesByStatus',
    table: 'events',
    operation: 'Query',
    index: 'GSI2',
    key: 'ENDPOINT#<endpointId>#<status> [AND GSI2SK >= <since>]',
    status: 'built',
    notes: 'Delivery log filtered by status, newest first; failed ones since a time for redelivery.',
  },
  {
    name: 'probeTables',
    table: 'programme',
    operation: 'BatchGetItem',
    key: 'HEALTH / HEALTH in the programme and events tables + id HEALTH in the idempotency table',
    status: 'built',
    notes: 'Readiness: keys that never exist, every table in one call (half a read unit each).',
  },
  {
    name: 'claimIdempotencyKey',
    table: 'idempotency',
    operation: 'PutItem',
    key: 'id = <function>#<hash of caller, route and key>',
    status: 'built',
    notes:
      'Powertools: before an idempotent route runs (`attribute_not_exists` or expired). A `with-change` route puts the same item inside its change’s transaction instead.',
  },
  {
    name: 'storeIdempotentResponse',
    table: 'idempotency',
    operation: 'UpdateItem',
    key: 'id = <function>#<hash of caller, route and key>',
    status: 'built',
    notes: 'The response, for replays during 24 h.',
  },
  {
    name: 'readIdempotencyRecord',
    table: 'idempotency',
    operation: 'GetItem',
    key: 'id = <function>#<hash of caller, route and key>',
    status: 'built',
    notes:
      'A `with-change` request that failed before its change committed: replay it, 409 or 422 when it was a duplicate.',
  },
  {
    name: 'countRequest',
    table: 'rate-limits',
    operation: 'UpdateItem',
    key: 'PK = RL#<class>#<caller digest>#<window number>',
    status: 'built',
    notes:
      'The per-client rate limit (`shared/dynamodb/rate-limit-store.ts`): `ADD hits :one` if `hits < quota`, before every API request (one budget across Lambda instances).',
  },
] as const satisfies readonly AccessPatternEntry[];

/** The name of a catalogued access pattern (route call counts name their calls by it). */
export type AccessPatternName = (typeof accessPatterns)[number]['name'];

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const agencyKeys = {
  profile: (agencyId: string): ItemKey => ({ PK: `AGENCY#${agencyId}`, SK: 'PROFILE' }),
  byGroup: (group: string, agencyId: string) => ({ GSI1PK: `AGENCIES#GROUP#${group}`, GSI1SK: agencyId }),
  groupPartition: (group: string) => `AGENCIES#GROUP#${group}`,
  roster: (agencyId: string) => ({ GSI2PK: 'AGENCIES', GSI2SK: agencyId }),
  rosterPartition: 'AGENCIES',
  partition: (agencyId: string) => `AGENCY#${agencyId}`,
} as const;

export const cycleKeys = {
  cycle: (year: number): ItemKey => ({ PK: `CYCLE#${year}`, SK: 'CYCLE' }),
  list: (year: number) => ({ GSI1PK: 'CYCLES', GSI1SK: pad(year, 4) }),
  listPartition: 'CYCLES',
} as const;

export const cycleAgencyPartition = (year: number, agencyId: string) => `CYCLE#${year}#AGENCY#${agencyId}`;

export const selfAssessmentKeys = {
  header: (year: number, agencyId: string): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: 'SELF',
  }),
  answer: (year: number, agencyId: string, indicatorNo: number): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: `SELF#IND#${pad(indicatorNo, 2)}`,
  }),
  answerPrefix: 'SELF#IND#',
  byStatus: (year: number, status: string, agencyId: string) => ({
    GSI2PK: `CYCLE#${year}#SELF`,
    GSI2SK: `${status}#${agencyId}`,
  }),
} as const;

export const machineClientKeys = {
  registration: (clientId: string): ItemKey => ({ PK: `CLIENT#${clientId}`, SK: 'CLIENT' }),
} as const;

export const auditKeys = {
  prefix: 'AUDIT#',
  /** The partition a trail's records live in: beside the record whose history they are. */
  partition: (trail: AuditTrail): string => {
    switch (trail.kind) {
      case 'agency':
        return agencyKeys.partition(trail.agencyId);
      case 'cycle':
        return cycleKeys.cycle(trail.year).PK;
      case 'cycle-agency':
        return cycleAgencyPartition(trail.year, trail.agencyId);
      case 'machine-client':
        return machineClientKeys.registration(trail.clientId).PK;
      case 'assessor':
        return assessorKeys.profile(trail.subject).PK;
      case 'webhook-endpoint':
        return webhookKeys.auditPartition(trail.endpointId);
    }
  },
  /** Time first so a partition's trail reads in order; request id and sequence keep keys unique. */
  sortKey: (at: string, requestId: string, sequence: number) =>
    `AUDIT#${at}#${requestId}#${pad(sequence, 6)}`,
} as const;

export const assessorKeys = {
  profile: (subject: string): ItemKey => ({ PK: `ASSESSOR#${subject}`, SK: 'PROFILE' }),
  list: (subject: string) => ({ GSI1PK: 'ASSESSORS', GSI1SK: subject }),
  load: (subject: string, year: number): ItemKey => ({ PK: `ASSESSOR#${subject}`, SK: `LOAD#${year}` }),
} as const;

export const assessmentKeys = {
  head: (year: number, agencyId: string): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: 'ASSESSMENT',
  }),
  assignment: (year: number, agencyId: string, subject: string): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: `ASSIGN#${subject}`,
  }),
  assignmentByAssessor: (subject: string, year: number, agencyId: string) => ({
    GSI1PK: `ASSESSOR#${subject}`,
    GSI1SK: `CYCLE#${pad(year, 4)}#${agencyId}`,
  }),
  assessorPartition: (subject: string) => `ASSESSOR#${subject}`,
  assessorCyclePrefix: (year: number) => `CYCLE#${pad(year, 4)}#`,
  assignmentByCycle: (year: number, agencyId: string, subject: string) => ({
    GSI2PK: `CYCLE#${year}#ASSIGN`,
    GSI2SK: `${agencyId}#${subject}`,
  }),
  cyclePartition: (year: number) => `CYCLE#${year}#ASSIGN`,
  score: (year: number, agencyId: string, stage: string, indicatorNo: number, version: number): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: `SCORE#${stage}#IND#${pad(indicatorNo, 2)}#V#${pad(version, 3)}`,
  }),
  scorePrefix: (stage: string, indicatorNo: number) => `SCORE#${stage}#IND#${pad(indicatorNo, 2)}#V#`,
  review: (year: number, agencyId: string, indicatorNo: number): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: `REVIEW#IND#${pad(indicatorNo, 2)}`,
  }),
} as const;

export const resultKeys = {
  version: (year: number, agencyId: string, version: number): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: `RESULT#V#${pad(version, 4)}`,
  }),
  prefix: 'RESULT#',
  versionPrefix: 'RESULT#V#',
  current: (year: number, agencyId: string): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: 'RESULT#CURRENT',
  }),
  /** A cycle's final results, one per agency, ordered by group then agency (the ranking run's read). */
  byCycle: (year: number, group: string, agencyId: string) => ({
    GSI1PK: `CYCLE#${year}#RESULTS`,
    GSI1SK: `${group}#${agencyId}`,
  }),
  cycleResultsPartition: (year: number) => `CYCLE#${year}#RESULTS`,
  byAgency: (agencyId: string, year: number) => ({
    GSI2PK: `AGENCY#${agencyId}#RESULTS`,
    GSI2SK: pad(year, 4),
  }),
} as const;

export const appealKeys = {
  appeal: (year: number, agencyId: string, appealId: string): ItemKey => ({
    PK: cycleAgencyPartition(year, agencyId),
    SK: `APPEAL#${appealId}`,
  }),
  prefix: 'APPEAL#',
  byCycle: (year: number, status: string, filedAt: string, agencyId: string) => ({
    GSI1PK: `CYCLE#${year}#APPEALS`,
    GSI1SK: `${status}#${filedAt}#${agencyId}`,
  }),
} as const;

export const rankingKeys = {
  partition: (year: number) => `CYCLE#${year}#RANKINGS`,
  run: (year: number, runId: string): ItemKey => ({ PK: `CYCLE#${year}#RANKINGS`, SK: `RUN#${runId}` }),
  runPrefix: 'RUN#',
  lease: (year: number): ItemKey => ({ PK: `CYCLE#${year}#RANKINGS`, SK: 'LEASE' }),
  published: (year: number): ItemKey => ({ PK: `CYCLE#${year}#RANKINGS`, SK: 'PUBLISHED' }),
  pagePartition: (year: number, runId: string) => `CYCLE#${year}#RANKING#${runId}`,
  page: (year: number, runId: string, scope: string, measure: string, page: number): ItemKey => ({
    PK: `CYCLE#${year}#RANKING#${runId}`,
    SK: `${scope}#${measure}#${pad(page, 4)}`,
  }),
  pagePrefix: (scope: string, measure: string) => `${scope}#${measure}#`,
  positions: (agencyId: string, year: number, runId: string): ItemKey => ({
    PK: `AGENCY#${agencyId}`,
    SK: `RANK#${pad(year, 4)}#${runId}`,
  }),
  positionsPrefix: 'RANK#',
} as const;

export const awardKeys = {
  partition: (year: number) => `CYCLE#${year}#AWARDS`,
  decision: (year: number, number: number): ItemKey => ({
    PK: `CYCLE#${year}#AWARDS`,
    SK: `DECISION#${pad(number, 4)}`,
  }),
  decisionPrefix: 'DECISION#',
  publication: (year: number, version: number): ItemKey => ({
    PK: `CYCLE#${year}#AWARDS`,
    SK: `PUBLICATION#${pad(version, 4)}`,
  }),
  published: (year: number): ItemKey => ({ PK: `CYCLE#${year}#AWARDS`, SK: 'PUBLISHED' }),
  /**
   * A publication's GSI1 keys while it is `publishing` (sparse: the publish removes them), by the
   * time of its claim: every cycle's unfinished publications, oldest first, in one Query.
   */
  unfinished: (startedAt: string, year: number, version: number) => ({
    GSI1PK: 'AWARDS#PUBLISHING',
    GSI1SK: `${startedAt}#${pad(year, 4)}#${pad(version, 4)}`,
  }),
  unfinishedPartition: 'AWARDS#PUBLISHING',
  /** `PUBLICATION#…` and `PUBLISHED` both begin so: one Query reads the pointer and every version. */
  publicationsPrefix: 'PUBLI',
  award: (year: number, version: number, awardId: string): ItemKey => ({
    PK: `CYCLE#${year}#AWARDS`,
    SK: `AWARD#V${pad(version, 4)}#${awardId}`,
  }),
  awardPrefix: 'AWARD#',
  versionAwardsPrefix: (version: number) => `AWARD#V${pad(version, 4)}#`,
  byAgency: (agencyId: string, year: number, version: number, awardId: string) => ({
    GSI2PK: `AGENCY#${agencyId}#AWARDS`,
    GSI2SK: `${pad(year, 4)}#V${pad(version, 4)}#${awardId}`,
  }),
  agencyPartition: (agencyId: string) => `AGENCY#${agencyId}#AWARDS`,
  recipient: (year: number, version: number, agencyId: string): ItemKey => ({
    PK: `CYCLE#${year}#AWARDS`,
    SK: `RECIPIENT#V${pad(version, 4)}#${agencyId}`,
  }),
  recipientPrefix: (version: number) => `RECIPIENT#V${pad(version, 4)}#`,
} as const;

export const eventKeys = {
  event: (eventId: string): ItemKey => ({ PK: `EVENT#${eventId}`, SK: 'EVENT' }),
  byDay: (occurredAt: string, eventId: string) => ({
    GSI1PK: `EVENTS#${occurredAt.slice(0, 10)}`,
    GSI1SK: `${occurredAt}#${eventId}`,
  }),
} as const;

/** Deliveries due for an attempt spread over this many index partitions (the sweep reads them all). */
export const dueShards = 4;

const dueShardOf = (endpointId: string): number => {
  let sum = 0;
  for (const char of endpointId) sum = (sum + char.charCodeAt(0)) % dueShards;
  return sum;
};

/** Partition-key prefix of webhook signing secrets: what the IAM Deny on `dynamodb:LeadingKeys` names. */
export const signingSecretsPrefix = 'SIGNING#';

export const webhookKeys = {
  endpoint: (agencyId: string, endpointId: string): ItemKey => ({
    PK: agencyKeys.partition(agencyId),
    SK: `WEBHOOK#${endpointId}`,
  }),
  /** Endpoints and their subscriptions share this prefix in the agency's partition. */
  endpointPrefix: 'WEBHOOK#',
  publicKeys: (agencyId: string, endpointId: string) => ({
    GSI2PK: 'WEBHOOK-KEYS',
    GSI2SK: `${agencyId}#${endpointId}`,
  }),
  publicKeysPartition: 'WEBHOOK-KEYS',
  subscription: (agencyId: string, endpointId: string, eventType: string): ItemKey => ({
    PK: agencyKeys.partition(agencyId),
    SK: `WEBHOOK#${endpointId}#SUB#${eventType}`,
  }),
  subscribers: (eventType: string, agencyId: string, endpointId: string) => ({
    GSI1PK: `SUBSCRIBERS#${eventType}`,
    GSI1SK: `${agencyId}#${endpointId}`,
  }),
  subscribersPartition: (eventType: string) => `SUBSCRIBERS#${eventType}`,
  /**
   * An agency's claim on a URL (one endpoint per URL). The URL is hashed: it may be 2,048
   * characters, a sort key at most 1,024 bytes. Outside the `WEBHOOK#` prefix, so listings skip it.
   */
  urlClaim: (agencyId: string, url: string): ItemKey => ({
    PK: agencyKeys.partition(agencyId),
    SK: `WEBHOOK-URL#${createHash('sha256').update(url).digest('hex')}`,
  }),
  auditPartition: (endpointId: string) => `WEBHOOK#${endpointId}`,
  /** The endpoint's secrets, in a partition of their own (IAM denies `SIGNING#*` to other functions). */
  signingSecrets: (agencyId: string, endpointId: string): ItemKey => ({
    PK: `${signingSecretsPrefix}${agencyId}#${endpointId}`,
    SK: 'SECRETS',
  }),
  signingSecretsPrefix,
} as const;

export const deliveryKeys = {
  delivery: (endpointId: string, eventId: string): ItemKey => ({
    PK: `ENDPOINT#${endpointId}`,
    SK: `DELIVERY#${eventId}`,
  }),
  prefix: 'DELIVERY#',
  partition: (endpointId: string) => `ENDPOINT#${endpointId}`,
  due: (nextAttemptAt: string, endpointId: string, eventId: string) => ({
    GSI1PK: `DUE#${dueShardOf(endpointId)}`,
    GSI1SK: `${nextAttemptAt}#${endpointId}#${eventId}`,
  }),
  duePartitions: Array.from({ length: dueShards }, (_, shard) => `DUE#${shard}`),
  byStatus: (endpointId: string, status: string, createdAt: string, eventId: string) => ({
    GSI2PK: `ENDPOINT#${endpointId}#${status}`,
    GSI2SK: `${createdAt}#${eventId}`,
  }),
  statusPartition: (endpointId: string, status: string) => `ENDPOINT#${endpointId}#${status}`,
  health: (endpointId: string): ItemKey => ({ PK: `ENDPOINT#${endpointId}`, SK: 'HEALTH' }),
} as const;
