import {
  type AssessorWrite,
  type AssignmentRow,
  AssignmentRowSchema,
} from '#shared/api/assessment/schemas.ts';
import { fieldErrorsFromZod } from '#shared/api/field-errors.ts';
import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import { conflictOfInterest } from '#shared/domain/assessment.ts';
import { diffFields } from '#shared/domain/audit.ts';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import { readTrail } from '../audit-trail.ts';
import type { CycleStore } from '../cycles/ports.ts';
import { readWholeListing } from '../paging.ts';
import type { ChangeSet, Page, PageRequest, WritePath } from '../ports.ts';
import type { AgencyRecord, AgencyStore, AuditRecord, AuditTrailStore } from '../registry/ports.ts';
import { putVersioned } from '../versioned-put.ts';
import type {
  AssessmentStore,
  AssessorRecord,
  AssessorStore,
  AssignmentRecord,
  AssignmentStore,
} from './ports.ts';

interface RowProblem {
  readonly row: number;
  readonly line?: number;
  readonly errors: FieldError[];
}

export interface AssignmentServicePorts {
  readonly cycles: CycleStore;
  readonly agencies: AgencyStore;
  readonly assessors: AssessorStore;
  readonly assignments: AssignmentStore;
  readonly assessments: AssessmentStore;
  readonly audits: AuditTrailStore;
  readonly writes: WritePath;
}

/**
 * The two ways an assignment ends, as a 409 that needs it ended names them: the removal first, since
 * it always can (a recusal cannot leave the panel without an active member; the panel is not read
 * here, so the condition is said rather than checked).
 */
const endFirst = ({ year, agencyId, assessor }: AssignmentRecord): string => {
  const agency = `/v1/cycles/${year}/agencies/${agencyId}`;
  return `The assignment must end first: the review team removes ${assessor} from the panel (POST ${agency}/assessors/${assessor}/removal), or ${assessor} recuses (POST ${agency}/recusal) if another member of the panel is active (a panel’s only active member cannot recuse).`;
};

/** How an assignment that is no longer active ended, for a 409 that finds it so. */
const howItEnded = (assignment: AssignmentRecord): string =>
  assignment.status === 'recused'
    ? `${assignment.assessor} recused from "${assignment.agencyId}" at ${assignment.recusedAt}: ${assignment.recusalReason}`
    : `${assignment.assessor} was removed from the panel of "${assignment.agencyId}" at ${assignment.removedAt} by ${assignment.removedBy}: ${assignment.removalReason}`;

/** Assessor profiles, panels, recusals and removals. */
export const createAssignmentService = (ports: AssignmentServicePorts) => {
  const { cycles, agencies, assessors, assignments, assessments, audits, writes } = ports;

  const requireCycle = async (year: number) => {
    const cycle = await cycles.get(year);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    return cycle;
  };

  /** Every assignment (active or ended) of one agency in the cycle, all pages. */
  const panelOf = (year: number, agencyId: string): Promise<AssignmentRecord[]> =>
    readWholeListing((page) => assignments.listByCycle(year, { agencyId, ...page }), 200);

  /**
   * An affiliation added to an assessor must not conflict with an assignment still in progress (its
   * cycle not yet published): the conflict-of-interest rules are checked when a panel is assigned,
   * so an affiliation gained later would otherwise let that assessor go on scoring. 409 naming each
   * conflicting affiliation and the assignment; past cycles' assignments are history and do not count.
   */
  const assertNoLiveConflict = async (
    actor: Actor,
    subject: string,
    addedTies: readonly AgencyRecord[],
    sent: readonly string[],
  ): Promise<void> => {
    const held = (await readWholeListing((page) => assignments.listByAssessor(subject, page), 100)).filter(
      (assignment) => assignment.status === 'active',
    );
    if (held.length === 0) return;
    const years = [...new Set(held.map((assignment) => assignment.year))];
    const live = new Set(
      (await Promise.all(years.map((year) => cycles.get(year))))
        .filter(
          (cycle) => cycle !== undefined && Date.parse(cycle.windows.publication.at) > actor.now.getTime(),
        )
        .map((cycle) => cycle?.year),
    );
    const current = held.filter((assignment) => live.has(assignment.year));
    const assigned = new Map(
      (
        await Promise.all(
          [...new Set(current.map((assignment) => assignment.agencyId))].map((id) => agencies.get(id)),
        )
      )
        .filter((agency) => agency !== undefined)
        .map((agency) => [agency.id, agency]),
    );
    const errors: FieldError[] = [];
    for (const assignment of current) {
      const agency = assigned.get(assignment.agencyId);
      const conflict = agency ? conflictOfInterest(agency, addedTies) : undefined;
      if (!conflict) continue;
      errors.push({
        pointer: `/body/affiliations/${sent.indexOf(conflict.affiliation)}`,
        detail: `Conflict of interest (${conflict.rule}) with the assignment to ${assignment.agencyId} in ${assignment.year}: ${conflict.message} ${endFirst(assignment)}`,
      });
    }
    if (errors.length > 0) {
      throw new ConflictError(
        `${subject} holds ${errors.length === 1 ? 'an assignment' : `${errors.length} assignments`} in progress that the new affiliations would put in conflict; nothing was changed.`,
        { errors },
      );
    }
  };

  /** Registers an assessor (no If-Match) or updates the profile (If-Match required). */
  const putAssessor = async (
    actor: Actor,
    subject: string,
    write: AssessorWrite,
    ifMatch: number | undefined,
  ): Promise<{ created: boolean; assessor: AssessorRecord }> => {
    const affiliations = [...new Set(write.affiliations)].sort();
    const [records, current] = await Promise.all([
      Promise.all(affiliations.map(async (id) => ({ id, record: await agencies.get(id) }))),
      assessors.get(subject),
    ]);
    const unknown = records.filter(({ record }) => record === undefined).map(({ id }) => id);
    if (unknown.length > 0) {
      throw new ValidationError(`Unknown agencies in affiliations: ${unknown.join(', ')}.`, {
        errors: unknown.map((id) => ({
          pointer: `/body/affiliations/${write.affiliations.indexOf(id)}`,
          detail: `"${id}" is not a registered agency`,
        })),
      });
    }
    const added = affiliations.filter((id) => !(current?.affiliations ?? []).includes(id));
    if (current && added.length > 0) {
      await assertNoLiveConflict(
        actor,
        subject,
        records.flatMap(({ record }) => (record && added.includes(record.id) ? [record] : [])),
        write.affiliations,
      );
    }
    const content = { subject, name: write.name, affiliations };
    const { created, record } = await putVersioned<AssessorRecord>({
      what: `Assessor "${subject}"`,
      current,
      ifMatch,
      at: actor.now.toISOString(),
      content,
      unchanged: (stored) => diffFields(stored, content, ['name', 'affiliations']).length === 0,
      commit: (assessor, before) =>
        writes.commit({
          state: [{ kind: 'assessor', assessor, before }],
          audits: [
            auditEntry(
              actor,
              { kind: 'assessor', subject },
              before ? 'assessor.updated' : 'assessor.registered',
              `assessor ${subject}`,
              diffFields(before, assessor, ['name', 'affiliations']),
            ),
          ],
          events: [],
        }),
    });
    return { created, assessor: record };
  };

  /**
   * Assigns panel members, all or nothing: every row is checked (schema, duplicates, registered
   * and active agency, registered assessor), then conflicts of interest and the load cap (409 with
   * every offending row); rows already assigned are left alone. Each agency's new members are one
   * change set: their assignments, the panel, each assessor's load counter (conditional on the cap,
   * so concurrent batches cannot exceed it) and an audit record per assignment.
   */
  const assign = async (
    actor: Actor,
    year: number,
    rows: readonly unknown[],
    csvLines?: readonly number[],
  ): Promise<{ received: number; assigned: number; unchanged: number }> => {
    const locate = (index: number) => ({
      row: index + 1,
      ...(csvLines?.[index] !== undefined ? { line: csvLines[index] } : {}),
    });
    const problems: RowProblem[] = [];
    const valid: { index: number; row: AssignmentRow }[] = [];
    const seen = new Map<string, number>();
    rows.forEach((raw, index) => {
      const parsed = AssignmentRowSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push({
          ...locate(index),
          errors: fieldErrorsFromZod(['body', 'assignments', index], parsed.error),
        });
        return;
      }
      const key = `${parsed.data.agencyId}#${parsed.data.assessor}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({
          ...locate(index),
          errors: [{ pointer: `/body/assignments/${index}`, detail: `Duplicate of row ${first}` }],
        });
        return;
      }
      seen.set(key, index + 1);
      valid.push({ index, row: parsed.data });
    });
    // Every read in one round of parallel calls: the cycle with the assessors' profiles and loads
    // (one BatchGetItem), the roster, and the panels of the agencies named.
    const agencyIds = [...new Set(valid.map(({ row }) => row.agencyId))];
    const [planning, roster, panels] = await Promise.all([
      assignments.planning(
        year,
        valid.map(({ row }) => row.assessor),
        agencyIds,
      ),
      agencies.listAll(),
      Promise.all(agencyIds.map((agencyId) => panelOf(year, agencyId))),
    ]);
    const { cycle, profiles, loads, results } = planning;
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    const registry = new Map(roster.map((agency) => [agency.id, agency]));
    for (const { index, row } of valid) {
      const agency = registry.get(row.agencyId);
      const errors: FieldError[] = [];
      // Two mistakes with two remedies: a typo in the id, or an agency deactivated meanwhile.
      if (!agency) {
        errors.push({
          pointer: `/body/assignments/${index}/agencyId`,
          detail: `"${row.agencyId}" is not a registered agency (find its id with GET /v1/agency-directory?q=…)`,
        });
      } else if (!agency.active) {
        errors.push({
          pointer: `/body/assignments/${index}/agencyId`,
          detail: `"${row.agencyId}" is inactive in the registry: inactive agencies join no assessment (PUT /v1/agencies/${row.agencyId} with "active": true first, if it should)`,
        });
      }
      if (!profiles.has(row.assessor)) {
        errors.push({
          pointer: `/body/assignments/${index}/assessor`,
          detail: `"${row.assessor}" is not a registered assessor (PUT /v1/assessors/${row.assessor})`,
        });
      }
      if (errors.length > 0) problems.push({ ...locate(index), errors });
    }
    if (problems.length > 0) {
      problems.sort((a, b) => a.row - b.row);
      throw new ValidationError(
        `${problems.length} of ${rows.length} ${rows.length === 1 ? 'row' : 'rows'} ${problems.length === 1 ? 'is' : 'are'} invalid; nothing was assigned.`,
        { errors: problems.flatMap((problem) => problem.errors), extensions: { rows: problems } },
      );
    }

    // Conflicts of interest, rows already assigned (or recused), and the load cap. An assessor the
    // review team removed may be assigned again, checked as a new row: the removal was the review
    // team's decision, which it may undo (a recusal is the assessor's own, and stands).
    const existing = new Map<string, AssignmentRecord>(
      panels.flat().map((item) => [`${item.agencyId}#${item.assessor}`, item]),
    );
    const isFresh = (row: AssignmentRow) =>
      (existing.get(`${row.agencyId}#${row.assessor}`)?.status ?? 'removed') === 'removed';
    const fresh = valid.filter(({ row }) => isFresh(row));
    const conflicts: (RowProblem & { rule?: string })[] = [];
    const planned = new Map(loads);
    for (const { index, row } of valid) {
      const pointer = `/body/assignments/${index}`;
      const previous = existing.get(`${row.agencyId}#${row.assessor}`);
      if (previous?.status === 'recused') {
        conflicts.push({
          ...locate(index),
          rule: 'recused',
          errors: [
            {
              pointer,
              detail: `${row.assessor} recused themselves from ${row.agencyId}: ${previous.recusalReason}`,
            },
          ],
        });
        continue;
      }
      if (!isFresh(row)) continue;
      // A final result (imported, or finalized) leaves nothing to assess: a panel could score, but
      // its result could never be finalized.
      const resultVersion = results.get(row.agencyId);
      if (resultVersion !== undefined) {
        conflicts.push({
          ...locate(index),
          rule: 'has-result',
          errors: [
            {
              pointer,
              detail: `${row.agencyId} has a final result in ${year} already (version ${resultVersion}): there is nothing left to assess; changes come through appeals`,
            },
          ],
        });
        continue;
      }
      const agency = registry.get(row.agencyId);
      const profile = profiles.get(row.assessor);
      if (!agency || !profile) continue;
      const ties = profile.affiliations.map((id) => registry.get(id) ?? { id, group: 'lainnya' as const });
      const conflict = conflictOfInterest(agency, ties);
      if (conflict) {
        conflicts.push({
          ...locate(index),
          rule: conflict.rule,
          errors: [{ pointer, detail: `Conflict of interest (${conflict.rule}): ${conflict.message}` }],
        });
        continue;
      }
      const load = (planned.get(row.assessor) ?? 0) + 1;
      planned.set(row.assessor, load);
      if (load > cycle.assessorLoadCap) {
        conflicts.push({
          ...locate(index),
          rule: 'load-cap',
          errors: [
            {
              pointer,
              detail: `${row.assessor} would carry ${load} assignments in ${year}, over the cycle's cap of ${cycle.assessorLoadCap}`,
            },
          ],
        });
      }
    }
    if (conflicts.length > 0) {
      const rules = [...new Set(conflicts.map((conflict) => conflict.rule))].join(', ');
      throw new ConflictError(
        `${conflicts.length} ${conflicts.length === 1 ? 'row' : 'rows'} cannot be assigned (${rules}); nothing was assigned.`,
        { errors: conflicts.flatMap((conflict) => conflict.errors), extensions: { rows: conflicts } },
      );
    }

    const at = actor.now.toISOString();
    const removedBefore = new Set(
      fresh
        .filter(({ row }) => existing.get(`${row.agencyId}#${row.assessor}`)?.status === 'removed')
        .map(({ row }) => `${row.agencyId}#${row.assessor}`),
    );
    const byAgency = new Map<string, AssignmentRecord[]>();
    for (const { row } of fresh) {
      const assignment: AssignmentRecord = {
        year,
        agencyId: row.agencyId,
        assessor: row.assessor,
        status: 'active',
        assignedAt: at,
        assignedBy: actor.subject,
      };
      byAgency.set(row.agencyId, [...(byAgency.get(row.agencyId) ?? []), assignment]);
    }
    const changes = [...byAgency].map(([agencyId, panel]): ChangeSet => {
      const [first, ...rest] = panel.map((assignment) =>
        auditEntry(
          actor,
          { kind: 'cycle-agency', year, agencyId },
          'assessment.assigned',
          `assessor ${assignment.assessor}`,
          [
            { field: 'assessor', before: null, after: assignment.assessor },
            // Assigned again after a removal: the trail says it was not their first seat.
            ...(removedBefore.has(`${agencyId}#${assignment.assessor}`)
              ? [{ field: 'status', before: 'removed', after: 'active' }]
              : []),
          ],
        ),
      );
      return {
        state: [{ kind: 'panel.assign', year, agencyId, assignments: panel, loadCap: cycle.assessorLoadCap }],
        // A panel always has at least one new member here.
        audits: [first as NonNullable<typeof first>, ...rest],
        events: [],
      };
    });
    const outcome = await writes.commitMany(changes);
    if (outcome.failed) {
      const failed = outcome.failed.change;
      const agencyId = failed.kind === 'panel.assign' ? failed.agencyId : 'an agency';
      throw new ConflictError(
        `The panel of "${agencyId}" changed, or an assessor reached the load cap, while assigning; ${outcome.committed} of ${changes.length} agencies' panels were written. Send the same rows again: assigned rows are skipped.`,
        { extensions: { written: outcome.committed } },
      );
    }
    return { received: rows.length, assigned: fresh.length, unchanged: valid.length - fresh.length };
  };

  /**
   * An assessor steps down from an agency's panel with a reason. The panel keeps at least one active
   * member (409 otherwise); the write is conditional on it, so two members cannot both leave.
   */
  const recuse = async (
    actor: Actor,
    year: number,
    agencyId: string,
    reason: string,
  ): Promise<AssignmentRecord> => {
    const snapshot = await assessments.load(year, agencyId);
    const assignment = snapshot.assignments.find(
      (candidate) => candidate.assessor === actor.subject && candidate.status === 'active',
    );
    if (!assignment) {
      throw new NotFoundError(`You have no active assignment to "${agencyId}" in the ${year} cycle.`);
    }
    if ((snapshot.head?.members.length ?? 0) <= 1) {
      throw new ConflictError(
        `You are the only active assessor of "${agencyId}": ask the review team to assign another before recusing.`,
      );
    }
    const recused: AssignmentRecord = {
      ...assignment,
      status: 'recused',
      recusedAt: actor.now.toISOString(),
      recusalReason: reason,
    };
    const outcome = await writes.commit({
      state: [{ kind: 'panel.recuse', assignment: recused }],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle-agency', year, agencyId },
          'assessment.recused',
          `assessor ${actor.subject}`,
          [
            { field: 'status', before: 'active', after: 'recused' },
            { field: 'reason', before: null, after: reason },
          ],
        ),
      ],
      events: [],
    });
    if (!outcome.committed) {
      throw new ConflictError(
        `The panel of "${agencyId}" changed while you were recusing (another member may have left); re-read it.`,
      );
    }
    return recused;
  };

  /**
   * The review team takes an assessor off an agency's panel, with a reason: a conflict of interest
   * found after assignment, an assessor who left, a mistaken assignment. Unlike a recusal, the only
   * active member may be removed (the review team assigns the next); the answer lists who is left.
   * Scores the assessor recorded stay, as a recused assessor's do. The write is conditional on the
   * assignment still active, so a concurrent removal or recusal makes it 409.
   */
  const removeFromPanel = async (
    actor: Actor,
    year: number,
    agencyId: string,
    subject: string,
    reason: string,
  ): Promise<AssignmentRecord & { activeAssessors: string[] }> => {
    const snapshot = await assessments.load(year, agencyId);
    const assignment = snapshot.assignments.find((candidate) => candidate.assessor === subject);
    if (!assignment) {
      throw new NotFoundError(`"${subject}" has no assignment to "${agencyId}" in the ${year} cycle.`);
    }
    if (assignment.status !== 'active') {
      // No full stop of our own: the message ends with the reason as its writer punctuated it.
      throw new ConflictError(`The assignment has ended already: ${howItEnded(assignment)}`);
    }
    const removed: AssignmentRecord = {
      ...assignment,
      status: 'removed',
      removedAt: actor.now.toISOString(),
      removedBy: actor.subject,
      removalReason: reason,
    };
    const outcome = await writes.commit({
      state: [{ kind: 'panel.remove', assignment: removed }],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle-agency', year, agencyId },
          'assessment.removed',
          `assessor ${subject}`,
          [
            { field: 'status', before: 'active', after: 'removed' },
            { field: 'reason', before: null, after: reason },
          ],
        ),
      ],
      events: [],
    });
    if (!outcome.committed) {
      throw new ConflictError(
        `The assignment of ${subject} to "${agencyId}" changed while removing it (ended by a recusal or another removal meanwhile); re-read the panel.`,
      );
    }
    return {
      ...removed,
      activeAssessors: (snapshot.head?.members ?? []).filter((member) => member !== subject),
    };
  };

  const getAssessor = async (subject: string): Promise<AssessorRecord> => {
    const assessor = await assessors.get(subject);
    if (!assessor) throw new NotFoundError(`No assessor "${subject}" is registered.`);
    return assessor;
  };

  return {
    putAssessor,
    /** The assessor's profile trail: registered, affiliations and load changed (before and after). */
    assessorAuditTrail: (subject: string, page: PageRequest): Promise<Page<AuditRecord>> =>
      readTrail(audits, { kind: 'assessor', subject }, page, () => getAssessor(subject)),
    getAssessor,
    assign,
    recuse,
    removeFromPanel,
    listForCycle: async (
      year: number,
      query: { agencyId?: string | undefined; assessor?: string | undefined } & PageRequest,
    ): Promise<Page<AssignmentRecord>> => {
      const page = await assignments.listByCycle(year, query);
      // Assignments prove their cycle; only an empty page needs it read (404 or none yet).
      if (page.items.length === 0) await requireCycle(year);
      return page;
    },
    /** With each agency's name and where its self-assessment stands: what to assess next. */
    listMine: async (actor: Actor, query: { year?: number | undefined } & PageRequest) => {
      const page = await assignments.listByAssessor(actor.subject, query);
      const summaries = page.items.length === 0 ? new Map() : await assignments.summaries(page.items);
      return {
        items: page.items.map((assignment) => {
          const summary = summaries.get(`${assignment.year}#${assignment.agencyId}`);
          return {
            ...assignment,
            agencyName: summary?.agencyName ?? assignment.agencyId,
            selfAssessmentStatus: summary?.selfAssessmentStatus ?? ('none' as const),
          };
        }),
        nextCursor: page.nextCursor,
      };
    },
  };
};

export type AssignmentService = ReturnType<typeof createAssignmentService>;
