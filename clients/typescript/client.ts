import createClient from 'openapi-fetch';
import type { components, paths, webhooks } from './schema.d.ts';

/**
 * A typed client of the SPBE Award API: openapi-fetch over the generated types (`schema.d.ts`).
 * Every path, parameter, header and body is checked by the compiler against the served contract;
 * answers come back as `{ data, error, response }`, with `error` typed as the problem document.
 */

/** The API's schemas by name: `Schemas['SelfAssessment']`, `Schemas['Problem']` … */
export type Schemas = components['schemas'];

/**
 * Every event a webhook delivers, as the document's `webhooks` publish it, told apart by `type`:
 * after verifying a delivery's signature, narrow on `event.type` to read its `data` typed.
 */
export type WebhookEvent = {
  [Type in keyof webhooks]: webhooks[Type]['post'] extends {
    requestBody: { content: { 'application/json': infer Event } };
  }
    ? Event
    : never;
}[keyof webhooks];

export interface SpbeClientOptions {
  /** Where the API is, without `/v1`: `https://api.spbe.example` or `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** An OAuth2 access token (client credentials for portals; `npm start` prints local ones). */
  readonly token: string;
}

/**
 * No HTTP answer came back at all: the connection was refused, the host not found, the connection
 * reset. openapi-fetch returns `{ data, error }` for answers only and throws fetch's own
 * `TypeError: fetch failed` otherwise; this says which request and why, with fetch's error as `cause`.
 */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
}

const networkReasons: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

const networkReason = (error: unknown): string => {
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  if (code !== undefined) return networkReasons[code] ?? code;
  return error instanceof Error ? error.message : String(error);
};

export const createSpbeClient = ({ baseUrl, token }: SpbeClientOptions) => {
  const client = createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  client.use({
    onError: ({ request, error }) =>
      new ApiUnreachableError(`${request.method} ${request.url}: no answer (${networkReason(error)})`, {
        cause: error,
      }),
  });
  return client;
};

export type SpbeClient = ReturnType<typeof createSpbeClient>;

/** One line saying what a problem document says: status, title, detail, the invalid fields. */
export const describeProblem = (problem: Partial<Schemas['Problem']> | undefined, status: number): string => {
  if (problem === undefined) return `HTTP ${status}`;
  const fields = (problem.errors ?? []).map((error) => `${error.pointer}: ${error.detail}`).join('; ');
  return `${problem.status ?? status} ${problem.title ?? ''}${problem.detail ? ` — ${problem.detail}` : ''}${fields ? ` [${fields}]` : ''}`;
};
