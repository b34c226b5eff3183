/**
 * Errors thrown by the pure domain. They extend the API's one hierarchy (`shared/errors.ts`) so the single
 * problem-details middleware maps them without a translation table.
 */
import { AppError, NotFoundError, ValidationError } from '../errors.ts';

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
