import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageOfInput } from '../../infra/bundling.ts';
import type { LambdaName } from '../../shared/api/route-spec.ts';
import { routeList } from '../../shared/api/routes.ts';

/**
 * What a synthesized bundle carries, read from its source map: every input that put code into the
 * bundle is one of the map's `sources` (inputs tree-shaken away entirely are not). The deployed
 * asset itself, so no extra bundling in the tests.
 */
export interface BundleContents {
  /** Packages with code in the bundle: `zod`, `@aws-sdk/client-dynamodb`, … */
  readonly packages: ReadonlySet<string>;
  /** Repository files with code in the bundle, from the root: `shared/http/lambda-handler.ts`, … */
  readonly files: ReadonlySet<string>;
  /** Package files with code in the bundle, from `node_modules`: `semver/functions/gte.js`, … */
  readonly packageFiles: ReadonlySet<string>;
}

export const bundleContents = (codeFolder: string, projectRoot: string): BundleContents => {
  const map = JSON.parse(readFileSync(join(codeFolder, 'index.mjs.map'), 'utf8')) as { sources: string[] };
  const absolute = map.sources.map((source) => join(codeFolder, source));
  const packages = new Set(absolute.flatMap((path) => packageOfInput(path) ?? []));
  const files = new Set(
    absolute
      .filter((path) => packageOfInput(path) === undefined && path.startsWith(`${projectRoot}/`))
      .map((path) => path.slice(projectRoot.length + 1)),
  );
  const packageFiles = new Set(
    absolute.flatMap((path) => {
      const inside = path.lastIndexOf('/node_modules/');
      return inside >= 0 ? [path.slice(inside + '/node_modules/'.length)] : [];
    }),
  );
  return { packages, files, packageFiles };
};

/** The API functions with at least one route that has the property. */
const functionsWith = (predicate: (route: (typeof routeList)[number]) => boolean): ReadonlySet<LambdaName> =>
  new Set(routeList.filter(predicate).map((route) => route.lambda));

/** Functions whose routes accept CSV bodies: the only ones that may carry a CSV parser. */
export const functionsWithCsvRoutes = functionsWith(
  (route) => route.bodyContentTypes?.includes('text/csv') ?? false,
);

/** Functions with routes honouring `Idempotency-Key`: the only ones that may carry Powertools idempotency. */
export const functionsWithIdempotentRoutes = functionsWith((route) => route.idempotent === true);

/** Never in any function: built or replaced at build time, or every store and schema at once. */
export const neverBundled = {
  packages: [
    // The OpenAPI document is generated at build time.
    '@asteasolutions/zod-to-openapi',
    // The credential chain is Lambda's (infra/bundling.ts, alias): none of the providers it replaces.
    '@aws-sdk/credential-provider-node',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/nested-clients',
  ],
  files: [
    'shared/api/openapi.ts',
    // The whole route table (every capability's schemas): functions import the modules they serve.
    'shared/api/routes.ts',
    // Every store at once: functions build the stores they use.
    'shared/dynamodb/ports.ts',
    // Every store's write-path builders: each function's write path takes its own stores' builders.
    'shared/dynamodb/state-actions.ts',
  ],
} as const;
