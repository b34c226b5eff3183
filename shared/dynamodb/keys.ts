/**
 * Pure key builders of the programme table (single-table design). Every item type, today's and
 * planned, is listed here and in docs/access-patterns.md, so later work adds items, not migrations.
 *
 * | item                     | PK                              | SK                                  | GSI1PK / GSI1SK                         | GSI2PK / GSI2SK                      |
 * |--------------------------|---------------------------------|-------------------------------------|-----------------------------------------|--------------------------------------|
 * | agency                   | AGENCY#<id>                     | PROFILE                             | AGENCIES#GROUP#<group> / <id>           | AGENCIES / <id>                      |
 * | agency audit             | AGENCY#<id>                     | AUDIT#<iso time>#<request>#<n>      |                                         |                                      |
 * | cycle                    | CYCLE#<year>                    | CYCLE                               | CYCLES / <year>                         |                                      |
 * | self-assessment header   | CYCLE#<year>#AGENCY#<id>        | SELF                                |                                         | CYCLE#<year>#SELF / <status>#<id>    |
 * | self-assessment answer   | CYCLE#<year>#AGENCY#<id>        | SELF#IND#<nn>                       |                                         |                                      |
 * | cycle-agency audit       | CYCLE#<year>#AGENCY#<id>        | AUDIT#<iso time>#<request>#<n>      |                                         |                                      |
 * | (planned) assignment     | CYCLE#<year>#AGENCY#<id>        | ASSIGN#<assessor>                   | ASSESSOR#<assessor> / CYCLE#<year>#<id> |                                      |
 * | (planned) stage score    | CYCLE#<year>#AGENCY#<id>        | STAGE#<stage>#IND#<nn>              |                                         |                                      |
 * | (planned) result version | CYCLE#<year>#AGENCY#<id>        | RESULT#<nnnn> (immutable)           |                                         |                                      |
 * | (planned) final result   | CYCLE#<year>#AGENCY#<id>        | RESULT#CURRENT (copy of the final)  | CYCLE#<year>#RESULTS / <group>#<id>     |                                      |
 * | (planned) appeal         | CYCLE#<year>#AGENCY#<id>        | APPEAL#<iso time>                   |                                         |                                      |
 * | ranking run summary      | CYCLE#<year>#RANKINGS           | RUN#<run id>                        |                                         |                                      |
 * | ranking page             | CYCLE#<year>#RANKING#<run id>   | <scope>#<measure>#<page>            |                                         |                                      |
 * | (planned) award          | CYCLE#<year>#AWARDS             | <DRAFT|PUBLISHED>#<category>#<pool>#<rank>#<id> | AGENCY#<id>#AWARDS / <year>#<category> |                      |
 * | (planned) webhook endpoint | AGENCY#<id>                   | WEBHOOK#<endpoint id>               |                                         |                                      |
 * | (planned) outbox event   | OUTBOX#<event id>               | EVENT / DELIVERY#<endpoint id>      | OUTBOX#DUE#<shard> / <next attempt iso> |                                      |
 */

export interface ItemKey {
  readonly PK: string;
  readonly SK: string;
}

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

export const auditKeys = {
  prefix: 'AUDIT#',
  /** Time first so a partition's trail reads in order; request id and sequence keep keys unique. */
  sortKey: (at: string, requestId: string, sequence: number) =>
    `AUDIT#${at}#${requestId}#${pad(sequence, 3)}`,
} as const;

export const resultKeys = {
  /** A cycle's final results, one per agency, ordered by group then agency (the ranking run's read). */
  cycleResultsPartition: (year: number) => `CYCLE#${year}#RESULTS`,
} as const;

export const rankingKeys = {
  run: (year: number, runId: string): ItemKey => ({ PK: `CYCLE#${year}#RANKINGS`, SK: `RUN#${runId}` }),
  page: (year: number, runId: string, scope: string, measure: string, page: number): ItemKey => ({
    PK: `CYCLE#${year}#RANKING#${runId}`,
    SK: `${scope}#${measure}#${pad(page, 3)}`,
  }),
} as const;

/**
 * | machine client           | CLIENT#<client id>              | CLIENT                              |                                         |                                      |
 *
 * A machine client's registration (`entity: 'MachineClient'`, `role`, `agencyId` for agency
 * integrations): written by `PUT /v1/machine-clients/{clientId}`, read by the pre-token-generation
 * trigger (functions/identity/pre-token.ts) with one GetItem when Cognito issues a client-credentials
 * token.
 */
export const machineClientKeys = {
  registration: (clientId: string): ItemKey => ({ PK: `CLIENT#${clientId}`, SK: 'CLIENT' }),
} as const;
