import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalIdentityProvider, flattenClaims, type LocalIdentityProvider } from '#local/auth.ts';

describe('flattenClaims', () => {
  it('renders claims as API Gateway hands them to the Lambda: strings, arrays as "[a b]"', () => {
    expect(
      flattenClaims({
        sub: 'user-1',
        exp: 1_900_000_000,
        email_verified: true,
        aud: ['spbe-api', 'other'],
        'cognito:groups': [],
        address: { region: 'Jawa Timur' },
      }),
    ).toEqual({
      sub: 'user-1',
      exp: '1900000000',
      email_verified: 'true',
      aud: '[spbe-api other]',
      'cognito:groups': '[]',
      address: '{"region":"Jawa Timur"}',
    });
  });
});

describe('local identity provider', () => {
  let idp: LocalIdentityProvider;

  beforeAll(async () => {
    idp = await createLocalIdentityProvider();
  });

  it('verifies its own tokens and returns their claims', async () => {
    // Prepare
    const token = await idp.mint({ subject: 'op-1', role: 'agency', agencyId: 'prov-jawa-timur' });

    // Act
    const verification = await idp.verify(`Bearer ${token}`, ['spbe/self-assessment.write']);

    // Assess
    expect(verification).toMatchObject({
      ok: true,
      claims: {
        sub: 'op-1',
        'custom:role': 'agency',
        'custom:agency_id': 'prov-jawa-timur',
        scope: 'spbe/self-assessment.read spbe/self-assessment.write spbe/webhooks.manage',
        iss: idp.issuer,
        aud: idp.audience,
      },
    });
  });

  it('answers a missing header with 401', async () => {
    expect(await idp.verify(undefined, [])).toMatchObject({ ok: false, status: 401 });
  });

  it.each([
    ['a missing header', undefined, 'Authorization: Bearer <access token>'],
    ['another scheme', 'Basic b3A6cGFzcw==', 'uses the Basic scheme; send `Authorization: Bearer'],
    ['a token that is no JWT', 'Bearer abc.def', 'malformed: send `Authorization: Bearer'],
  ])('answers %s with 401 saying what to send', async (_name, header, reason) => {
    // Act
    const verification = await idp.verify(header, []);

    // Assess
    expect(verification).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining(reason) });
  });

  it('answers an expired token with when it expired and what to do', async () => {
    // Prepare
    const exp = Math.floor(Date.now() / 1000) - 60;
    const token = await idp.mint({ subject: 's', role: 'admin', expiresIn: exp });

    // Act
    const verification = await idp.verify(`Bearer ${token}`, []);

    // Assess
    expect(verification).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringContaining(
        `expired at ${new Date(exp * 1000).toISOString()}; get a new access token`,
      ),
    });
  });

  it('answers a token not valid yet with from when, not a reason code', async () => {
    // Prepare
    const nbf = Math.floor(Date.now() / 1000) + 3600;
    const token = await idp.mint({ subject: 's', role: 'admin', notBefore: nbf });

    // Act
    const verification = await idp.verify(`Bearer ${token}`, []);

    // Assess
    expect(verification).toMatchObject({
      ok: false,
      reason: expect.stringContaining(`not valid before ${new Date(nbf * 1000).toISOString()}`),
    });
    if (!verification.ok) expect(verification.reason).not.toContain('check_failed');
  });

  it('answers a valid token lacking every route scope with 403 naming them', async () => {
    // Prepare
    const token = await idp.mint({
      subject: 'op-1',
      role: 'agency',
      agencyId: 'a-b',
      scopes: ['spbe/self-assessment.read'],
    });

    // Act
    const verification = await idp.verify(`Bearer ${token}`, ['spbe/self-assessment.write', 'spbe/admin']);

    // Assess
    expect(verification).toMatchObject({ ok: false, status: 403 });
    if (!verification.ok) expect(verification.reason).toContain('spbe/self-assessment.write, spbe/admin');
  });

  it('does not take a scope prefix for the scope', async () => {
    const token = await idp.mint({ subject: 's', role: 'admin', scopes: ['spbe/admin-lite'] });
    expect(await idp.verify(`Bearer ${token}`, ['spbe/admin'])).toMatchObject({ ok: false, status: 403 });
  });

  it.each([
    ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 1 }, 'expired'],
    ['for another audience', { audience: 'another-api' }, '`aud`'],
    ['from another issuer', { issuer: 'https://evil.example' }, '`iss`'],
    ['not valid yet', { notBefore: Math.floor(Date.now() / 1000) + 3600 }, '`nbf`'],
  ])('answers a token %s with 401 saying why', async (_name, overrides, reason) => {
    // Prepare
    const token = await idp.mint({ subject: 's', role: 'admin', ...overrides });

    // Act
    const verification = await idp.verify(`Bearer ${token}`, []);

    // Assess
    expect(verification).toMatchObject({ ok: false, status: 401 });
    if (!verification.ok) expect(verification.reason).toContain(reason);
  });

  it('answers a token of another key with 401', async () => {
    const other = await createLocalIdentityProvider();
    const token = await other.mint({ subject: 's', role: 'admin' });
    expect(await idp.verify(`Bearer ${token}`, [])).toMatchObject({ ok: false, status: 401 });
  });
});
