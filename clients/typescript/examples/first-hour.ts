import { createHash, randomUUID } from 'node:crypto';
import { ApiUnreachableError, createSpbeClient, describeProblem, type Schemas } from '../client.ts';

/**
 * A portal integrator's first hour, in one file: the Jawa Timur operator fills and submits the
 * province's self-assessment through the typed client.
 *
 *   npm start                                  # prints OPERATOR_TOKEN=… (the Pemprov Jawa Timur operator)
 *   export OPERATOR_TOKEN=…                    # or: npm run -s token -- --role agency --agency prov-jawa-timur
 *   npx tsx clients/typescript/examples/first-hour.ts
 *
 * SPBE_API_URL moves the API (default http://127.0.0.1:3000); SPBE_YEAR picks the cycle (default
 * this year). Steps: who am I → the cycle and its framework → read the self-assessment and its ETag
 * → save all 47 answers with evidence in one request (a 412 from a concurrent edit is answered by
 * re-reading and saving again) → submit with an Idempotency-Key (a retry with the same key replays
 * the receipt) → the receipt and the provisional index.
 */

const baseUrl = process.env.SPBE_API_URL ?? 'http://127.0.0.1:3000';
const token = process.env.OPERATOR_TOKEN;
if (!token) {
  console.error(
    'Set OPERATOR_TOKEN to an agency operator token: the one `npm start` prints, or\n' +
      '  export OPERATOR_TOKEN=$(npm run -s token -- --role agency --agency prov-jawa-timur)',
  );
  process.exit(2);
}
const year = Number(process.env.SPBE_YEAR ?? new Date().getUTCFullYear());

const api = createSpbeClient({ baseUrl, token });
// An answer, even a problem, comes back as `{ data, error }`; no answer at all (the API not running,
// a wrong SPBE_API_URL) is thrown. Say that in one line instead of a stack trace of fetch internals.
process.on('uncaughtException', (error) => {
  console.error(
    error instanceof ApiUnreachableError
      ? `✗ ${error.message}. Is the API running there? \`npm start\` serves it on http://127.0.0.1:3000; ` +
          'SPBE_API_URL points elsewhere.'
      : error,
  );
  process.exit(1);
});
const step = (text: string) => console.log(`\n▸ ${text}`);
// A declaration, not an arrow: the compiler then knows nothing runs after it and narrows `data`.
function fail(what: string, problem: Partial<Schemas['Problem']> | undefined, response: Response): never {
  console.error(`✗ ${what}: ${describeProblem(problem, response.status)}`);
  process.exit(1);
}

// 1. Who am I? Every integration starts here: the role, agency and scopes the API sees in the token.
step(`GET /v1/me on ${baseUrl}`);
const me = await api.GET('/v1/me');
if (!me.data) fail('reading /v1/me', me.error, me.response);
const agencyId = me.data.agencyId;
if (me.data.role !== 'agency' || agencyId === undefined) {
  console.error(`✗ This example needs an agency operator token; this one is role "${me.data.role}".`);
  process.exit(2);
}
console.log(`  ${me.data.name ?? me.data.subject}: role ${me.data.role}, agency ${agencyId}`);
console.log(`  scopes: ${me.data.scopes.join(' ')}`);

// 2. The cycle and its framework: the 47 indicators and their maturity scales.
step(`GET /v1/cycles/${year} and its framework`);
const cycle = await api.GET('/v1/cycles/{year}', { params: { path: { year } } });
if (!cycle.data) fail(`reading the ${year} cycle`, cycle.error, cycle.response);
const framework = await api.GET('/v1/frameworks/{frameworkId}', {
  params: { path: { frameworkId: cycle.data.frameworkId } },
});
if (!framework.data) fail('reading the framework', framework.error, framework.response);
const { indicators } = framework.data;
console.log(
  `  ${year}: ${cycle.data.type}, phase ${cycle.data.phase.current} (window ${cycle.data.phase.windowOpen ? 'open' : 'closed'}); ` +
    `framework ${framework.data.id}: ${indicators.length} indicators`,
);

// 3. Read the self-assessment: its ETag is the version every write must send back in If-Match.
const selfAssessmentPath = { year, agencyId };
const read = async () => {
  const current = await api.GET('/v1/cycles/{year}/agencies/{agencyId}/self-assessment', {
    params: { path: selfAssessmentPath },
  });
  if (!current.data) return fail('reading the self-assessment', current.error, current.response);
  const etag = current.response.headers.get('etag');
  if (etag === null) return fail('reading the ETag', undefined, current.response);
  return { selfAssessment: current.data, etag };
};
step(`GET /v1/cycles/${year}/agencies/${agencyId}/self-assessment`);
const first = await read();
console.log(
  `  status ${first.selfAssessment.status}, ${first.selfAssessment.answeredCount}/${indicators.length} answered, ETag ${first.etag}`,
);

const printIndex = (receipt: Omit<Schemas['SelfAssessment'], 'answers'>) => {
  const { provisional } = receipt;
  console.log(`  provisional SPBE index ${provisional.index.display} (exact ${provisional.index.exact})`);
  console.log(`  predicate ${provisional.predicate.name} (${provisional.predicate.nameEn})`);
  for (const domain of provisional.domains) {
    console.log(
      `    domain ${domain.no} ${domain.name}: ${domain.index.display} (weight ${domain.weight} %)`,
    );
  }
};

if (first.selfAssessment.status === 'submitted') {
  console.log(
    `  already submitted at ${first.selfAssessment.submittedAt}: nothing to do (npm start -- --fresh starts over)`,
  );
  printIndex(first.selfAssessment);
  process.exit(0);
}

// 4. The answers: a level per indicator, a penjelasan, and a link to the evidence (data dukung).
type Answer = Schemas['BulkAnswersWrite']['answers'][number];
const levels = [3, 4, 5] as const;
const answers: Answer[] = indicators.map((indicator) => {
  const url = `https://jatimprov.go.id/spbe/${year}/indikator-${indicator.no}.pdf`;
  return {
    indicatorNo: indicator.no,
    level: levels[indicator.no % levels.length] ?? 3,
    explanation: `Penjelasan indikator ${indicator.no} (${indicator.name}): bukti terlampir.`,
    evidence: [
      {
        title: `Data dukung indikator ${indicator.no}`,
        url,
        mediaType: 'application/pdf',
        // In a portal: the SHA-256 of the uploaded file, so assessors can tell they see the same one.
        sha256: createHash('sha256').update(url).digest('hex'),
      },
    ],
  };
});

// Someone else saves while we prepare ours: a colleague in another browser tab changes indicator 1.
// Our ETag is now stale, which is exactly what If-Match is there to catch.
step('meanwhile, a colleague saves indicator 1 (PUT …/self-assessment/indicators/1)');
const colleague = await api.PUT('/v1/cycles/{year}/agencies/{agencyId}/self-assessment/indicators/{no}', {
  params: { path: { ...selfAssessmentPath, no: 1 }, header: { 'If-Match': first.etag } },
  body: { level: 2, explanation: 'Disimpan dari tab lain', evidence: [] },
});
if (!colleague.data) fail('the colleague’s save', colleague.error, colleague.response);
console.log(`  saved; the self-assessment is now at ETag ${colleague.response.headers.get('etag')}`);

// 5. Save all answers in one request (one transaction: all or none). A 412 means the ETag we sent
// is stale: re-read, and save again with the current one.
step(`PUT …/self-assessment with all ${answers.length} answers, If-Match ${first.etag}`);
let etag = first.etag;
let saved: Schemas['SelfAssessment'] | undefined;
for (let attempt = 1; saved === undefined; attempt++) {
  const result = await api.PUT('/v1/cycles/{year}/agencies/{agencyId}/self-assessment', {
    params: { path: selfAssessmentPath, header: { 'If-Match': etag } },
    body: { answers },
  });
  if (result.data) {
    saved = result.data;
    etag = result.response.headers.get('etag') ?? etag;
  } else if (result.response.status === 412 && attempt < 3) {
    const fresh = await read();
    console.log(`  412 ${result.error?.title}: re-read, ETag ${etag} → ${fresh.etag}; saving again`);
    etag = fresh.etag;
  } else {
    fail('saving the answers', result.error, result.response);
  }
}
console.log(`  saved: ${saved.answeredCount}/${indicators.length} answered, ETag ${etag}`);

// 6. Submit. The Idempotency-Key makes a retry safe: after a timeout, send the same request with the
// same key and the first answer is replayed instead of submitting twice.
const idempotencyKey = `first-hour-${agencyId}-${year}-${randomUUID()}`;
step(`POST …/self-assessment/submit, Idempotency-Key ${idempotencyKey}`);
const submit = () =>
  api.POST('/v1/cycles/{year}/agencies/{agencyId}/self-assessment/submit', {
    params: { path: selfAssessmentPath, header: { 'If-Match': etag, 'Idempotency-Key': idempotencyKey } },
  });
const submitted = await submit();
if (!submitted.data) fail('submitting', submitted.error, submitted.response);
const receipt = submitted.data;
console.log(`  receipt: ${receipt.status} at ${receipt.submittedAt} by ${receipt.submittedBy}`);
console.log(
  `  ${receipt.answeredCount} answered; full self-assessment at ${submitted.response.headers.get('location')}`,
);
printIndex(receipt);

step('the same POST again with the same key (as after a lost answer)');
const replay = await submit();
if (!replay.data) fail('replaying the submission', replay.error, replay.response);
console.log(
  `  ${replay.response.status}, Idempotent-Replayed: ${replay.response.headers.get('idempotent-replayed')}; ` +
    `the same receipt (submitted at ${replay.data.submittedAt})`,
);
console.log('\n✓ done: the self-assessment is submitted');
