import { type ProblemGuide, problemGuides, problemTypeUri } from '#shared/api/common/problem-types.ts';
import { publicRoutes as routes } from '#shared/api/public/routes.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { isProblemSlug, type ProblemSlug, problemSlugs, problemTypes } from '#shared/domain/problem-types.ts';
import { escapeHtml, htmlDocument } from '#shared/http/html.ts';

/**
 * The pages a problem document's `type` leads to (RFC 9457 §3.1.1): `/problems` lists every type,
 * `/problems/<slug>` explains one — when the API answers with it, what to do, whether a retry can
 * help. Plain HTML without script or style, so the API's refuse-everything Content-Security-Policy
 * holds for them too.
 */

const retryText: Readonly<Record<ProblemGuide['retry'], string>> = {
  never: 'No: the same request gets the same answer.',
  later: 'Yes, later: the cause can pass (see what to do).',
  'after-fix': 'Only once the request is corrected.',
};

/** `code` spans for the back-quoted names in the guides' text, everything else escaped. */
const prose = (text: string): string =>
  text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');

const page = (title: string, body: string): string => htmlDocument({ lang: 'en', title, body });

const typePage = (slug: ProblemSlug): string => {
  const { status, title } = problemTypes[slug];
  const guide = problemGuides[slug];
  return page(
    `${title} (${status}) — SPBE Award API problem types`,
    `<main>
  <p><a href="${routes.listProblemTypes.path}">Problem types</a> · <a href="${routes.getDocs.path}">API reference</a></p>
  <h1>${escapeHtml(title)}</h1>
  <dl>
    <dt>type</dt><dd><code>${escapeHtml(problemTypeUri(slug))}</code></dd>
    <dt>status</dt><dd>${status}</dd>
    <dt>title</dt><dd>${escapeHtml(title)}</dd>
  </dl>
  <h2>When the API answers with it</h2>
  <p>${prose(guide.meaning)}</p>
  <h2>What to do</h2>
  <p>${prose(guide.whatToDo)}</p>
  <h2>Can the same request succeed if sent again?</h2>
  <p>${escapeHtml(retryText[guide.retry])}</p>
  <p>Every problem document also carries <code>instance</code> (the request path) and <code>requestId</code>: quote it when you ask for help.</p>
</main>`,
  );
};

export const problemTypesPageHtml = (): string =>
  page(
    'Problem types — SPBE Award API',
    `<main>
  <p><a href="${routes.getDocs.path}">API reference</a></p>
  <h1>Problem types</h1>
  <p>Every error is answered as <code>application/problem+json</code> (RFC 9457). Its <code>type</code> is one of these; each page says what it means and what to do.</p>
  <table>
    <caption>Problem types by HTTP status</caption>
    <thead><tr><th scope="col">Status</th><th scope="col">Type</th><th scope="col">Title</th></tr></thead>
    <tbody>
${problemSlugs
  .map(
    (slug) =>
      `      <tr><td>${problemTypes[slug].status}</td><td><a href="${escapeHtml(problemTypeUri(slug))}"><code>${escapeHtml(slug)}</code></a></td><td>${escapeHtml(problemTypes[slug].title)}</td></tr>`,
  )
  .join('\n')}
    </tbody>
  </table>
</main>`,
  );

export const problemTypePageHtml = (slug: string): string => {
  if (!isProblemSlug(slug)) {
    throw new NotFoundError(`No problem type "${slug}"; ${routes.listProblemTypes.path} lists them all.`);
  }
  return typePage(slug);
};
