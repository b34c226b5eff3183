import { join } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import { projectRoot } from './paths.ts';

/**
 * How every Lambda function is bundled, in one place: `SpbeFunction` hands these settings to CDK's
 * `NodejsFunction` (which runs esbuild's CLI), and `npm run bench -- functions` and the bundle tests
 * run esbuild's API with the same settings (`esbuildOptionsFor`), so what they measure and check is
 * what is deployed. `test/infra/stack.test.ts` proves the two builds give the same bytes.
 */
export const houseBundling = {
  format: 'esm',
  target: 'node22',
  // ESM builds of the SDK and Powertools: smaller bundles and faster cold starts than the
  // CommonJS builds esbuild picks by default for platform `node`.
  mainFields: ['module', 'main'],
  minify: true,
  // Shipped for reading stack traces offline; not loaded at run time (see deployedNodeOptions).
  sourceMap: true,
  // Stack traces need only the line mappings; leaving the sources out keeps the asset smaller.
  sourcesContent: false,
  // Some dependencies still call `require` (e.g. for Node built-ins); ESM has none, so make one.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  /**
   * Modules replaced in every bundle. The SDK's default credential chain becomes Lambda's one
   * source, environment variables (`shared/aws/lambda-credentials.ts` says why): 134 KB less code
   * in every function, its import a third faster.
   */
  alias: {
    '@aws-sdk/credential-provider-node': join(projectRoot, 'shared/aws/lambda-credentials.ts'),
    // Tracer's X-Ray SDK requires all of semver for one `gte` it never calls here: 19 KB less code.
    semver: join(projectRoot, 'shared/aws/semver-gte.cjs'),
  },
} as const;

/**
 * `NODE_OPTIONS` of every function (a house variable: callers cannot set it): none. Measured with
 * `npm run bench -- functions` (fresh processes, interleaved, on Node 22.23 and 20.20 here; README,
 * "Measured"): `--enable-source-maps` makes Node parse a bundle's whole source map while importing
 * it — +6 to +13 ms of CPU per cold start (about +8 %) and +4 to +8 MB of memory, for readable stack
 * traces of unexpected errors alone. The maps still ship beside each bundle (`index.mjs.map`, lines
 * only): README, "Reading a stack trace", maps a logged position back to the TypeScript source.
 */
export const deployedNodeOptions: string = '';

/** The bundle's file name in its folder (ESM): what Lambda loads, and what bundled files sit beside. */
export const bundleFileName = 'index.mjs';

/**
 * esbuild API options equivalent to the CLI flags CDK derives from {@link houseBundling}
 * (`--bundle --platform=node --target --format --minify --sourcemap --sources-content=false
 * --main-fields --banner:js --alias`), with nothing external: the AWS SDK is bundled too.
 */
export const esbuildOptionsFor = (
  entry: string,
  outfile: string,
  projectRoot: string,
): BuildOptions & { metafile: true } => ({
  entryPoints: [entry],
  absWorkingDir: projectRoot,
  outfile,
  bundle: true,
  platform: 'node',
  target: houseBundling.target,
  format: houseBundling.format,
  minify: houseBundling.minify,
  sourcemap: houseBundling.sourceMap,
  sourcesContent: houseBundling.sourcesContent,
  mainFields: [...houseBundling.mainFields],
  banner: { js: houseBundling.banner },
  alias: { ...houseBundling.alias },
  metafile: true,
  logLevel: 'error',
});

/**
 * The inputs that put code into a bundle, with their bytes in it: `node_modules/<package>/…` or a
 * repository path. Inputs esbuild read but tree-shook away entirely are left out.
 */
export const bundleInputs = (metafile: Metafile): ReadonlyMap<string, number> => {
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
  if (output === undefined) throw new Error('The metafile has no entry point output.');
  return new Map(
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([path, { bytesInOutput }]) => [path, bytesInOutput]),
  );
};

/** The package an input belongs to (`@aws-sdk/client-dynamodb`, `zod`), or undefined for our own code. */
export const packageOfInput = (path: string): string | undefined => {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return match?.[1];
};
