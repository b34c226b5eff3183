import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeCalls } from '#local/dynamodb-calls.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import { type JourneyStep, runRouteJourney } from '#test/helpers/route-journey.ts';

let api: TestApi;
let steps: JourneyStep[] = [];

beforeAll(async () => {
  api = await startTestApi();
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

it('journey', async () => {
  steps = await runRouteJourney(api);
  for (const step of steps)
    console.log(
      `${step.operationId.padEnd(26)} ${step.status} ${step.calls.length} ${describeCalls(step.calls)} ${step.note ?? ''}`,
    );
  expect(steps.length).toBeGreaterThan(0);
}, 120_000);
