import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/**
 * The dependency direction of the codebase, as data, and the check that enforces it:
 * `functions/` → adapters (`shared/http`, `shared/dynamodb`, `shared/memory`, …) → `shared/services`
 * (use cases over ports) → `shared/api` (the contract: routes and zod schemas) → `shared/domain`
 * (pure). Imports are read with the TypeScript compiler's own pre-processor, so `import`,
 * `export … from`, `import type` and dynamic `import()` all count.
 */

export interface Layer {
  readonly name: string;
  /** Path prefixes (from the repository root) that belong to the layer. */
  readonly paths: readonly string[];
  /** Layers whose files it may import (its own always). */
  readonly mayImport: readonly string[];
  /** Packages it may import (`node:` built-ins included); undefined: any. */
  readonly packages?: readonly string[];
}

export const layers: readonly Layer[] = [
  // Pure: no AWS, middy, HTTP or I/O. node:crypto only for hashing (result digests).
  { name: 'domain', paths: ['shared/domain/'], mayImport: [], packages: ['node:crypto'] },
  {
    name: 'contract',
    paths: ['shared/api/'],
    mayImport: ['domain'],
    packages: ['zod', '@asteasolutions/zod-to-openapi'],
  },
  {
    name: 'services',
    paths: ['shared/services/'],
    mayImport: ['domain', 'contract'],
    // ipaddr.js: pure address parsing, the very rule the connect-time SSRF filter applies.
    packages: ['zod', 'node:crypto', 'ipaddr.js'],
  },
  // Powertools as every function uses it: the redacting logger, metrics in one namespace, the tracer.
  {
    name: 'observability',
    paths: ['shared/observability/'],
    mayImport: ['domain'],
    packages: [
      '@aws-lambda-powertools/logger',
      '@aws-lambda-powertools/metrics',
      '@aws-lambda-powertools/tracer',
      '@middy/core',
      'aws-lambda',
    ],
  },
  // The request scope an idempotency claim rides in from the HTTP guard to the write path.
  {
    name: 'request-scope',
    paths: ['shared/runtime/transaction-claim.ts'],
    mayImport: [],
    packages: ['node:async_hooks'],
  },
  {
    name: 'http',
    paths: ['shared/http/'],
    mayImport: ['domain', 'contract', 'observability', 'request-scope'],
  },
  {
    name: 'dynamodb',
    paths: ['shared/dynamodb/'],
    mayImport: ['domain', 'contract', 'services', 'observability', 'request-scope'],
  },
  { name: 'memory', paths: ['shared/memory/'], mayImport: ['domain', 'contract', 'services'], packages: [] },
  {
    name: 'runtime',
    paths: ['shared/runtime/'],
    mayImport: ['domain', 'services'],
    packages: ['node:crypto'],
  },
  // AWS service clients other than DynamoDB (Lambda invocations).
  {
    name: 'aws',
    paths: ['shared/aws/'],
    mayImport: ['domain', 'services', 'observability'],
    // credential-provider-env: Lambda's credentials, for the bundles' credential chain.
    packages: ['@aws-sdk/client-lambda', '@aws-sdk/credential-provider-env'],
  },
  { name: 'identity', paths: ['shared/identity/'], mayImport: ['domain', 'contract', 'http'], packages: [] },
  // Webhook delivery adapters: DNS, the SSRF-filtering HTTP client, the SQS queue, metrics.
  { name: 'webhooks', paths: ['shared/webhooks/'], mayImport: ['domain', 'contract', 'services'] },
  { name: 'config', paths: ['shared/config.ts'], mayImport: ['domain', 'dynamodb'], packages: ['zod'] },
  // What every API function builds at cold start (config, logger, its one client, HTTP options).
  {
    name: 'wiring',
    paths: ['shared/wiring/'],
    mayImport: ['config', 'dynamodb', 'http', 'observability', 'runtime'],
    packages: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-lambda-powertools/logger'],
  },
  {
    name: 'functions',
    paths: ['functions/'],
    mayImport: [
      'domain',
      'contract',
      'services',
      'http',
      'dynamodb',
      'runtime',
      'identity',
      'config',
      'memory',
      'aws',
      'webhooks',
      'observability',
      'wiring',
    ],
  },
  // The stack refers to functions by entry path only; it reads the route table, table definitions and
  // the names of the webhook settings it sets.
  { name: 'infra', paths: ['infra/'], mayImport: ['contract', 'domain', 'dynamodb', 'webhooks'] },
];

export const layerOf = (file: string): Layer | undefined =>
  layers.find((layer) => layer.paths.some((path) => file === path || file.startsWith(path)));

const packageName = (specifier: string): string => {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
};

/** Where an import points: a repository file (normalised path) or a package. */
export const resolveImport = (
  file: string,
  specifier: string,
): { readonly kind: 'file'; readonly path: string } | { readonly kind: 'package'; readonly name: string } => {
  if (specifier.startsWith('.')) return { kind: 'file', path: normalize(join(dirname(file), specifier)) };
  if (specifier.startsWith('#')) return { kind: 'file', path: specifier.slice(1) };
  return { kind: 'package', name: packageName(specifier) };
};

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly reason: string;
}

/** The imports of one source text that break the rules for `file`'s layer. */
export const violationsOf = (file: string, source: string): Violation[] => {
  const layer = layerOf(file);
  if (!layer) return [];
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.flatMap(({ fileName: specifier }): Violation[] => {
    const target = resolveImport(file, specifier);
    if (target.kind === 'package') {
      if (layer.packages === undefined || layer.packages.includes(target.name)) return [];
      return [
        { file, specifier, reason: `the ${layer.name} layer may not import the package ${target.name}` },
      ];
    }
    const targetLayer = layerOf(target.path);
    if (targetLayer === undefined) {
      // Tooling folders (local/, test/, bench/) are never imported by product code.
      return [{ file, specifier, reason: `the ${layer.name} layer may not import ${target.path}` }];
    }
    if (targetLayer === layer) {
      // Lambda functions are wired separately: one function's folder never reaches into another's.
      if (layer.name === 'functions' && target.path.split('/')[1] !== file.split('/')[1]) {
        return [{ file, specifier, reason: 'a function may not import another function’s code' }];
      }
      return [];
    }
    if (
      layer.name === 'infra' &&
      targetLayer.name === 'dynamodb' &&
      !target.path.endsWith('table-definitions.ts')
    ) {
      return [{ file, specifier, reason: 'the stack reads table definitions only, not DynamoDB adapters' }];
    }
    if (
      layer.name === 'infra' &&
      targetLayer.name === 'webhooks' &&
      !target.path.endsWith('webhooks/config.ts')
    ) {
      return [
        { file, specifier, reason: 'the stack reads webhook setting names only, not webhook adapters' },
      ];
    }
    if (layer.mayImport.includes(targetLayer.name)) return [];
    return [
      {
        file,
        specifier,
        reason: `the ${layer.name} layer may not import the ${targetLayer.name} layer (${target.path})`,
      },
    ];
  });
};

const sourceFiles = (root: string, folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

/** Every violation in the repository's product code. */
export const repositoryViolations = (root: string): Violation[] =>
  ['shared', 'functions', 'infra']
    .flatMap((folder) => sourceFiles(root, folder))
    .flatMap((file) => violationsOf(file, readFileSync(join(root, file), 'utf8')));
