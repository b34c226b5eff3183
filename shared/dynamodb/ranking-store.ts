import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Ranking } from '#shared/domain/ranking/rank.ts';
import type { FinalResult, RankingStore } from '#shared/services/rankings/ranking-run.ts';
import { createCycleStore } from './cycle-store.ts';
import { translateStorageError } from './errors.ts';
import { rankingKeys, resultKeys } from './keys.ts';

// Rows per stored page: a national ranking of ~620 agencies fits in two items far below 400 KB.
const rowsPerPage = 400;

const scopeKey = (scope: Ranking['scope']) => (scope === 'national' ? 'national' : [...scope].join('+'));

export const createRankingStore = (client: DynamoDBDocumentClient, tableName: string): RankingStore => {
  const cycles = createCycleStore(client, tableName);
  const putNew = (item: Record<string, unknown>) =>
    client
      .send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
      )
      .catch(translateStorageError);

  return {
    cycle: (year) => cycles.get(year),

    finalResults: async (year) => {
      const results: FinalResult[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client
          .send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'GSI1',
              KeyConditionExpression: 'GSI1PK = :pk',
              ExpressionAttributeValues: { ':pk': resultKeys.cycleResultsPartition(year) },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          )
          .catch(translateStorageError);
        for (const item of page.Items ?? []) {
          results.push({
            agencyId: item.agencyId as string,
            agencyName: item.agencyName as string | undefined,
            group: item.group as FinalResult['group'],
            summary: item.summary as FinalResult['summary'],
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return results;
    },

    saveRun: async (summary, rankings) => {
      for (const ranking of rankings) {
        const scope = scopeKey(ranking.scope);
        const pages = Math.max(1, Math.ceil(ranking.rows.length / rowsPerPage));
        for (let page = 0; page < pages; page += 1) {
          await putNew({
            ...rankingKeys.page(summary.year, summary.runId, scope, ranking.measure, page),
            entity: 'RankingPage',
            year: summary.year,
            runId: summary.runId,
            scope,
            measure: ranking.measure,
            page,
            pages,
            tieOrder: ranking.tieOrder,
            rows: ranking.rows.slice(page * rowsPerPage, (page + 1) * rowsPerPage),
            ...(page === 0 ? { excluded: ranking.excluded } : {}),
          });
        }
      }
      // The summary goes last: a run is visible only once every page of it is stored.
      await putNew({ ...rankingKeys.run(summary.year, summary.runId), entity: 'RankingRun', ...summary });
    },
  };
};
