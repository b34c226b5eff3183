import type { DynamoDbCall } from '#local/dynamodb-calls.ts';
import { type RouteSpec, routeKeyOf } from '#shared/api/route-spec.ts';
import { type OperationId, routes } from '#shared/api/routes.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import { type AccessPatternEntry, type AccessPatternName, accessPatterns } from '#shared/dynamodb/keys.ts';
import { documentedCallsOf, type RouteCalls, routeCalls } from '#shared/dynamodb/route-calls.ts';
import type { ApiResponse, TestApi } from './local-api.ts';
import { startReceiver, type TestReceiver } from './webhook-receiver.ts';

/**
 * Every route of the route table, called with a request it accepts, in an order that makes each
 * one succeed: a programme year from the registry to the published result and its appeal, last
 * year's ranking run, and an agency's webhook endpoint from registration to deletion. Each call
 * is recorded with its status and the DynamoDB calls it made (the local runtime counts them; see
 * `local/dynamodb-calls.ts`). The call-count test compares them with each route's documented
 * calls; the load bench prints them.
 */

export interface JourneyStep {
  readonly operationId: OperationId;
  readonly routeKey: string;
  readonly status: number;
  readonly calls: readonly DynamoDbCall[];
  /** Why this call is made here (e.g. "first read of the year: cycle not cached yet"). */
  readonly note?: string;
}

const framework = getFramework('spbe-2020');
const indicators = framework.indicators.map((indicator) => indicator.no);
const day = 86_400_000;
const at = (days: number) => new Date(Date.now() + days * day).toISOString();

const phases = ['selfAssessment', 'documentAssessment', 'appeals', 'publication'] as const;
type Phase = (typeof phases)[number];

/** Windows of a Pemantauan cycle in which `phase` is open now: earlier ones past, later ones ahead. */
const windowsWhere = (phase: Phase) => {
  const current = phases.indexOf(phase);
  const window = (position: number) => {
    const offset = position - current;
    if (offset === 0) return { opensAt: at(-1), closesAt: at(5) };
    return offset < 0
      ? { opensAt: at(-1 - 3 * -offset), closesAt: at(-3 * -offset) }
      : { opensAt: at(5 + 3 * offset - 2), closesAt: at(5 + 3 * offset) };
  };
  return {
    selfAssessment: window(0),
    documentAssessment: window(1),
    appeals: window(2),
    publication: { at: phase === 'publication' ? at(-0.5) : window(3).opensAt },
  };
};

/** Last year's timetable, all of it past: the cycle is published. */
const pastWindows = (year: number) => {
  const shift = (iso: string) => {
    const date = new Date(iso);
    date.setUTCFullYear(year);
    return date.toISOString();
  };
  const jan = (month: number, dayOfMonth: number) =>
    new Date(Date.UTC(year, month - 1, dayOfMonth)).toISOString();
  return {
    selfAssessment: { opensAt: shift(jan(2, 1)), closesAt: shift(jan(3, 1)) },
    documentAssessment: { opensAt: jan(3, 2), closesAt: jan(4, 1) },
    appeals: { opensAt: jan(4, 2), closesAt: jan(5, 1) },
    publication: { at: jan(6, 1) },
  };
};

export interface JourneyOptions {
  /** Called after each step (progress, printing). */
  readonly onStep?: (step: JourneyStep) => void;
}

/** Runs the journey on a fresh local runtime (empty tables); throws on any unexpected status. */
export const runRouteJourney = async (api: TestApi, options: JourneyOptions = {}): Promise<JourneyStep[]> => {
  const steps: JourneyStep[] = [];
  const year = new Date().getUTCFullYear();
  const lastYear = year - 1;
  const agencyA = 'prov-jawa-timur';
  const agencyB = 'prov-jawa-barat';
  const admin = await api.token('admin');
  const operator = await api.token('agency', { subject: 'operator-jatim', agencyId: agencyA });
  const assessor = await api.token('assessor', { subject: 'asesor-uji' });
  const secondAssessor = await api.token('assessor', { subject: 'asesor-dua' });
  const receiver: TestReceiver = await startReceiver(() => 200);
  let key = 0;
  const idempotencyKey = () => ({ 'idempotency-key': `journey-${++key}` });

  const call = async <T = Record<string, unknown>>(
    operationId: OperationId,
    request: {
      readonly path?: string;
      readonly params?: Readonly<Record<string, string | number>>;
      readonly query?: string;
      readonly token?: string;
      readonly body?: unknown;
      readonly rawBody?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly expect?: number;
      readonly note?: string;
    } = {},
  ): Promise<ApiResponse<T>> => {
    const route: RouteSpec = routes[operationId];
    const values: Record<string, string> = {
      year: String(year),
      agencyId: agencyA,
      ...Object.fromEntries(
        Object.entries(request.params ?? {}).map(([name, value]) => [name, String(value)]),
      ),
    };
    const path =
      request.path ??
      route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`No value for {${name}} of ${operationId}`);
        return encodeURIComponent(value);
      });
    const response = await api.request<T>(route.method, `${path}${request.query ?? ''}`, {
      ...(request.token ? { token: request.token } : {}),
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.rawBody === undefined ? {} : { rawBody: request.rawBody }),
      ...(request.headers ? { headers: request.headers } : {}),
    });
    const expected = request.expect ?? Number(Object.keys(route.responses).find((status) => status < '300'));
    if (response.status !== expected) {
      throw new Error(
        `${operationId} (${route.method} ${path}) answered ${response.status}, expected ${expected}: ${response.text.slice(0, 500)}`,
      );
    }
    const step: JourneyStep = {
      operationId,
      routeKey: routeKeyOf(route),
      status: response.status,
      calls: api.dynamoDbCallsOf(response),
      ...(request.note ? { note: request.note } : {}),
    };
    steps.push(step);
    options.onStep?.(step);
    return response;
  };

  try {
    // Public routes and the contract.
    await call('getHealth');
    await call('getOpenApi');
    await call('getFramework', { params: { frameworkId: 'spbe-2020' } });
    await call('getDocs');
    await call('getDocsScript');
    await call('getDocsStylesheet');
    await call('getDocsInitializer');
    await call('listProblemTypes');
    await call('getProblemType', { params: { slug: 'validation-failed' } });
    await call('getMe', { token: operator });

    // The registry.
    await call('putAgency', {
      token: admin,
      body: { name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' },
      expect: 201,
    });
    await call('putAgency', {
      params: { agencyId: agencyB },
      token: admin,
      body: { name: 'Pemerintah Provinsi Jawa Barat', group: 'provinsi' },
      expect: 201,
    });
    await call('importAgencies', {
      token: admin,
      headers: idempotencyKey(),
      body: {
        agencies: [
          { id: 'kota-surabaya', name: 'Pemerintah Kota Surabaya', group: 'kota', parentProvinceId: agencyA },
        ],
      },
    });
    await call('listAgencies', { token: admin, query: '?group=provinsi' });
    await call('getAgency');
    await call('listAgencyDirectory', { query: '?q=jawa+timur' });
    await call('getAgencyAudit', { token: admin });
    await call('putMachineClient', {
      params: { clientId: 'portal-jatim' },
      token: admin,
      body: { role: 'agency', agencyId: agencyA, description: 'Portal SPBE Jawa Timur' },
      expect: 201,
    });
    await call('getMachineClient', { params: { clientId: 'portal-jatim' }, token: admin });
    await call('getMachineClientAudit', { params: { clientId: 'portal-jatim' }, token: admin });

    // Cycles: this year's runs now; last year's is published.
    const created = await call<{ version: number }>('createCycle', {
      token: admin,
      headers: idempotencyKey(),
      body: { year, type: 'pemantauan', windows: windowsWhere('selfAssessment'), predicateBasis: 'exact' },
    });
    let cycleVersion = created.body.version;
    await call('createCycle', {
      token: admin,
      headers: idempotencyKey(),
      body: { year: lastYear, type: 'pemantauan', windows: pastWindows(lastYear), predicateBasis: 'exact' },
    });
    await call('listCycles', { token: admin });
    await call('getCycle', { token: operator });
    await call('getAgencyCycleAudit', { token: admin, note: 'before anything happened in the cycle' });
    const reschedule = async (phase: Phase) => {
      const response = await call<{ version: number }>('putCycleWindows', {
        token: admin,
        body: windowsWhere(phase),
        headers: { 'if-match': `"${cycleVersion}"` },
      });
      cycleVersion = response.body.version;
    };

    // The self-assessment.
    await call('getSelfAssessment', { token: operator, note: 'before the first save' });
    await call('saveIndicatorAnswer', {
      params: { no: 1 },
      token: operator,
      body: { level: 3, explanation: 'Kebijakan internal ditetapkan' },
      headers: { 'if-match': '"0"' },
    });
    await call('getSelfAssessment', { token: operator });
    await call('saveSelfAssessment', {
      token: operator,
      body: {
        answers: indicators.map((no) => ({
          indicatorNo: no,
          level: ((no % 5) + 1) as 1 | 2 | 3 | 4 | 5,
          explanation: `Penjelasan indikator ${no}`,
          evidence: [{ title: `Data dukung ${no}`, url: `https://jatimprov.go.id/spbe/${no}.pdf` }],
        })),
      },
      headers: { 'if-match': '"1"' },
    });
    await call('saveIndicatorAnswer', {
      params: { no: 2 },
      token: operator,
      body: { level: 4, explanation: 'Diperbarui' },
      headers: { 'if-match': '"2"' },
    });
    await call('submitSelfAssessment', {
      token: operator,
      headers: { ...idempotencyKey(), 'if-match': '"3"' },
    });
    await call('listCycleSelfAssessments', { token: admin, query: '?status=submitted' });
    await call('getAgencyCycleAudit', { token: admin });

    // The external assessment.
    await call('putAssessor', {
      params: { subject: 'asesor-uji' },
      token: admin,
      body: { name: 'Asesor Uji', affiliations: [] },
      expect: 201,
    });
    await call('putAssessor', {
      params: { subject: 'asesor-dua' },
      token: admin,
      body: { name: 'Asesor Dua', affiliations: [] },
      expect: 201,
    });
    await call('putAssessor', {
      params: { subject: 'asesor-tiga' },
      token: admin,
      body: { name: 'Asesor Tiga', affiliations: [] },
      expect: 201,
    });
    await call('getAssessor', { params: { subject: 'asesor-uji' }, token: admin });
    await call('getAssessorAudit', { params: { subject: 'asesor-uji' }, token: admin });
    await call('createAssignments', {
      token: admin,
      headers: idempotencyKey(),
      body: {
        assignments: [
          { agencyId: agencyA, assessor: 'asesor-uji' },
          { agencyId: agencyA, assessor: 'asesor-dua' },
          { agencyId: agencyA, assessor: 'asesor-tiga' },
        ],
      },
    });
    await call('listAssignments', { token: admin });
    await call('listMyAssignments', { token: assessor, query: `?year=${year}` });
    await call('getAssessment', { token: assessor });
    await reschedule('documentAssessment');
    await call('getCycleAudit', { token: admin });
    await call('saveStageScores', {
      params: { stage: 'dokumen' },
      token: assessor,
      body: {
        scores: indicators.map((no) => ({ indicatorNo: no, expectedVersion: 0, level: ((no % 5) + 1) as 1 })),
      },
    });
    await call('saveStageScore', {
      params: { stage: 'dokumen', no: 1 },
      token: assessor,
      body: { level: 4, note: 'Dikoreksi', reason: 'Bukti tambahan diperiksa' },
      headers: { 'if-match': '"1"' },
    });
    await call('listStageScoreVersions', { params: { stage: 'dokumen', no: 1 }, token: assessor });
    await call('recuse', {
      token: secondAssessor,
      headers: idempotencyKey(),
      body: { reason: 'Pernah menjadi konsultan instansi ini.' },
    });
    await call('removeFromPanel', {
      params: { subject: 'asesor-tiga' },
      token: admin,
      headers: idempotencyKey(),
      body: { reason: 'Konflik kepentingan ditemukan setelah penugasan.' },
    });
    await call('saveReviews', {
      token: admin,
      body: { reviews: indicators.map((no) => ({ indicatorNo: no, valid: true, expectedVersion: 0 })) },
    });
    await call('finalizeResult', { token: admin, headers: idempotencyKey() });
    await call('getResult', { token: admin });
    await call('listResultVersions', { token: admin });
    await call('getResultBundle', { token: admin });
    await call('listCycleResults', { token: admin, note: 'the function’s first read of the cycle' });
    await call('listCycleResults', { token: admin, query: '?group=provinsi' });
    await call('getCycleProgress', { token: admin });
    await reschedule('appeals');
    const appeal = await call<{ appealId: string }>('fileAppeal', {
      token: operator,
      headers: idempotencyKey(),
      body: {
        indicators: [{ indicatorNo: 30, justification: 'Audit TIK telah selesai; laporan terlampir.' }],
      },
    });
    await call('listAppeals', { token: operator });
    await call('getAppeal', { token: operator, params: { appealId: appeal.body.appealId } });
    await call('listCycleAppeals', { token: admin, query: '?status=open' });
    // Again, with the cycle now in the container's cache: the usual single Query.
    await call('listCycleAppeals', { token: admin });
    await call('decideAppeal', {
      params: { appealId: appeal.body.appealId },
      token: admin,
      body: { decisions: [{ indicatorNo: 30, upheld: true, level: 5, reason: 'Laporan audit sah' }] },
    });

    // Last year's results and ranking run: the file's first two rows, then the whole file again
    // (a retry after a failure part-way): the rows already imported are compared, not written.
    const pastResults = [agencyA, agencyB, 'kota-surabaya'].map((agencyId, index) => ({
      agencyId,
      levels: indicators.map(() => (index % 5) + 1),
      reference: 'Laporan Evaluasi SPBE',
    }));
    await call('importResults', {
      params: { year: lastYear },
      token: admin,
      headers: idempotencyKey(),
      body: { results: pastResults.slice(0, 2) },
    });
    await call('importResults', {
      params: { year: lastYear },
      token: admin,
      headers: idempotencyKey(),
      body: { results: pastResults },
      note: 'the file again: two rows imported already',
    });
    const run = await call<{ runId: string }>('startRankingRun', {
      params: { year: lastYear },
      token: admin,
      headers: idempotencyKey(),
    });
    await api.runtime.lambda.settle();
    const runId = run.body.runId;
    await call('listRankingRuns', { params: { year: lastYear }, token: admin });
    await call('getRankingRun', { params: { year: lastYear, runId }, token: admin });
    await call('getRankingRunEntries', { params: { year: lastYear, runId }, token: admin });
    await call('getRankings', { params: { year: lastYear } });
    await call('getRankingOpenData', { params: { year: lastYear }, query: '?format=json' });
    await call('getAgencyRankings');

    // Last year's awards, on its published ranking: a decision, the publication, the public reads
    // and a revision that the second decision calls for.
    await call('getAwardDraft', { params: { year: lastYear }, token: admin });
    const decided = await call<{ number: number }>('createAwardDecision', {
      params: { year: lastYear },
      token: admin,
      headers: idempotencyKey(),
      body: { category: 'layanan', agencyId: agencyB, action: 'exclude', reason: 'Pemeriksaan data dukung' },
    });
    await call('listAwardDecisions', { params: { year: lastYear }, token: admin });
    await call('getAwardDecision', { params: { year: lastYear, number: decided.body.number }, token: admin });
    await call('publishAwards', {
      params: { year: lastYear },
      token: admin,
      headers: idempotencyKey(),
      expect: 201,
    });
    const awards = await call<{
      categories: { pools: { awards: { id: string; agency: { id: string } }[] }[] }[];
    }>('getCycleAwards', { params: { year: lastYear } });
    const firstAward = awards.body.categories.flatMap((category) =>
      category.pools.flatMap((pool) => pool.awards),
    )[0];
    if (!firstAward) throw new Error('The journey’s publication has no award');
    await call('getAgencyAwards', { params: { agencyId: firstAward.agency.id } });
    await call('getAward', { params: { awardId: firstAward.id } });
    await call('getAwardsPage', { params: { year: lastYear } });
    await call('getAwardsIndexPage');
    await call('listAwardYears');
    await call('getAwardsStylesheet');
    await call('createAwardDecision', {
      params: { year: lastYear },
      token: admin,
      headers: idempotencyKey(),
      body: {
        category: 'layanan',
        agencyId: agencyA,
        action: 'exclude',
        reason: 'Pemeriksaan Inspektorat atas data dukung layanan',
      },
      note: 'after publication',
    });
    await call('reviseAwards', {
      params: { year: lastYear },
      token: admin,
      headers: idempotencyKey(),
      body: { reason: 'revocation', note: 'Dicabut setelah pemeriksaan Inspektorat' },
      expect: 201,
    });

    // Webhooks: an endpoint of agency A on a loopback receiver (the local runtime allows it).
    const endpoint = await call<{ id: string; version: number }>('createWebhookEndpoint', {
      token: operator,
      body: { url: receiver.url, eventTypes: ['webhook.test', 'ranking.published'] },
    });
    const endpointId = endpoint.body.id;
    await call('listWebhookEndpoints', { token: operator });
    await call('getWebhookEndpoint', { params: { endpointId }, token: operator });
    await call('updateWebhookEndpoint', {
      params: { endpointId },
      token: operator,
      body: { description: 'Portal SPBE Jawa Timur' },
      headers: { 'if-match': '"1"' },
    });
    await call('rotateWebhookSecret', { params: { endpointId }, token: operator, body: { overlapHours: 0 } });
    const test = await call<{ eventId: string }>('sendWebhookTest', {
      params: { endpointId },
      token: operator,
      headers: idempotencyKey(),
    });
    await receiver.waitFor(1, 20_000);
    // The delivery is logged as succeeded just after the receiver answers.
    let delivered = false;
    for (let attempt = 0; attempt < 100 && !delivered; attempt++) {
      const log = await api.request<{ items: { status: string }[] }>(
        'GET',
        `/v1/agencies/${agencyA}/webhook-endpoints/${endpointId}/deliveries`,
        { token: operator },
      );
      delivered = log.body.items.some((item) => item.status === 'succeeded');
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await call('listWebhookDeliveries', { params: { endpointId }, token: operator });
    await call('getWebhookEndpointAudit', { params: { endpointId }, token: operator });
    await call('redeliverWebhook', {
      params: { endpointId, eventId: test.body.eventId },
      token: operator,
      headers: idempotencyKey(),
    });
    await call('redeliverFailedWebhooks', {
      params: { endpointId },
      token: operator,
      headers: idempotencyKey(),
      body: { since: at(-1) },
    });
    await call('listWebhookPublicKeys');
    await call('deleteWebhookEndpoint', {
      params: { endpointId },
      token: operator,
      headers: { 'if-match': '"3"' },
    });
    // The published result, read by its agency's operator from publication.
    await reschedule('publication');
    await call('getResult', { token: operator });
  } finally {
    await receiver.close();
  }
  return steps;
};

/** How a step's calls compare with its route's documented ones (`shared/dynamodb/route-calls.ts`). */
export interface CallVerdict {
  readonly step: JourneyStep;
  readonly documented: number;
  /** `exact`: the documented calls; `extra`: those and the extra calls of the situations named. */
  readonly verdict: 'exact' | 'extra' | 'different';
  readonly situations: readonly string[];
}

const operationOf = (name: AccessPatternName): string =>
  (accessPatterns as readonly AccessPatternEntry[]).find((pattern) => pattern.name === name)?.operation ??
  `unknown pattern ${name}`;

const sameCalls = (actual: readonly string[], expected: readonly string[]) =>
  actual.length === expected.length && [...actual].sort().join() === [...expected].sort().join();

/**
 * Compares the operations a step made with its route's documented calls, alone or with any
 * combination of the documented extras (a cold cache, an empty page, …). Order is not compared:
 * parallel calls reach the client in any order.
 */
export const verdictOf = (step: JourneyStep): CallVerdict => {
  const entry: RouteCalls = routeCalls[step.operationId];
  const actual = step.calls.map((call) => call.operation);
  const base = documentedCallsOf(step.operationId).map(operationOf);
  const documented = base.length;
  if (sameCalls(actual, base)) return { step, documented, verdict: 'exact', situations: [] };
  const extras = entry.extra ?? [];
  for (let mask = 1; mask < 1 << extras.length; mask += 1) {
    const chosen = extras.filter((_extra, index) => (mask >> index) & 1);
    if (sameCalls(actual, [...base, ...chosen.flatMap((extra) => extra.calls.map(operationOf))])) {
      return { step, documented, verdict: 'extra', situations: chosen.map((extra) => extra.when) };
    }
  }
  return { step, documented, verdict: 'different', situations: [] };
};

/** One line per step: route, calls made against documented, and which. */
export const callReport = (verdicts: readonly CallVerdict[]): string =>
  verdicts
    .map(
      ({ step, documented, verdict, situations }) =>
        `${verdict === 'different' ? '✗' : ' '} ${step.routeKey.padEnd(86)} ${String(step.calls.length).padStart(2)} calls (documented ${documented}${situations.length > 0 ? ` + extra: ${situations.join('; ')}` : ''}): ${step.calls.map((call) => call.operation).join(' + ') || 'none'}`,
    )
    .join('\n');
