import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { type Scope, scopesByRole } from '#shared/api/access.ts';
import type { Role } from '#shared/domain/roles.ts';
import { agencyClaim, roleClaim } from '#shared/http/identity.ts';

/**
 * A local identity provider standing in for Cognito: one RS256 signing key, tokens with the claims
 * Cognito would issue, and verification exactly as API Gateway's JWT authorizer performs it
 * (signature against the JWKS, `iss`, `aud`, `exp`, `nbf`, route scopes).
 */

export const localIssuer = 'https://local-idp.spbe.invalid';
export const localAudience = 'spbe-api';
const algorithm = 'RS256';

export interface TokenRequest {
  readonly subject: string;
  readonly role: Role;
  readonly agencyId?: string;
  readonly scopes?: readonly string[];
  readonly name?: string;
  /** As jose reads them: a string is a span from now ('12h'), a number a time in epoch seconds. Default 12 h. */
  readonly expiresIn?: string | number;
  readonly notBefore?: string | number;
  /** Epoch seconds; default now. */
  readonly issuedAt?: number;
  readonly issuer?: string;
  readonly audience?: string;
  readonly clientId?: string;
}

export type Verification =
  | { readonly ok: true; readonly claims: JWTPayload }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

export interface LocalIdentityProvider {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { keys: JWK[] };
  mint(request: TokenRequest): Promise<string>;
  /** As the JWT authorizer: 401 for a bad token, 403 when valid but lacking every route scope. */
  verify(authorization: string | undefined, routeScopes: readonly Scope[]): Promise<Verification>;
}

interface StoredKey {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

const createKey = async (): Promise<StoredKey> => {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  const kid = `local-${Date.now().toString(36)}`;
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: algorithm, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' },
  };
};

/** Loads the signing key from `keyFile` (creating it on first use) or makes an ephemeral one. */
export const createLocalIdentityProvider = async (
  options: { keyFile?: string } = {},
): Promise<LocalIdentityProvider> => {
  let stored: StoredKey;
  if (options.keyFile && existsSync(options.keyFile)) {
    stored = JSON.parse(readFileSync(options.keyFile, 'utf8')) as StoredKey;
  } else {
    stored = await createKey();
    if (options.keyFile) {
      mkdirSync(dirname(options.keyFile), { recursive: true });
      writeFileSync(options.keyFile, JSON.stringify(stored), { mode: 0o600 });
    }
  }
  const privateKey = await importJWK(stored.privateJwk, algorithm);
  const jwks = { keys: [stored.publicJwk] };
  const keySet = createLocalJWKSet(jwks);

  const mint = async (request: TokenRequest): Promise<string> => {
    const scopes = request.scopes ?? scopesByRole[request.role];
    const jwt = new SignJWT({
      [roleClaim]: request.role,
      ...(request.agencyId ? { [agencyClaim]: request.agencyId } : {}),
      scope: scopes.join(' '),
      ...(request.name ? { name: request.name } : {}),
      client_id: request.clientId ?? 'local-portal',
      token_use: 'access',
    })
      .setProtectedHeader({ alg: algorithm, kid: stored.publicJwk.kid ?? 'local', typ: 'JWT' })
      .setSubject(request.subject)
      .setIssuer(request.issuer ?? localIssuer)
      .setAudience(request.audience ?? localAudience)
      .setIssuedAt(request.issuedAt)
      .setJti(crypto.randomUUID())
      .setExpirationTime(request.expiresIn ?? '12h');
    if (request.notBefore !== undefined) jwt.setNotBefore(request.notBefore);
    return jwt.sign(privateKey);
  };

  const verify = async (
    authorization: string | undefined,
    routeScopes: readonly Scope[],
  ): Promise<Verification> => {
    if (!authorization) {
      return {
        ok: false,
        status: 401,
        reason: `The Authorization header is missing: send ${bearerHint}.`,
      };
    }
    // Another scheme (Basic, a cookie pasted whole) is not a malformed token but the wrong header.
    const scheme = /^([A-Za-z][\w.+-]*)\s+\S/.exec(authorization)?.[1];
    if (scheme !== undefined && scheme.toLowerCase() !== 'bearer') {
      return {
        ok: false,
        status: 401,
        reason: `The Authorization header uses the ${scheme} scheme; send ${bearerHint}.`,
      };
    }
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: localIssuer,
        audience: localAudience,
        algorithms: [algorithm],
        requiredClaims: ['exp'],
      });
      if (routeScopes.length > 0) {
        const granted = String(payload.scope ?? payload.scp ?? '').split(/\s+/);
        if (!routeScopes.some((scope) => granted.includes(scope))) {
          return {
            ok: false,
            status: 403,
            reason: `The token lacks every scope this route accepts: ${routeScopes.join(', ')}.`,
          };
        }
      }
      return { ok: true, claims: payload };
    } catch (error) {
      return { ok: false, status: 401, reason: describeJoseError(error) };
    }
  };

  return { issuer: localIssuer, audience: localAudience, jwks, mint, verify };
};

/** What a caller without a usable token is told to send (locally, `npm run token` makes one). */
const bearerHeader = '`Authorization: Bearer <access token>`';
const localTokenHint = '(locally: `npm run -s token -- --role …`)';
const bearerHint = `${bearerHeader} ${localTokenHint}`;

/** A token's time claim as an instant, when it is one. */
const instantOf = (seconds: unknown): string | undefined =>
  typeof seconds === 'number' && Number.isFinite(seconds)
    ? new Date(seconds * 1000).toISOString()
    : undefined;

/** Why a token is refused, and what to do about it: a person reads this, not jose's reason codes. */
const describeJoseError = (error: unknown): string => {
  if (error instanceof joseErrors.JWTExpired) {
    const at = instantOf(error.payload.exp);
    return `The token expired${at ? ` at ${at}` : ''}; get a new access token ${localTokenHint} and send it as ${bearerHeader}.`;
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
    const at = instantOf(error.payload.nbf);
    return `The token's \`nbf\` claim is not accepted: it is not valid before ${at ?? 'its nbf time'}. Wait until then, or check the clock of the machine that issued it.`;
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `The token's \`${error.claim}\` claim is not accepted (${error.reason}).`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is invalid.';
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'The token is signed with an algorithm that is not accepted.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token was signed by an unknown key.';
  return `The token is malformed: send ${bearerHint}.`;
};

/**
 * API Gateway hands claims to the Lambda flattened to strings (arrays as `[a b]`); reproduce that so
 * local handlers see what deployed ones see.
 */
export const flattenClaims = (claims: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(claims).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      if (Array.isArray(value)) return [name, `[${value.join(' ')}]`];
      if (value !== null && typeof value === 'object') return [name, JSON.stringify(value)];
      return [name, String(value)];
    }),
  );
