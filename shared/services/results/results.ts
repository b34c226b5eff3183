import type { AppealDecisionWrite, AppealWrite } from '#shared/api/results/schemas.ts';
import { type Actor, auditEntry } from '#shared/domain/actor.ts';
import type { AgencyGroup } from '#shared/domain/agency-groups.ts';
import {
  reviewCounts,
  stagesOf,
  stageWindow,
  standingScores,
  windowOfStage,
} from '#shared/domain/assessment.ts';
import { currentPhase, isWindowOpen } from '#shared/domain/cycles.ts';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { domainEvent, eventTypes, type IdSource } from '#shared/domain/events.ts';
import { findFramework, getFramework, predicateRef } from '#shared/domain/framework/registry.ts';
import type { Framework, Level } from '#shared/domain/framework/types.ts';
import {
  buildResultVersion,
  type ImportDifference,
  importDifference,
  type LevelSource,
  type ResultVersion,
  scoringEngine,
  verifyResultChain,
} from '#shared/domain/results.ts';
import { parseRational, toIndexValue } from '#shared/domain/scoring/rational.ts';
import { scoreAssessment } from '#shared/domain/scoring/score.ts';
import type { AssessmentStore } from '../assessment/ports.ts';
import type { CycleRecord, CycleStore } from '../cycles/ports.ts';
import type { ChangeSet, Page, PageRequest, WritePath } from '../ports.ts';
import type { AgencyRecord, AgencyStore } from '../registry/ports.ts';
import type { SelfAssessmentStore } from '../self-assessment/ports.ts';
import type { AppealRecord, CurrentResult, ResultStore } from './ports.ts';

export interface ResultServicePorts {
  readonly cycles: CycleStore;
  readonly agencies: AgencyStore;
  readonly selfAssessments: SelfAssessmentStore;
  readonly assessments: AssessmentStore;
  readonly results: ResultStore;
  readonly writes: WritePath;
  readonly ids: IdSource;
}

const notFound = (year: number, agencyId: string) =>
  new NotFoundError(`No final result of agency "${agencyId}" in the ${year} cycle.`);

const resultLink = (year: number, agencyId: string) => `/v1/cycles/${year}/agencies/${agencyId}/result`;

/** The same decision for each indicator (level and reason included), in whatever order they were sent. */
const sameDecisions = (
  stored: NonNullable<AppealRecord['decisions']>,
  sent: AppealDecisionWrite['decisions'],
): boolean => {
  const key = (decisions: readonly AppealDecisionWrite['decisions'][number][]) =>
    JSON.stringify(
      [...decisions]
        .sort((a, b) => a.indicatorNo - b.indicatorNo)
        .map(({ indicatorNo, upheld, level, reason }) => [indicatorNo, upheld, level ?? null, reason]),
    );
  return key(stored) === key(sent);
};

/** A row of a results import: an agency's levels and where they come from. */
interface ImportRow {
  readonly agencyId: string;
  readonly levels: readonly (Level | null)[];
  readonly reference: string;
}

/** At most this many differing indicators are named per row; the rest are counted. */
const differencesNamed = 10;

const levelText = (level: Level | null) => (level === null ? 'none' : String(level));

/**
 * What a refused row's error says: the agency, its stored result (version, index) and the index the
 * row would give, the indicators that differ (the first ten) and the reference.
 */
const differenceDetail = (
  year: number,
  framework: Framework,
  row: ImportRow,
  current: CurrentResult,
  difference: ImportDifference,
): string => {
  const storedIndex = toIndexValue(parseRational(current.summary.index)).display;
  const reference = difference.reference
    ? `imported from “${difference.reference.stored}”, not “${difference.reference.imported}”`
    : undefined;
  const tail = 'an import never replaces a final result, which changes only through an upheld appeal';
  if (difference.levels.length === 0) {
    return `"${row.agencyId}" has a final result in the ${year} cycle (version ${current.version}) with these levels and index ${storedIndex}, but ${reference}; ${tail}`;
  }
  const imported = scoreAssessment(framework, new Map(row.levels.map((level, index) => [index + 1, level])))
    .index.display;
  const named = difference.levels
    .slice(0, differencesNamed)
    .map(
      (level) => `${level.indicatorNo} (stored ${levelText(level.stored)}, row ${levelText(level.imported)})`,
    )
    .join(', ');
  const more =
    difference.levels.length > differencesNamed
      ? ` and ${difference.levels.length - differencesNamed} more`
      : '';
  const count = difference.levels.length === 1 ? '1 indicator' : `${difference.levels.length} indicators`;
  return `"${row.agencyId}" has a final result in the ${year} cycle (version ${current.version}, index ${storedIndex}) and this row differs at ${count}: ${named}${more}; it would give index ${imported}${reference ? `, and the stored result was ${reference}` : ''}; ${tail}`;
};

/** The representation of a current result: the standing version in full. */
export const resultView = (
  current: Pick<CurrentResult, 'agencyName' | 'group' | 'openAppealId'>,
  result: ResultVersion,
) => ({
  agencyName: current.agencyName,
  group: current.group,
  result,
  ...(current.openAppealId ? { openAppealId: current.openAppealId } : {}),
});

export type ResultView = ReturnType<typeof resultView>;

/**
 * Final results (finalize, read, verify, bundle, import of past cycles) and appeals. Results are
 * legal records: never changed in place — an upheld appeal is a new version chained to the old.
 */
export const createResultService = (ports: ResultServicePorts) => {
  const { agencies, selfAssessments, assessments, results, writes, ids } = ports;

  const context = async (
    year: number,
    agencyId: string,
  ): Promise<{ cycle: CycleRecord; agency: AgencyRecord }> => {
    const { cycle, agency } = await selfAssessments.context(year, agencyId);
    // A mistyped year is named as such (cycles are public knowledge), not as a missing result.
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    if (!agency) throw notFound(year, agencyId);
    return { cycle, agency };
  };

  /**
   * Who may read a result: admins always; the agency's own operators from the opening of the
   * cycle's appeals window (which comes before the publication), so that an appeal is filed against
   * a result the agency has read; nobody else (404, so that existence does not leak). The public
   * sees the results from the publication, in the rankings. Before the appeals window the agency's
   * own operators are told when, whether or not a result exists: `result.finalized` sends them here.
   */
  const assertReadable = (actor: Actor, cycle: CycleRecord, agencyId: string) => {
    if (actor.role === 'admin') return;
    const readableFrom = cycle.windows.appeals.opensAt;
    if (actor.role === 'agency' && actor.agencyId === agencyId) {
      if (Date.parse(readableFrom) <= actor.now.getTime()) return;
      throw new NotFoundError(
        `Results of the ${cycle.year} cycle are readable by ${agencyId}’s operators from the opening of the cycle’s appeals window, ${readableFrom} (server time ${actor.now.toISOString()}).`,
      );
    }
    throw notFound(cycle.year, agencyId);
  };

  /** The current result, the standing version and the chain, for a reader allowed to see them. */
  const readResult = async (actor: Actor, year: number, agencyId: string) => {
    // In parallel (one round trip of latency); the results are served only once readable.
    const [{ cycle }, { current, versions }] = await Promise.all([
      context(year, agencyId),
      results.load(year, agencyId),
    ]);
    assertReadable(actor, cycle, agencyId);
    const latest = versions.at(-1);
    if (!current || !latest) throw notFound(year, agencyId);
    return { current, latest, versions };
  };

  const finalizedEvent = (actor: Actor, result: ResultVersion) =>
    domainEvent(
      ids,
      eventTypes.resultFinalized,
      actor.now,
      { year: result.year, agencyId: result.agencyId },
      // Ids and the link only: the index and predicate stay behind the link, which the agency reads
      // from the opening of the cycle's appeals window; a payload carrying them would send them to
      // the agency's endpoints before that.
      { version: result.version, link: resultLink(result.year, result.agencyId) },
    );

  /**
   * Finalizes from the review: every indicator's standing score (the cycle's last stage) must carry
   * a valid, current review (409 listing those that do not). One transaction writes version 1, the
   * current result, the audit record and `result.finalized`, conditional on the assessment's
   * revision being the one read: a score or review written meanwhile makes it fail (409, retry).
   */
  const finalize = async (actor: Actor, year: number, agencyId: string): Promise<ResultView> => {
    const [{ cycle, agency }, snapshot] = await Promise.all([
      context(year, agencyId),
      assessments.load(year, agencyId),
    ]);
    if (!snapshot.head) {
      throw new ConflictError(
        `"${agencyId}" has no assessment panel in the ${year} cycle: nothing to finalize.`,
      );
    }
    if (snapshot.head.finalizedAt) {
      throw new ConflictError(
        `The ${year} result of "${agencyId}" was finalized at ${snapshot.head.finalizedAt}; later changes come through appeals.`,
      );
    }
    const framework = getFramework(cycle.frameworkId);
    const stages = stagesOf(cycle.type, cycle.windows);
    // Finalizing closes scoring for good: before the last stage's window opens, the agency would
    // silently lose that stage (an interview it was due).
    const lastStage = stages.at(-1) ?? 'dokumen';
    const lastWindow = windowOfStage(cycle.windows, lastStage);
    if (lastWindow && actor.now.getTime() < Date.parse(lastWindow.opensAt)) {
      throw new ConflictError(
        `The ${lastStage} stage of the ${year} cycle opens at ${lastWindow.opensAt} (${stageWindow[lastStage]}): finalizing before it would close scoring and skip it (server time ${actor.now.toISOString()}).`,
      );
    }
    const standing = standingScores(snapshot.scores, stages, lastStage);
    const reviews = new Map(snapshot.reviews.map((review) => [review.indicatorNo, review]));
    const missing = framework.indicators
      .map((indicator) => indicator.no)
      .filter((no) => !reviewCounts(reviews.get(no), standing.get(no)));
    const selfAssessment = snapshot.selfAssessment.header?.status ?? 'none';
    if (missing.length > 0 && selfAssessment !== 'submitted') {
      // Scoring waits for the submission: "47 lack a review" would send the review team to a panel
      // that cannot score, when the question is the agency's submission.
      const window = cycle.windows.selfAssessment;
      const next = isWindowOpen(window, actor.now)
        ? `it can still submit until ${window.closesAt}, and the panel score it then`
        : `its window closed at ${window.closesAt}, so it stays without a result for ${year} and the ranking leaves it out`;
      throw new ConflictError(
        `"${agencyId}" has not submitted its ${year} self-assessment (${selfAssessment === 'none' ? 'nothing saved' : selfAssessment}): no indicator could be scored, so there is nothing to finalize; ${next}.`,
        { extensions: { missing } },
      );
    }
    if (missing.length > 0) {
      throw new ConflictError(
        `${missing.length} of ${framework.indicators.length} indicators lack a valid, current review of their score: ${missing.join(', ')}.`,
        { extensions: { missing } },
      );
    }
    const levels: (Level | null)[] = [];
    const sources: LevelSource[] = [];
    for (const indicator of framework.indicators) {
      const score = standing.get(indicator.no)?.score;
      const review = reviews.get(indicator.no);
      if (!score || !review) throw new Error('A counted review lost its score');
      levels.push(score.level);
      sources.push({
        kind: 'review',
        stage: score.stage,
        scoreVersion: score.version,
        reviewVersion: review.version,
      });
    }
    const result = buildResultVersion(
      framework,
      {
        year,
        agencyId,
        levels,
        sources,
        predicateBasis: cycle.predicateBasis,
        finalizedAt: actor.now.toISOString(),
        finalizedBy: actor.subject,
        reason: 'finalized from the review',
      },
      undefined,
    );
    const identity = { year, agencyId, agencyName: agency.name, group: agency.group };
    const outcome = await writes.commit({
      state: [{ kind: 'result.finalize', ...identity, result, revision: snapshot.head.revision }],
      audits: [
        auditEntry(actor, { kind: 'cycle-agency', year, agencyId }, 'result.finalized', 'result', [
          { field: 'version', before: null, after: result.version },
          { field: 'index', before: null, after: result.computed.score.index.exact },
          { field: 'predicate', before: null, after: result.computed.score.predicate.id },
        ]),
      ],
      events: [finalizedEvent(actor, result)],
    });
    if (!outcome.committed) {
      throw new ConflictError(
        `Scores or reviews of "${agencyId}" changed while finalizing (or it was finalized meanwhile); re-read the assessment and finalize again.`,
      );
    }
    return resultView(identity, result);
  };

  /**
   * Refuses an import into a cycle that has not started: before its first window (self-assessment)
   * opens, no agency has been evaluated, so a result imported then would be a final result made up
   * ahead of the evaluation. The start is quoted as the admin wrote it.
   */
  const assertStarted = (cycle: CycleRecord, now: Date) => {
    if (currentPhase(cycle.windows, now).current !== 'not-started') return;
    const window = cycle.windows.selfAssessment;
    throw new ConflictError(
      `The ${cycle.year} cycle has not started: it starts when its self-assessment window opens, at ${window.opensAt} (server time ${now.toISOString()}). Results are imported into a cycle once it has started; nothing was imported.`,
      { extensions: { window } },
    );
  };

  /**
   * Compares each row naming an agency with a result already with the inputs of that result's
   * standing version, and of version 1 when an appeal has changed it since (one BatchGetItem per
   * 100 versions, only then): all the same, the rows are skipped; otherwise
   * 409 with one entry per differing row, and nothing is written.
   */
  const assertSameAsStored = async (
    cycle: CycleRecord,
    framework: Framework,
    rows: readonly ImportRow[],
    existing: ReadonlyMap<string, CurrentResult>,
    now: Date,
  ) => {
    const repeated = rows.flatMap((row, index) => {
      const current = existing.get(row.agencyId);
      return current ? [{ row, index, current }] : [];
    });
    if (repeated.length === 0) return;
    // An upheld appeal makes version 2 on: a row is also already taken when it holds version 1, the
    // version an import makes (a file retried after an appeal changed one of its results).
    const wanted = repeated.flatMap(({ current }) => [
      { agencyId: current.agencyId, version: current.version },
      ...(current.version > 1 ? [{ agencyId: current.agencyId, version: 1 }] : []),
    ]);
    const stored = new Map(
      (await results.versionInputs(cycle.year, wanted)).map((inputs) => [
        `${inputs.agencyId}#${inputs.version}`,
        inputs,
      ]),
    );
    const differing = repeated.flatMap(({ row, index, current }) => {
      const standing = stored.get(`${row.agencyId}#${current.version}`);
      // The current result names its version, written in the same transaction: never missing.
      if (!standing) throw new Error(`Result version ${current.version} of ${row.agencyId} is missing`);
      const difference = importDifference(standing, row);
      if (!difference) return [];
      const first = current.version > 1 ? stored.get(`${row.agencyId}#1`) : undefined;
      if (first && !importDifference(first, row)) return [];
      return [{ row, index, current, difference }];
    });
    if (differing.length === 0) return;
    const appeals = cycle.windows.appeals;
    const closed = Date.parse(appeals.closesAt) <= now.getTime() ? ', closed now' : '';
    throw new ConflictError(
      `${differing.length} ${differing.length === 1 ? 'row differs' : 'rows differ'} from the final ${differing.length === 1 ? 'result' : 'results'} stored in the ${cycle.year} cycle; nothing was imported. A row whose agency has a result already is skipped only when it holds that result’s levels (and, for an imported result, its reference), or those of the import an upheld appeal has changed since. An import never replaces a final result: a result changes only through an appeal its agency files while the cycle’s appeals window is open (${appeals.opensAt} – ${appeals.closesAt}${closed}) and the review team upholds, which makes the next version. There is no other correction. Leave these rows out to import the others.`,
      {
        errors: differing.map(({ row, index, current, difference }) => ({
          pointer: `/body/results/${index}/${difference.levels.length > 0 ? 'levels' : 'reference'}`,
          detail: differenceDetail(cycle.year, framework, row, current, difference),
        })),
      },
    );
  };

  /**
   * Imports a past cycle's published results: each row's levels become version 1, computed and
   * hashed like any other. Validated all or nothing. A row whose agency has a result already is
   * skipped as unchanged only when it holds that result (`importDifference`), so that a retry of a
   * file cut short completes it; a row that differs refuses the whole import (409 naming each such
   * row), since skipping it would keep the stored result while reporting the row as taken. A cycle
   * that has not started (its self-assessment window not open yet) takes no import: its results
   * cannot be known yet. No `result.finalized` events: a backfill of history is not news to send
   * to portals.
   */
  const importResults = async (actor: Actor, year: number, rows: readonly ImportRow[]) => {
    // The cycle with the agencies' current results (one BatchGetItem) beside the roster.
    const [{ cycle, existing, assessed }, registry] = await Promise.all([
      results.existingWithCycle(
        year,
        rows.map((row) => row.agencyId),
      ),
      agencies.listAll(),
    ]);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    assertStarted(cycle, actor.now);
    const framework = getFramework(cycle.frameworkId);
    const roster = new Map(registry.map((agency) => [agency.id, agency]));
    const problems: FieldError[] = [];
    const seen = new Set<string>();
    rows.forEach((row, index) => {
      if (!roster.has(row.agencyId)) {
        problems.push({
          pointer: `/body/results/${index}/agencyId`,
          detail: `"${row.agencyId}" is not a registered agency`,
        });
      }
      if (seen.has(row.agencyId)) {
        problems.push({
          pointer: `/body/results/${index}/agencyId`,
          detail: `"${row.agencyId}" appears more than once`,
        });
      }
      seen.add(row.agencyId);
      if (row.levels.length !== framework.indicators.length) {
        problems.push({
          pointer: `/body/results/${index}/levels`,
          detail: `${framework.id} has ${framework.indicators.length} indicators; ${row.levels.length} levels given`,
        });
      }
    });
    if (problems.length > 0) {
      throw new ValidationError(
        `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the import; nothing was imported.`,
        {
          errors: problems,
        },
      );
    }
    // An agency this cycle assesses gets its result by finalizing its review: an imported one
    // would stand beside an assessment still open, and its finalizing could never be written.
    const assessedRows = rows
      .map((row, index) => ({ row, index }))
      .filter(({ row }) => assessed.has(row.agencyId) && !existing.has(row.agencyId));
    if (assessedRows.length > 0) {
      throw new ConflictError(
        `${assessedRows.length} ${assessedRows.length === 1 ? 'agency is' : 'agencies are'} assessed in the ${year} cycle; nothing was imported.`,
        {
          errors: assessedRows.map(({ row, index }) => ({
            pointer: `/body/results/${index}/agencyId`,
            detail: `"${row.agencyId}" is assessed in the ${year} cycle (a panel is assigned): its result comes from finalizing the review, not from an import`,
          })),
        },
      );
    }
    await assertSameAsStored(cycle, framework, rows, existing, actor.now);
    const changes: ChangeSet[] = rows
      .filter((row) => !existing.has(row.agencyId))
      .map((row) => {
        const agency = roster.get(row.agencyId) as AgencyRecord;
        const result = buildResultVersion(
          framework,
          {
            year,
            agencyId: row.agencyId,
            levels: row.levels,
            sources: row.levels.map(() => ({ kind: 'import' as const, reference: row.reference })),
            predicateBasis: cycle.predicateBasis,
            finalizedAt: actor.now.toISOString(),
            finalizedBy: actor.subject,
            reason: `imported: ${row.reference}`,
          },
          undefined,
        );
        return {
          state: [
            {
              kind: 'result.import',
              year,
              agencyId: agency.id,
              agencyName: agency.name,
              group: agency.group,
              result,
            },
          ],
          audits: [
            auditEntry(
              actor,
              { kind: 'cycle-agency', year, agencyId: agency.id },
              'result.imported',
              'result',
              [
                { field: 'index', before: null, after: result.computed.score.index.exact },
                { field: 'reference', before: null, after: row.reference },
              ],
            ),
          ],
          events: [],
        };
      });
    const outcome = await writes.commitMany(changes);
    if (outcome.failed) {
      throw new ConflictError(
        `A result was written by another request during the import; ${outcome.committed} of ${changes.length} were imported. Send the import again: rows already imported as sent are skipped.`,
        { extensions: { written: outcome.committed } },
      );
    }
    return { received: rows.length, imported: changes.length, unchanged: rows.length - changes.length };
  };

  const frameworkOf = (id: string): Framework | undefined => findFramework(id);

  const fileAppeal = async (
    actor: Actor,
    year: number,
    agencyId: string,
    write: AppealWrite,
  ): Promise<AppealRecord> => {
    if (actor.role !== 'agency' || actor.agencyId !== agencyId) throw notFound(year, agencyId);
    // The cycle and the current result in one round trip; a current result proves the agency.
    const { cycle, current } = await results.currentWithCycle(year, agencyId);
    if (!cycle) throw notFound(year, agencyId);
    if (!current) await context(year, agencyId);
    const window = cycle.windows.appeals;
    if (!isWindowOpen(window, actor.now)) {
      throw new ConflictError(
        `The appeals window of the ${year} cycle is not open (${window.opensAt} – ${window.closesAt}; server time ${actor.now.toISOString()}).`,
        { extensions: { window } },
      );
    }
    if (!current) throw new ConflictError(`"${agencyId}" has no final result in ${year} to appeal.`);
    if (current.openAppealId) {
      throw new ConflictError(
        `Appeal ${current.openAppealId} of "${agencyId}" is still open: wait for its decision.`,
      );
    }
    const count = getFramework(cycle.frameworkId).indicators.length;
    const unknown = write.indicators
      .map((indicator, index) => ({ indicator, index }))
      .filter(({ indicator }) => indicator.indicatorNo > count);
    if (unknown.length > 0) {
      throw new ValidationError(`The framework has indicators 1–${count}.`, {
        errors: unknown.map(({ indicator, index }) => ({
          pointer: `/body/indicators/${index}/indicatorNo`,
          detail: `No indicator ${indicator.indicatorNo}`,
        })),
      });
    }
    const appeal: AppealRecord = {
      appealId: ids.next('apl'),
      year,
      agencyId,
      status: 'open',
      resultVersion: current.version,
      filedAt: actor.now.toISOString(),
      filedBy: actor.subject,
      indicators: write.indicators.map((indicator) => ({ ...indicator, evidence: [...indicator.evidence] })),
    };
    const outcome = await writes.commit({
      state: [{ kind: 'appeal.file', appeal }],
      audits: [
        auditEntry(
          actor,
          { kind: 'cycle-agency', year, agencyId },
          'appeal.filed',
          `appeal ${appeal.appealId}`,
          [
            {
              field: 'indicators',
              before: null,
              after: appeal.indicators.map((indicator) => indicator.indicatorNo),
            },
          ],
        ),
      ],
      events: [],
    });
    if (!outcome.committed) {
      throw new ConflictError(
        `The result of "${agencyId}" changed or another appeal was filed meanwhile; re-read it.`,
      );
    }
    return appeal;
  };

  /**
   * Decides an open appeal, once: a decision for exactly the appealed indicators. Upheld
   * indicators with a new level make a new result version chained to the appealed one (which stays
   * readable); the decision, the version and `appeal.decided` commit together.
   */
  const decideAppeal = async (
    actor: Actor,
    year: number,
    agencyId: string,
    appealId: string,
    write: AppealDecisionWrite,
  ): Promise<AppealRecord> => {
    const [{ cycle, agency }, appeals, { versions }] = await Promise.all([
      context(year, agencyId),
      results.appeals(year, agencyId),
      results.load(year, agencyId),
    ]);
    const appeal = appeals.find((candidate) => candidate.appealId === appealId);
    const previous = versions.at(-1);
    if (!appeal || !previous) throw new NotFoundError(`No appeal ${appealId} of "${agencyId}" in ${year}.`);
    if (appeal.status !== 'open') {
      // The same decision again is a PUT retried (its response lost): answer what was decided.
      if (sameDecisions(appeal.decisions ?? [], write.decisions)) return appeal;
      throw new ConflictError(
        `Appeal ${appealId} was decided at ${appeal.decidedAt} with other decisions; decisions are final.`,
      );
    }
    const appealed = new Set(appeal.indicators.map((indicator) => indicator.indicatorNo));
    const decided = new Set(write.decisions.map((decision) => decision.indicatorNo));
    const problems: FieldError[] = [
      ...write.decisions
        .map((decision, index) => ({ decision, index }))
        .filter(({ decision }) => !appealed.has(decision.indicatorNo))
        .map(({ decision, index }) => ({
          pointer: `/body/decisions/${index}/indicatorNo`,
          detail: `Indicator ${decision.indicatorNo} is not part of appeal ${appealId}`,
        })),
      ...[...appealed]
        .filter((no) => !decided.has(no))
        .map((no) => ({
          pointer: '/body/decisions',
          detail: `Indicator ${no} is appealed and needs a decision`,
        })),
    ];
    if (problems.length > 0) {
      throw new ValidationError('Decide every appealed indicator, and only those.', { errors: problems });
    }
    const upheld = write.decisions.filter(
      (decision) =>
        decision.upheld &&
        decision.level !== undefined &&
        decision.level !== previous.inputs.levels[decision.indicatorNo - 1],
    );
    const framework = getFramework(cycle.frameworkId);
    const newResult =
      upheld.length === 0
        ? undefined
        : buildResultVersion(
            framework,
            {
              year,
              agencyId,
              levels: previous.inputs.levels.map(
                (level, index) =>
                  upheld.find((decision) => decision.indicatorNo === index + 1)?.level ?? level,
              ),
              sources: previous.inputs.sources.map((source, index) =>
                upheld.some((decision) => decision.indicatorNo === index + 1)
                  ? { kind: 'appeal' as const, appealId }
                  : source,
              ),
              predicateBasis: previous.inputs.predicateBasis,
              finalizedAt: actor.now.toISOString(),
              finalizedBy: actor.subject,
              reason: `appeal ${appealId} upheld for indicators ${upheld.map((decision) => decision.indicatorNo).join(', ')}`,
            },
            previous,
          );
    const decidedAppeal: AppealRecord = {
      ...appeal,
      status: 'decided',
      decisions: write.decisions.map((decision) => ({ ...decision })),
      decidedAt: actor.now.toISOString(),
      decidedBy: actor.subject,
      ...(newResult ? { newResultVersion: newResult.version } : {}),
    };
    const outcome = await writes.commit({
      state: [
        {
          kind: 'appeal.decide',
          year,
          agencyId,
          agencyName: agency.name,
          group: agency.group,
          appeal: decidedAppeal,
          appealedVersion: previous.version,
          newResult,
        },
      ],
      audits: [
        auditEntry(actor, { kind: 'cycle-agency', year, agencyId }, 'appeal.decided', `appeal ${appealId}`, [
          { field: 'decisions', before: null, after: decidedAppeal.decisions },
          ...(newResult
            ? [{ field: 'resultVersion', before: previous.version, after: newResult.version }]
            : []),
        ]),
      ],
      events: [
        domainEvent(
          ids,
          eventTypes.appealDecided,
          actor.now,
          { year, agencyId },
          {
            appealId,
            upheld: write.decisions
              .filter((decision) => decision.upheld)
              .map((decision) => decision.indicatorNo),
            rejected: write.decisions
              .filter((decision) => !decision.upheld)
              .map((decision) => decision.indicatorNo),
            resultVersion: newResult?.version ?? previous.version,
            link: resultLink(year, agencyId),
            // The new result is readable at once (an appeal is decided from the appeals window on),
            // and the decisions and their reasons in the agency's appeals.
            appealsLink: `/v1/cycles/${year}/agencies/${agencyId}/appeals`,
          },
        ),
      ],
    });
    if (!outcome.committed) {
      // Lost a race: the same decisions that won (a double submit) answer as a retry would.
      const now = (await results.appeals(year, agencyId)).find(
        (candidate) => candidate.appealId === appealId,
      );
      if (now?.status === 'decided' && sameDecisions(now.decisions ?? [], write.decisions)) return now;
      throw new ConflictError(
        `Appeal ${appealId} or the result of "${agencyId}" changed meanwhile; re-read them.`,
      );
    }
    return decidedAppeal;
  };

  /**
   * A page of one of a cycle's listings, for the review team alone: the page (one Query) and the
   * cycle (a 404 for a year with none) from the container's cache, read side by side.
   */
  const reviewTeamPage = async <T>(
    actor: Actor,
    year: number,
    listing: string,
    read: () => Promise<Page<T>>,
  ): Promise<{ cycle: CycleRecord; page: Page<T> }> => {
    if (actor.role !== 'admin') throw new ForbiddenError(`Only the review team lists a cycle’s ${listing}.`);
    const [cycle, page] = await Promise.all([selfAssessments.cycle(year, 'cached'), read()]);
    if (!cycle) throw new NotFoundError(`No cycle for ${year}.`);
    return { cycle, page };
  };

  /**
   * The review team's view of a cycle's final results before a ranking run: one page of current
   * results (one Query), with the cycle (its framework names the predicates; a 404 for a year with
   * no cycle) from the container's cache beside it.
   */
  const listByCycle = async (
    actor: Actor,
    year: number,
    query: PageRequest & { readonly group?: AgencyGroup | undefined },
  ) => {
    const { cycle, page } = await reviewTeamPage(actor, year, 'results', () =>
      results.listByCycle(year, query),
    );
    const framework = getFramework(cycle.frameworkId);
    return {
      items: page.items.map((current) => ({
        agencyId: current.agencyId,
        agencyName: current.agencyName,
        group: current.group,
        version: current.version,
        index: toIndexValue(parseRational(current.summary.index)),
        predicate: predicateRef(framework, current.summary.predicateId),
        complete: current.summary.complete,
        ...(current.openAppealId ? { openAppealId: current.openAppealId } : {}),
        result: resultLink(year, current.agencyId),
      })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  };

  /**
   * The review team's queue: every agency's appeals of a cycle, one status or both. One Query; the
   * cycle (a 404 for a year with no cycle) from the container's cache beside it.
   */
  const cycleAppeals = async (
    actor: Actor,
    year: number,
    query: PageRequest & { readonly status?: AppealRecord['status'] | undefined },
  ) => {
    const { page } = await reviewTeamPage(actor, year, 'appeals', () => results.appealsByCycle(year, query));
    return page;
  };

  /** An agency's appeals in a cycle, for the agency itself or the review team (404 for others). */
  const appealsOf = async (actor: Actor, year: number, agencyId: string): Promise<AppealRecord[]> => {
    const { cycle } = await context(year, agencyId);
    if (actor.role !== 'admin' && !(actor.role === 'agency' && actor.agencyId === agencyId)) {
      throw notFound(cycle.year, agencyId);
    }
    return results.appeals(year, agencyId);
  };

  return {
    listByCycle,
    finalize,
    importResults,
    cycleAppeals,
    fileAppeal,
    decideAppeal,
    current: async (actor: Actor, year: number, agencyId: string): Promise<ResultView> => {
      const { current, latest } = await readResult(actor, year, agencyId);
      return resultView(current, latest);
    },
    versions: async (actor: Actor, year: number, agencyId: string) => {
      const { versions } = await readResult(actor, year, agencyId);
      return { items: versions, verification: verifyResultChain(versions, frameworkOf) };
    },
    bundle: async (actor: Actor, year: number, agencyId: string, serviceVersion: string) => {
      const { latest, versions } = await readResult(actor, year, agencyId);
      return {
        format: 'spbe-result-bundle/1' as const,
        result: latest,
        framework: getFramework(latest.inputs.frameworkId),
        engine: scoringEngine,
        serviceVersion,
        verification: verifyResultChain(versions, frameworkOf),
        recompute:
          'Score `result.inputs.levels` (indicator n at index n − 1; null = unanswered, worth 0) with `framework` under `result.inputs.predicateBasis` — Σ level × weight / 100, exact, displayed half-up to 2 decimals — and plan the fewest one-level raises to the next predicate: the result is `result.computed`. `result.sha256` is the SHA-256 of the canonical JSON (keys sorted, no spaces) of every field of `result` but `sha256`; `inputs.frameworkSha256` that of `framework`.',
      };
    },
    appeals: (actor: Actor, year: number, agencyId: string): Promise<AppealRecord[]> =>
      appealsOf(actor, year, agencyId),
    /** One appeal (what a filing's Location names): the agency's own, or any for the review team. */
    appeal: async (actor: Actor, year: number, agencyId: string, appealId: string): Promise<AppealRecord> => {
      const appeal = (await appealsOf(actor, year, agencyId)).find((filed) => filed.appealId === appealId);
      if (!appeal) throw new NotFoundError(`No appeal ${appealId} of ${agencyId} in the ${year} cycle.`);
      return appeal;
    },
  };
};

export type ResultService = ReturnType<typeof createResultService>;
