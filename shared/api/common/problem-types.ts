import { type ProblemSlug, problemSlugs, problemTypes } from '#shared/domain/problem-types.ts';

/** The page listing every problem type. */
export const problemListUri = '/problems';

/**
 * A problem document's `type`: a relative reference (RFC 9457 §3.1.1 allows them) that, resolved
 * against the API's address, leads to the page documenting it.
 */
export const problemTypeUri = (slug: ProblemSlug): string => `${problemListUri}/${slug}`;

/** Every `type` a problem document can carry. */
export const problemTypeUris = problemSlugs.map(problemTypeUri);

/** Every `title` a problem document can carry (each type has one). */
export const problemTitles = [...new Set(problemSlugs.map((slug) => problemTypes[slug].title))];

/**
 * What each problem type means to the client that receives it and what to do about it: the text of
 * the page at its `type` URI (`/problems/<slug>`, RFC 9457 §3.1.1: a type URI should lead a person
 * to documentation). Typed over every slug, so a new kind of failure cannot ship undocumented.
 */
export interface ProblemGuide {
  /** When the API answers with this type. */
  readonly meaning: string;
  /** What the caller does next. */
  readonly whatToDo: string;
  /** Whether sending the same request again, unchanged, can succeed. */
  readonly retry: 'never' | 'later' | 'after-fix';
}

export const problemGuides = {
  'bad-request': {
    meaning:
      'The request could not be read at all: a body that is not JSON, a body where the route takes none, or a header the API cannot parse. `detail` says which.',
    whatToDo: 'Correct the request as `detail` says and send it again.',
    retry: 'after-fix',
  },
  'validation-failed': {
    meaning:
      'The request was read, but fields in it are invalid. `errors` lists each one: `pointer` is a JSON Pointer into the request (`/body/…`, `/query/…`, `/params/…`, `/headers/…`) and `detail` says what is wrong with it. The limits are in the OpenAPI document at `/v1/openapi.json`.',
    whatToDo:
      'Correct every field `errors` names (all invalid fields are reported at once, up to 20 of a query and 2000 of a body: `detail` says how many there are in all) and send the request again. Nothing was written.',
    retry: 'after-fix',
  },
  unauthorized: {
    meaning:
      'The route needs a bearer token and the request has none, or its token is not valid: expired, not yet valid, signed by another issuer, or meant for another audience.',
    whatToDo:
      'Obtain a new access token from the identity provider and send it as `Authorization: Bearer <token>`. `GET /v1/me` shows how the API reads a token.',
    retry: 'after-fix',
  },
  forbidden: {
    meaning:
      'The token is valid, but its role, scopes or agency do not allow this action: for example an agency operator writing another agency’s data, or a token without the scope the route needs. `detail` names what is missing.',
    whatToDo:
      'Ask your administrator for the role or scope the operation needs (each operation in `/docs` lists them); do not retry with the same token.',
    retry: 'never',
  },
  'not-found': {
    meaning:
      'Nothing exists at this path for you: the resource does not exist, is not published yet, or belongs to another agency (the API answers 404 rather than 403 there, so that another agency’s data does not even reveal that it exists).',
    whatToDo:
      'Check the identifiers in the path (agency id, year, indicator number) and your token’s agency.',
    retry: 'never',
  },
  'method-not-allowed': {
    meaning: 'The path exists, but not with this HTTP method. The `Allow` header lists the methods it takes.',
    whatToDo: 'Use one of the methods `Allow` lists.',
    retry: 'never',
  },
  'not-acceptable': {
    meaning:
      'The `Accept` header allows none of the media types the resource is available in; `available` lists them.',
    whatToDo:
      'Send `Accept` with one of the `available` types (or `*/*`, or no `Accept`), or choose with the route’s `format` parameter where it has one.',
    retry: 'after-fix',
  },
  conflict: {
    meaning:
      'The request is valid but conflicts with the current state of the resource: a window that is closed, a self-assessment already submitted, a ranking run already in progress, an identifier already taken, or the same Idempotency-Key still being processed. `detail` says which.',
    whatToDo:
      'Read the resource again and decide with its current state. A conflict over an Idempotency-Key still being processed clears in seconds: retry the same request then.',
    retry: 'later',
  },
  'precondition-failed': {
    meaning:
      'The `If-Match` header carries an ETag that is no longer current: someone (perhaps your own earlier request, whose answer you did not get) changed the resource after you read it. Or it is no ETag as sent: ETags are quoted (`"3"`, not `3`), and a weak one (`W/"3"`) never matches a write. Nothing was written, so nobody’s change was overwritten.',
    whatToDo:
      'GET the resource again, apply your change to what it holds now, and send it with the new ETag.',
    retry: 'after-fix',
  },
  'request-timeout': {
    meaning:
      'The request did not arrive in full in time. Only the local runtime (`npm start`) answers with it; deployed, API Gateway applies its own timeouts.',
    whatToDo: 'Send the request again over a working connection.',
    retry: 'later',
  },
  'payload-too-large': {
    meaning: 'The request body is larger than the route accepts. `detail` gives the size and the limit.',
    whatToDo: 'Send less per request: the OpenAPI document gives each route’s limits on items and lengths.',
    retry: 'after-fix',
  },
  'unsupported-media-type': {
    meaning:
      'The `Content-Type` of the body is not one the route accepts, or names a charset other than UTF-8.',
    whatToDo:
      'Send `Content-Type: application/json` (or `text/csv` where the route takes CSV, as its request body in the OpenAPI document says), in UTF-8: `charset=utf-8` or no charset.',
    retry: 'after-fix',
  },
  'idempotency-key-reused': {
    meaning:
      'The `Idempotency-Key` was used before with a different request. A key stands for one request: its first answer is replayed to every retry of that same request.',
    whatToDo:
      'Use a new key for a new request; reuse a key only to retry exactly the same request after a timeout or a network error.',
    retry: 'after-fix',
  },
  'precondition-required': {
    meaning:
      'This write changes a resource others may change too, so it must say which version it read: it needs an `If-Match` header.',
    whatToDo:
      'GET the resource, then send its `ETag` as `If-Match` (for a self-assessment draft never saved: `"0"`). `*` is not accepted.',
    retry: 'after-fix',
  },
  'too-many-requests': {
    meaning:
      'This client sent more requests than its limit allows in the current window. The `RateLimit-Policy` and `RateLimit` headers on every answer give the limit and what is left.',
    whatToDo: 'Wait the number of seconds `Retry-After` gives, then send the request again.',
    retry: 'later',
  },
  'request-header-fields-too-large': {
    meaning:
      'The request’s headers are larger than the server accepts. Only the local runtime (`npm start`) answers with it; deployed, API Gateway applies its own limits.',
    whatToDo: 'Send fewer or shorter headers: a bearer token and the headers the route documents are enough.',
    retry: 'after-fix',
  },
  'internal-error': {
    meaning:
      'The API failed on a defect of its own; nothing in the request is known to be wrong. The failure is logged with its request id, and the on-call engineer is alerted when such failures add up.',
    whatToDo:
      'Quote `requestId` when you report it. Reads may be retried; retry a write only with the same Idempotency-Key (where the route takes one) or after reading the resource again.',
    retry: 'later',
  },
  'service-unavailable': {
    meaning:
      'The database is throttling or briefly unavailable. Nothing was written, or the write was rolled back in full.',
    whatToDo:
      'Retry after the seconds `Retry-After` gives (if present), with exponential backoff; a write with an Idempotency-Key is safe to retry.',
    retry: 'later',
  },
} as const satisfies Record<ProblemSlug, ProblemGuide>;
