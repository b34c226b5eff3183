import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { routeKeyOf } from '#shared/api/route-spec.ts';
import { type OperationId, routeList } from '#shared/api/routes.ts';
import { type AccessPatternEntry, accessPatterns, itemCatalogue } from '#shared/dynamodb/keys.ts';
import { everyRequestCalls, type RouteCalls, routeCalls } from '#shared/dynamodb/route-calls.ts';

/**
 * docs/access-patterns.md holds prose written by hand and tables generated from the key catalogue
 * (`shared/dynamodb/keys.ts`) between `<!-- generated:<name> -->` markers. `npm run docs:keys`
 * rewrites them; a unit test fails when the document is not current, so the two cannot drift.
 */

export const accessPatternsDocument = fileURLToPath(
  new URL('../../docs/access-patterns.md', import.meta.url),
);

const code = (text: string) => (text === '' ? '' : `\`${text.replaceAll('|', '\\|')}\``);
const cell = (text: string) => text.replaceAll('|', '\\|');

const itemTable = (table: 'programme' | 'events'): string =>
  [
    '| Item | Status | PK | SK | GSI1 (PK / SK) | GSI2 (PK / SK) | Notes |',
    '|---|---|---|---|---|---|---|',
    ...itemCatalogue
      .filter((item) => item.table === table)
      .map((item) =>
        [
          item.name,
          item.status,
          code(item.pk),
          code(item.sk),
          item.gsi1 ? `${code(item.gsi1[0])} / ${code(item.gsi1[1])}` : '',
          item.gsi2 ? `${code(item.gsi2[0])} / ${code(item.gsi2[1])}` : '',
          cell(item.notes),
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
  ].join('\n');

const patterns: readonly AccessPatternEntry[] = accessPatterns;

const patternTable = (): string =>
  [
    '| Pattern | Status | Table | Operation | Index | Key | Notes |',
    '|---|---|---|---|---|---|---|',
    ...patterns.map(
      (pattern) =>
        `| ${[
          pattern.name,
          pattern.status,
          pattern.table,
          pattern.operation,
          pattern.index ?? '',
          code(pattern.key),
          cell(pattern.notes),
        ].join(' | ')} |`,
    ),
  ].join('\n');

const operationOf = (name: string) => patterns.find((pattern) => pattern.name === name)?.operation ?? '?';

/** `a (Query) + b (GetItem) ×2`: each access pattern with its operation, repeats folded. */
const describePatterns = (calls: readonly string[]): string => {
  const runs: { name: string; count: number }[] = [];
  for (const name of calls) {
    const last = runs.at(-1);
    if (last?.name === name) last.count += 1;
    else runs.push({ name, count: 1 });
  }
  return runs
    .map(({ name, count }) => `${name} (${operationOf(name)})${count > 1 ? ` ×${count}` : ''}`)
    .join(' + ');
};

/** The calls of every route, from `shared/dynamodb/route-calls.ts`, in route-table order. */
const routeCallTable = (): string =>
  [
    '| Route | Calls (limiter + route) | The route’s own, in order | More calls when | Notes |',
    '|---|---|---|---|---|',
    ...routeList.map((route) => {
      const entry: RouteCalls = routeCalls[route.operationId as OperationId];
      const extra = (entry.extra ?? [])
        .map((more) => `+${more.calls.length} ${describePatterns(more.calls)}: ${more.when}`)
        .join('<br>');
      return `| ${[
        code(routeKeyOf(route)),
        `${everyRequestCalls.length} + ${entry.calls.length}`,
        entry.calls.length === 0 ? 'none' : describePatterns(entry.calls),
        cell(extra),
        cell(entry.notes ?? ''),
      ].join(' | ')} |`;
    }),
  ].join('\n');

export const generatedSections: Readonly<Record<string, () => string>> = {
  'programme-items': () => itemTable('programme'),
  'events-items': () => itemTable('events'),
  'access-patterns': patternTable,
  'route-calls': routeCallTable,
};

/** The document with every generated section rewritten from the catalogue. */
export const renderAccessPatterns = (document: string): string =>
  Object.entries(generatedSections).reduce((text, [name, render]) => {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/access-patterns.md lacks the markers of "${name}"`);
    return `${text.slice(0, from + start.length)}\n${render()}\n${text.slice(to)}`;
  }, document);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(accessPatternsDocument, 'utf8');
  const next = renderAccessPatterns(current);
  writeFileSync(accessPatternsDocument, next);
  console.log(next === current ? 'docs/access-patterns.md is current' : 'docs/access-patterns.md rewritten');
}
