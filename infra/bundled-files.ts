import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  swaggerUiBundleFolder,
  swaggerUiFiles,
  swaggerUiLicenceFiles,
  swaggerUiPackage,
} from '../shared/api/public/docs.ts';
import type { LambdaName } from '../shared/api/route-spec.ts';
import type { BundledFile } from './constructs/spbe-function.ts';
import { projectRoot } from './paths.ts';

/** An installed package's folder, resolved as the functions' own imports are: from the project root. */
const packageFolder = (name: string): string =>
  dirname(createRequire(join(projectRoot, 'package.json')).resolve(`${name}/package.json`));

/**
 * Files a capability's function reads from beside its bundle. The public function serves the docs
 * page's Swagger UI files (`functions/public/docs-page.ts` reads them on /docs requests only), with
 * the package's licence, which must travel with them.
 */
export const bundledFilesOf = (capability: LambdaName): readonly BundledFile[] => {
  if (capability !== 'public') return [];
  const folder = packageFolder(swaggerUiPackage);
  return [...swaggerUiFiles, ...swaggerUiLicenceFiles].map((file) => ({
    source: join(folder, file),
    target: `${swaggerUiBundleFolder}/${file}`,
  }));
};
