import { readFile } from 'node:fs/promises';
import { withServiceVersion } from '#shared/api/public/openapi-file.ts';
import type { RouteShape } from '#shared/api/route-matcher.ts';
import type { HttpMethod } from '#shared/api/route-spec.ts';

/** What the function reads of the document (its version, the operations of each path) and what it publishes of it. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string };
  readonly paths?: Readonly<Record<string, object>>;
}

/** The served contract: the document generated at build time, with this function's version. */
export type OpenApiDocumentSource = () => Promise<OpenApiDocument>;

const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Every route of the API, read from the contract: API Gateway sends whatever no route matches to
 * the public function (`$default`), which answers 404, or 405 with `Allow`, from this list instead
 * of importing every capability's route module (and schemas) for it.
 */
export const routesOfDocument = (document: OpenApiDocument): RouteShape[] =>
  Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
    methods.filter((method) => method.toLowerCase() in operations).map((method) => ({ method, path })),
  );

/**
 * Reads the build-time document from `file` on the first request for it in this container and keeps
 * it (a failed read is tried again on the next request). `JSON.stringify` of what it returns gives
 * the very bytes `buildOpenApiDocument({ version })` would.
 */
export const bundledOpenApiDocument = (file: string | URL, version: string): OpenApiDocumentSource => {
  let document: Promise<OpenApiDocument> | undefined;
  return () => {
    document ??= readFile(file, 'utf8')
      .then((text) => withServiceVersion(JSON.parse(text) as OpenApiDocument, version))
      .catch((error: unknown) => {
        document = undefined;
        throw error;
      });
    return document;
  };
};
