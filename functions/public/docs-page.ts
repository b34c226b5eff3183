import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type SwaggerUiFile, swaggerUiBundleFolder, swaggerUiPackage } from '#shared/api/public/docs.ts';
import { publicRoutes as routes } from '#shared/api/public/routes.ts';
import { htmlDocument } from '#shared/http/html.ts';

/**
 * The docs page (`GET /docs`): Swagger UI over the served document. The page and its initializer are
 * a few hundred bytes built here; Swagger UI's own files (1.7 MB of script, 190 KB of styles) are
 * read from disk on the first request for each, in this container, and kept — compressed once — for
 * the next. The function's code bundle does not carry them, so no other route pays for them at cold
 * start.
 */

const gzipAsync = promisify(gzip);

/** Where the package files are. */
const packageFolder = (): URL => {
  // Deployed: infra copies them beside the bundle (`index.mjs`). Locally (tsx), this module sits in
  // functions/public/ and the package in node_modules.
  const bundled = new URL(`./${swaggerUiBundleFolder}/`, import.meta.url);
  if (existsSync(bundled)) return bundled;
  return new URL('./', import.meta.resolve(`${swaggerUiPackage}/package.json`));
};

/** The page's title: what a browser tab (and the docs-page check) shows. */
export const docsPageTitle = 'SPBE Award API — reference';

/**
 * The page: no inline script or style element, so that its Content-Security-Policy can allow
 * `'self'` alone for scripts. The empty icon keeps browsers from asking for /favicon.ico. Swagger UI
 * renders into the `div`, replacing a line that says what is loading and links the document itself:
 * what a phone on a slow connection shows while 1.7 MB of script arrives, and a browser without
 * script keeps. The `div` is no `main`: Swagger UI draws its own (`main#operations`).
 */
export const docsPageHtml = htmlDocument({
  lang: 'en',
  title: docsPageTitle,
  stylesheet: routes.getDocsStylesheet.path,
  body: `<div id="swagger-ui"><p>Loading the API reference… The contract itself: <a href="${routes.getOpenApi.path}">the OpenAPI document (JSON)</a>.</p></div>
<script src="${routes.getDocsScript.path}"></script>
<script src="${routes.getDocsInitializer.path}"></script>`,
});

/**
 * Swagger UI's configuration. `validatorUrl: null`: by default it sends the document to
 * validator.swagger.io; `queryConfigEnabled` stays off, so no `?url=` can point the page at another
 * document.
 */
export const docsInitializer = `window.ui = SwaggerUIBundle(${JSON.stringify({
  url: routes.getOpenApi.path,
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
  queryConfigEnabled: false,
})});
`;

interface LoadedAsset {
  readonly text: string;
  readonly gzipped: Buffer;
}

/** One Swagger UI file, as text or, for clients that accept it, gzip-compressed. */
export interface DocsAsset {
  readonly body: string | Buffer;
  readonly encoding: 'gzip' | undefined;
}

export type DocsAssets = (file: SwaggerUiFile, acceptEncoding: string | undefined) => Promise<DocsAsset>;

const acceptsGzip = (acceptEncoding: string | undefined): boolean =>
  (acceptEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase().split(';'))
    .some(
      ([name, ...parameters]) => name === 'gzip' && !parameters.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p)),
    );

/**
 * Reads each file once per container, on its first request, and compresses it once (level 9:
 * about 460 KB for the script, a third of a second spent once). A failed read is retried on the
 * next request.
 */
export const createDocsAssets = (folder: () => URL = packageFolder): DocsAssets => {
  const loaded = new Map<SwaggerUiFile, Promise<LoadedAsset>>();
  const load = async (file: SwaggerUiFile): Promise<LoadedAsset> => {
    const bytes = await readFile(new URL(file, folder()));
    return { text: bytes.toString('utf8'), gzipped: await gzipAsync(bytes, { level: 9 }) };
  };
  return async (file, acceptEncoding) => {
    let asset = loaded.get(file);
    if (asset === undefined) {
      asset = load(file);
      loaded.set(file, asset);
      asset.catch(() => loaded.delete(file));
    }
    const { text, gzipped } = await asset;
    return acceptsGzip(acceptEncoding)
      ? { body: gzipped, encoding: 'gzip' }
      : { body: text, encoding: undefined };
  };
};
