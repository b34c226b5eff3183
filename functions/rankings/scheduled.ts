import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { loadConfig } from '#shared/config.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { createRankingStore } from '#shared/dynamodb/ranking-store.ts';
import { runRankings } from '#shared/services/rankings/ranking-run.ts';

/**
 * The annual national ranking run, invoked by EventBridge Scheduler (`{}` → the current year) or
 * with `{ "year": 2025 }`. A failure is thrown, so the Scheduler retries and finally dead-letters it.
 */
const EventSchema = z.object({ year: z.number().int().min(2018).max(2100).optional() }).loose();

const config = loadConfig();
const logger = new Logger();
const store = createRankingStore(createDocumentClient(), config.programmeTableName);

export const handler = async (event: unknown, context: Context) => {
  const parsed = EventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    // Retrying a malformed event cannot help: log it loudly and let it go to the dead-letter queue.
    logger.error('Malformed ranking event', { issues: parsed.error.issues });
    throw new Error(`Malformed ranking event: ${parsed.error.message}`);
  }
  const year = parsed.data.year ?? new Date().getUTCFullYear();
  const runId = `${new Date().toISOString().replaceAll(/[-:.]/g, '')}-${context.awsRequestId ?? randomUUID()}`;
  logger.info('Ranking run started', { year, runId });
  const summary = await runRankings(store, { year, runId, trigger: 'schedule', now: () => new Date() });
  logger.info('Ranking run finished', { ...summary });
  return summary;
};
