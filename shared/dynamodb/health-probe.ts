import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { HealthProbe, TableCheck } from '#shared/services/public/health.ts';
import { abandonedAfter } from './errors.ts';

export interface ProbedTable {
  readonly name: string;
  readonly tableName: string;
  /** A key that never exists in that table. */
  readonly key: Readonly<Record<string, string>>;
}

/**
 * How long each of the probe's rounds (the batch, then the tables alone) may take, retries included.
 * A stalled table must make `/v1/health` say 503 within seconds: with the client's own bounds (four
 * attempts of up to 5 s) two rounds outlasted the function's 29 s, and the answer was a 500.
 */
export const healthProbeBudgetMs = 2_000;

/**
 * Readiness of every table a function uses: one BatchGetItem of a key that never exists in each
 * proves they all answer, in one round trip, for half a read unit per table. Only when it fails is
 * each table probed alone (a GetItem each), to name the ones that do not answer. Each round gives up
 * after `budgetMs`. Failures are reported (and logged by the caller), not thrown.
 */
export const createHealthProbe = (
  client: DynamoDBDocumentClient,
  tables: readonly ProbedTable[],
  onFailure: (table: string, error: unknown) => void = () => undefined,
  budgetMs: number = healthProbeBudgetMs,
): HealthProbe => {
  const probeEach = () =>
    Promise.all(
      tables.map(async ({ name, tableName, key }): Promise<TableCheck> => {
        const started = performance.now();
        try {
          await client.send(new GetCommand({ TableName: tableName, Key: { ...key } }), {
            abortSignal: AbortSignal.timeout(budgetMs),
          });
          return { name, status: 'ok', latencyMs: Math.round(performance.now() - started) };
        } catch (error) {
          onFailure(name, abandonedAfter(error, budgetMs, `The ${name} table`));
          return { name, status: 'failed', latencyMs: Math.round(performance.now() - started) };
        }
      }),
    );
  return {
    check: async () => {
      const started = performance.now();
      try {
        const result = await client.send(
          new BatchGetCommand({
            RequestItems: Object.fromEntries(
              tables.map(({ tableName, key }) => [tableName, { Keys: [{ ...key }] }]),
            ),
          }),
          { abortSignal: AbortSignal.timeout(budgetMs) },
        );
        // Unprocessed keys only appear under throttling: those tables are asked again alone.
        if (Object.keys(result.UnprocessedKeys ?? {}).length > 0) return probeEach();
      } catch {
        return probeEach();
      }
      const latencyMs = Math.round(performance.now() - started);
      return tables.map(({ name }): TableCheck => ({ name, status: 'ok', latencyMs }));
    },
  };
};
