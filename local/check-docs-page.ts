import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { docsPageTitle } from '#functions/public/docs-page.ts';
import { routes } from '#shared/api/routes.ts';
import {
  type AxeViolation,
  auditAccessibility,
  describeViolation,
  isBlocking,
} from './accessibility-audit.ts';
import { createLocalIdentityProvider } from './auth.ts';
import { openHeadlessPage } from './headless-page.ts';
import { localDataDirectory, signingKeyFile } from './paths.ts';
import { type LocalRuntime, startLocalRuntime } from './runtime.ts';

/**
 * `npm run check:docs-page`: opens /docs in Debian's headless Chromium and checks that the page
 * renders — its title, the document's title, its operations — with every request going to
 * the API's own origin and no error in the console (a Content-Security-Policy violation is one).
 * Then opens `GET /v1/health`, tries it out and reads the live answer; pastes a local token into
 * Authorize (bearer), as an integrator with the token `npm start` printed would, and tries `GET /v1/me`
 * with it. Saves two screenshots (the health operation, and the whole page beside it). Then audits
 * /docs and the problem type pages with axe-core: a serious or critical violation fails the check
 * unless it is one listed below as known (Swagger UI's own markup, which we serve as the package
 * ships it). Not part of `npm test`: it needs a browser (`apt-get install -y chromium`).
 *
 *   npm run check:docs-page                                  # starts the local runtime on a free port
 *   SPBE_API_URL=http://127.0.0.1:3000 npm run check:docs-page   # uses a running `npm start`
 *   npm run check:docs-page -- --screenshot /tmp/docs.png --browser /usr/bin/chromium
 */

const { values } = parseArgs({
  options: {
    screenshot: { type: 'string', default: join(localDataDirectory, 'docs-page.png') },
    browser: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});
const screenshotPath = resolve(values.screenshot);

/** The whole page, beside the main screenshot (which shows the operation tried out). */
const fullPagePath = (path: string) => path.replace(/(\.png)?$/, '-full.png');

const log = (message: string) => console.log(`[docs-page] ${message}`);

/**
 * Serious and critical violations known and not fixed, by page: listed on every run, failing none.
 * /docs: Swagger UI 5.35's own markup — the servers `select` has no label, its method badges,
 * version stamps and URLs fall below 4.5:1, each operation's summary button holds other controls,
 * its small links are under 24 px, the curl box of an operation tried out scrolls but takes no
 * focus. /problems: the index's links, one per table row, are under
 * 24 px apart (WCAG 2.5.8); its pages carry no stylesheet, their policy refusing every style.
 */
const knownViolations: Readonly<Record<string, readonly string[]>> = {
  docs: ['select-name', 'color-contrast', 'nested-interactive', 'target-size', 'scrollable-region-focusable'],
  problems: ['target-size'],
};

let runtime: LocalRuntime | undefined;
const userDataDirectory = mkdtempSync(join(tmpdir(), 'spbe-docs-chromium-'));
const failures: string[] = [];

try {
  let baseUrl = process.env.SPBE_API_URL?.replace(/\/+$/, '');
  if (baseUrl === undefined) {
    log('starting the local runtime (DynamoDB Local in memory) on a free port…');
    runtime = await startLocalRuntime({ port: 0 });
    baseUrl = runtime.api.url;
  }
  const origin = new URL(baseUrl).origin;
  // A token the API verifies: the runtime's own key, or the one a running `npm start` signs with.
  const identityProvider =
    runtime?.identityProvider ?? (await createLocalIdentityProvider({ keyFile: signingKeyFile }));
  const token = await identityProvider.mint({
    subject: 'docs-page-check',
    role: 'admin',
    scopes: ['spbe/admin'],
  });
  const pageUrl = `${baseUrl}${routes.getDocs.path}`;
  log(`opening ${pageUrl} in ${values.browser}`);

  const { context, page, requests, consoleErrors } = await openHeadlessPage(
    userDataDirectory,
    values.browser,
  );
  try {
    const response = await page.goto(pageUrl, { waitUntil: 'networkidle' });
    if (response?.status() !== 200) failures.push(`GET ${pageUrl} answered ${response?.status()}`);
    await page.locator('.swagger-ui .info .title').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 30_000 });

    const title = await page.title();
    const documentTitle = ((await page.locator('.swagger-ui .info .title').textContent()) ?? '').trim();
    const operations = await page.locator('.opblock').count();
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: fullPagePath(screenshotPath), fullPage: true });

    // Use it as a reader would: open GET /v1/health, "Try it out", "Execute" (a request to the API
    // itself, which the page's policy allows), and read the live answer.
    /** Opens an operation, "Try it out", "Execute": the live status it shows, and its block. */
    const tryOut = async (route: { readonly tags: readonly string[]; readonly operationId: string }) => {
      const block = page.locator(`#operations-${route.tags[0]}-${route.operationId}`);
      await block.locator('.opblock-summary').first().click();
      await block.locator('.try-out__btn').click();
      await block.locator('.execute').click();
      const status = block.locator('.live-responses-table .response .response-col_status').first();
      await status.waitFor({ state: 'visible', timeout: 30_000 });
      return { block, status: (await status.textContent())?.trim() ?? '' };
    };
    const { block: health, status: tried } = await tryOut(routes.getHealth);
    // More of the page under its policy: a schema opened; then Authorize with a token pasted as a
    // bearer (what `npm start` prints), and GET /v1/me tried out with it.
    await page.locator('.models .json-schema-2020-12-expand-deep-button').first().click();
    await page.locator('.auth-wrapper .btn.authorize').click();
    await page.locator('.dialog-ux .modal-ux').waitFor({ state: 'visible', timeout: 10_000 });
    const bearer = page.locator('.dialog-ux .auth-container').filter({ hasText: 'bearer' });
    await bearer.locator('input').first().fill(token);
    await bearer.locator('.btn.authorize').click();
    await page.locator('.dialog-ux .close-modal').click();
    const { status: triedMe } = await tryOut(routes.getMe);
    await health.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath });

    /** axe on the page as shown now: a blocking violation not known for it fails the check. */
    const audit = async (what: string, known: readonly string[]) => {
      const violations: AxeViolation[] = await auditAccessibility(page);
      const blocking = violations.filter(isBlocking);
      for (const violation of blocking.filter((v) => !known.includes(v.id)))
        failures.push(`accessibility, ${what}: ${describeViolation(violation)}`);
      const listed = violations.filter((v) => !isBlocking(v) || known.includes(v.id));
      log(
        `axe on ${what}: ${blocking.filter((v) => !known.includes(v.id)).length} new serious or critical violations${
          listed.length > 0 ? `; known or minor: ${listed.map(describeViolation).join('; ')}` : ''
        }`,
      );
    };
    await audit(routes.getDocs.path, knownViolations.docs ?? []);
    for (const path of [routes.listProblemTypes.path, '/problems/precondition-failed']) {
      await page.goto(`${baseUrl}${path}`, { waitUntil: 'networkidle' });
      await audit(path, knownViolations.problems ?? []);
    }

    if (title !== docsPageTitle) failures.push(`page title is "${title}", expected "${docsPageTitle}"`);
    if (!documentTitle.startsWith('SPBE Award API')) failures.push(`document title shows "${documentTitle}"`);
    if (operations === 0) failures.push('no operation is shown');
    if (!/^\d{3}/.test(tried))
      failures.push(`"Try it out" on GET ${routes.getHealth.path} showed "${tried}"`);
    if (!triedMe.startsWith('200'))
      failures.push(`"Try it out" on GET ${routes.getMe.path} with a bearer token showed "${triedMe}"`);
    const elsewhere = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    if (elsewhere.length > 0) failures.push(`requests left the API's origin: ${elsewhere.join(', ')}`);
    if (consoleErrors.length > 0) failures.push(`console errors:\n  ${consoleErrors.join('\n  ')}`);

    log(`title "${title}"; document "${documentTitle}"; ${operations} operations shown`);
    log(
      `${requests.length} requests, all to ${origin}: ${[...new Set(requests.map((url) => new URL(url).pathname))].join(', ')}`,
    );
    log(`"Try it out" on GET ${routes.getHealth.path} answered ${tried}`);
    log(`Authorize (bearer), then "Try it out" on GET ${routes.getMe.path} answered ${triedMe}`);
    log(
      `screenshots: ${screenshotPath} (GET ${routes.getHealth.path} tried out), ${fullPagePath(screenshotPath)}`,
    );
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
  console.error(`[docs-page] FAILED\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
log('OK: the docs page renders offline from the API alone');
