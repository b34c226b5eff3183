import { type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, as the page checks (`npm run check:docs-page`, `check:awards-page`)
 * open a page: no sandbox (containers) and nothing that calls home (QUIC, background networking,
 * component updates, sync, first run), with every request and every console error recorded so a
 * check can assert the page reached only the API and ran clean.
 */
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the page requested, in order. */
  readonly requests: string[];
  /** Console errors and uncaught exceptions. */
  readonly consoleErrors: string[];
}

export const openHeadlessPage = async (userDataDirectory: string, browser: string): Promise<HeadlessPage> => {
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: browser,
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  return { context, page, requests, consoleErrors };
};
