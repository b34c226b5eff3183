import { describe, expect, it } from 'vitest';
import { agencyClaim, identityFromClaims, type JwtClaims, roleClaim } from '#shared/http/identity.ts';

/** Claims as API Gateway's JWT authorizer hands them to the Lambda: every value a string. */
const flattened = (overrides: Record<string, string> = {}): JwtClaims => ({
  sub: 'user-1',
  iss: 'https://local-idp.spbe.invalid',
  aud: 'spbe-api',
  [roleClaim]: 'agency',
  [agencyClaim]: 'prov-jawa-timur',
  scope: 'spbe/self-assessment.read spbe/self-assessment.write',
  client_id: 'local-portal',
  name: 'Operator Jawa Timur',
  exp: '1900000000',
  iat: '1800000000',
  ...overrides,
});

const identityOf = (claims: JwtClaims) => {
  const result = identityFromClaims(claims);
  if (!result.ok) throw new Error(`expected an identity, got: ${result.reason}`);
  return result.identity;
};

const reasonOf = (claims: JwtClaims) => {
  const result = identityFromClaims(claims);
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
};

describe('identityFromClaims', () => {
  it('reads an agency operator from claims flattened to strings', () => {
    expect(identityOf(flattened())).toEqual({
      subject: 'user-1',
      clientId: 'local-portal',
      role: 'agency',
      agencyId: 'prov-jawa-timur',
      scopes: ['spbe/self-assessment.read', 'spbe/self-assessment.write'],
      ignoredScopes: [],
      name: 'Operator Jawa Timur',
      expiresAt: new Date(1_900_000_000 * 1000),
    });
  });

  it.each([
    ['"[a b]" as API Gateway renders arrays', '[spbe/webhooks.manage spbe/self-assessment.read]'],
    ['a space-separated list', 'spbe/webhooks.manage spbe/self-assessment.read'],
    ['a comma-separated list', 'spbe/webhooks.manage,spbe/self-assessment.read'],
    ['extra whitespace', '  spbe/webhooks.manage   spbe/self-assessment.read  '],
  ])('reads scopes given as %s', (_name, scope) => {
    expect(identityOf(flattened({ scope })).scopes).toEqual([
      'spbe/webhooks.manage',
      'spbe/self-assessment.read',
    ]);
  });

  it('reads scopes given as a real array (claims not flattened)', () => {
    expect(identityOf({ ...flattened(), scope: ['spbe/self-assessment.read', 'openid'] }).scopes).toEqual([
      'spbe/self-assessment.read',
      'openid',
    ]);
  });

  it.each([
    ['agency', 'spbe/admin spbe/assessment.write spbe/self-assessment.read', ['spbe/self-assessment.read']],
    ['assessor', 'spbe/admin spbe/self-assessment.write spbe/assessment.write', ['spbe/assessment.write']],
    ['admin', 'spbe/webhooks.manage spbe/admin spbe/made-up', ['spbe/admin']],
  ] as const)('counts only the API scopes a %s may hold, and names the ignored ones', (role, scope, kept) => {
    const identity = identityOf(flattened({ [roleClaim]: role, scope: `openid ${scope}` }));

    expect(identity.scopes).toEqual(['openid', ...kept]);
    expect(identity.ignoredScopes).toEqual(
      scope.split(' ').filter((held) => !(kept as readonly string[]).includes(held)),
    );
  });

  it('has no scopes when the claim is missing or empty ("[]")', () => {
    const { scope: _scope, ...withoutScope } = flattened();
    expect(identityOf(withoutScope).scopes).toEqual([]);
    expect(identityOf(flattened({ scope: '[]' })).scopes).toEqual([]);
  });

  it('reads numeric claims whether flattened or not', () => {
    expect(identityOf({ ...flattened(), exp: 1_900_000_000 }).expiresAt).toEqual(
      new Date(1_900_000_000 * 1000),
    );
  });

  it('leaves expiresAt undefined when exp is missing or not a number', () => {
    const { exp: _exp, ...withoutExp } = flattened();
    expect(identityOf(withoutExp).expiresAt).toBeUndefined();
    expect(identityOf(flattened({ exp: 'soon' })).expiresAt).toBeUndefined();
  });

  it('falls back to azp for the client id', () => {
    const { client_id: _clientId, ...claims } = flattened();
    expect(identityOf({ ...claims, azp: 'jatim-portal' }).clientId).toBe('jatim-portal');
    expect(identityOf(claims).clientId).toBeUndefined();
  });

  it.each(['admin', 'assessor'])('reads a %s and ignores any agency claim it carries', (role) => {
    const identity = identityOf(flattened({ [roleClaim]: role }));
    expect(identity.role).toBe(role);
    expect(identity.agencyId).toBeUndefined();
  });

  it('rejects a token without a subject', () => {
    const { sub: _sub, ...claims } = flattened();
    expect(reasonOf(claims)).toContain('`sub`');
  });

  it('rejects a token without a role, saying it is missing', () => {
    const { [roleClaim]: _role, ...claims } = flattened();
    expect(reasonOf(claims)).toMatch(/custom:role.*admin, assessor, agency.*missing/);
  });

  it('rejects an unknown role, quoting it', () => {
    expect(reasonOf(flattened({ [roleClaim]: 'superuser' }))).toContain('"superuser"');
  });

  it('rejects a role that differs only in case', () => {
    expect(reasonOf(flattened({ [roleClaim]: 'Admin' }))).toContain('"Admin"');
  });

  it('rejects an agency token without its agency id', () => {
    const { [agencyClaim]: _agency, ...claims } = flattened();
    expect(reasonOf(claims)).toContain(agencyClaim);
    expect(reasonOf(flattened({ [agencyClaim]: '' }))).toContain(agencyClaim);
  });
});

describe('identityFromClaims: token kind', () => {
  const claims = { sub: 'u-1', [roleClaim]: 'admin', scope: 'spbe/admin' };

  it('accepts access tokens, and tokens that do not say (local and external issuers)', () => {
    expect(identityFromClaims({ ...claims, token_use: 'access' }).ok).toBe(true);
    expect(identityFromClaims(claims).ok).toBe(true);
  });

  it('refuses a Cognito ID token, which would pass API Gateway on routes without scopes', () => {
    const result = identityFromClaims({ ...claims, token_use: 'id' });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('access token') });
  });
});
