import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createDecoder, createVerifier, TokenError } from 'fast-jwt';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { defaultScopesByRole, type Scope } from '#shared/api/access.ts';
import type { Role } from '#shared/domain/roles.ts';
import { agencyClaim, roleClaim } from '#shared/http/identity.ts';

/**
 * A local identity provider standing in for Cognito: one RS256 signing key, tokens with the claims
 * Cognito would issue, and verification exactly as API Gateway's JWT authorizer performs it
 * (signature against the JWKS, `iss`, `aud`, `exp`, `nbf`, route scopes).
 *
 * jose makes the keys and signs; fast-jwt verifies. jose verifies through WebCrypto, which runs
 * each RSA check as a job on libuv's thread pool: under load (`npm run bench -- api-load`) the
 * hand-off cost the gateway stand-in more than the rest of its work on a request, while fast-jwt
 * checks the same signature and claims synchronously with `node:crypto`.
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
  // One verifier per key of the JWKS, by key id, each with its key parsed once. Every request is
  // verified afresh, as the authorizer does: no cache of verified tokens.
  const verifiers = new Map(
    jwks.keys.map((jwk) => [
      jwk.kid,
      createVerifier({
        key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString(),
        algorithms: [algorithm],
        allowedIss: localIssuer,
        allowedAud: localAudience,
        requiredClaims: ['exp'],
        cache: false,
      }),
    ]),
  );
  const decodeHeader = createDecoder({ complete: true });
  /** As jose's local JWKS: the key the token names, or the only key when it names none. */
  const verifierFor = (token: string) => {
    const { header } = decodeHeader(token) as { header: { kid?: unknown } };
    if (header.kid === undefined && verifiers.size === 1) return [...verifiers.values()][0];
    return typeof header.kid === 'string' ? verifiers.get(header.kid) : undefined;
  };

  const mint = async (request: TokenRequest): Promise<string> => {
    const scopes = request.scopes ?? defaultScopesByRole[request.role];
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
    if (!authorization) return { ok: false, status: 401, reason: 'The Authorization header is missing.' };
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    try {
      const verifyToken = verifierFor(token);
      if (verifyToken === undefined) {
        return { ok: false, status: 401, reason: 'The token was signed by an unknown key.' };
      }
      const payload = verifyToken(token) as JWTPayload;
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
      return { ok: false, status: 401, reason: describeTokenError(error) };
    }
  };

  return { issuer: localIssuer, audience: localAudience, jwks, mint, verify };
};

/** Why a token was refused, in the words of the authorizer's 401 (fast-jwt's codes, its claim names). */
const describeTokenError = (error: unknown): string => {
  if (!(error instanceof TokenError)) return 'The token is malformed.';
  const { codes } = TokenError;
  switch (error.code) {
    case codes.expired:
      return 'The token has expired.';
    case codes.inactive:
      return "The token's `nbf` claim is not accepted (the token is not valid yet).";
    case codes.invalidClaimValue:
    case codes.invalidClaimType:
    case codes.missingRequiredClaim: {
      const claim = /\b(iss|aud|sub|exp|nbf|iat|jti)\b/.exec(error.message)?.[1] ?? 'claim';
      return `The token's \`${claim}\` claim is not accepted (${error.message})`;
    }
    case codes.invalidSignature:
      return 'The token signature is invalid.';
    case codes.invalidAlgorithm:
      return 'The token is signed with an algorithm that is not accepted.';
    default:
      return 'The token is malformed.';
  }
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
