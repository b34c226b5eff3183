import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

/**
 * axe-core (Deque's rules engine, the package's own file, so it runs offline) over a page open in
 * the page checks' Chromium: WCAG 2.0–2.2 A and AA and axe's best practices, on what the browser
 * renders — contrast, target size, focusable scrolling regions, landmarks, names. The unit tests
 * check what the HTML string alone can show (`test/helpers/html-accessibility.ts`); this is the rest.
 */

export interface AxeViolation {
  readonly id: string;
  readonly impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[]; readonly failureSummary?: string }[];
}

const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let axeSource: Promise<string> | undefined;

/** The violations axe finds on the page as it is now. */
export const auditAccessibility = async (page: Page): Promise<AxeViolation[]> => {
  axeSource ??= readFile(new URL(import.meta.resolve('axe-core/axe.min.js')), 'utf8');
  // page.evaluate goes through the DevTools protocol: the page's Content-Security-Policy, which
  // refuses inline script (and so an injected <script>), does not apply to it, and stays checked.
  await page.evaluate(`${await axeSource};0`);
  // A string: this project compiles without the DOM library.
  return (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} }, resultTypes: ['violations'] })
      .then((result) => result.violations.map(({ id, impact, help, nodes }) => ({
        id, impact, help, nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
      })))`,
  )) as AxeViolation[];
};

/** What fails a check: serious and critical violations (axe's own grading). */
export const isBlocking = (violation: AxeViolation): boolean =>
  violation.impact === 'serious' || violation.impact === 'critical';

/** One line per violation, naming its first elements. */
export const describeViolation = (violation: AxeViolation): string =>
  `${violation.id} (${violation.impact}): ${violation.help}; ${violation.nodes.length} element(s), first ${violation.nodes
    .slice(0, 3)
    .map((node) => node.target.join(' '))
    .join(', ')}`;

/** Whether the page is wider than its viewport: text a reader would scroll sideways to read. */
export const scrollsSideways = async (page: Page): Promise<{ scrollWidth: number; clientWidth: number }> =>
  (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  )) as { scrollWidth: number; clientWidth: number };
