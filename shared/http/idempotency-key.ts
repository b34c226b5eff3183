import type { Context } from 'aws-lambda';
import { idempotencyKeyMaxChars } from '#shared/api/route-spec.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import type { Role } from '#shared/domain/roles.ts';

/**
 * What every function's dispatcher needs of `Idempotency-Key`: the header, its check and the guard's
 * port. The guard itself (Powertools' idempotency utility and its DynamoDB store, `idempotency.ts`)
 * is built only by the functions that have idempotent routes, so no other function bundles it.
 */

export const idempotencyHeader = 'idempotency-key';

/**
 * What identifies a request (who sends it, on which route, with which key) and what must be the
 * same for a replay (path and body). The caller is its subject, role and agency, not the subject
 * alone: replays skip every check of the route, so a subject re-bound to another agency or role
 * must not be handed what it received as the first.
 */
export interface IdempotentRequest {
  readonly subject: string;
  readonly role: Role | undefined;
  readonly agencyId: string | undefined;
  readonly routeKey: string;
  readonly key: string;
  readonly path: string;
  readonly body: string;
}

export interface StoredResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Where a route claims its `Idempotency-Key` (`RouteSpec.idempotencyClaim`): `before` the route
 * runs, in a record of its own (Powertools' flow: a put before, an update after), or `with-change`,
 * in the transaction of the change the route commits (one round trip fewer; the key is taken
 * exactly when the change is made, so a duplicate's transaction fails and changes nothing).
 */
export type IdempotencyClaim = 'before' | 'with-change';

export interface IdempotencyGuard {
  run(
    request: IdempotentRequest,
    context: Context,
    execute: () => Promise<StoredResponse>,
    claim?: IdempotencyClaim,
  ): Promise<StoredResponse>;
}

export const readIdempotencyKey = (
  headers: Readonly<Record<string, string | undefined>>,
): string | undefined => {
  const key = headers[idempotencyHeader];
  if (key === undefined) return undefined;
  if (key.trim().length === 0 || key.length > idempotencyKeyMaxChars) {
    throw new ValidationError(`The Idempotency-Key header must be 1–${idempotencyKeyMaxChars} characters.`, {
      errors: [{ pointer: '/headers/idempotency-key', detail: `1–${idempotencyKeyMaxChars} characters` }],
    });
  }
  return key;
};
