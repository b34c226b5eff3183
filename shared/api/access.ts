/**
 * Who may call what. Roles come from the token's `custom:role` claim (Cognito custom attribute,
 * copied into access tokens by a pre-token-generation trigger); scopes from its `scope` claim
 * (Cognito resource-server scopes, also what machine clients using client credentials receive).
 *
 * API Gateway's JWT authorizer checks the scopes a route lists (any one suffices); the Lambda then
 * checks the role and, for agency data, that the caller's agency is the one in the path.
 */

import type { Role } from '#shared/domain/roles.ts';

/** Resource-server identifier: scopes are `spbe/<name>` as Cognito spells them. */
export const resourceServerIdentifier = 'spbe';

export const scopeNames = [
  'admin',
  'self-assessment.read',
  'self-assessment.write',
  'assessment.write',
  'webhooks.manage',
] as const;
export type ScopeName = (typeof scopeNames)[number];
export type Scope = `spbe/${ScopeName}`;

export const scope = (name: ScopeName): Scope => `spbe/${name}`;

export const scopeDescriptions: Readonly<Record<ScopeName, string>> = {
  admin: 'Kemenpan RB review team: registry, cycles, assignments, rankings, awards, audit',
  'self-assessment.read': 'Read the own agency’s self-assessment and results',
  'self-assessment.write': 'Fill and submit the own agency’s self-assessment',
  'assessment.write': 'External assessors: score assigned agencies',
  'webhooks.manage': 'Register the own agency’s webhook endpoints',
};

/**
 * The scopes each role may hold — and what a demo or local token of the role receives by default
 * (`npm run token`). A scope only narrows what a role may do, never widens it: the pre-token trigger
 * suppresses the others (Cognito issues whatever scopes an app client allows, whoever signs in), and
 * the API ignores any that still arrive (`identityFromClaims`), so an operator whose portal asked for
 * `spbe/admin` holds nothing more than an operator.
 */
export const scopesByRole: Readonly<Record<Role, readonly Scope[]>> = {
  admin: [scope('admin')],
  assessor: [scope('assessment.write')],
  agency: [scope('self-assessment.read'), scope('self-assessment.write'), scope('webhooks.manage')],
};

/** Whether a scope is one of this API's (`spbe/…`), as opposed to `openid`, `email` and the like. */
export const isApiScope = (candidate: string): boolean =>
  candidate.startsWith(`${resourceServerIdentifier}/`);

/** API scopes among `held` that `role` may not hold: ignored by the API, suppressed by the trigger. */
export const scopesBeyondRole = (role: Role | undefined, held: readonly string[]): string[] =>
  held.filter(
    (candidate) =>
      isApiScope(candidate) &&
      (role === undefined || !(scopesByRole[role] as readonly string[]).includes(candidate)),
  );

/**
 * CORS, one list for API Gateway's configuration, the handlers and the local runtime: the request
 * headers a browser portal may send and the response headers its scripts may read.
 */
export const corsAllowedRequestHeaders = [
  'authorization',
  'content-type',
  'if-match',
  // Not CORS-safelisted: without it a portal's revalidation of a public read (304) fails its preflight.
  'if-none-match',
  // Not safelisted either: docs/webhooks.md tells a portal to read an award past any cache with
  // `Cache-Control: no-cache`; without it that read fails its preflight in a browser.
  'cache-control',
  'idempotency-key',
] as const;
export const corsExposedResponseHeaders = [
  'etag',
  'location',
  'retry-after',
  'allow',
  'idempotent-replayed',
  'idempotency-key-expires',
  // Per-client limits (shared/http/rate-limit.ts): a browser portal paces itself by them.
  'ratelimit',
  'ratelimit-policy',
  // A 401's reason (API Gateway: `error="invalid_token" error_description="…"`): sign in again or not.
  'www-authenticate',
] as const;
