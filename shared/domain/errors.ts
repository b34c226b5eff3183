/**
 * The one error hierarchy of the API. Domain, services and adapters throw these; exactly one
 * middleware (`shared/http/problem-details.ts`) turns them into RFC 9457 `application/problem+json`.
 * Only errors below 500 expose their message to the client.
 *
 * It lives in the domain because every layer may throw it and the domain may import nothing else.
 * A status is a number, not an HTTP library: the kinds of failure (not found, conflict, stale
 * version) are the domain's vocabulary; how they travel is the problem-details middleware's.
 */

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
  abstract readonly status: number;
  /** Short kebab-case problem type; the document's `type` is `https://spbe.example.id/problems/<slug>`. */
  abstract readonly slug: string;
  abstract readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[];
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

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
  readonly status = 400;
  readonly slug = 'bad-request';
  readonly title = 'Bad request';
}

/** The request is well-formed but fields are invalid; `errors` names each one. */
export class ValidationError extends AppError {
  readonly status = 400;
  readonly slug = 'validation-failed';
  readonly title = 'The request has invalid fields';
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly slug = 'unauthorized';
  readonly title = 'Authentication required';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly slug = 'forbidden';
  readonly title = 'Not allowed';
}

/** Also used for another agency's data, so that its existence does not leak. */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly slug = 'not-found';
  readonly title = 'Not found';
}

export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly slug = 'method-not-allowed';
  readonly title = 'Method not allowed';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly slug = 'conflict';
  readonly title = 'Conflict with the current state';
}

export class PreconditionFailedError extends AppError {
  readonly status = 412;
  readonly slug = 'precondition-failed';
  readonly title = 'The resource has changed (stale If-Match)';
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly slug = 'payload-too-large';
  readonly title = 'Request body too large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly slug = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
}

/** Same Idempotency-Key reused with a different request (Stripe semantics). */
export class IdempotencyKeyReuseError extends AppError {
  readonly status = 422;
  readonly slug = 'idempotency-key-reused';
  readonly title = 'Idempotency-Key already used for a different request';
}

export class PreconditionRequiredError extends AppError {
  readonly status = 428;
  readonly slug = 'precondition-required';
  readonly title = 'If-Match header required';
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly slug = 'too-many-requests';
  readonly title = 'Too many requests';
}

/** A dependency (DynamoDB) is throttling or unavailable: the client may retry later. */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly slug = 'service-unavailable';
  readonly title = 'Service temporarily unavailable';
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
 * with the code, not a client mistake, hence 500.
 */
export class FrameworkValidationError extends AppError {
  readonly status = 500;
  readonly slug = 'invalid-framework';
  readonly title = 'Framework data is invalid';
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
