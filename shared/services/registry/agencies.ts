import { agencyIdPattern } from '#shared/api/common/schemas.ts';
import { fieldErrorsFromZod } from '#shared/api/field-errors.ts';
import {
  type AgencyImportRow,
  AgencyImportRowSchema,
  type AgencyWrite,
} from '#shared/api/registry/schemas.ts';
import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import { agencyMatcher, searchWords } from '#shared/domain/agency-search.ts';
import { type AuditTrail, diffFields } from '#shared/domain/audit.ts';
import {
  ConflictError,
  type FieldError,
  foreignCursorError,
  NotFoundError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { readTrail } from '../audit-trail.ts';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../paging.ts';
import type { ChangeSet, Page, PageRequest, WritePath } from '../ports.ts';
import { putVersioned } from '../versioned-put.ts';
import type { AgencyRecord, AgencyStore, AuditRecord, AuditTrailStore } from './ports.ts';

const auditedFields = ['name', 'group', 'parentProvinceId', 'active'] as const;

/** The public profile: who the agency is, nothing about its records. */
export const publicAgencyView = (agency: AgencyRecord) => ({
  id: agency.id,
  name: agency.name,
  group: agency.group,
  ...(agency.parentProvinceId ? { parentProvinceId: agency.parentProvinceId } : {}),
});

const agencyTrail = (agencyId: string): AuditTrail => ({ kind: 'agency', agencyId });

export interface DirectoryQuery {
  readonly q?: string | undefined;
  readonly group?: AgencyGroup | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** A directory cursor names the last agency of its page and the query it belongs to. */
interface DirectoryCursor {
  readonly after: string;
  /** The search as it matches (`searchQueryKey`), so that the same search typed otherwise pages on. */
  readonly q: string | null;
  readonly group: string | null;
}

/**
 * What a search matches by: its words without case or diacritics, each once, in order. "Jawa Timur"
 * and "timur JAWA" find the same agencies, so a page of one continues with the other's cursor (a
 * portal that lower-cases what its user typed between pages).
 */
const searchQueryKey = (q: string | undefined): string | null =>
  q === undefined ? null : [...new Set(searchWords(q))].sort().join(' ');

/** The cursor's last agency, if it is one this query returned; otherwise 400 naming the cursor. */
const directoryCursorAfter = (query: DirectoryQuery): string | undefined => {
  if (query.cursor === undefined) return undefined;
  const decoded = decodeOpaqueCursor(query.cursor) as Partial<DirectoryCursor> | null | undefined;
  if (
    typeof decoded?.after !== 'string' ||
    !agencyIdPattern.test(decoded.after) ||
    // (A cursor issued before the key was normalized holds q as sent: one page-through at deploy.)
    (decoded.q !== searchQueryKey(query.q) && decoded.q !== (query.q ?? null)) ||
    decoded.group !== (query.group ?? null)
  ) {
    throw foreignCursorError('the same q and group');
  }
  return decoded.after;
};

/** A write with `active` decided: left out, a new agency is active and an existing one keeps its state. */
type ResolvedWrite = AgencyWrite & { readonly active: boolean };
const resolveActive = (write: AgencyWrite, current: AgencyRecord | undefined): ResolvedWrite => ({
  ...write,
  active: write.active ?? current?.active ?? true,
});

/** Every field an admin sets, spelled out: an omitted parent must clear the stored one. */
const contentOf = (agencyId: string, write: ResolvedWrite) => ({
  id: agencyId,
  name: write.name,
  group: write.group,
  parentProvinceId: write.parentProvinceId,
  active: write.active,
});

const sameContent = (agency: AgencyRecord, write: ResolvedWrite) =>
  diffFields<AgencyWrite>(agency, write, auditedFields).length === 0;

const childrenConflict = (agency: AgencyRecord, newGroup: string) =>
  new ConflictError(
    `Agency "${agency.id}" has ${agency.childCount} kabupaten/kota registered under it, so it cannot become a ${newGroup}; move them to another province first.`,
    { extensions: { childCount: agency.childCount } },
  );

/** A provinsi with children may not change group: its kabupaten and kota would lose their parent. */
const losesChildren = (current: AgencyRecord | undefined, group: string) =>
  current?.group === 'provinsi' && group !== 'provinsi' && (current.childCount ?? 0) > 0;

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

export interface AgencyServicePorts {
  readonly agencies: AgencyStore;
  readonly audits: AuditTrailStore;
  readonly writes: WritePath;
}

/** The agency registry: create and update agencies one by one or as a national roster. */
export const createAgencyService = ({ agencies, audits, writes }: AgencyServicePorts) => {
  const changeOf = (actor: Actor, agency: AgencyRecord, before: AgencyRecord | undefined, action: string) =>
    ({
      state: [{ kind: 'agency', agency, before }],
      audits: [
        auditEntry(
          actor,
          agencyTrail(agency.id),
          action,
          `agency ${agency.id}`,
          diffFields(before, agency, auditedFields),
        ),
      ],
      events: [],
    }) satisfies ChangeSet;

  const requireParent = async (write: AgencyWrite) => {
    if (!write.parentProvinceId) return;
    const parent = await agencies.get(write.parentProvinceId);
    if (parent?.group !== 'provinsi') {
      throw new ValidationError(
        `Parent province "${write.parentProvinceId}" is not a registered provinsi agency.`,
        {
          errors: [
            { pointer: '/body/parentProvinceId', detail: 'Must be the id of a registered provinsi agency' },
          ],
        },
      );
    }
  };

  /**
   * Creates an agency (no If-Match) or updates it (If-Match required). A kabupaten or kota names an
   * existing province as its parent; a province with kabupaten/kota under it keeps its group.
   */
  const putAgency = async (
    actor: Actor,
    agencyId: string,
    sent: AgencyWrite,
    ifMatch: number | undefined,
  ): Promise<{ created: boolean; agency: AgencyRecord }> => {
    const [current] = await Promise.all([agencies.get(agencyId), requireParent(sent)]);
    const write = resolveActive(sent, current);
    if (losesChildren(current, write.group) && current) throw childrenConflict(current, write.group);
    const { created, record } = await putVersioned<AgencyRecord>({
      what: `Agency "${agencyId}"`,
      current,
      ifMatch,
      at: actor.now.toISOString(),
      content: contentOf(agencyId, write),
      unchanged: (stored) => sameContent(stored, write),
      commit: (agency, before) =>
        writes.commit(changeOf(actor, agency, before, before ? 'agency.updated' : 'agency.created')),
      // The condition also guards the parent (still a provinsi) and the children (none left):
      // re-read to say which one moved.
      onConflict: async (agency, before) => {
        const [now] = await Promise.all([agencies.get(agencyId), requireParent(write)]);
        if (now && losesChildren(now, agency.group)) throw childrenConflict(now, agency.group);
        void before;
        throw new ConflictError(
          `Agency "${agencyId}" or its parent province changed while you were writing it; re-read it and try again.`,
        );
      },
    });
    return { created, agency: record };
  };

  /**
   * Validates every row (schema, duplicate ids, parent provinces in the file or the registry,
   * provinces keeping their children). Any bad row → nothing is written and the error lists every
   * bad row. Otherwise creates new agencies and updates changed ones; unchanged rows are left
   * alone, so re-running an import is harmless.
   */
  const importAgencies = async (
    actor: Actor,
    rows: readonly unknown[],
    /** For a CSV upload, the line of each row, so the report names lines (header = line 1). */
    csvLines?: readonly number[],
  ): Promise<ImportReport> => {
    const existing = new Map((await agencies.listAll()).map((agency) => [agency.id, agency]));
    const problems: ImportRowProblem[] = [];
    const valid: { index: number; row: AgencyImportRow }[] = [];
    const seenIds = new Map<string, number>();
    const locate = (index: number, id: string | undefined) => ({
      row: index + 1,
      ...(csvLines?.[index] !== undefined ? { line: csvLines[index] } : {}),
      ...(id ? { id } : {}),
    });
    rows.forEach((raw, index) => {
      const parsed = AgencyImportRowSchema.safeParse(raw);
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
      if (!parsed.success) {
        problems.push({
          ...locate(index, id),
          errors: fieldErrorsFromZod(['body', 'agencies', index], parsed.error),
        });
        return;
      }
      const firstRow = seenIds.get(parsed.data.id);
      if (firstRow !== undefined) {
        problems.push({
          ...locate(index, id),
          errors: [{ pointer: `/body/agencies/${index}/id`, detail: `Duplicate of row ${firstRow}` }],
        });
        return;
      }
      seenIds.set(parsed.data.id, index + 1);
      valid.push({ index, row: parsed.data });
    });
    // The registry as it will be once the import is written: parents and children are checked on it.
    const final = new Map<string, { group: string; parentProvinceId?: string | undefined }>(existing);
    for (const { row } of valid) final.set(row.id, row);
    for (const { index, row } of valid) {
      if (!row.parentProvinceId || final.get(row.parentProvinceId)?.group === 'provinsi') continue;
      problems.push({
        ...locate(index, row.id),
        errors: [
          {
            pointer: `/body/agencies/${index}/parentProvinceId`,
            detail: `"${row.parentProvinceId}" is neither a provinsi in this import nor a registered one`,
          },
        ],
      });
    }
    if (problems.length > 0) {
      problems.sort((a, b) => a.row - b.row);
      throw new ValidationError(
        `${problems.length} of ${rows.length} rows ${problems.length === 1 ? 'is' : 'are'} invalid; nothing was imported. Fix ${problems.length === 1 ? 'it' : 'them'} and send the whole roster again.`,
        { errors: problems.flatMap((problem) => problem.errors), extensions: { rows: problems } },
      );
    }
    const childCounts = new Map<string, number>();
    for (const agency of final.values()) {
      if (agency.parentProvinceId) {
        childCounts.set(agency.parentProvinceId, (childCounts.get(agency.parentProvinceId) ?? 0) + 1);
      }
    }
    const orphaning = valid.filter(
      ({ row }) => existing.get(row.id)?.group === 'provinsi' && row.group !== 'provinsi',
    );
    const orphaningProblems = orphaning
      .filter(({ row }) => (childCounts.get(row.id) ?? 0) > 0)
      .map(({ index, row }) => ({
        ...locate(index, row.id),
        errors: [
          {
            pointer: `/body/agencies/${index}/group`,
            detail: `"${row.id}" has ${childCounts.get(row.id)} kabupaten/kota under it and cannot stop being a provinsi`,
          },
        ],
      }));
    if (orphaningProblems.length > 0) {
      throw new ConflictError(
        `${orphaningProblems.length} provinces would leave kabupaten/kota without a parent; nothing was imported.`,
        {
          errors: orphaningProblems.flatMap((problem) => problem.errors),
          extensions: { rows: orphaningProblems },
        },
      );
    }

    const at = actor.now.toISOString();
    const changes: ChangeSet[] = [];
    const createdIds: string[] = [];
    const updatedIds: string[] = [];
    // Provinces first (a kabupaten's parent exists before it), provinces that stop being one last
    // (their kabupaten and kota have moved away by then).
    const rank = (row: AgencyImportRow) =>
      row.group === 'provinsi' ? 0 : existing.get(row.id)?.group === 'provinsi' ? 2 : 1;
    const ordered = [...valid].sort((a, b) => rank(a.row) - rank(b.row));
    for (const { row } of ordered) {
      const { id, ...sent } = row;
      const current = existing.get(id);
      const write = resolveActive(sent, current);
      if (!current) {
        createdIds.push(id);
        const agency = { ...contentOf(id, write), version: 1, createdAt: at, updatedAt: at };
        changes.push(changeOf(actor, agency, undefined, 'agency.imported'));
      } else if (!sameContent(current, write)) {
        updatedIds.push(id);
        const agency = { ...current, ...contentOf(id, write), version: current.version + 1, updatedAt: at };
        changes.push(changeOf(actor, agency, current, 'agency.imported'));
      }
    }
    const outcome = await writes.commitMany(changes);
    if (outcome.failed) {
      const conflictAt = outcome.failed.change.kind === 'agency' ? outcome.failed.change.agency.id : '?';
      throw new ConflictError(
        `Agency "${conflictAt}" changed while the roster was being imported; ${outcome.committed} of ${changes.length} changes were written. Send the import again: rows already written are skipped.`,
        { extensions: { written: outcome.committed } },
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

  const getAgency = async (agencyId: string): Promise<AgencyRecord> => {
    const agency = await agencies.get(agencyId);
    if (!agency) throw new NotFoundError(`No agency "${agencyId}".`);
    return agency;
  };

  return {
    putAgency,
    importAgencies,
    getAgency,
    listAgencies: (query: Parameters<AgencyStore['list']>[0]): Promise<Page<AgencyRecord>> =>
      agencies.list(query),
    /**
     * The public directory: active agencies whose name or id matches `q` (all without it), one
     * group's or all, in id order. The roster is a few hundred small items, so one Query reads the
     * partition whole and the match runs here: case and diacritics cannot be compared in a key.
     */
    directory: async (query: DirectoryQuery) => {
      const after = directoryCursorAfter(query);
      const matches = query.q === undefined ? () => true : agencyMatcher(query.q);
      const found = (await agencies.listAll(query.group)).filter(
        (agency) => agency.active && matches(agency),
      );
      const rest = after === undefined ? found : found.filter((agency) => agency.id > after);
      const page = rest.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(publicAgencyView),
        total: found.length,
        ...(rest.length > page.length && last
          ? {
              nextCursor: encodeOpaqueCursor({
                after: last.id,
                q: searchQueryKey(query.q),
                group: query.group ?? null,
              } satisfies DirectoryCursor),
            }
          : {}),
      };
    },
    /**
     * The registry record's audit trail; 404 for an unknown agency. An agency's trail starts with
     * its registration, so only an empty page needs the registry read.
     */
    auditTrail: (agencyId: string, page: PageRequest): Promise<Page<AuditRecord>> =>
      readTrail(audits, agencyTrail(agencyId), page, () => getAgency(agencyId)),
  };
};

export type AgencyService = ReturnType<typeof createAgencyService>;
