/**
 * The one error hierarchy of the API. Domain, services and adapters throw these; exactly one
 * middleware (`shared/http/problem-details.ts`) turns them into RFC 9457 `application/problem+json`.
 * Only errors below 500 expose their message to the client.
 *
 * It lives in the domain because every layer may throw it and the domain may import nothing else.
 * A status is a number, not an HTTP library: the kinds of failure (not found, conflict, stale
 * version) are the domain's vocabulary; how they travel is the problem-details middleware's.
 */

import { type ProblemSlug, problemTypes } from './problem-types.ts';

/** One invalid field, located by a JSON Pointer (RFC 6901) into the request, e.g. `/body/indicators/0/level`. */
export interface FieldError {
  readonly pointer: string;
  readonly detail: string;
}

export interface AppErrorOptions {
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  readonly cause?: unknown;
  /** Extra members of the problem document (RFC 9457 §3.2 extensions), e.g. `unanswered`. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export abstract class AppError extends Error {
  /**
   * The problem type: its status and title come from the one list of them (`problem-types.ts`); the
   * problem document's `type` is `/problems/<slug>`, a page documenting it.
   */
  abstract readonly slug: ProblemSlug;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[];
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  get status(): number {
    return problemTypes[this.slug].status;
  }

  get title(): string {
    return problemTypes[this.slug].title;
  }

  /** Whether the client may read `detail`: only below 500, unless a subclass says its message is safe. */
  get expose(): boolean {
    return this.status < 500;
  }

  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail ?? message;
    this.errors = options.errors ?? [];
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export class BadRequestError extends AppError {
  readonly slug = 'bad-request';
}

/** The request is well-formed but fields are invalid; `errors` names each one. */
export class ValidationError extends AppError {
  readonly slug = 'validation-failed';
}

/**
 * A cursor the listing did not return — forged, of other filters, or past its end: 400 naming it,
 * never read on (it would skip or repeat entries). One wording for every paginated listing.
 */
export const foreignCursorError = (filters = 'the same filters'): ValidationError =>
  new ValidationError('The cursor is not one this listing returned.', {
    errors: [{ pointer: '/query/cursor', detail: `Use the nextCursor of the previous page with ${filters}` }],
  });

export class UnauthorizedError extends AppError {
  readonly slug = 'unauthorized';
}

export class ForbiddenError extends AppError {
  readonly slug = 'forbidden';
}

/** Also used for another agency's data, so that its existence does not leak. */
export class NotFoundError extends AppError {
  readonly slug = 'not-found';
}

export class MethodNotAllowedError extends AppError {
  readonly slug = 'method-not-allowed';
}

/** Accept allows none of the media types the resource is available in (RFC 9110 §15.5.7). */
export class NotAcceptableError extends AppError {
  readonly slug = 'not-acceptable';
}

export class ConflictError extends AppError {
  readonly slug = 'conflict';
}

export class PreconditionFailedError extends AppError {
  readonly slug = 'precondition-failed';
}

export class PayloadTooLargeError extends AppError {
  readonly slug = 'payload-too-large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly slug = 'unsupported-media-type';
}

/** Same Idempotency-Key reused with a different request (Stripe semantics). */
export class IdempotencyKeyReuseError extends AppError {
  readonly slug = 'idempotency-key-reused';
}

export class PreconditionRequiredError extends AppError {
  readonly slug = 'precondition-required';
}

export class TooManyRequestsError extends AppError {
  readonly slug = 'too-many-requests';
}

/** A dependency (DynamoDB) is throttling or unavailable: the client may retry later. */
export class ServiceUnavailableError extends AppError {
  readonly slug = 'service-unavailable';
  // Our own wording ("the database is busy; retry"), never a dependency's message.
  override get expose(): boolean {
    return true;
  }
}

/**
 * Errors thrown by the pure domain itself: they extend the one hierarchy above, so the single
 * problem-details middleware maps them without a translation table.
 */

/**
 * Framework data breaks an invariant (weights, numbering, bands). This is a defect in versioned data shipped
 * with the code, not a client mistake, hence 500: the client sees an internal error (its message,
 * naming the broken invariants, is logged, never sent).
 */
export class FrameworkValidationError extends AppError {
  readonly slug = 'internal-error';
  readonly frameworkId: string;
  readonly problems: readonly string[];

  constructor(frameworkId: string, problems: readonly string[]) {
    super(`Framework '${frameworkId}' is invalid:\n- ${problems.join('\n- ')}`);
    this.frameworkId = frameworkId;
    this.problems = problems;
  }
}

/** No framework is registered under the requested id. */
export class UnknownFrameworkError extends NotFoundError {}

/** Scoring, ranking or award input that cannot be processed (unknown indicator, level 7, duplicate agency…). */
export class DomainInputError extends ValidationError {}
