/**
 * What can be checked of a server-rendered page's accessibility on its HTML string alone, without a
 * browser (`npm run check:awards-page` runs axe-core in Chromium for the rest: contrast, target size,
 * reflow): the document's language, its title, one `h1` and no skipped heading level, a `main`
 * landmark, every table captioned with every header cell scoped, every image named, unique ids, and
 * each link to another language marked in that language. The pages are our own markup, written
 * one element per tag with double-quoted attributes, so regular expressions read them reliably.
 * Returns the problems found, each a sentence; none for a page that passes.
 */
export const htmlAccessibilityProblems = (html: string): string[] => {
  const problems: string[] = [];
  const lang = /<html lang="([^"]*)">/.exec(html)?.[1];
  if (lang !== 'id' && lang !== 'en') problems.push(`<html> has lang="${lang}", not "id" or "en"`);
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1]?.trim() ?? '';
  if (title === '') problems.push('the page has no title');

  const headings = [...html.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]));
  if (headings.filter((level) => level === 1).length !== 1)
    problems.push(`${headings.filter((level) => level === 1).length} h1 headings, not one`);
  headings.forEach((level, index) => {
    const before = index === 0 ? 0 : (headings[index - 1] ?? 0);
    if (level > before + 1) problems.push(`an h${level} follows an h${before || 'nothing'}`);
  });
  if ((html.match(/<main[\s>]/g) ?? []).length !== 1) problems.push('no single <main> landmark');

  for (const table of html.match(/<table[\s>][\s\S]*?<\/table>/g) ?? []) {
    if (!/^<table[^>]*>\s*<caption>[^<\s][\s\S]*?<\/caption>/.test(table))
      problems.push(`a table without a caption: ${table.slice(0, 80)}`);
  }
  for (const th of html.match(/<th[\s>][^>]*>?/g) ?? []) {
    if (!/\sscope="(col|row|colgroup|rowgroup)"/.test(th))
      problems.push(`a header cell without scope: ${th}`);
  }
  for (const img of html.match(/<img[\s>][^>]*>/g) ?? []) {
    if (!/\salt="/.test(img)) problems.push(`an image without alt: ${img}`);
  }

  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1] ?? '');
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (duplicates.length > 0) problems.push(`duplicate ids: ${[...new Set(duplicates)].join(', ')}`);
  for (const svg of html.match(/<svg[^>]*role="img"[^>]*>/g) ?? []) {
    const named = /aria-labelledby="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
    if (named.length === 0 && !/aria-label="[^"]+"/.test(svg)) problems.push(`an unnamed image: ${svg}`);
    for (const id of named) if (!ids.includes(id)) problems.push(`an image named by a missing id "${id}"`);
  }
  for (const labelled of html.matchAll(/aria-labelledby="([^"]+)"/g)) {
    for (const id of labelled[1]?.split(' ') ?? [])
      if (!ids.includes(id)) problems.push(`aria-labelledby names a missing id "${id}"`);
  }

  for (const link of html.matchAll(/<a\s([^>]*)>([\s\S]*?)<\/a>/g)) {
    const attributes = link[1] ?? '';
    const text = (link[2] ?? '').replace(/<[^>]*>/g, '').trim();
    if (text === '') problems.push(`a link without text: <a ${attributes}>`);
    const hreflang = /hreflang="([^"]+)"/.exec(attributes)?.[1];
    if (hreflang !== undefined && !new RegExp(`(^|\\s)lang="${hreflang}"`).test(attributes))
      problems.push(`a link to the ${hreflang} page not itself marked lang="${hreflang}"`);
  }
  return problems;
};

/**
 * Links whose text says the same while they lead to different places: out of context (a screen
 * reader's list of links) a reader cannot tell them apart (WCAG 2.4.4, 2.4.9).
 */
export const ambiguousLinks = (html: string): string[] => {
  const targets = new Map<string, Set<string>>();
  for (const link of html.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)) {
    const text = (link[2] ?? '').replace(/<[^>]*>/g, '').trim();
    targets.set(text, (targets.get(text) ?? new Set()).add(link[1] ?? ''));
  }
  return [...targets].filter(([, hrefs]) => hrefs.size > 1).map(([text]) => text);
};
