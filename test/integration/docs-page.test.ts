import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsContentSecurityPolicy, swaggerUiPackage } from '#shared/api/public/docs.ts';
import { problemPagesContentSecurityPolicy } from '#shared/api/public/routes.ts';
import { routes } from '#shared/api/routes.ts';
import { problemSlugs, problemTypes } from '#shared/domain/problem-types.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';

/**
 * `GET /docs` and its files through the whole local stack (the deployed public handler behind the
 * API Gateway stand-in): an HTML page with its own Content-Security-Policy, Swagger UI's files from
 * the package (gzip-compressed when asked), and the API's JSON routes left as they were. Rendering
 * in a browser is `npm run check:docs-page`.
 */

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
});

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawHeaders: readonly string[];
  readonly bytes: Buffer;
}

/** node:http, not fetch: fetch decompresses on its own and folds repeated headers. */
const raw = (path: string, headers: Readonly<Record<string, string>> = {}): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(`${api.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          rawHeaders: response.rawHeaders,
          bytes: Buffer.concat(chunks),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });

const headerValues = (response: RawResponse, name: string) =>
  response.rawHeaders.filter(
    (_value, index) => index % 2 === 1 && response.rawHeaders[index - 1]?.toLowerCase() === name,
  );

const packageFile = (file: string) =>
  readFileSync(new URL(import.meta.resolve(`${swaggerUiPackage}/${file}`)), 'utf8');

describe('GET /docs', () => {
  it('serves the page with exactly one Content-Security-Policy: the page’s own', async () => {
    // Act
    const response = await raw(routes.getDocs.path);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headerValues(response, 'content-security-policy')).toEqual([docsContentSecurityPolicy]);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    const html = response.bytes.toString('utf8');
    expect(html).toContain('<title>SPBE Award API — reference</title>');
    for (const route of [routes.getDocsScript, routes.getDocsStylesheet, routes.getDocsInitializer]) {
      expect(html).toContain(`"${route.path}"`);
    }
    // No inline script: the policy allows scripts from the page's origin only.
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  it('initialises Swagger UI on the served document with the validator off', async () => {
    // Act
    const response = await raw(routes.getDocsInitializer.path);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const script = response.bytes.toString('utf8');
    expect(script).toContain(`"url":"${routes.getOpenApi.path}"`);
    expect(script).toContain('"validatorUrl":null');
  });

  it.each([
    [routes.getDocsScript.path, 'swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    [routes.getDocsStylesheet.path, 'swagger-ui.css', 'text/css; charset=utf-8'],
  ])('serves %s from the package, plain or gzip as the client asks', async (path, file, contentType) => {
    // Prepare
    const expected = packageFile(file);

    // Act
    const plain = await raw(path);
    const compressed = await raw(path, { 'accept-encoding': 'gzip, deflate, br' });
    const refused = await raw(path, { 'accept-encoding': 'gzip;q=0, identity' });

    // Assess
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe(contentType);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.toString('utf8')).toBe(expected);
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers.vary).toMatch(/accept-encoding/i);
    expect(compressed.bytes.length).toBeLessThan(plain.bytes.length / 2);
    expect(gunzipSync(compressed.bytes).toString('utf8')).toBe(expected);
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('fits the sizes the document publishes for each file', async () => {
    // Prepare
    const limits = [
      [routes.getDocs, (await raw(routes.getDocs.path)).bytes],
      [routes.getDocsInitializer, (await raw(routes.getDocsInitializer.path)).bytes],
      [routes.getDocsScript, (await raw(routes.getDocsScript.path)).bytes],
      [routes.getDocsStylesheet, (await raw(routes.getDocsStylesheet.path)).bytes],
    ] as const;

    // Assess
    for (const [route, bytes] of limits) {
      const maxChars = route.responses[200].schema.maxLength;
      expect({ route: route.operationId, fits: bytes.toString('utf8').length <= (maxChars ?? 0) }).toEqual({
        route: route.operationId,
        fits: true,
      });
    }
  });

  it('leaves the JSON routes’ headers alone', async () => {
    // Act
    const response = await raw(routes.getHealth.path);

    // Assess: JSON is not a page; the security headers stay the API's.
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(headerValues(response, 'content-security-policy')).toEqual([]);
  });

  it.each([
    ['the page', routes.getDocs.path],
    ['a JSON answer', routes.getHealth.path],
    ['a problem', '/v1/no-such-route'],
  ])('sends no header without a value on %s', async (_what, path) => {
    // Act
    const response = await raw(path);

    // Assess: an empty header (say `Reporting-Endpoints:` with no endpoint) is noise every client
    // parses, and some proxies refuse it.
    const empty = response.rawHeaders.filter(
      (_name, index) => index % 2 === 0 && (response.rawHeaders[index + 1] ?? '').trim() === '',
    );
    expect(empty).toEqual([]);
  });

  it('refuses a query on the page like on any route', async () => {
    // Act
    const response = await api.request('GET', `${routes.getDocs.path}?url=https://example.invalid/x.json`);

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('GET /problems/{slug}: where a problem’s type leads', () => {
  it('answers a problem whose type, resolved against the API’s address, is a page explaining it', async () => {
    // Prepare: a real problem, as a client gets it.
    const problem = await api.request<{ type: string; title: string; status: number }>(
      'GET',
      '/v1/frameworks/NOT_AN_ID',
    );
    expect(problem.status).toBe(400);
    const document = problem.body;

    // Act
    const page = await raw(new URL(document.type, api.url).pathname);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headerValues(page, 'content-security-policy')).toEqual([problemPagesContentSecurityPolicy]);
    expect(page.headers['cache-control']).toMatch(/^public/);
    const html = page.bytes.toString('utf8');
    expect(html).toContain(`<h1>${document.title}</h1>`);
    expect(html).toContain(`<dt>status</dt><dd>${document.status}</dd>`);
  });

  it('lists every type on /problems, each link answering its page', async () => {
    // Act
    const index = await raw(routes.listProblemTypes.path);
    const pages = await Promise.all(problemSlugs.map((slug) => raw(`/problems/${slug}`)));

    // Assess
    expect(index.status).toBe(200);
    const html = index.bytes.toString('utf8');
    for (const [position, slug] of problemSlugs.entries()) {
      expect(html).toContain(`<a href="/problems/${slug}">`);
      expect(pages[position]?.status).toBe(200);
      expect(pages[position]?.bytes.toString('utf8')).toContain(`<h1>${problemTypes[slug].title}</h1>`);
    }
  });

  it('answers 404 problem+json for a type that does not exist, and 400 for one that cannot be', async () => {
    // Act
    const unknown = await api.request('GET', '/problems/teapot');
    const malformed = await api.request('GET', '/problems/Not_A_Type');

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect((unknown.body as { detail: string }).detail).toContain('/problems lists them all');
    expect(malformed.status).toBe(400);
  });
});

describe('problems on the HTML pages, to a browser', () => {
  const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it('answers a browser the problem as a page that loads nothing, and an API client problem+json', async () => {
    // Act
    const page = await raw('/awards/2099', { accept: browserAccept });
    const client = await raw('/awards/2099');

    // Assess
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headerValues(page, 'content-security-policy')).toHaveLength(1);
    expect(headerValues(page, 'content-security-policy')[0]).toMatch(/default-src 'none'/);
    const html = page.bytes.toString('utf8');
    expect(html).toContain('<title>Not found (404)</title>');
    expect(html).toContain('<a href="/problems/not-found">What this means and what to do</a>');
    expect(client.status).toBe(404);
    expect(client.headers['content-type']).toBe('application/problem+json');
  });

  it.each([
    ['/awards/2099/', 'Did you mean /awards/2099, without the trailing slash?'],
    ['/problems/not-found/', 'Did you mean /problems/not-found, without the trailing slash?'],
    ['/awards/2099/winners', 'No route GET /awards/2099/winners.'],
  ])('answers a browser that typed %s, a path no page serves, with a page too', async (path, says) => {
    // Act
    const page = await raw(path, { accept: browserAccept });
    const client = await raw(path);

    // Assess
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.bytes.toString('utf8')).toContain(says);
    expect(client.headers['content-type']).toBe('application/problem+json');
  });

  it('answers a browser problem+json on the API’s own paths', async () => {
    // Act
    const response = await raw('/v1/nothing-here', { accept: browserAccept });

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });
});
