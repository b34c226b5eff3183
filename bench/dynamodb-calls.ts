/**
 * DynamoDB calls per route against the documented number (`shared/dynamodb/route-calls.ts`, the table in
 * docs/access-patterns.md): every route of the route table called once or more on a fresh local runtime
 * (DynamoDB Local), in the order of a programme year (`test/helpers/route-journey.ts`, the journey the
 * call-count test runs), its calls counted by the runtime's SDK middleware — the rate limiter's counter
 * and the idempotency records included.
 *
 * Each row: the step's wall time (request and the journey's own work until the next step), and in the
 * ratio column the calls made over the calls documented for a warm container (1.00: as documented;
 * above 1: a documented extra such as a cold cycle cache or an empty page, named in the note).
 * Target (issue): every route at its documented count — no route makes a call its entry does not name.
 */
import { performance } from 'node:perf_hooks';
import { documentedCallsOf } from '../shared/dynamodb/route-calls.ts';
import { startTestApi } from '../test/helpers/local-api.ts';
import { runRouteJourney, verdictOf } from '../test/helpers/route-journey.ts';
import type { BenchReport, Measurement } from './lib.ts';

export const runDynamoDbCallsBench = async (): Promise<BenchReport> => {
  const api = await startTestApi();
  try {
    let last = performance.now();
    const stepMs: number[] = [];
    const steps = await runRouteJourney(api, {
      onStep: () => {
        const now = performance.now();
        stepMs.push(now - last);
        last = now;
      },
    });
    const verdicts = steps.map(verdictOf);
    const measurements: Measurement[] = verdicts.map((verdict, index) => {
      const { step } = verdict;
      const documented = documentedCallsOf(step.operationId).length;
      const made = step.calls.map((call) => call.operation).join(' + ') || 'none';
      const situation =
        verdict.verdict === 'extra'
          ? ` + documented extra: ${verdict.situations.join('; ')}`
          : verdict.verdict === 'different'
            ? ' ✗ NOT AS DOCUMENTED'
            : '';
      return {
        name: `${step.routeKey} (${step.status})`,
        ms: stepMs[index] ?? Number.NaN,
        ratio: documented === 0 ? null : step.calls.length / documented,
        note: `${step.calls.length} calls, documented ${documented}${situation}: ${made}`,
      };
    });
    const different = verdicts.filter((verdict) => verdict.verdict === 'different');
    const total = verdicts.reduce((sum, verdict) => sum + verdict.step.calls.length, 0);
    return {
      title: `DynamoDB calls per route on DynamoDB Local: ${steps.length} requests over ${new Set(steps.map((step) => step.routeKey)).size} routes, ${total} calls (the limiter's counter included)`,
      measurements,
      targets: [
        {
          name: 'every route at its documented DynamoDB calls',
          pass: different.length === 0,
          detail:
            different.length === 0
              ? `all ${verdicts.length} requests made exactly their documented calls (or a documented extra)`
              : `${different.length} not as documented: ${different.map((verdict) => verdict.step.routeKey).join(', ')}`,
        },
      ],
    };
  } finally {
    await api.stop();
  }
};
