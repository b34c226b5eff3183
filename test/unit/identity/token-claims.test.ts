import { describe, expect, it } from 'vitest';
import { roles } from '#shared/domain/roles.ts';
import { agencyClaim, identityFromClaims, roleClaim } from '#shared/http/identity.ts';
import {
  claimsToAdd,
  machineClientTokenClaims,
  type roleClaimsFor,
  userTokenClaims,
} from '#shared/identity/token-claims.ts';

const reasonOf = (result: ReturnType<typeof roleClaimsFor>): string => {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.claims)}`);
  return result.reason;
};

describe('userTokenClaims', () => {
  it('admin: the role only, even when a stale agency attribute is present', () => {
    const result = userTokenClaims({ sub: 'u-1', [roleClaim]: 'admin', [agencyClaim]: 'prov-jawa-timur' });
    expect(result).toEqual({ ok: true, role: 'admin', claims: { 'custom:role': 'admin' } });
  });

  it('assessor: the role only', () => {
    const result = userTokenClaims({ sub: 'u-2', [roleClaim]: 'assessor' });
    expect(result).toEqual({ ok: true, role: 'assessor', claims: { 'custom:role': 'assessor' } });
  });

  it('agency: the role and the agency id', () => {
    const result = userTokenClaims({ sub: 'u-3', [roleClaim]: 'agency', [agencyClaim]: 'prov-jawa-timur' });
    expect(result).toEqual({
      ok: true,
      role: 'agency',
      claims: { 'custom:role': 'agency', 'custom:agency_id': 'prov-jawa-timur' },
    });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('agency with a %s agency id: nothing', (_label, agencyId) => {
    const result = userTokenClaims({ [roleClaim]: 'agency', [agencyClaim]: agencyId });
    expect(reasonOf(result)).toMatch(/agency id/);
    expect(claimsToAdd(result)).toEqual({});
  });

  it.each([
    ['unknown', 'superuser'],
    ['differently cased', 'Admin'],
    ['padded', ' admin'],
    ['empty', ''],
  ])('%s role: nothing', (_label, role) => {
    const result = userTokenClaims({ [roleClaim]: role, [agencyClaim]: 'prov-jawa-timur' });
    expect(reasonOf(result)).toContain(`"${role}"`);
    expect(claimsToAdd(result)).toEqual({});
  });

  it('no role attribute: nothing', () => {
    expect(reasonOf(userTokenClaims({ sub: 'u-4', email: 'someone@example.go.id' }))).toMatch(/missing/);
  });

  it.each(roles.map((role) => [role] as const))(
    'what is added for role %s is what identityFromClaims accepts',
    (role) => {
      const claims = claimsToAdd(userTokenClaims({ [roleClaim]: role, [agencyClaim]: 'kab-sleman' }));
      const identity = identityFromClaims({ sub: 'u-5', ...claims });
      expect(identity).toMatchObject({
        ok: true,
        identity: { role, agencyId: role === 'agency' ? 'kab-sleman' : undefined },
      });
    },
  );
});

describe('machineClientTokenClaims', () => {
  it('registered agency integration: the role and the agency id', () => {
    expect(machineClientTokenClaims({ role: 'agency', agencyId: 'kota-bandung' })).toEqual({
      ok: true,
      role: 'agency',
      claims: { 'custom:role': 'agency', 'custom:agency_id': 'kota-bandung' },
    });
  });

  it.each([['admin'], ['assessor']] as const)('registered %s client: the role only', (role) => {
    expect(claimsToAdd(machineClientTokenClaims({ role, agencyId: 'kota-bandung' }))).toEqual({
      'custom:role': role,
    });
  });

  it('unregistered client: nothing', () => {
    const result = machineClientTokenClaims(undefined);
    expect(reasonOf(result)).toMatch(/not registered/);
    expect(claimsToAdd(result)).toEqual({});
  });

  it.each([
    ['no role', {}],
    ['unknown role', { role: 'partner' }],
    ['role of the wrong type', { role: 1 }],
    ['agency without agency id', { role: 'agency' }],
    ['agency id of the wrong type', { role: 'agency', agencyId: 42 }],
  ])('registration with %s: nothing', (_label, registration) => {
    expect(claimsToAdd(machineClientTokenClaims(registration))).toEqual({});
  });
});
