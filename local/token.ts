import { parseArgs } from 'node:util';
import { scope, scopeNames, scopesBeyondRole, scopesByRole } from '#shared/api/access.ts';
import { AgencyIdSchema } from '#shared/api/common/schemas.ts';
import { type Role, roles } from '#shared/domain/roles.ts';
import { createLocalIdentityProvider } from './auth.ts';
import { signingKeyFile } from './paths.ts';

/**
 * `npm run token -- --role agency --agency prov-jawa-timur [--scopes a,b] [--subject s] [--expires 2h]`
 * mints a token the local API accepts (the same key as `npm start`). Only the token goes to stdout,
 * so `TOKEN=$(npm run -s token -- --role admin)` works in scripts. Integrators also need tokens the
 * API must refuse: already expired (`--expires -1h`), not valid yet (`--not-before 1h`), or with
 * scopes the API does not know (`--allow-unknown-scopes`).
 */
const usage = `Usage: npm run token -- --role <${roles.join('|')}> [--agency <agency-id>] [--scopes <s1,s2>]
                         [--subject <sub>] [--name <display name>] [--expires <12h|30m|7d|-1h>]
                         [--not-before <1h|...>] [--allow-unknown-scopes]
Durations are a whole number and s, m, h or d; a negative --expires mints a token that has expired.`;

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};

// parseArgs reads the `-1h` of `--expires -1h` as an option of its own; a value that starts with
// "-" and a digit is a negative duration, so it is joined to its option (`--expires=-1h`).
const args = process.argv.slice(2).reduce<string[]>((joined, arg) => {
  const option = joined.at(-1);
  if (/^-\d/.test(arg) && option?.startsWith('--') && !option.includes('='))
    joined.splice(-1, 1, `${option}=${arg}`);
  else joined.push(arg);
  return joined;
}, []);

const readArgs = () => {
  try {
    return parseArgs({
      args,
      options: {
        role: { type: 'string' },
        agency: { type: 'string' },
        scopes: { type: 'string' },
        subject: { type: 'string' },
        name: { type: 'string' },
        expires: { type: 'string', default: '12h' },
        'not-before': { type: 'string' },
        'allow-unknown-scopes': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    // parseArgs's own message names the option; a stack trace would only bury it.
    return fail((error as Error).message);
  }
};
const values = readArgs();

const unitSeconds = { s: 1, m: 60, h: 60 * 60, d: 24 * 60 * 60 } as const;

/** `30m`, `12h`, `7d`, `-1h` in seconds; fails naming the option otherwise. */
const durationSeconds = (option: string, text: string): number => {
  const match = /^(-?\d{1,6})([smhd])$/.exec(text);
  if (!match?.[1] || !match[2]) {
    return fail(`${option} takes a duration such as 30m, 12h, 7d or -1h; got "${text}".`);
  }
  return Number(match[1]) * unitSeconds[match[2] as keyof typeof unitSeconds];
};

if (values.help) {
  console.error(usage);
  process.exit(0);
}
const role =
  roles.find((candidate) => candidate === values.role) ?? fail(`--role must be one of ${roles.join(', ')}.`);
if (role === 'agency' && !values.agency)
  fail('An agency token needs --agency <agency-id>, e.g. prov-jawa-timur.');
if (values.agency && !AgencyIdSchema.safeParse(values.agency).success)
  fail(`"${values.agency}" is not an agency id.`);
const now = Math.floor(Date.now() / 1000);
const expiresAt = now + durationSeconds('--expires', values.expires);
const notBefore =
  values['not-before'] === undefined
    ? undefined
    : now + durationSeconds('--not-before', values['not-before']);
// A token that has already expired was issued before it expired, one default lifetime (12 h) before.
const issuedAt = expiresAt > now ? now : expiresAt - unitSeconds.h * 12;

const knownScopes: readonly string[] = scopeNames.map(scope);
const scopes = values.scopes
  ? values.scopes
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
  : [...scopesByRole[role as Role]];
const unknownScopes = scopes.filter((name) => !knownScopes.includes(name));
if (unknownScopes.length > 0 && !values['allow-unknown-scopes']) {
  fail(
    `Unknown scope ${unknownScopes.map((name) => `"${name}"`).join(', ')}; the API knows ${knownScopes.join(', ')}. ` +
      'To mint it anyway (e.g. to test a 403), add --allow-unknown-scopes.',
  );
}

const identityProvider = await createLocalIdentityProvider({ keyFile: signingKeyFile });
const token = await identityProvider.mint({
  subject: values.subject ?? `local-${role}${values.agency ? `-${values.agency}` : ''}`,
  role,
  ...(values.agency ? { agencyId: values.agency } : {}),
  scopes,
  ...(values.name ? { name: values.name } : {}),
  issuedAt,
  expiresIn: expiresAt,
  ...(notBefore === undefined ? {} : { notBefore }),
});
const at = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
console.error(
  `role ${role}${values.agency ? `, agency ${values.agency}` : ''}, scopes ${scopes.join(' ')}, ` +
    `${expiresAt > now ? 'expires' : 'expired'} ${at(expiresAt)}` +
    `${notBefore === undefined ? '' : `, not valid before ${at(notBefore)}`}`,
);
const ignored = scopesBeyondRole(role as Role, scopes);
if (ignored.length > 0) {
  // Minted anyway: such a token is how one tests the 403 an over-scoped token gets.
  console.error(
    `note: the API ignores ${ignored.join(', ')} in a token of the role ${role} (a scope never widens a role; GET /v1/me lists it under ignoredScopes)`,
  );
}
console.log(token);
