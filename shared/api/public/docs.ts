/**
 * The interactive API reference at `/docs`: Swagger UI reading the served OpenAPI document. Its
 * files come from the `swagger-ui-dist` package and are served by the public function itself —
 * never from a CDN — so the page works offline under `npm start` and needs nothing but the API's
 * own origin once deployed. The routes are in `routes.ts` beside this file; the page itself is
 * assembled in `functions/public/docs-page.ts`; `infra/` copies the package files beside the public
 * function's bundle.
 */

export const swaggerUiPackage = 'swagger-ui-dist';

/** The package files the page loads, each served at `/docs/<file>`. */
export const swaggerUiFiles = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;
export type SwaggerUiFile = (typeof swaggerUiFiles)[number];

/**
 * The package's licence files, shipped beside the served files (Apache-2.0 asks that a
 * redistribution carry them); not served.
 */
export const swaggerUiLicenceFiles = ['LICENSE', 'NOTICE'] as const;

/** The folder beside the public function's bundle (`index.mjs`) that holds the package files. */
export const swaggerUiBundleFolder = 'swagger-ui';

/**
 * What the page may load, and nothing else: its own scripts (no inline script: the initializer is
 * a file too), its own stylesheet (Swagger UI 5 sets styles through the DOM, which a policy does
 * not govern, so no `'unsafe-inline'`), `data:` images (the stylesheet's icons, the empty favicon),
 * and requests to its own origin (the document and "Try it out"). No frames, forms, plugins or
 * base URL; no other page may frame it. `npm run check:docs-page` exercises the page in Chromium
 * under this policy and fails on any violation.
 */
export const docsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
