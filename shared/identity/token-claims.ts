import { scopesBeyondRole } from '#shared/api/access.ts';
import { type Role, roles } from '#shared/domain/roles.ts';
import { agencyClaim, roleClaim } from '../http/identity.ts';

/**
 * What the pre-token-generation trigger (functions/identity/pre-token.ts) writes into Cognito tokens:
 * exactly the claims `identityFromClaims` (shared/http/identity.ts) reads — `custom:role`, and
 * `custom:agency_id` for agency callers only. Pure: no AWS imports, no I/O.
 *
 * When the source data is not a valid identity (unknown role, agency without agency id, unregistered
 * machine client) nothing is added: the token is still issued, but without a role the API answers
 * 403 to every call — the safe default. The refusal's reason is returned so the trigger can log it.
 */

/** Claim name → value, as Cognito's `claimsToAddOrOverride` takes them. */
export type RoleClaims = Readonly<Record<string, string>>;

export type TokenClaimsResult =
  | { readonly ok: true; readonly role: Role; readonly claims: RoleClaims }
  | { readonly ok: false; readonly reason: string };

/**
 * A machine client's registration (programme table item `CLIENT#<clientId>` / `CLIENT`): the role its
 * client-credentials tokens carry and, for agency integrations, the agency it acts for. Typed loosely
 * on purpose: the item comes from storage and is validated here, not trusted.
 */
export interface MachineClientRegistration {
  readonly role?: unknown;
  readonly agencyId?: unknown;
}

const refuse = (reason: string): TokenClaimsResult => ({ ok: false, reason });

const shown = (value: unknown): string =>
  value === undefined ? 'missing' : typeof value === 'string' ? `"${value}"` : `a ${typeof value}`;

/** The claims for a role and (for agency callers) an agency id, or why there are none. */
export const roleClaimsFor = (role: unknown, agencyId: unknown): TokenClaimsResult => {
  const known = roles.find((candidate) => candidate === role);
  if (known === undefined) {
    return refuse(`role must be one of ${roles.join(', ')}; it is ${shown(role)}`);
  }
  if (known !== 'agency') {
    // An admin or assessor acts for no single agency: a stale agency id must not travel with them.
    return { ok: true, role: known, claims: { [roleClaim]: known } };
  }
  if (typeof agencyId !== 'string' || agencyId.trim().length === 0) {
    return refuse(`role agency needs an agency id; it is ${shown(agencyId)}`);
  }
  return { ok: true, role: known, claims: { [roleClaim]: known, [agencyClaim]: agencyId } };
};

/**
 * Claims for a user, from the Cognito user attributes of the trigger event. The attributes are named
 * exactly like the claims (`custom:role`, `custom:agency_id`): Cognito spells custom attributes so.
 */
export const userTokenClaims = (
  userAttributes: Readonly<Record<string, string | undefined>>,
): TokenClaimsResult => roleClaimsFor(userAttributes[roleClaim], userAttributes[agencyClaim]);

/** Claims for a machine client (client credentials), from its registration; none when unregistered. */
export const machineClientTokenClaims = (
  registration: MachineClientRegistration | undefined,
): TokenClaimsResult =>
  registration === undefined
    ? refuse('the machine client is not registered')
    : roleClaimsFor(registration.role, registration.agencyId);

/** What to put into `claimsToAddOrOverride`: the claims, or nothing at all when refused. */
export const claimsToAdd = (result: TokenClaimsResult): RoleClaims => (result.ok ? result.claims : {});

/**
 * The requested API scopes to take out of the access token: those the granted role may not hold, and
 * every API scope when no role was granted. Cognito grants whatever scopes an app client allows,
 * whoever signs in; suppressed here, a token states only what its holder may do, and API Gateway's
 * authorizer already refuses an operator's token on admin routes. (The API ignores such scopes
 * anyway: `identityFromClaims`.)
 */
export const scopesToSuppress = (result: TokenClaimsResult, requested: readonly string[]): string[] =>
  scopesBeyondRole(result.ok ? result.role : undefined, requested);
