import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { HealthProbe, TableCheck } from '#shared/services/public/health.ts';

export interface ProbedTable {
  readonly name: string;
  readonly tableName: string;
  /** A key that never exists in that table. */
  readonly key: Readonly<Record<string, string>>;
}

/**
 * Readiness of every table a function uses: a GetItem on a key that never exists proves the table
 * answers and costs half a read unit. Failures are reported (and logged by the caller), not thrown.
 */
export const createHealthProbe = (
  client: DynamoDBDocumentClient,
  tables: readonly ProbedTable[],
  onFailure: (table: string, error: unknown) => void = () => undefined,
): HealthProbe => ({
  check: () =>
    Promise.all(
      tables.map(async ({ name, tableName, key }): Promise<TableCheck> => {
        const started = performance.now();
        try {
          await client.send(new GetCommand({ TableName: tableName, Key: { ...key } }));
          return { name, status: 'ok', latencyMs: Math.round(performance.now() - started) };
        } catch (error) {
          onFailure(name, error);
          return { name, status: 'failed', latencyMs: Math.round(performance.now() - started) };
        }
      }),
    ),
});
