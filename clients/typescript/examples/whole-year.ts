import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  ApiUnreachableError,
  createSpbeClient,
  describeProblem,
  type Schemas,
  type WebhookEvent,
} from '../client.ts';

/**
 * A whole SPBE year in one file, through the typed client: the review team opens next year's
 * cycle, the Pemprov Jawa Timur operator subscribes a webhook receiver and submits the
 * self-assessment, an external assessor scores the three stages, the review team validates and
 * finalizes, the province appeals one indicator and wins it, the national ranking runs, and the
 * awards are published — each webhook verified on arrival with the `standardwebhooks` package.
 *
 *   npm start -- --fresh                       # prints three `export …_TOKEN=…` lines: run them
 *   npx tsx clients/typescript/examples/whole-year.ts
 *
 * SPBE_API_URL moves the API (default http://127.0.0.1:3000); SPBE_YEAR picks the cycle to open
 * (default next year: a cycle's windows may start in the year before it). The cycle's windows are
 * moved along by rescheduling, as the review team does to close a phase early, so a year that takes
 * months runs in about a minute. The other agencies' final results come in through the results import
 * (demo levels), so the ranking and the awards are national.
 */

const baseUrl = process.env.SPBE_API_URL ?? 'http://127.0.0.1:3000';
const tokens = {
  admin: process.env.ADMIN_TOKEN,
  assessor: process.env.ASSESSOR_TOKEN,
  operator: process.env.OPERATOR_TOKEN,
};
const missing = Object.entries(tokens)
  .filter(([, token]) => !token)
  .map(([role]) => `${role.toUpperCase()}_TOKEN`);
if (missing.length > 0) {
  console.error(
    `Set ${missing.join(', ')}: \`npm start\` prints an export line for each, or\n` +
      '  export ADMIN_TOKEN=$(npm run -s token -- --role admin)\n' +
      '  export ASSESSOR_TOKEN=$(npm run -s token -- --role assessor --subject demo-assessor)\n' +
      '  export OPERATOR_TOKEN=$(npm run -s token -- --role agency --agency prov-jawa-timur)',
  );
  process.exit(2);
}
const year = Number(process.env.SPBE_YEAR ?? new Date().getUTCFullYear() + 1);

const admin = createSpbeClient({ baseUrl, token: tokens.admin ?? '' });
const assessor = createSpbeClient({ baseUrl, token: tokens.assessor ?? '' });
const operator = createSpbeClient({ baseUrl, token: tokens.operator ?? '' });

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
const etagOf = (response: Response, what: string): string => {
  const etag = response.headers.get('etag');
  if (etag === null) return fail(`${what}: no ETag`, undefined, response);
  return etag;
};
const key = (what: string) => `whole-year-${year}-${what}-${randomUUID()}`;

// 1. Who is who: the three tokens' roles, as the API sees them.
step(`GET /v1/me for each token on ${baseUrl}`);
const who = async (client: typeof admin, role: string) => {
  const me = await client.GET('/v1/me');
  if (!me.data) return fail(`reading /v1/me (${role})`, me.error, me.response);
  if (me.data.role !== role) {
    console.error(`✗ The ${role.toUpperCase()}_TOKEN is a token of role "${me.data.role}".`);
    process.exit(2);
  }
  console.log(`  ${role.padEnd(8)} ${me.data.name ?? me.data.subject} (${me.data.subject})`);
  return me.data;
};
await who(admin, 'admin');
const assessorMe = await who(assessor, 'assessor');
const operatorMe = await who(operator, 'agency');
const agencyId = operatorMe.agencyId;
if (agencyId === undefined) {
  console.error('✗ The OPERATOR_TOKEN names no agency.');
  process.exit(2);
}

// 2. A webhook receiver, as the province's portal runs one: it verifies every delivery's signature
// with the secret shown once at registration (Standard Webhooks) and refuses anything else.
interface Received {
  readonly type: string;
  readonly id: string;
}
const received: Received[] = [];
let verifier: Webhook | undefined;
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      if (!verifier) throw new Error('no secret yet');
      const headers = Object.fromEntries(
        Object.entries(request.headers as IncomingHttpHeaders).map(([name, value]) => [name, String(value)]),
      );
      // Verified, the body is one of the events the contract's `webhooks` describe: typed by `type`.
      const event = verifier.verify(body, headers) as WebhookEvent;
      const id = headers['webhook-id'] ?? '';
      received.push({ type: event.type, id });
      const detail = event.type === 'award.published' ? `: ${event.data.awards.join(', ')}` : '';
      console.log(`  ⇠ webhook ${event.type} (${id}): signature verified${detail}`);
      response.writeHead(204).end();
    } catch (error) {
      console.log(`  ⇠ webhook refused: ${error instanceof Error ? error.message : String(error)}`);
      response.writeHead(400).end();
    }
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/spbe`;
const waitForWebhook = async (type: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!received.some((event) => event.type === type)) {
    if (Date.now() > deadline) {
      console.error(
        `✗ No ${type} webhook within ${timeoutMs / 1000} s (the delivery log: GET …/deliveries).`,
      );
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

// 3. The timetable. An Evaluasi cycle: self-assessment, three assessment stages, appeals, publication.
// Moving to a phase reschedules the windows so that the earlier ones are past and this one open now.
const day = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * day).toISOString();
const phases = [
  'selfAssessment',
  'documentAssessment',
  'interviewAssessment',
  'visitAssessment',
  'appeals',
  'publication',
] as const;
type Phase = (typeof phases)[number];
const timetable = (phase: Phase): Schemas['CycleWindows'] => {
  const current = phases.indexOf(phase);
  const window = (position: number) => {
    const offset = position - current;
    if (offset === 0) return { opensAt: at(-1), closesAt: at(14) };
    return offset < 0
      ? { opensAt: at(-1 + 2 * offset), closesAt: at(-1 + 2 * offset + 1) }
      : { opensAt: at(14 + 15 * (offset - 1)), closesAt: at(14 + 15 * offset) };
  };
  return {
    selfAssessment: window(0),
    documentAssessment: window(1),
    interviewAssessment: window(2),
    visitAssessment: window(3),
    appeals: window(4),
    publication: { at: phase === 'publication' ? at(-1 / 24) : window(5).opensAt },
  };
};

step(`POST /v1/cycles: the ${year} cycle (Evaluasi), its self-assessment window open now`);
const opened = await admin.POST('/v1/cycles', {
  params: { header: { 'Idempotency-Key': key('cycle') } },
  body: { year, type: 'evaluasi', windows: timetable('selfAssessment'), predicateBasis: 'exact' },
});
if (!opened.data) {
  if (opened.response.status === 409) {
    console.error(
      `✗ The ${year} cycle exists already (this example ran before): \`npm start -- --fresh\` starts over.`,
    );
    process.exit(1);
  }
  fail('opening the cycle', opened.error, opened.response);
}
let cycleEtag = etagOf(opened.response, 'the new cycle');
const framework = await admin.GET('/v1/frameworks/{frameworkId}', {
  params: { path: { frameworkId: opened.data.frameworkId } },
});
if (!framework.data) fail('reading the framework', framework.error, framework.response);
const { indicators } = framework.data;
console.log(
  `  ${year}: framework ${opened.data.frameworkId} (${indicators.length} indicators), award rules ${opened.data.awardRules.id}, phase ${opened.data.phase.current}`,
);

const moveTo = async (phase: Phase) => {
  step(`PUT /v1/cycles/${year}/windows: ${phase} opens now (If-Match ${cycleEtag})`);
  const moved = await admin.PUT('/v1/cycles/{year}/windows', {
    params: { path: { year }, header: { 'If-Match': cycleEtag } },
    body: timetable(phase),
  });
  if (!moved.data) fail(`moving to ${phase}`, moved.error, moved.response);
  cycleEtag = etagOf(moved.response, 'the rescheduled cycle');
  console.log(`  phase ${moved.data.phase.current}, window open: ${moved.data.phase.windowOpen}`);
};

// 4. The province subscribes its portal to what happens to it this year.
step(`POST /v1/agencies/${agencyId}/webhook-endpoints → ${receiverUrl}`);
const endpoint = await operator.POST('/v1/agencies/{agencyId}/webhook-endpoints', {
  params: { path: { agencyId } },
  body: {
    url: receiverUrl,
    description: 'Portal SPBE (whole-year example)',
    eventTypes: [
      'self_assessment.submitted',
      'result.finalized',
      'appeal.decided',
      'ranking.published',
      'award.published',
    ],
    signatureSchemes: ['v1'],
  },
});
if (!endpoint.data) fail('registering the webhook endpoint', endpoint.error, endpoint.response);
if (!endpoint.data.secret) {
  console.error('✗ The endpoint came back without its signing secret.');
  process.exit(1);
}
verifier = new Webhook(endpoint.data.secret);
console.log(`  endpoint ${endpoint.data.id}; its signing secret is shown this once and kept by the receiver`);

// 5. The self-assessment: 47 answers with evidence in one request, then the submission.
const selfAssessmentPath = { year, agencyId };
step(`PUT /v1/cycles/${year}/agencies/${agencyId}/self-assessment (${indicators.length} answers)`);
// Jawa Timur's strength is its services (the Layanan SPBE domain): level 5 there, 3–5 elsewhere.
const domainOfAspect = new Map(framework.data.aspects.map((aspect) => [aspect.no, aspect.domainNo]));
const servicesDomain = framework.data.domains.find((domain) => domain.shortNameEn === 'Services')?.no;
const selfLevel = (indicator: (typeof indicators)[number]) =>
  (domainOfAspect.get(indicator.aspectNo) === servicesDomain || indicator.no % 7 === 0
    ? 5
    : indicator.no % 3 === 0
      ? 3
      : 4) as 3 | 4 | 5;
const saved = await operator.PUT('/v1/cycles/{year}/agencies/{agencyId}/self-assessment', {
  params: { path: selfAssessmentPath, header: { 'If-Match': '"0"' } },
  body: {
    answers: indicators.map((indicator) => {
      const url = `https://jatimprov.go.id/spbe/${year}/indikator-${indicator.no}.pdf`;
      return {
        indicatorNo: indicator.no,
        level: selfLevel(indicator),
        explanation: `Penjelasan indikator ${indicator.no} (${indicator.name}).`,
        evidence: [
          {
            title: `Data dukung indikator ${indicator.no}`,
            url,
            mediaType: 'application/pdf',
            sha256: createHash('sha256').update(url).digest('hex'),
          },
        ],
      };
    }),
  },
});
if (!saved.data) fail('saving the self-assessment', saved.error, saved.response);
const submitted = await operator.POST('/v1/cycles/{year}/agencies/{agencyId}/self-assessment/submit', {
  params: {
    path: selfAssessmentPath,
    header: {
      'If-Match': etagOf(saved.response, 'the saved self-assessment'),
      'Idempotency-Key': key('submit'),
    },
  },
});
if (!submitted.data) fail('submitting', submitted.error, submitted.response);
console.log(
  `  submitted: ${submitted.data.answeredCount}/${indicators.length} answered, provisional index ${submitted.data.provisional.index.display} (${submitted.data.provisional.predicate.name})`,
);
await waitForWebhook('self_assessment.submitted');

// 6. The external assessment. The review team assigns the assessor (registered once, with the
// agencies they may not assess), then moves the year to the document stage.
step(`POST /v1/cycles/${year}/assignments: ${assessorMe.subject} → ${agencyId}`);
const registered = await admin.GET('/v1/assessors/{subject}', {
  params: { path: { subject: assessorMe.subject } },
});
if (!registered.data) {
  if (registered.response.status !== 404) fail('reading the assessor', registered.error, registered.response);
  const created = await admin.PUT('/v1/assessors/{subject}', {
    params: { path: { subject: assessorMe.subject } },
    body: { name: assessorMe.name ?? assessorMe.subject, affiliations: [] },
  });
  if (!created.data) fail('registering the assessor', created.error, created.response);
}
const assigned = await admin.POST('/v1/cycles/{year}/assignments', {
  params: { path: { year }, header: { 'Idempotency-Key': key('assignments') } },
  body: { assignments: [{ agencyId, assessor: assessorMe.subject }] },
});
if (!assigned.data) fail('assigning the assessor', assigned.error, assigned.response);
console.log(`  ${assigned.data.assigned} assigned (${assigned.data.unchanged} already were)`);

type Stage = 'dokumen' | 'interviu' | 'visitasi';
type Level = 1 | 2 | 3 | 4 | 5;
/** What the assessor finds: where the evidence falls short, a lower level (null: no valid evidence). */
const findings: Record<Stage, ReadonlyMap<number, { level: Level | null; note: string }>> = {
  dokumen: new Map([
    [3, { level: 2, note: 'Peraturan belum ditetapkan; hanya rancangan' }],
    [12, { level: 2, note: 'Reviu berkala belum terdokumentasi' }],
    [30, { level: null, note: 'Laporan audit TIK tidak dilampirkan' }],
  ]),
  interviu: new Map([
    [12, { level: 3, note: 'Notulen reviu ditunjukkan saat interviu' }],
    [21, { level: 3, note: 'Integrasi layanan belum berjalan di semua OPD' }],
  ]),
  visitasi: new Map([[21, { level: 4, note: 'Integrasi terlihat berjalan saat visitasi' }]]),
};
const scoreStage = async (stage: Stage, phase: Phase) => {
  await moveTo(phase);
  const assessment = await assessor.GET('/v1/cycles/{year}/agencies/{agencyId}/assessment', {
    params: { path: selfAssessmentPath },
  });
  if (!assessment.data) fail('reading the assessment', assessment.error, assessment.response);
  // The document stage scores every indicator; later stages only what they re-examine (the rest
  // carries forward).
  const scores = assessment.data.indicators
    .filter((indicator) => stage === 'dokumen' || findings[stage].has(indicator.indicatorNo))
    .map((indicator) => {
      const finding = findings[stage].get(indicator.indicatorNo);
      return {
        indicatorNo: indicator.indicatorNo,
        expectedVersion: 0,
        level: finding ? finding.level : (indicator.selfAssessed?.level ?? null),
        note: finding?.note ?? 'Sesuai data dukung',
        evidenceUsed: finding?.level === null ? [] : [0],
      };
    });
  step(
    `PUT …/assessments/${stage}: ${scores.length} of ${indicators.length} indicators scored; the findings:`,
  );
  const scored = await assessor.PUT('/v1/cycles/{year}/agencies/{agencyId}/assessments/{stage}', {
    params: { path: { ...selfAssessmentPath, stage } },
    body: { scores },
  });
  if (!scored.data) fail(`scoring the ${stage} stage`, scored.error, scored.response);
  for (const [no, finding] of findings[stage]) {
    console.log(`  indicator ${no}: ${finding.level ?? 'no level'} (${finding.note})`);
  }
};
await scoreStage('dokumen', 'documentAssessment');
await scoreStage('interviu', 'interviewAssessment');
await scoreStage('visitasi', 'visitAssessment');

// 7. The review team marks every standing score valid and finalizes the result.
step(`PUT …/reviews and POST …/result/finalize`);
const reviewed = await admin.PUT('/v1/cycles/{year}/agencies/{agencyId}/reviews', {
  params: { path: selfAssessmentPath },
  body: {
    reviews: indicators.map((indicator) => ({ indicatorNo: indicator.no, valid: true, expectedVersion: 0 })),
  },
});
if (!reviewed.data) fail('reviewing', reviewed.error, reviewed.response);
const finalized = await admin.POST('/v1/cycles/{year}/agencies/{agencyId}/result/finalize', {
  params: { path: selfAssessmentPath, header: { 'Idempotency-Key': key('finalize') } },
});
if (!finalized.data) fail('finalizing', finalized.error, finalized.response);
const finalScore = finalized.data.result.computed.score;
console.log(
  `  result version ${finalized.data.result.version}: index ${finalScore.index.display} (${finalScore.predicate.name}); self-assessed ${submitted.data.provisional.index.display}`,
);
await waitForWebhook('result.finalized');

// 8. The rest of the country: final results assessed elsewhere arrive through the results import.
step(`POST /v1/cycles/${year}/results/import: the other agencies’ final results (demo levels)`);
const others: string[] = [];
for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
  const page = await admin.GET('/v1/agencies', {
    params: { query: { limit: 200, ...(cursor === undefined ? {} : { cursor }) } },
  });
  if (!page.data) fail('listing agencies', page.error, page.response);
  others.push(...page.data.items.map((agency) => agency.id).filter((id) => id !== agencyId));
  cursor = page.data.nextCursor ?? undefined;
}
/** Deterministic demo levels (a hash of the agency's id): each agency its own standing, 1–5 around it. */
const demoLevels = (id: string): Level[] => {
  const digest = createHash('sha256').update(`${year}:${id}`).digest();
  const standing = 1.2 + ((digest[0] ?? 0) % 31) / 10;
  return indicators.map((_indicator, index) => {
    const spread = ((digest[(index % (digest.length - 1)) + 1] ?? 0) % 3) - 1;
    return Math.min(5, Math.max(1, Math.round(standing + spread))) as Level;
  });
};
const imported = await admin.POST('/v1/cycles/{year}/results/import', {
  params: { path: { year }, header: { 'Idempotency-Key': key('import') } },
  body: {
    results: others.map((id) => ({
      agencyId: id,
      levels: demoLevels(id),
      reference: `Contoh: hasil evaluasi SPBE ${year} (data demo)`,
    })),
  },
});
if (!imported.data) fail('importing results', imported.error, imported.response);
console.log(`  ${imported.data.imported} results imported (${imported.data.unchanged} unchanged)`);

// Before ranking, the review team checks who has a final result (an agency without one is left out).
step(`GET /v1/cycles/${year}/results?group=provinsi`);
const provinces = await admin.GET('/v1/cycles/{year}/results', {
  params: { path: { year }, query: { group: 'provinsi', limit: 200 } },
});
if (!provinces.data) fail('listing the provinces’ results', provinces.error, provinces.response);
const best = [...provinces.data.items].sort((a, b) => b.index.value - a.index.value).slice(0, 3);
console.log(
  `  ${provinces.data.items.length} provinces with a final result; highest: ${best
    .map((item) => `${item.agencyName} ${item.index.display}`)
    .join(', ')}`,
);

// 9. Appeals: the province contests the indicator scored without evidence, with the audit report.
await moveTo('appeals');
step(`POST …/appeals: indicator 30, with the audit report`);
const appeal = await operator.POST('/v1/cycles/{year}/agencies/{agencyId}/appeals', {
  params: { path: selfAssessmentPath, header: { 'Idempotency-Key': key('appeal') } },
  body: {
    indicators: [
      {
        indicatorNo: 30,
        justification: 'Laporan audit TIK 2026 telah terbit sebelum penilaian dokumen; terlampir.',
        evidence: [{ title: 'Laporan Audit TIK', url: `https://jatimprov.go.id/spbe/${year}/audit-tik.pdf` }],
      },
    ],
  },
});
if (!appeal.data) fail('filing the appeal', appeal.error, appeal.response);
const decided = await admin.PUT('/v1/cycles/{year}/agencies/{agencyId}/appeals/{appealId}/decision', {
  params: { path: { ...selfAssessmentPath, appealId: appeal.data.appealId } },
  body: {
    decisions: [{ indicatorNo: 30, upheld: true, level: 4, reason: 'Laporan audit sah dan tepat waktu' }],
  },
});
if (!decided.data) fail('deciding the appeal', decided.error, decided.response);
console.log(
  `  appeal ${decided.data.appealId} ${decided.data.status}: result version ${decided.data.newResultVersion}`,
);
await waitForWebhook('appeal.decided');

// 10. Publication: the national ranking run (asynchronous: 202, then poll the run).
await moveTo('publication');
step(`POST /v1/cycles/${year}/rankings/runs`);
const started = await admin.POST('/v1/cycles/{year}/rankings/runs', {
  params: { path: { year }, header: { 'Idempotency-Key': key('ranking') } },
});
if (!started.data) fail('starting the ranking run', started.error, started.response);
let run = started.data;
let shown = '';
while (run.status === 'running') {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const polled = await admin.GET('/v1/cycles/{year}/rankings/runs/{runId}', {
    params: { path: { year, runId: run.runId } },
  });
  if (!polled.data) fail('reading the ranking run', polled.error, polled.response);
  run = polled.data;
  const progress = `${run.phase}: ${run.progress.itemsWritten}/${run.progress.itemsTotal} items written`;
  if (progress !== shown) console.log(`  ${progress}`);
  shown = progress;
}
if (run.status === 'unchanged') {
  // Identical to the ranking already published (nothing it depends on changed): that ranking
  // stays, and no ranking.published is sent again.
  console.log(`  unchanged: the published run ${run.confirms?.runId} stands; no webhook this time`);
} else if (run.status !== 'published') {
  console.error(`✗ The ranking run ${run.runId} ${run.status}: ${run.error ?? ''}`);
  process.exit(1);
} else {
  await waitForWebhook('ranking.published');
}
const positions = await operator.GET('/v1/agencies/{agencyId}/rankings', { params: { path: { agencyId } } });
if (!positions.data) fail('reading the agency’s rankings', positions.error, positions.response);
for (const position of positions.data.items.find((item) => item.year === year)?.positions ?? []) {
  if (position.measure !== 'index') continue;
  console.log(
    `  ${position.scope}: rank ${position.rank} of ${position.of} (index ${position.value.display})`,
  );
}

// 11. The awards: the draft from the cycle's rules and the published ranking, then the publication.
step(`GET /v1/cycles/${year}/awards/draft, then POST …/awards/publish`);
const draft = await admin.GET('/v1/cycles/{year}/awards/draft', { params: { path: { year } } });
if (!draft.data) fail('reading the awards draft', draft.error, draft.response);
if (!draft.data.publishable) {
  console.error(`✗ The draft cannot be published: ${draft.data.blockers.join('; ')}`);
  process.exit(1);
}
const ours = draft.data.categories.flatMap((category) =>
  category.pools.flatMap((pool) =>
    pool.winners.filter((winner) => winner.agency.id === agencyId).map(() => category.nameId),
  ),
);
console.log(
  `  ${draft.data.totals.awards} awards to ${draft.data.totals.recipients} agencies; ${agencyId}: ${ours.length > 0 ? ours.join(', ') : 'none'}`,
);
const published = await admin.POST('/v1/cycles/{year}/awards/publish', {
  params: { path: { year }, header: { 'Idempotency-Key': key('awards') } },
});
if (!published.data) fail('publishing the awards', published.error, published.response);
console.log(`  published version ${published.data.version}: ${published.data.awardCount} awards`);
if (ours.length > 0) await waitForWebhook('award.published');

// 12. Tidy up: the receiver stops with this script, so its endpoint goes too (no retries to nobody).
const current = await operator.GET('/v1/agencies/{agencyId}/webhook-endpoints/{endpointId}', {
  params: { path: { agencyId, endpointId: endpoint.data.id } },
});
if (current.data) {
  await operator.DELETE('/v1/agencies/{agencyId}/webhook-endpoints/{endpointId}', {
    params: {
      path: { agencyId, endpointId: endpoint.data.id },
      header: { 'If-Match': etagOf(current.response, 'the endpoint') },
    },
  });
}
receiver.close();
console.log(
  `\n✓ the ${year} year is done: ${received.length} webhooks received and verified (${[...new Set(received.map((event) => event.type))].join(', ')})` +
    `\n  the awards page: ${baseUrl}/awards/${year}   the ranking: ${baseUrl}/v1/cycles/${year}/rankings`,
);
