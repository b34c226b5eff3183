import type { SwaggerUiFile } from '#shared/api/public/docs.ts';
import { publicRoutes } from '#shared/api/public/routes.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { findFramework } from '#shared/domain/framework/registry.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { checkHealth, type HealthProbe } from '#shared/services/public/health.ts';
import { createDocsAssets, type DocsAssets, docsInitializer, docsPageHtml } from './docs-page.ts';
import { type OpenApiDocumentSource, routesOfDocument } from './openapi-document.ts';
import { problemTypePageHtml, problemTypesPageHtml } from './problem-pages.ts';

export interface PublicDependencies {
  readonly http: HttpOptions;
  readonly health: HealthProbe;
  readonly serviceVersion: string;
  /** The contract, generated at build time (never by zod-to-openapi in the function). */
  readonly openApiDocument: OpenApiDocumentSource;
  /** Swagger UI's files for the docs page; read lazily, on the first request for each. */
  readonly docsAssets?: DocsAssets;
}

/** Public routes and `/v1/me`: health, the framework, the OpenAPI contract and its docs page. */
export const createPublicHandler = ({
  http,
  health,
  serviceVersion,
  openApiDocument,
  docsAssets = createDocsAssets(),
}: PublicDependencies) => {
  const docsAsset = async (file: SwaggerUiFile, headers: Readonly<Record<string, string | undefined>>) => {
    const { body, encoding } = await docsAssets(file, headers['accept-encoding']);
    return {
      status: 200 as const,
      body,
      headers: {
        // Caches keep the compressed and the plain copy apart.
        vary: 'accept-encoding',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      },
    };
  };

  return createLambdaHandler(
    'public',
    publicRoutes,
    {
      getHealth: async (_input, { now }) => ({
        status: 200,
        body: await checkHealth(health, serviceVersion, now),
      }),
      getOpenApi: async () => ({ status: 200, body: await openApiDocument() }),
      getFramework: async ({ params }) => {
        const framework = findFramework(params.frameworkId);
        if (!framework) throw new NotFoundError(`No framework "${params.frameworkId}".`);
        return { status: 200, body: framework };
      },
      getDocs: async () => ({ status: 200, body: docsPageHtml }),
      getDocsInitializer: async () => ({ status: 200, body: docsInitializer }),
      getDocsScript: async ({ headers }) => docsAsset('swagger-ui-bundle.js', headers),
      getDocsStylesheet: async ({ headers }) => docsAsset('swagger-ui.css', headers),
      listProblemTypes: async () => ({ status: 200, body: problemTypesPageHtml() }),
      getProblemType: async ({ params }) => ({ status: 200, body: problemTypePageHtml(params.slug) }),
      getMe: async (_input, { identity }) => {
        // The dispatcher guarantees an identity on JWT routes.
        if (!identity) throw new Error('getMe reached without an identity');
        return {
          status: 200,
          body: {
            subject: identity.subject,
            ...(identity.clientId ? { clientId: identity.clientId } : {}),
            role: identity.role,
            ...(identity.agencyId ? { agencyId: identity.agencyId } : {}),
            scopes: [...identity.scopes],
            ...(identity.ignoredScopes.length > 0 ? { ignoredScopes: [...identity.ignoredScopes] } : {}),
            ...(identity.name ? { name: identity.name } : {}),
            ...(identity.expiresAt ? { tokenExpiresAt: identity.expiresAt.toISOString() } : {}),
          },
        };
      },
    },
    // Requests no route matches come here (API Gateway's `$default`): answered from the contract.
    // The awards function's press pages live under /awards (a browser typing /awards/2024/ lands
    // here); named rather than imported, so that this function does not load the awards routes.
    {
      ...http,
      knownRoutes: async () => routesOfDocument(await openApiDocument()),
      pagePathPrefixes: ['/awards'],
    },
  );
};
