import { scopesBeyondRole } from '#shared/api/access.ts';
import { type Role, roles } from '#shared/domain/roles.ts';

/** Claims as API Gateway's JWT authorizer passes them: every value flattened to a string. */
export type JwtClaims = Readonly<Record<string, string | number | boolean | string[]>>;

/** The caller as the API understands them. */
export interface Identity {
  readonly subject: string;
  readonly clientId: string | undefined;
  readonly role: Role;
  /** The one agency an agency operator (or agency machine client) acts for. */
  readonly agencyId: string | undefined;
  /** The token's scopes that count: those its role may hold (`scopesByRole`), and non-API ones. */
  readonly scopes: readonly string[];
  /**
   * API scopes the token carries but its role may not hold, ignored (`scopesBeyondRole`): shown by
   * `GET /v1/me` and named in a 403, so an integrator sees why `spbe/admin` did not help.
   */
  readonly ignoredScopes: readonly string[];
  readonly name: string | undefined;
  readonly expiresAt: Date | undefined;
}

/** Custom claims we read; Cognito spells custom attributes `custom:<name>`. */
export const roleClaim = 'custom:role';
export const agencyClaim = 'custom:agency_id';

export type IdentityResult =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly reason: string };

const text = (value: JwtClaims[string] | undefined): string | undefined => {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(' ');
  return String(value);
};

/** API Gateway renders array claims as `[a b c]`; accept that form and plain space-separated lists. */
const list = (value: JwtClaims[string] | undefined): string[] => {
  if (Array.isArray(value)) return value.map(String);
  const raw = text(value)?.trim() ?? '';
  const unbracketed = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  return unbracketed.split(/[\s,]+/).filter((item) => item.length > 0);
};

/** Reads the caller's identity from verified claims. Pure: the signature was checked upstream. */
export const identityFromClaims = (claims: JwtClaims): IdentityResult => {
  const subject = text(claims.sub);
  if (!subject) return { ok: false, reason: 'The token has no `sub` claim.' };
  // Cognito ID tokens also pass API Gateway's audience check on routes without scopes; the API
  // is authorized by access tokens only.
  const tokenUse = text(claims.token_use);
  if (tokenUse !== undefined && tokenUse !== 'access') {
    return { ok: false, reason: `Send an access token; this is a "${tokenUse}" token.` };
  }
  const roleText = text(claims[roleClaim]);
  const role = roles.find((candidate) => candidate === roleText);
  if (!role) {
    return {
      ok: false,
      reason: `The token's \`${roleClaim}\` claim must be one of ${roles.join(', ')}; it is ${roleText === undefined ? 'missing' : `"${roleText}"`}.`,
    };
  }
  const agencyId = text(claims[agencyClaim]);
  if (role === 'agency' && !agencyId) {
    return {
      ok: false,
      reason: `An agency token must carry the \`${agencyClaim}\` claim naming its agency.`,
    };
  }
  const expiry = Number(text(claims.exp));
  const carried = list(claims.scope);
  const ignoredScopes = scopesBeyondRole(role, carried);
  return {
    ok: true,
    identity: {
      subject,
      clientId: text(claims.client_id) ?? text(claims.azp),
      role,
      agencyId: role === 'agency' ? agencyId : undefined,
      scopes: carried.filter((carriedScope) => !ignoredScopes.includes(carriedScope)),
      ignoredScopes,
      name: text(claims.name),
      expiresAt: Number.isFinite(expiry) && expiry > 0 ? new Date(expiry * 1000) : undefined,
    },
  };
};
