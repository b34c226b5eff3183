import { describe, expect, it } from 'vitest';
import { docsPageHtml, docsPageTitle } from '#functions/public/docs-page.ts';
import { publicRoutes } from '#shared/api/public/routes.ts';

/**
 * The docs page's own markup, before Swagger UI renders into it: what a screen reader, and a phone
 * still loading 1.7 MB of script (or one without script), gets from the page itself.
 */
describe('the docs page', () => {
  it('is in English, titled, and leaves the main landmark to Swagger UI, which draws its own', () => {
    expect(docsPageHtml).toContain('<html lang="en">');
    expect(docsPageHtml).toContain(`<title>${docsPageTitle}</title>`);
    expect(docsPageHtml).not.toContain('<main');
  });

  it('says what is loading, and links the document itself, until the script replaces it', () => {
    const placeholder = /<div id="swagger-ui">([\s\S]*)<\/div>/.exec(docsPageHtml)?.[1] ?? '';
    expect(placeholder).toContain(`<a href="${publicRoutes.getOpenApi.path}">`);
    expect(placeholder).not.toMatch(/<script|<style|style="/);
  });
});
