import * as fs from 'node:fs';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';

/**
 * Spectral in-process, as its CLI runs: a ruleset file (`.spectral.yaml`, with `extends` of npm
 * packages resolved from node_modules) applied to a document held in memory. Offline: any fetch —
 * a remote ruleset or `$ref` — fails the lint instead of reaching the network.
 */

// Spectral's packages are CommonJS: their named exports sit on the default import under NodeNext.
const { Spectral, Document } = spectralCore;

type Ruleset = Parameters<InstanceType<typeof Spectral>['setRuleset']>[0];
type Diagnostic = Awaited<ReturnType<InstanceType<typeof Spectral>['run']>>[number];

interface RulesetBundler {
  bundleAndLoadRuleset(
    rulesetPath: string,
    io: { readonly fs: typeof fs; readonly fetch: (input: unknown) => Promise<never> },
    plugins: readonly unknown[],
  ): Promise<Ruleset>;
}

// Imported by a computed name: the bundler's type declarations reference the DOM library, which
// would then type the whole program's globals (fetch, Request …) as the browser's.
const bundlerPackage = '@stoplight/spectral-ruleset-bundler';

const refuseNetwork = (input: unknown): Promise<never> =>
  Promise.reject(new Error(`The OpenAPI lint must stay offline; it tried to fetch ${String(input)}`));

/** Loads a ruleset file the way `spectral lint --ruleset` does (rollup with its builtins and commonjs). */
export const loadSpectral = async (rulesetPath: string) => {
  const { bundleAndLoadRuleset } = (await import(`${bundlerPackage}/with-loader`)) as RulesetBundler;
  const { builtins } = (await import(`${bundlerPackage}/plugins/builtins`)) as { builtins(): unknown };
  const { commonjs } = (await import(`${bundlerPackage}/plugins/commonjs`)) as { commonjs(): unknown };
  const spectral = new Spectral();
  spectral.setRuleset(
    await bundleAndLoadRuleset(rulesetPath, { fs, fetch: refuseNetwork }, [builtins(), commonjs()]),
  );
  /**
   * Lints a document. `source` names the file it stands for (nothing is read from it): the
   * ruleset's `overrides` match JSON pointers into that file name.
   */
  const lint = (document: unknown, source: string): Promise<Diagnostic[]> =>
    // A Document with source positions, so that each finding is reported once, not once per $ref.
    spectral.run(new Document(JSON.stringify(document, null, 2), spectralParsers.Json, source));
  return { lint };
};

export type { Diagnostic };
