import { parseArgs } from 'node:util';
import { defaultScopesByRole } from '#shared/api/access.ts';
import { AgencyIdSchema } from '#shared/api/common/schemas.ts';
import { type Role, roles } from '#shared/domain/roles.ts';
import { createLocalIdentityProvider } from './auth.ts';
import { signingKeyFile } from './paths.ts';

/**
 * `npm run token -- --role agency --agency prov-jawa-timur [--scopes a,b] [--subject s] [--expires 2h]`
 * mints a token the local API accepts (the same key as `npm start`). Only the token goes to stdout,
 * so `TOKEN=$(npm run -s token -- --role admin)` works in scripts.
 */
const usage = `Usage: npm run token -- --role <${roles.join('|')}> [--agency <agency-id>] [--scopes <s1,s2>]
                         [--subject <sub>] [--name <display name>] [--expires <12h|30m|...>]`;

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    agency: { type: 'string' },
    scopes: { type: 'string' },
    subject: { type: 'string' },
    name: { type: 'string' },
    expires: { type: 'string', default: '12h' },
    help: { type: 'boolean', default: false },
  },
});

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
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
if (!/^\d+[smhd]$/.test(values.expires))
  fail(`--expires takes a duration such as 30m, 12h or 7d; got "${values.expires}".`);

const scopes = values.scopes
  ? values.scopes
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean)
  : [...defaultScopesByRole[role as Role]];
const identityProvider = await createLocalIdentityProvider({ keyFile: signingKeyFile });
const token = await identityProvider.mint({
  subject: values.subject ?? `local-${role}${values.agency ? `-${values.agency}` : ''}`,
  role,
  ...(values.agency ? { agencyId: values.agency } : {}),
  scopes,
  ...(values.name ? { name: values.name } : {}),
  expiresIn: values.expires,
});
console.error(
  `role ${role}${values.agency ? `, agency ${values.agency}` : ''}, scopes ${scopes.join(' ')}, expires in ${values.expires}`,
);
console.log(token);
