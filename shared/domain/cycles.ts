/**
 * Evaluation cycles: the windows of a year's programme, their order, and which phase the server's
 * clock is in. Pure: the clock is an argument.
 */

export interface TimeWindow {
  readonly opensAt: string;
  readonly closesAt: string;
}

export interface CycleWindows {
  readonly selfAssessment: TimeWindow;
  readonly documentAssessment: TimeWindow;
  readonly interviewAssessment?: TimeWindow | undefined;
  readonly visitAssessment?: TimeWindow | undefined;
  readonly appeals: TimeWindow;
  readonly publication: { readonly at: string };
}

export type CycleType = 'pemantauan' | 'evaluasi';

export const windowOrder = [
  'selfAssessment',
  'documentAssessment',
  'interviewAssessment',
  'visitAssessment',
  'appeals',
] as const satisfies readonly (keyof CycleWindows)[];

export type WindowName = (typeof windowOrder)[number];
export type Phase = 'not-started' | WindowName | 'publication';

export interface WindowProblem {
  /** Path inside `windows`, e.g. ['documentAssessment', 'opensAt']. */
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * Stage windows a reschedule may not take away: one that has opened may hold assessors' scores,
 * and the final index is computed from the cycle's last stage, so removing it would make those
 * scores stop counting without a word. (The visit stage is the only optional one of a cycle.) An
 * opened visit window cannot be moved to open later either: that would make it removable.
 */
export const removedOpenedStages = (current: CycleWindows, next: CycleWindows, now: Date): WindowProblem[] =>
  windowOrder.flatMap((name): WindowProblem[] => {
    const window = current[name];
    if (!window || Date.parse(window.opensAt) > now.getTime()) return [];
    const kept = next[name];
    if (!kept) {
      return [
        {
          path: [name],
          message: `The ${name} window opened at ${window.opensAt}: scores given in it count toward the final index, and without the window they would stop counting. It can close early (closesAt) but not be removed.`,
        },
      ];
    }
    // Moved to open later, the window would count as never opened, and a second reschedule could
    // remove it: the removal in two steps. Only the visit window may be removed, so only it is held.
    if (name === 'visitAssessment' && Date.parse(kept.opensAt) > now.getTime()) {
      return [
        {
          path: [name, 'opensAt'],
          message: `The ${name} window opened at ${window.opensAt}: it cannot be moved to open later (${kept.opensAt}), since it could then be removed and the scores given in it would stop counting toward the final index. It can close early (closesAt).`,
        },
      ];
    }
    return [];
  });

/**
 * Checks the windows fit the cycle type and follow one another without overlapping:
 * mandiri → dokumen → interviu → visitasi → appeals → publication.
 */
export const checkCycleWindows = (type: CycleType, windows: CycleWindows): WindowProblem[] => {
  const problems: WindowProblem[] = [];
  if (type === 'pemantauan' && windows.interviewAssessment) {
    problems.push({
      path: ['interviewAssessment'],
      message: 'A Pemantauan cycle has no interview stage (Evaluasi only).',
    });
  }
  if (type === 'pemantauan' && windows.visitAssessment) {
    problems.push({
      path: ['visitAssessment'],
      message: 'A Pemantauan cycle has no visit stage (Evaluasi only).',
    });
  }
  if (type === 'evaluasi' && !windows.interviewAssessment) {
    problems.push({ path: ['interviewAssessment'], message: 'An Evaluasi cycle needs an interview window.' });
  }
  // Deadlines are quoted as the admin wrote them (in WIB, say), not converted to UTC.
  let previous: { name: WindowName; closesAt: number; written: string } | undefined;
  for (const name of windowOrder) {
    const window = windows[name];
    if (!window) continue;
    const opensAt = Date.parse(window.opensAt);
    if (previous && opensAt < previous.closesAt) {
      problems.push({
        path: [name, 'opensAt'],
        message: `The ${name} window must open no earlier than the ${previous.name} window closes (${previous.written}).`,
      });
    }
    previous = { name, closesAt: Date.parse(window.closesAt), written: window.closesAt };
  }
  if (previous && Date.parse(windows.publication.at) < previous.closesAt) {
    problems.push({
      path: ['publication', 'at'],
      message: `Publication must come no earlier than the ${previous.name} window closes (${previous.written}).`,
    });
  }
  return problems;
};

export const isWindowOpen = (window: TimeWindow, now: Date): boolean => {
  const time = now.getTime();
  return Date.parse(window.opensAt) <= time && time < Date.parse(window.closesAt);
};

/** The latest phase whose window has opened by `now`, and whether that window is open right now. */
export const currentPhase = (windows: CycleWindows, now: Date): { current: Phase; windowOpen: boolean } => {
  const time = now.getTime();
  if (Date.parse(windows.publication.at) <= time) return { current: 'publication', windowOpen: true };
  let phase: { current: Phase; windowOpen: boolean } = { current: 'not-started', windowOpen: false };
  for (const name of windowOrder) {
    const window = windows[name];
    if (window && Date.parse(window.opensAt) <= time)
      phase = { current: name, windowOpen: isWindowOpen(window, now) };
  }
  return phase;
};

/**
 * The programme's clock: Kemenpan RB counts its years in Jakarta time (WIB, UTC+7, no daylight
 * saving), as the yearly ranking schedule and the awards page do.
 */
const jakartaOffsetMs = 7 * 3_600_000;
/** Midnight of 1 January of `year` in Jakarta, as an instant, and as the admin would write it. */
const jakartaNewYear = (year: number) => ({
  time: Date.UTC(year, 0, 1) - jakartaOffsetMs,
  text: `${year}-01-01T00:00:00+07:00`,
});

/**
 * A cycle's timetable belongs to its year: every window opens and closes between 1 January of the
 * year before (the ministry may open a cycle early) and 31 December of the second year after (the
 * award for a year's cycle is given the next year, and appeals may follow it), in Jakarta time: a
 * window opening at midnight WIB on 1 January is in that year, though UTC still counts the day
 * before. Catches a 2094 cycle given 2026 windows.
 */
export const windowYearProblems = (year: number, windows: CycleWindows): WindowProblem[] => {
  const earliest = jakartaNewYear(year - 1);
  const latest = jakartaNewYear(year + 3);
  const outside = (instant: string) => {
    const time = Date.parse(instant);
    return time < earliest.time || time >= latest.time;
  };
  const range = `from ${earliest.text} (WIB) to before ${latest.text}`;
  const message = (instant: string) => `${instant} is outside the ${year} cycle’s years: ${range}.`;
  const problems: WindowProblem[] = [];
  for (const name of windowOrder) {
    const window = windows[name];
    if (!window) continue;
    for (const edge of ['opensAt', 'closesAt'] as const) {
      if (outside(window[edge])) problems.push({ path: [name, edge], message: message(window[edge]) });
    }
  }
  if (outside(windows.publication.at)) {
    problems.push({ path: ['publication', 'at'], message: message(windows.publication.at) });
  }
  return problems;
};
