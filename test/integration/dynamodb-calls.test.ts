import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKeyOf } from '#shared/api/route-spec.ts';
import { routeList } from '#shared/api/routes.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  type CallVerdict,
  callReport,
  type JourneyStep,
  runRouteJourney,
  verdictOf,
} from '#test/helpers/route-journey.ts';

/**
 * Every route of the route table, called through the local runtime on DynamoDB Local, makes the
 * DynamoDB calls documented for it (`shared/dynamodb/route-calls.ts`, the table in
 * docs/access-patterns.md): counted by the runtime's SDK middleware, idempotency records included.
 * A route making more calls than documented — or other ones — fails, with every route's counts.
 */

let api: TestApi;
let steps: JourneyStep[] = [];
let verdicts: CallVerdict[] = [];

beforeAll(async () => {
  api = await startTestApi();
  steps = await runRouteJourney(api);
  verdicts = steps.map(verdictOf);
}, 180_000);

afterAll(async () => {
  await api?.stop();
});

describe('DynamoDB calls per route', () => {
  it('calls every route of the route table with a request it accepts', () => {
    // Assess
    const called = new Set(steps.map((step) => step.routeKey));
    expect(routeList.map(routeKeyOf).filter((key) => !called.has(key))).toEqual([]);
  });

  it('makes no route call DynamoDB more, or otherwise, than documented', () => {
    // Assess
    const wrong = verdicts.filter((verdict) => verdict.verdict === 'different');
    expect(
      wrong.map((verdict) => verdict.step.routeKey),
      `Calls made by each route (✗: not as documented in shared/dynamodb/route-calls.ts):\n${callReport(verdicts)}`,
    ).toEqual([]);
  });

  it('makes exactly the documented calls at least once per route: the documented count is the usual one', () => {
    // Assess
    const exact = new Set(
      verdicts.filter((verdict) => verdict.verdict === 'exact').map((v) => v.step.routeKey),
    );
    expect(
      routeList.map(routeKeyOf).filter((key) => !exact.has(key)),
      callReport(verdicts),
    ).toEqual([]);
  });

  it('counts a cold container’s extra read of the cycle once, then serves the cycle from its cache', () => {
    // Assess: the first self-assessment read of the year reads the cycle; the next ones do not
    const reads = verdicts.filter((verdict) => verdict.step.operationId === 'getSelfAssessment');
    const ownCalls = (index: number) =>
      reads[index]?.step.calls
        .filter((call) => call.operation !== 'UpdateItem') // the rate limiter's counter
        .map((call) => call.operation)
        .sort();
    expect(ownCalls(0)).toEqual(['GetItem', 'GetItem', 'Query']);
    expect(ownCalls(1)).toEqual(['Query']);
  });
});
