import type { AuditTrail } from '#shared/domain/audit.ts';
import type { Page, PageRequest } from './ports.ts';
import type { AuditRecord, AuditTrailStore } from './registry/ports.ts';

/**
 * A page of a record's trail. The trail starts with the record's creation, so only an empty page
 * needs the record read (`requireRecord` throws the 404), to tell "past the end" from "no such
 * record": one Query on every other page.
 */
export const readTrail = async (
  audits: AuditTrailStore,
  trail: AuditTrail,
  page: PageRequest,
  requireRecord: () => Promise<unknown>,
): Promise<Page<AuditRecord>> => {
  const records = await audits.list(trail, page);
  if (records.items.length === 0) await requireRecord();
  return records;
};
