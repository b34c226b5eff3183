/**
 * Escapes text for HTML element content and quoted attribute values: the one rule the API's
 * server-rendered pages (docs, problem types, awards) rest on.
 */
export const escapeHtml = (text: string | number): string =>
  String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

export interface HtmlDocument {
  readonly lang: string;
  readonly title: string;
  /** The page's own stylesheet, if it has one: styles never come inline. */
  readonly stylesheet?: string;
  /** The body's markup, already escaped where it holds text. */
  readonly body: string;
}

/**
 * A page's frame: UTF-8, a mobile viewport, an empty icon (so browsers do not ask for
 * /favicon.ico) and at most its own stylesheet. Nothing inline, so that every page's
 * Content-Security-Policy can stay strict.
 */
export const htmlDocument = ({ lang, title, stylesheet, body }: HtmlDocument): string => `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
${stylesheet === undefined ? '' : `<link rel="stylesheet" href="${escapeHtml(stylesheet)}">\n`}</head>
<body>
${body}
</body>
</html>
`;
