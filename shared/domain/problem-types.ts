/**
 * Every kind of failure the API answers with, by its problem type's slug: the status it travels with
 * and the title every problem document of that type carries. One list, read by the error hierarchy
 * (`errors.ts`: an error names its slug, nothing else), by the problem-details middleware and by the
 * pages that document each type at its `type` URI (`/problems/<slug>`).
 */
export const problemTypes = {
  'bad-request': { status: 400, title: 'Bad request' },
  'validation-failed': { status: 400, title: 'The request has invalid fields' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  'precondition-failed': { status: 412, title: 'The resource has changed (stale If-Match)' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency-Key already used for a different request',
  },
  'precondition-required': { status: 428, title: 'If-Match header required' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'request-header-fields-too-large': { status: 431, title: 'Request header fields too large' },
  'internal-error': { status: 500, title: 'Internal server error' },
  'service-unavailable': { status: 503, title: 'Service temporarily unavailable' },
} as const satisfies Record<string, { readonly status: number; readonly title: string }>;

export type ProblemSlug = keyof typeof problemTypes;

export const problemSlugs = Object.keys(problemTypes) as readonly ProblemSlug[];

export const isProblemSlug = (text: string): text is ProblemSlug => Object.hasOwn(problemTypes, text);
