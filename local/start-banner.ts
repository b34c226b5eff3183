import type { demoUsers } from './seed/seed.ts';

/** What the banner of `npm start` names: where the API is, who signs tokens, the demo tokens. */
export interface StartBannerOptions {
  readonly apiUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly readySeconds: number;
  readonly users: typeof demoUsers;
  readonly tokens: { readonly admin: string; readonly assessor: string; readonly agency: string };
  /** The cycle open for self-assessment: the current year. */
  readonly year: number;
}

/**
 * The text `npm start` prints once ready: addresses, demo tokens as `export` lines, and commands to
 * copy into a shell. Built apart from the script so a test can run every printed command's syntax.
 */
export const startBanner = ({
  apiUrl,
  issuer,
  audience,
  readySeconds,
  users,
  tokens,
  year,
}: StartBannerOptions): string => `
SPBE Award API — local, ready in ${readySeconds.toFixed(1)} s
  API        ${apiUrl}/v1   (contract: ${apiUrl}/v1/openapi.json)
  Docs       ${apiUrl}/docs   (each problem type explained: ${apiUrl}/problems)
  Health     curl ${apiUrl}/v1/health
  JWKS       ${apiUrl}/.well-known/jwks.json   issuer ${issuer}, audience ${audience}

Demo tokens (valid 12 h; more with: npm run token -- --role agency --agency <id>):
  ADMIN     (${users.admin.name})
    export ADMIN_TOKEN=${tokens.admin}
  ASSESSOR  (${users.assessor.name})
    export ASSESSOR_TOKEN=${tokens.assessor}
  OPERATOR  (${users.agency.name}, agency ${users.agency.agencyId})
    export OPERATOR_TOKEN=${tokens.agency}

Try:
  curl -H "authorization: Bearer $OPERATOR_TOKEN" ${apiUrl}/v1/me
  curl -H "authorization: Bearer $OPERATOR_TOKEN" ${apiUrl}/v1/cycles/${year}/agencies/prov-jawa-timur/self-assessment
  curl -H "authorization: Bearer $ADMIN_TOKEN" "${apiUrl}/v1/agencies?group=provinsi&limit=5"
  curl -s "${apiUrl}/v1/agency-directory?q=kota+malang"   # find an agency's id (public)
  curl -H "authorization: Bearer $ADMIN_TOKEN" ${apiUrl}/v1/cycles/${year}/self-assessments   # where every agency stands
  curl -H "authorization: Bearer $ADMIN_TOKEN" ${apiUrl}/v1/cycles/${year}/progress           # the same counted, by group

Awards (Anugerah Pemerintahan Digital):
  ${apiUrl}/awards/${year - 2}     (a browser) the ${year - 2} winners for the press; ?lang=en for English
  ${apiUrl}/awards          (a browser) every year with published awards
  curl -s ${apiUrl}/v1/cycles/${year - 2}/awards                        # the same as JSON (public)
  curl -s -H "authorization: Bearer $ADMIN_TOKEN" ${apiUrl}/v1/cycles/${year - 1}/awards/draft   # review ${year - 1}
  curl -s -X POST -H "authorization: Bearer $ADMIN_TOKEN" -H 'idempotency-key: publish-${year - 1}' \\
    ${apiUrl}/v1/cycles/${year - 1}/awards/publish                        # publish ${year - 1} (once)

Webhooks (delivered in-process from the events table's stream; http://127.0.0.1:<port> allowed here only):
  curl -s -X POST -H "authorization: Bearer $OPERATOR_TOKEN" -H 'content-type: application/json' \\
    -d '{"url":"http://127.0.0.1:4000/","eventTypes":["webhook.test","award.published","ranking.published"]}' \\
    ${apiUrl}/v1/agencies/prov-jawa-timur/webhook-endpoints   # note the "secret" (shown once); export ENDPOINT_ID=<its "id">
  WEBHOOK_SECRET=whsec_… npm run webhook-receiver                     # in another terminal (not --secret: ps shows it)
  curl -s -X POST -H "authorization: Bearer $OPERATOR_TOKEN" ${apiUrl}/v1/agencies/prov-jawa-timur/webhook-endpoints/$ENDPOINT_ID/test

A whole year, from next year's cycle opened to its awards published, every webhook verified (about 20 s;
once per fresh start), with the three exports above:
  npx tsx clients/typescript/examples/whole-year.ts

Ctrl-C stops the API and DynamoDB Local.
`;
