/**
 * The OpenAPI document is generated at build time, not in a Lambda: zod-to-openapi and the
 * generator's work stay out of every function's cold start. The stack writes the document under
 * this name beside the public function's bundle (`infra/bundled-files.ts`); the function reads it
 * on the first `GET /v1/openapi.json` of a container and serves it with its own version
 * (`functions/public/openapi-document.ts`). The local runtime writes one the same way.
 */
export const openApiFileName = 'openapi.json';

/**
 * The version a build-time document carries until the serving function puts its own in (its
 * `SERVICE_VERSION`): a build does not know which version a function will be configured with.
 */
export const buildTimeVersion = '0.0.0-build';

/** The document with the serving function's version; everything else (and the key order) as built. */
export const withServiceVersion = <D extends { readonly info: object }>(document: D, version: string): D => ({
  ...document,
  info: { ...document.info, version },
});
