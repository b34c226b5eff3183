import type { Actor } from '#shared/domain/actor.ts';
import { isWindowOpen } from '#shared/domain/cycles.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { IdSource } from '#shared/domain/events.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import {
  type AssignmentServicePorts,
  createAssignmentService,
} from '#shared/services/assessment/assignments.ts';
import { type AwardServicePorts, createAwardService } from '#shared/services/awards/awards.ts';
import { type CycleServicePorts, createCycleService } from '#shared/services/cycles/cycles.ts';
import { createRankingRunner, type RankingRunnerPorts } from '#shared/services/rankings/run.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createResultService, type ResultServicePorts } from '#shared/services/results/results.ts';
import {
  createSelfAssessmentService,
  type SelfAssessmentServicePorts,
} from '#shared/services/self-assessment/self-assessment.ts';
import { openCycle, pastCycle } from './cycle-windows.ts';
import { historicalLevels } from './history.ts';
import { nationalRoster } from './roster.ts';

/**
 * Demo data for `npm start`: the national roster, an open cycle for the current year and a few
 * agencies part-way through their self-assessment. Written through the same services and
 * conditional writes as the API, with `seed` as the audited actor.
 */

export const demoUsers = {
  admin: { subject: 'demo-admin', role: 'admin', name: 'Tim Reviu Kemenpan RB' },
  assessor: { subject: 'demo-assessor', role: 'assessor', name: 'Asesor Eksternal (demo)' },
  agency: {
    subject: 'demo-operator-jatim',
    role: 'agency',
    agencyId: 'prov-jawa-timur',
    name: 'Operator SPBE Diskominfo Jawa Timur',
  },
} as const;

/** Agencies the demo shows mid-programme: how many indicators each has answered, and whether it submitted. */
const demoProgress: readonly { agencyId: string; answered: number; submit: boolean }[] = [
  { agencyId: 'kab-banyuwangi', answered: 47, submit: true },
  { agencyId: 'kota-surabaya', answered: 31, submit: false },
  { agencyId: 'prov-jawa-tengah', answered: 18, submit: false },
  { agencyId: 'kemenkeu', answered: 9, submit: false },
];

/** Deterministic levels (a small LCG), so every fresh demo looks the same. */
const demoLevels = (seed: number, count: number): Level[] => {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (2 + (state % 3)) as Level;
  });
};

/** The ports the seed writes through: the services' own, so demo data obeys every rule. */
export type SeedPorts = CycleServicePorts &
  Omit<SelfAssessmentServicePorts, 'ids'> &
  AssignmentServicePorts &
  Omit<ResultServicePorts, 'ids'> &
  Pick<RankingRunnerPorts, 'rankings'> &
  Pick<AwardServicePorts, 'awards'>;

export interface SeedOptions {
  readonly ports: SeedPorts;
  readonly ids: IdSource;
  readonly now?: Date;
  readonly progress?: (message: string) => void;
}

/** Past cycles with final results for the whole roster, so results, rankings and awards show something. */
const historyYears = (year: number) => [year - 2, year - 1];

/**
 * The past cycle whose awards the demo publishes: the older one, so `/awards/{year}` shows from the
 * first start, while the newer one stays ready for a visitor to review and publish (README).
 */
export const demoAwardsYear = (year: number) => year - 2;

/** The demo assessors (the first is the one `npm start` prints a token for) and their panels this year. */
const demoAssessors = [
  {
    subject: demoUsers.assessor.subject,
    name: demoUsers.assessor.name,
    affiliations: ['prov-jawa-barat'],
    agencies: ['kab-banyuwangi', 'kota-surabaya', 'prov-jawa-tengah', 'kemenkeu'],
  },
  {
    subject: 'demo-assessor-2',
    name: 'Asesor Eksternal Kedua (demo)',
    affiliations: ['kemenkeu'],
    agencies: ['kab-banyuwangi', 'prov-jawa-timur'],
  },
] as const;

/**
 * Seeds what is missing — the roster; two past cycles with final results; this year's cycle with
 * agencies part-way through their self-assessment; demo assessors with their panels — and returns
 * false when nothing was. Each step checks for itself, so data kept between runs gains what is
 * missing (a new year's cycle).
 */
export const seedDemoData = async (options: SeedOptions): Promise<boolean> => {
  const { ports, ids } = options;
  const now = options.now ?? new Date();
  const say = options.progress ?? (() => undefined);
  const agencyService = createAgencyService(ports);
  const cycleService = createCycleService(ports);
  const selfAssessmentService = createSelfAssessmentService({ ...ports, ids });
  const assignmentService = createAssignmentService(ports);
  const resultService = createResultService({ ...ports, ids });
  const framework = getFramework('spbe-2020');
  let operation = 0;
  const actor = (overrides: Partial<Actor> = {}): Actor => ({
    subject: 'seed',
    role: 'admin',
    // One request id per seeded operation, as the API would have: audit keys stay unique.
    requestId: `seed-${now.getTime()}-${++operation}`,
    route: 'seed',
    now,
    ...overrides,
  });

  let seeded = false;
  // The agencies of the roster not registered yet, not one of them as a sign of all: a first start
  // stopped while importing (Ctrl-C) keeps the transactions that committed, and the steps below
  // (results, demo drafts, panels) need every demo agency.
  const registered = new Set((await ports.agencies.listAll()).map((agency) => agency.id));
  const unregistered = nationalRoster.filter((agency) => !registered.has(agency.id));
  if (unregistered.length > 0) {
    say(`registry: importing ${unregistered.length} agencies`);
    const report = await agencyService.importAgencies(actor(), unregistered);
    say(`registry: ${report.created} agencies created`);
    seeded = true;
  }

  const year = now.getUTCFullYear();
  for (const pastYear of historyYears(year)) {
    if (!(await ports.cycles.get(pastYear))) {
      await cycleService.createCycle(actor(), pastCycle(pastYear, framework.id));
      seeded = true;
    }
    // Only the agencies without a result in the cycle: data kept between runs may hold an agency
    // whose group a visitor changed since, and its demo levels (drawn per group) with it; the
    // import would refuse that row rather than keep the stored result unsaid.
    const roster = await ports.agencies.listAll();
    const held = await ports.results.existing(
      pastYear,
      roster.map((agency) => agency.id),
    );
    const missing = roster.filter((agency) => !held.has(agency.id));
    const report =
      missing.length === 0
        ? { imported: 0 }
        : await resultService.importResults(
            actor(),
            pastYear,
            missing.map((agency) => ({
              agencyId: agency.id,
              levels: historicalLevels(framework, agency, pastYear),
              reference: `Demo: hasil evaluasi SPBE ${pastYear} (data contoh)`,
            })),
          );
    if (report.imported > 0) {
      say(`history: ${pastYear} cycle, ${report.imported} final results imported`);
      seeded = true;
    }
  }

  // Each past cycle's national ranking, published by the same run the schedule starts: the public
  // rankings, open data and rank stability show from the first start.
  const rankingRunner = createRankingRunner({ ...ports, ids });
  for (const pastYear of historyYears(year)) {
    if (await ports.rankings.published(pastYear)) continue;
    const run = await rankingRunner.start(actor(), pastYear, 'admin').catch((error: unknown) => {
      // The seed's own run, cut off by stopping an earlier start (Ctrl-C), holds the cycle's lease
      // for 20 minutes, and every start meanwhile would fail on it: resumed instead, as
      // `npm run rankings -- --run-id` would.
      const holder = error instanceof ConflictError ? error.extensions.runningRunId : undefined;
      if (typeof holder !== 'string') throw error;
      return rankingRunner.start(actor(), pastYear, 'admin', holder);
    });
    const outcome = await rankingRunner.execute(
      actor(),
      { year: pastYear, runId: run.runId },
      { remainingMs: () => Number.POSITIVE_INFINITY, now: () => new Date() },
    );
    say(`rankings: ${pastYear} ranking ${outcome.outcome} (run ${run.runId})`);
    seeded = true;
  }

  // The older past cycle's awards, published as an admin would (the same claim, recipients and
  // pointer switch as POST …/awards/publish).
  const awardYear = demoAwardsYear(year);
  const awardService = createAwardService({ ...ports, ids });
  if (!(await ports.awards.pointer(awardYear))) {
    const { publication } = await awardService.publish(actor(), awardYear);
    say(
      `awards: ${awardYear} published, ${publication.awardCount} awards to ${publication.recipientCount} agencies (page: /awards/${awardYear})`,
    );
    seeded = true;
  }
  // Then one revision, so the page, the award records and the agencies' histories show a withdrawn
  // award from the first start: the city winner of the first category excluded, the next city up.
  // Only over the seed's own data: a local database where someone else decided something is left
  // to them (their decisions may change nothing, or something else).
  if ((await ports.awards.pointer(awardYear))?.version === 1) {
    const [decisions, published] = await Promise.all([
      awardService.decisions(awardYear),
      ports.awards.awards(awardYear, 1),
    ]);
    const withdrawn = published.find((award) => award.poolGroups.includes('kota') && award.rank === 1);
    const seedsOwn = decisions.every((decision) => decision.decidedBy === actor().subject);
    if (withdrawn && decisions.length === 0) {
      await awardService.decide(actor(), awardYear, {
        category: withdrawn.categoryId,
        agencyId: withdrawn.agencyId,
        action: 'exclude',
        reason: 'Data dukung indikator layanan terbukti tidak sah setelah penerbitan (contoh data demo).',
      });
    }
    // (A decision of the seed's already there is this step's own, cut off before its revision.)
    if (seedsOwn && (withdrawn || decisions.length > 0)) {
      const revised = await awardService.revise(actor(), awardYear, {
        reason: 'revocation',
        note: 'Satu penghargaan dicabut setelah pemeriksaan Inspektorat (contoh data demo).',
      });
      say(
        `awards: ${awardYear} revised to version ${revised.publication.version}${withdrawn ? ` (${withdrawn.awardId} withdrawn: /awards/${awardYear}#${withdrawn.awardId})` : ''}`,
      );
      seeded = true;
    }
  }

  if (!(await ports.cycles.get(year))) {
    const created = await cycleService.createCycle(actor(), openCycle(year, framework.id, now));
    say(
      `cycle ${year}: open for self-assessment until ${created.windows.selfAssessment.closesAt.slice(0, 10)}`,
    );
    seeded = true;
  }

  const cycle = await ports.cycles.get(year);
  if (cycle && isWindowOpen(cycle.windows.selfAssessment, now)) {
    for (const [position, progress] of demoProgress.entries()) {
      if ((await ports.selfAssessments.load(year, progress.agencyId)).header) continue;
      seeded = true;
      const operator = actor({
        subject: `demo-operator-${progress.agencyId}`,
        role: 'agency',
        agencyId: progress.agencyId,
      });
      const levels = demoLevels(position + 7, progress.answered);
      const writes = framework.indicators.slice(0, progress.answered).map((indicator, index) => ({
        indicatorNo: indicator.no,
        level: levels[index] ?? 1,
        explanation: `Penjelasan demo untuk indikator ${indicator.no}: ${indicator.name}.`,
        evidence: [
          {
            title: `Data dukung indikator ${indicator.no}`,
            url: `https://spbe.example.go.id/${progress.agencyId}/indikator-${indicator.no}.pdf`,
            mediaType: 'application/pdf',
          },
        ],
        pointer: `/seed/${indicator.no}`,
      }));
      const saved = await selfAssessmentService.saveAnswers(operator, year, progress.agencyId, 0, writes);
      if (progress.submit) {
        await selfAssessmentService.submit(
          { ...operator, requestId: `${operator.requestId}-submit` },
          year,
          progress.agencyId,
          saved.version,
        );
      }
      say(
        `self-assessment: ${progress.agencyId} ${progress.answered}/47${progress.submit ? ', submitted' : ''}`,
      );
    }
  } else {
    say(`self-assessment: the ${year} window is not open; no demo drafts (npm start -- --fresh starts over)`);
  }

  for (const assessor of demoAssessors) {
    if (!(await ports.assessors.get(assessor.subject))) {
      await assignmentService.putAssessor(
        actor(),
        assessor.subject,
        { name: assessor.name, affiliations: [...assessor.affiliations] },
        undefined,
      );
      seeded = true;
    }
  }
  if (cycle) {
    // Rows the cycle already holds in any state are left out: a demo assessor who has recused since
    // the last start stays recused (assigning a recused row again is refused, and would stop the start).
    const held = new Set<string>();
    for (const agencyId of new Set(demoAssessors.flatMap((assessor) => assessor.agencies))) {
      const { assignments } = await ports.assessments.load(year, agencyId);
      for (const assignment of assignments) held.add(`${agencyId}#${assignment.assessor}`);
    }
    const rows = demoAssessors
      .flatMap((assessor) => assessor.agencies.map((agencyId) => ({ agencyId, assessor: assessor.subject })))
      .filter((row) => !held.has(`${row.agencyId}#${row.assessor}`));
    const report =
      rows.length > 0
        ? await assignmentService.assign(actor(), year, rows)
        : { received: 0, assigned: 0, unchanged: 0 };
    if (report.assigned > 0) {
      say(
        `assessment: ${report.assigned} demo assignments (${demoUsers.assessor.subject} on ${demoAssessors[0].agencies.length} agencies)`,
      );
      seeded = true;
    }
  }
  return seeded;
};
