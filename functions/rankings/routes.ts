import { rankingRoutes } from '#shared/api/rankings/routes.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { negotiatedCsv } from '#shared/http/negotiation.ts';
import { toCsv } from '#shared/http/responses.ts';
import type { RunLauncher } from '#shared/services/rankings/ports.ts';
import { createRankingReader, type RankingReaderPorts } from '#shared/services/rankings/read.ts';
import { createRankingRunner, type RankingRunnerPorts } from '#shared/services/rankings/run.ts';

export interface RankingsDependencies extends RankingRunnerPorts, RankingReaderPorts {
  readonly launcher: RunLauncher;
  readonly http: HttpOptions;
}

/**
 * Read where the file is opened: a domain index is often a fraction ("28/11"), which a spreadsheet
 * silently turns into a date unless the column is imported as text.
 */
const csvColumnsNote =
  'columns: valueExact is the exact value, a decimal or a fraction n/d (import that column as text: a spreadsheet reads 28/11 as a date); valueDisplay is it rounded half-up to 2 decimals; decimals use a point; rankBest and rankWorst: the rank range of the national index';

const openDataColumns = [
  'measure',
  'rank',
  'groupRank',
  'agencyId',
  'agencyName',
  'group',
  'valueExact',
  'valueDisplay',
  'predicate',
  'previousRank',
  'change',
  'displayTie',
  'rankBest',
  'rankWorst',
] as const;

/** National rankings: runs (admins), the published ranking and open data (public). */
export const createRankingsHandler = (dependencies: RankingsDependencies) => {
  const runner = createRankingRunner(dependencies);
  const reader = createRankingReader(dependencies);

  return createLambdaHandler(
    'rankings',
    rankingRoutes,
    {
      startRankingRun: async ({ params }, context) => {
        const run = await runner.start(actorOf(context, context.now), params.year, 'admin');
        // The run is recorded and holds the lease: its worker does the rest asynchronously. If the
        // worker cannot be started, the run is marked failed and the cycle freed before answering.
        await dependencies.launcher
          .launch({ year: run.year, runId: run.runId })
          .catch(async (error: unknown) => {
            await runner.abandon(run.year, run.runId, 'The ranking worker could not be started');
            throw error;
          });
        return {
          status: 202,
          body: run,
          headers: { location: `/v1/cycles/${run.year}/rankings/runs/${run.runId}` },
        };
      },
      listRankingRuns: async ({ params }, context) => ({
        status: 200,
        body: { items: await reader.runs(params.year, context.now) },
      }),
      getRankingRun: async ({ params }, context) => ({
        status: 200,
        body: await reader.run(params.year, params.runId, context.now),
      }),
      getRankingRunEntries: async ({ params, query }) => ({
        status: 200,
        body: await reader.ofRun(params.year, params.runId, query),
      }),
      getRankings: async ({ params, query }, context) => ({
        status: 200,
        body: await reader.published(undefined, params.year, query, context.now),
      }),
      getRankingOpenData: async ({ params, query, headers }, context) => {
        // Negotiated first: an Accept that allows neither representation (406) costs no read.
        const csvWanted = negotiatedCsv(query.format, headers.accept);
        const data = await reader.openData(params.year, context.now);
        const name = `peringkat-spbe-${params.year}`;
        // One URL, two representations chosen by Accept, both kept by shared caches: without
        // `Vary: Accept` a cache would hand the CSV it kept to a client asking for JSON.
        const vary = { vary: 'Accept' };
        if (!csvWanted) {
          return {
            status: 200,
            body: data,
            headers: { ...vary, 'content-disposition': `inline; filename="${name}.json"` },
          };
        }
        const { predicateCounts, ...metadata } = data.metadata;
        const csv = toCsv(
          [
            ...Object.entries(metadata).map(
              ([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
            ),
            // Read by people where the file is opened, not parsed: words, not JSON.
            `predicateCounts: ${predicateCounts.map((count) => `${count.name} ${count.agencies}`).join('; ')} (agencies ranked by index)`,
            csvColumnsNote,
          ],
          openDataColumns,
          data.rows.map((row) => ({
            measure: row.measure,
            rank: row.rank,
            groupRank: row.groupRank,
            agencyId: row.agency.id,
            agencyName: row.agency.name,
            group: row.agency.group,
            valueExact: row.value.exact,
            valueDisplay: row.value.display,
            predicate: row.predicate.name,
            previousRank: row.previousRank,
            change: row.change,
            displayTie: row.displayTie,
            rankBest: row.rankRange?.best ?? null,
            rankWorst: row.rankRange?.worst ?? null,
          })),
        );
        const csvHeaders: Readonly<Record<string, string>> = {
          ...vary,
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${name}.csv"`,
        };
        return { status: 200, text: csv, headers: csvHeaders };
      },
      getAgencyRankings: async ({ params }, context) => ({
        status: 200,
        body: await reader.ofAgency(params.agencyId, context.now),
      }),
    },
    dependencies.http,
  );
};
