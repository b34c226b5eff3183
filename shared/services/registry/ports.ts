import type * as z from 'zod';
import type { AuditRecordSchema } from '#shared/api/common/schemas.ts';
import type { AgencySchema, MachineClientSchema } from '#shared/api/registry/schemas.ts';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import type { AuditTrail } from '#shared/domain/audit.ts';
import type { Page, PageRequest } from '../ports.ts';

/** An agency as stored and served: the API's `Agency` schema is its single definition. */
export type AgencyRecord = z.output<typeof AgencySchema>;
export type MachineClientRecord = z.output<typeof MachineClientSchema>;
/** An audit record as a trail reader sees it. */
export type AuditRecord = z.output<typeof AuditRecordSchema>;

export interface AgencyStore {
  get(agencyId: string): Promise<AgencyRecord | undefined>;
  /** The agencies of these ids that exist, in one round trip (any order). */
  getMany(agencyIds: readonly string[]): Promise<AgencyRecord[]>;
  list(query: { group?: AgencyGroup | undefined } & PageRequest): Promise<Page<AgencyRecord>>;
  /** The whole roster (an import compares every row with it), or one group's, in id order. */
  listAll(group?: AgencyGroup): Promise<AgencyRecord[]>;
}

export interface MachineClientStore {
  get(clientId: string): Promise<MachineClientRecord | undefined>;
}

export interface AuditTrailStore {
  /** Newest first. */
  list(trail: AuditTrail, page: PageRequest): Promise<Page<AuditRecord>>;
}

/**
 * Registry writes. Conditions the write path enforces:
 * - `before` undefined: the record must not exist; otherwise its stored version must be `before.version`;
 * - a kabupaten/kota's parent must still be a provinsi, and its count of children (`childCount`)
 *   follows every registration and move in the same transaction;
 * - a provinsi that stops being one must have no children left.
 */
export type RegistryStateChange =
  | { readonly kind: 'agency'; readonly agency: AgencyRecord; readonly before: AgencyRecord | undefined }
  | {
      readonly kind: 'machine-client';
      readonly client: MachineClientRecord;
      readonly before: MachineClientRecord | undefined;
    }
  /** Writes nothing: holds while the agency exists and is active (checked in the transaction, no read). */
  | { readonly kind: 'agency.active'; readonly agencyId: string };
