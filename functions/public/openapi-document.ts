import { readFile } from 'node:fs/promises';
import { withServiceVersion } from '#shared/api/public/openapi-file.ts';

/** The served contract: the document generated at build time, with this function's version. */
export type OpenApiDocumentSource = () => Promise<{ readonly info: object }>;

/**
 * Reads the build-time document from `file` on the first request for it in this container and keeps
 * it (a failed read is tried again on the next request). `JSON.stringify` of what it returns gives
 * the very bytes `buildOpenApiDocument({ version })` would.
 */
export const bundledOpenApiDocument = (file: string | URL, version: string): OpenApiDocumentSource => {
  let document: Promise<{ readonly info: object }> | undefined;
  return () => {
    document ??= readFile(file, 'utf8')
      .then((text) => withServiceVersion(JSON.parse(text) as { readonly info: object }, version))
      .catch((error: unknown) => {
        document = undefined;
        throw error;
      });
    return document;
  };
};
