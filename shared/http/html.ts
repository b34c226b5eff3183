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
