import { diffFields } from '../domain/audit.ts';
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '../errors.ts';
import { etagOf } from '../http/preconditions.ts';
import { fieldErrorsFromZod } from '../http/validation.ts';
import { type AgencyImportRow, AgencyImportRowSchema, type AgencyWrite } from '../schemas/agency.ts';
import type { AgencyRecord, AgencyStore, AgencyWriteOperation, Page } from './ports.ts';
import { auditEntry, type RequestActor } from './request-actor.ts';

const auditedFields = ['name', 'group', 'parentProvinceId', 'active'] as const;

export const agencyView = (agency: AgencyRecord) => ({
  id: agency.id,
  name: agency.name,
  group: agency.group,
  ...(agency.parentProvinceId ? { parentProvinceId: agency.parentProvinceId } : {}),
  active: agency.active,
  version: agency.version,
  createdAt: agency.createdAt,
  updatedAt: agency.updatedAt,
});

export const publicAgencyView = (agency: AgencyRecord) => ({
  id: agency.id,
  name: agency.name,
  group: agency.group,
  ...(agency.parentProvinceId ? { parentProvinceId: agency.parentProvinceId } : {}),
});

const sameContent = (agency: AgencyRecord, write: AgencyWrite) =>
  diffFields<AgencyWrite>(agency, write, auditedFields).length === 0;

/**
 * Creates an agency (no If-Match needed) or updates it (If-Match required: `expectedVersion`).
 * A kabupaten or kota must name an existing province as its parent.
 */
export const putAgency = async (
  store: AgencyStore,
  actor: RequestActor,
  agencyId: string,
  write: AgencyWrite,
  ifMatch: number | undefined,
): Promise<{ created: boolean; agency: AgencyRecord }> => {
  const [current, parent] = await Promise.all([
    store.get(agencyId),
    write.parentProvinceId ? store.get(write.parentProvinceId) : Promise.resolve(undefined),
  ]);
  if (write.parentProvinceId && parent?.group !== 'provinsi') {
    throw new ValidationError(
      `Parent province "${write.parentProvinceId}" is not a registered provinsi agency.`,
      {
        errors: [
          { pointer: '/body/parentProvinceId', detail: 'Must be the id of a registered provinsi agency' },
        ],
      },
    );
  }
  const at = actor.now.toISOString();
  if (!current && ifMatch !== undefined) {
    // RFC 9110 §13.1.1: If-Match fails when there is no current representation. The caller meant to
    // update; silently creating would hide a wrong id.
    throw new PreconditionFailedError(
      `Agency "${agencyId}" does not exist, so If-Match ${etagOf(ifMatch)} cannot match. Send no If-Match to create it.`,
    );
  }
  if (!current) {
    const agency: AgencyRecord = { id: agencyId, ...write, version: 1, createdAt: at, updatedAt: at };
    const audit = auditEntry(
      actor,
      'agency.created',
      `agency ${agencyId}`,
      diffFields(undefined, write, auditedFields),
    );
    if (!(await store.write({ agency, expectedVersion: undefined, audit }))) {
      throw new PreconditionFailedError(`Agency "${agencyId}" was created by another request; re-read it.`);
    }
    return { created: true, agency };
  }
  if (ifMatch === undefined) {
    throw new PreconditionRequiredError(
      `Agency "${agencyId}" exists: send If-Match with its ETag ${etagOf(current.version)} to update it.`,
    );
  }
  const expected = ifMatch;
  if (expected !== current.version) {
    throw new PreconditionFailedError(
      `Agency "${agencyId}" is at ${etagOf(current.version)}, not ${etagOf(expected)}: re-read it and apply your change again.`,
      { headers: { etag: etagOf(current.version) } },
    );
  }
  if (sameContent(current, write)) return { created: false, agency: current };
  const agency: AgencyRecord = {
    ...current,
    ...write,
    parentProvinceId: write.parentProvinceId,
    version: current.version + 1,
    updatedAt: at,
  };
  const audit = auditEntry(
    actor,
    'agency.updated',
    `agency ${agencyId}`,
    diffFields(current, write, auditedFields),
  );
  if (!(await store.write({ agency, expectedVersion: current.version, audit }))) {
    throw new PreconditionFailedError(`Agency "${agencyId}" changed while you were updating it; re-read it.`);
  }
  return { created: false, agency };
};

export interface ImportRowProblem {
  readonly row: number;
  readonly line?: number;
  readonly id?: string;
  readonly errors: FieldError[];
}

export interface ImportReport {
  readonly received: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly createdIds: string[];
  readonly updatedIds: string[];
}

/**
 * Validates every row (schema, duplicate ids, parent provinces in the file or the registry). Any bad
 * row → nothing is written and the error lists every bad row. Otherwise creates new agencies and
 * updates changed ones; unchanged rows are left alone, so re-running an import is harmless.
 */
export const importAgencies = async (
  store: AgencyStore,
  actor: RequestActor,
  rows: readonly unknown[],
  /** For a CSV upload, the line of each row, so the report names lines (header = line 1). */
  csvLines?: readonly number[],
): Promise<ImportReport> => {
  const existing = new Map((await store.listAll()).map((agency) => [agency.id, agency]));
  const problems: ImportRowProblem[] = [];
  const valid: { index: number; row: AgencyImportRow }[] = [];
  const seenIds = new Map<string, number>();
  rows.forEach((raw, index) => {
    const parsed = AgencyImportRowSchema.safeParse(raw);
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
    const location = {
      row: index + 1,
      ...(csvLines?.[index] !== undefined ? { line: csvLines[index] } : {}),
      ...(id ? { id } : {}),
    };
    if (!parsed.success) {
      problems.push({ ...location, errors: fieldErrorsFromZod(['body', 'agencies', index], parsed.error) });
      return;
    }
    const firstRow = seenIds.get(parsed.data.id);
    if (firstRow !== undefined) {
      problems.push({
        ...location,
        errors: [{ pointer: `/body/agencies/${index}/id`, detail: `Duplicate of row ${firstRow}` }],
      });
      return;
    }
    seenIds.set(parsed.data.id, index + 1);
    valid.push({ index, row: parsed.data });
  });
  const provincesInFile = new Set(
    valid.filter(({ row }) => row.group === 'provinsi').map(({ row }) => row.id),
  );
  for (const { index, row } of valid) {
    if (!row.parentProvinceId) continue;
    const known =
      provincesInFile.has(row.parentProvinceId) || existing.get(row.parentProvinceId)?.group === 'provinsi';
    if (!known) {
      problems.push({
        row: index + 1,
        ...(csvLines?.[index] !== undefined ? { line: csvLines[index] } : {}),
        id: row.id,
        errors: [
          {
            pointer: `/body/agencies/${index}/parentProvinceId`,
            detail: `"${row.parentProvinceId}" is neither a provinsi in this import nor a registered one`,
          },
        ],
      });
    }
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.row - b.row);
    throw new ValidationError(
      `${problems.length} of ${rows.length} rows are invalid; nothing was imported. Fix them and send the whole roster again.`,
      { errors: problems.flatMap((problem) => problem.errors), extensions: { rows: problems } },
    );
  }

  const at = actor.now.toISOString();
  const operations: AgencyWriteOperation[] = [];
  const createdIds: string[] = [];
  const updatedIds: string[] = [];
  // Provinces first, so that no transaction chunk writes a city before its province exists.
  const ordered = [...valid].sort(
    (a, b) => Number(b.row.group === 'provinsi') - Number(a.row.group === 'provinsi'),
  );
  for (const { row } of ordered) {
    const { id, ...write } = row;
    const current = existing.get(id);
    if (!current) {
      createdIds.push(id);
      operations.push({
        agency: { id, ...write, version: 1, createdAt: at, updatedAt: at },
        expectedVersion: undefined,
        audit: auditEntry(
          actor,
          'agency.imported',
          `agency ${id}`,
          diffFields(undefined, write, auditedFields),
        ),
      });
    } else if (!sameContent(current, write)) {
      updatedIds.push(id);
      operations.push({
        agency: {
          ...current,
          ...write,
          parentProvinceId: write.parentProvinceId,
          version: current.version + 1,
          updatedAt: at,
        },
        expectedVersion: current.version,
        audit: auditEntry(
          actor,
          'agency.imported',
          `agency ${id}`,
          diffFields(current, write, auditedFields),
        ),
      });
    }
  }
  const { written, conflictAt } = await store.writeMany(operations);
  if (conflictAt !== undefined) {
    throw new ConflictError(
      `Agency "${conflictAt}" changed while the roster was being imported; ${written} of ${operations.length} changes were written. Send the import again: rows already written are skipped.`,
      { extensions: { written } },
    );
  }
  return {
    received: rows.length,
    created: createdIds.length,
    updated: updatedIds.length,
    unchanged: rows.length - createdIds.length - updatedIds.length,
    createdIds,
    updatedIds,
  };
};

export const getPublicAgency = async (store: AgencyStore, agencyId: string) => {
  const agency = await store.get(agencyId);
  if (!agency) throw new NotFoundError(`No agency "${agencyId}".`);
  return agency;
};

export const listAgencies = (
  store: AgencyStore,
  query: Parameters<AgencyStore['list']>[0],
): Promise<Page<AgencyRecord>> => store.list(query);
