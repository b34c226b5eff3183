import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { awardsIndexTitle, awardsPageTitle } from '#functions/awards/page.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createDynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { auditAccessibility, describeViolation, isBlocking, scrollsSideways } from './accessibility-audit.ts';
import { openHeadlessPage } from './headless-page.ts';
import { localDataDirectory } from './paths.ts';
import { type LocalRuntime, startLocalRuntime } from './runtime.ts';
import { demoAwardsYear, seedDemoData } from './seed/seed.ts';

/**
 * `npm run check:awards-page`: opens the public awards page in Debian's headless Chromium, as a
 * journalist would, and checks what it must show — the title, at least one winner's citation, the
 * national ranking chart with its winners marked and its text alternative — with every request going
 * to the API's own origin and nothing in the console (a Content-Security-Policy violation is one).
 * Saves a screenshot of the whole page. Then audits the page and the index of years with axe-core
 * (WCAG 2.2 A/AA and best practices), on a desktop and on a phone 360 px wide: a serious or critical
 * violation fails the check, as does a page a phone scrolls sideways or a link whose keyboard focus
 * is not drawn. Not part of `npm test`: it needs a browser (`apt-get install -y chromium`).
 *
 *   SPBE_API_URL=http://127.0.0.1:3000 npm run check:awards-page   # a running `npm start` (its demo data)
 *   npm run check:awards-page                                      # its own runtime, seeded, on a free port
 *   npm run check:awards-page -- --year 2024 --lang en --screenshot /tmp/awards.png --browser /usr/bin/chromium
 */

const thisYear = new Date().getUTCFullYear();
const { values } = parseArgs({
  options: {
    year: { type: 'string', default: String(demoAwardsYear(thisYear)) },
    lang: { type: 'string', default: 'id' },
    screenshot: { type: 'string', default: join(localDataDirectory, 'awards-page.png') },
    browser: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});
const screenshotPath = resolve(values.screenshot);
const year = Number(values.year);
const lang = values.lang === 'en' ? 'en' : 'id';

const log = (message: string) => console.log(`[awards-page] ${message}`);

let runtime: LocalRuntime | undefined;
const userDataDirectory = mkdtempSync(join(tmpdir(), 'spbe-awards-chromium-'));
const failures: string[] = [];

try {
  let baseUrl = process.env.SPBE_API_URL?.replace(/\/+$/, '');
  if (baseUrl === undefined) {
    log('starting the local runtime (DynamoDB Local in memory) with the demo data on a free port…');
    runtime = await startLocalRuntime({
      port: 0,
      beforeServe: async (dynamodb) => {
        await seedDemoData({
          ports: createDynamoDbPorts(createDocumentClient(dynamodb.client), dynamodb.tables),
          ids: systemIds,
          progress: (message) => log(`seed: ${message}`),
        });
      },
    });
    baseUrl = runtime.api.url;
  }
  const origin = new URL(baseUrl).origin;
  const pageUrl = `${baseUrl}/awards/${year}${lang === 'en' ? '?lang=en' : ''}`;
  log(`opening ${pageUrl} in ${values.browser}`);

  const { context, page, requests, consoleErrors } = await openHeadlessPage(
    userDataDirectory,
    values.browser,
  );
  try {
    const response = await page.goto(pageUrl, { waitUntil: 'networkidle' });
    if (response?.status() !== 200) failures.push(`GET ${pageUrl} answered ${response?.status()}`);

    const title = await page.title();
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor({ state: 'visible', timeout: 30_000 });
    // A winner's citation: the first cell of a citation column, shown to the reader.
    const citation = page.locator('table.winners td.citation').first();
    await citation.waitFor({ state: 'visible', timeout: 10_000 });
    const citationText = ((await citation.textContent()) ?? '').trim();
    // The chart, found as assistive technology finds it: an image named by its title.
    const chart = page.getByRole('img', { name: /Indeks SPBE|SPBE index/ });
    await chart.waitFor({ state: 'visible', timeout: 10_000 });
    const box = await chart.boundingBox();
    const winnerDots = await page.locator('#national-chart circle.winner').count();
    // The demo seed revises its awards once: the withdrawn award keeps its row (and anchor).
    const withdrawnRows = await page.locator('table.withdrawn tbody tr').count();
    const allDots = await page
      .locator('#national-chart circle.agency, #national-chart circle.winner')
      .count();
    // The stylesheet loaded under the page's policy: the header's red rule is drawn. (A string:
    // this project compiles without the DOM library.)
    const stylesApplied =
      (await page.evaluate("getComputedStyle(document.querySelector('header')).borderBottomStyle")) ===
      'solid';
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });

    /** axe on the page as shown now: serious and critical violations fail the check, others are listed. */
    const audit = async (what: string) => {
      const violations = await auditAccessibility(page);
      for (const violation of violations.filter(isBlocking))
        failures.push(`accessibility, ${what}: ${describeViolation(violation)}`);
      const minor = violations.filter((violation) => !isBlocking(violation));
      log(
        `axe on ${what}: ${violations.filter(isBlocking).length} serious or critical violations${
          minor.length > 0 ? `; also ${minor.map(describeViolation).join('; ')}` : ''
        }`,
      );
    };
    await audit(`the ${year} page`);
    // The keyboard: the first Tab lands on a link, and its focus is drawn.
    await page.keyboard.press('Tab');
    const focusOutline = (await page.evaluate(
      "(() => { const style = getComputedStyle(document.activeElement); return document.activeElement.tagName + ' ' + style.outlineStyle + ' ' + style.outlineWidth; })()",
    )) as string;
    if (!/^A (solid|auto) [1-9]/.test(focusOutline))
      failures.push(`the first Tab's focus is not drawn (${focusOutline})`);

    // The way to every other year: the footer's link, followed as a reader would.
    await page.getByRole('link', { name: lang === 'id' ? 'Semua tahun' : 'All years' }).click();
    await page.waitForURL(/\/awards(\?lang=en)?$/, { timeout: 10_000 });
    const indexTitle = await page.title();
    const yearLinks = await page.locator(`ul.years a[href^="/awards/${year}"]`).count();
    if (indexTitle !== awardsIndexTitle(lang))
      failures.push(`the index of years is titled "${indexTitle}", expected "${awardsIndexTitle(lang)}"`);
    if (yearLinks !== 1)
      failures.push(`the index of years links ${year}'s page ${yearLinks} times, not once`);
    log(`"${indexTitle}" (${page.url()}) links the ${year} page`);
    await audit('the index of years');

    // A phone 360 px wide: the pages reflow (a wide table scrolls in its own region, not the page).
    await page.setViewportSize({ width: 360, height: 780 });
    for (const [what, url] of [
      [`the ${year} page`, pageUrl],
      ['the index of years', page.url()],
    ] as const) {
      await page.goto(url, { waitUntil: 'networkidle' });
      const { scrollWidth, clientWidth } = await scrollsSideways(page);
      if (scrollWidth > clientWidth)
        failures.push(`at 360 px, ${what} scrolls sideways (${scrollWidth} px wide in ${clientWidth})`);
      await audit(`${what} at 360 px`);
    }

    const expectedTitle = awardsPageTitle(year, lang);
    if (title !== expectedTitle) failures.push(`page title is "${title}", expected "${expectedTitle}"`);
    const pattern =
      lang === 'id'
        ? /^.+ — .+, kelompok .+, \d{4}: .+ \d+,\d{2}, peringkat \d+$/
        : /^.+ — .+ group, \d{4}: .+ \d+\.\d{2}, rank \d+$/;
    if (!pattern.test(citationText))
      failures.push(`no winner's citation is shown (first cell: "${citationText}")`);
    if (!box || box.width < 300 || box.height < 150)
      failures.push(`the chart is not visible at a readable size (${JSON.stringify(box)})`);
    if (winnerDots === 0) failures.push('the chart marks no winner');
    if (runtime && year === demoAwardsYear(thisYear) && withdrawnRows === 0)
      failures.push('the demo revision’s withdrawn award has no row on the page');
    if (!stylesApplied) failures.push('the stylesheet did not apply');
    const elsewhere = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    if (elsewhere.length > 0) failures.push(`requests left the API's origin: ${elsewhere.join(', ')}`);
    if (consoleErrors.length > 0) failures.push(`console errors:\n  ${consoleErrors.join('\n  ')}`);

    log(`title "${title}"`);
    log(`first citation: "${citationText}"`);
    log(
      `chart ${Math.round(box?.width ?? 0)}×${Math.round(box?.height ?? 0)} px: ${allDots} agencies, ${winnerDots} winners marked`,
    );
    log(
      `${requests.length} requests, all to ${origin}: ${[...new Set(requests.map((url) => new URL(url).pathname))].join(', ')}`,
    );
    log(`withdrawn awards: ${withdrawnRows} row(s), each anchored by its award id`);
    log(`screenshot: ${screenshotPath}`);
  } finally {
    await context.close();
  }
} catch (error) {
  failures.push(`the check could not run: ${(error as Error).message}`);
} finally {
  await runtime?.stop();
  rmSync(userDataDirectory, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`[awards-page] FAILED\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
log(
  'OK: the awards page shows its title, the winners’ citations and the chart, from the API alone, and links the index of years',
);
