import type { AgencyGroup } from '../domain/agency-groups.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { AwardRules } from '../domain/awards/rules.ts';
import type { CycleType, CycleWindows } from '../domain/cycles.ts';
import type { Level } from '../domain/framework/types.ts';
import type { PredicateBasis } from '../domain/scoring/types.ts';

/**
 * Ports: what the services need from storage. The DynamoDB adapters in `shared/dynamodb/` implement
 * them; services and their rules never see a table, a key or the SDK.
 */

export interface AgencyRecord {
  readonly id: string;
  readonly name: string;
  readonly group: AgencyGroup;
  readonly parentProvinceId?: string | undefined;
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | undefined;
}

export interface AgencyWriteOperation {
  readonly agency: AgencyRecord;
  /** undefined: create (must not exist); a number: update (stored version must equal it). */
  readonly expectedVersion: number | undefined;
  readonly audit: AuditEntry;
}

export interface AgencyStore {
  get(agencyId: string): Promise<AgencyRecord | undefined>;
  /** Returns false when the condition failed (exists already / version moved). */
  write(operation: AgencyWriteOperation): Promise<boolean>;
  /** Writes many in transactional chunks; returns how many were written before a condition failed. */
  writeMany(operations: readonly AgencyWriteOperation[]): Promise<{ written: number; conflictAt?: string }>;
  list(query: {
    group?: AgencyGroup | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<AgencyRecord>>;
  listAll(): Promise<AgencyRecord[]>;
  auditTrail(
    agencyId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditEntry>>;
}

export interface CycleRecord {
  readonly year: number;
  readonly frameworkId: string;
  readonly type: CycleType;
  readonly windows: CycleWindows;
  readonly predicateBasis: PredicateBasis;
  readonly awardRules: AwardRules;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly version: number;
}

export interface CycleStore {
  get(year: number): Promise<CycleRecord | undefined>;
  /** Returns false when a cycle for that year exists. */
  create(cycle: CycleRecord, audit: AuditEntry): Promise<boolean>;
  list(): Promise<CycleRecord[]>;
}

export interface EvidenceReference {
  readonly title: string;
  readonly url: string;
  readonly mediaType?: string | undefined;
  readonly sha256?: string | undefined;
}

export interface StoredAnswer {
  readonly indicatorNo: number;
  readonly level: Level;
  readonly explanation: string;
  readonly evidence: readonly EvidenceReference[];
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export type SelfAssessmentStatus = 'draft' | 'submitted';

export interface SelfAssessmentHeader {
  readonly status: SelfAssessmentStatus;
  readonly version: number;
  readonly answeredCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly submittedAt?: string | undefined;
  readonly submittedBy?: string | undefined;
}

export interface SelfAssessmentState {
  /** undefined until the first save. */
  readonly header: SelfAssessmentHeader | undefined;
  readonly answers: ReadonlyMap<number, StoredAnswer>;
}

export interface SelfAssessmentContext {
  readonly cycle: CycleRecord | undefined;
  readonly agency: AgencyRecord | undefined;
}

export interface SaveAnswersInput {
  readonly year: number;
  readonly agencyId: string;
  /** 0 when no draft exists yet. */
  readonly expectedVersion: number;
  readonly header: SelfAssessmentHeader;
  readonly answers: readonly StoredAnswer[];
  readonly audits: readonly AuditEntry[];
}

export interface SelfAssessmentStore {
  /** The cycle and the agency, in one round trip. */
  context(year: number, agencyId: string): Promise<SelfAssessmentContext>;
  load(year: number, agencyId: string): Promise<SelfAssessmentState>;
  /**
   * Writes the changed answers, the new header and their audit records in one transaction,
   * conditional on the stored version being `expectedVersion` (0: no draft yet) and a draft.
   * Returns false when that condition failed.
   */
  saveAnswers(input: SaveAnswersInput): Promise<boolean>;
  /** Freezes the answers: conditional on the version and on all answers being present. */
  submit(input: {
    year: number;
    agencyId: string;
    expectedVersion: number;
    requiredAnswers: number;
    header: SelfAssessmentHeader;
    audit: AuditEntry;
  }): Promise<boolean>;
  auditTrail(
    year: number,
    agencyId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Page<AuditEntry>>;
}

export interface MachineClientRecord {
  readonly clientId: string;
  readonly role: 'agency' | 'admin';
  readonly agencyId?: string | undefined;
  readonly description: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface MachineClientStore {
  get(clientId: string): Promise<MachineClientRecord | undefined>;
  /** Create (`expectedVersion` undefined: must not exist) or update (stored version must equal it), with its audit record. */
  write(
    client: MachineClientRecord,
    expectedVersion: number | undefined,
    audit: AuditEntry,
  ): Promise<boolean>;
}
