import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildOpenApiDocument } from '../shared/api/openapi.ts';
import {
  swaggerUiBundleFolder,
  swaggerUiFiles,
  swaggerUiLicenceFiles,
  swaggerUiPackage,
} from '../shared/api/public/docs.ts';
import { buildTimeVersion, openApiFileName } from '../shared/api/public/openapi-file.ts';
import type { LambdaName } from '../shared/api/route-spec.ts';
import type { BundledFile } from './constructs/spbe-function.ts';
import { projectRoot } from './paths.ts';

/** An installed package's folder, resolved as the functions' own imports are: from the project root. */
const packageFolder = (name: string): string =>
  dirname(createRequire(join(projectRoot, 'package.json')).resolve(`${name}/package.json`));

let generatedOpenApiFile: string | undefined;

/**
 * The OpenAPI document, generated here at build time (once per process) into a private temporary
 * folder that lives as long as the synthesis: the function only reads it, so zod-to-openapi and the
 * generator stay out of its bundle and its cold start.
 */
const openApiDocumentFile = (): string => {
  if (generatedOpenApiFile !== undefined) return generatedOpenApiFile;
  const folder = mkdtempSync(join(tmpdir(), 'spbe-openapi-'));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  const file = join(folder, openApiFileName);
  writeFileSync(file, JSON.stringify(buildOpenApiDocument({ version: buildTimeVersion })));
  generatedOpenApiFile = file;
  return file;
};

/**
 * Files a capability's function reads from beside its bundle. The public function serves the
 * OpenAPI document generated at build time (`functions/public/openapi-document.ts`) and the docs
 * page's Swagger UI files (`functions/public/docs-page.ts` reads them on /docs requests only), with
 * the package's licence, which must travel with them.
 */
export const bundledFilesOf = (capability: LambdaName): readonly BundledFile[] => {
  if (capability !== 'public') return [];
  const folder = packageFolder(swaggerUiPackage);
  return [
    { source: openApiDocumentFile(), target: openApiFileName },
    ...[...swaggerUiFiles, ...swaggerUiLicenceFiles].map((file) => ({
      source: join(folder, file),
      target: `${swaggerUiBundleFolder}/${file}`,
    })),
  ];
};
