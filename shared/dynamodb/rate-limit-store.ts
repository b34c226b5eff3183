import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  fixedWindowOf,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
} from '#shared/domain/rate-limit.ts';
import { abandonedAfter } from './errors.ts';

/**
 * The rate-limit counters on DynamoDB (the `rateLimitTable`): one item per caller, route class and
 * fixed window, `RL#<class>#<caller digest>#<window number>`. The caller key (token subject and client,
 * or source address) is stored only as a SHA-256 digest: the table holds no identities or addresses.
 *
 * One request is one `UpdateItem`: `ADD hits :one` under the condition `hits < quota` (or no item
 * yet), returning the new count. Atomic, so every Lambda instance shares one budget; a refused
 * request does not count. The window number is in the key, so a new window is a new item — nothing
 * stored has to be compared with the clock or reset, and `expiresAt` (TTL) only clears old windows
 * away: an item DynamoDB has not yet deleted belongs to a window no request asks for any more.
 */

/** The item key of one caller's counter in one window (the only code that spells it). */
export const rateLimitKey = (policy: RateLimitPolicy, callerKey: string, windowIndex: number): string =>
  `RL#${policy.name}#${createHash('sha256').update(callerKey).digest('base64url').slice(0, 32)}#${windowIndex}`;

/** The UpdateItem of one request (pure: tested without a table). */
export const rateLimitUpdate = (
  tableName: string,
  request: { readonly callerKey: string; readonly policy: RateLimitPolicy; readonly now: Date },
): UpdateCommandInput => {
  const { policy } = request;
  const window = fixedWindowOf(policy, request.now);
  return {
    TableName: tableName,
    Key: { PK: rateLimitKey(policy, request.callerKey, window.index) },
    UpdateExpression: 'ADD #hits :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
    ConditionExpression: 'attribute_not_exists(#hits) OR #hits < :quota',
    ExpressionAttributeNames: { '#hits': 'hits', '#expiresAt': 'expiresAt' },
    ExpressionAttributeValues: {
      ':one': 1,
      ':quota': policy.quota,
      // One window after the window ends: DynamoDB deletes within days, never earlier than this.
      ':expiresAt': window.endsAtSeconds + policy.windowSeconds,
    },
    ReturnValues: 'UPDATED_NEW',
  };
};

/**
 * How long the counter's update may take, retries included, before the request goes on without it.
 * A limiter that fails open has to fail fast: with the client's own bounds (four attempts of up to
 * 5 s) a stalled table held every request 20 s before its own work began, and the route's first
 * DynamoDB call then ran into the function's 29 s timeout (500 instead of 503). A healthy update
 * takes milliseconds; a cold container's first one, with its TLS handshake, well under a second.
 */
export const rateLimiterBudgetMs = 2_000;

/**
 * The limiter over a DocumentClient (the function's own, so it shares its connection). Errors other
 * than a refused condition are thrown: the HTTP middleware decides what a failing limiter means.
 */
export const createDynamoDbRateLimiter = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  budgetMs: number = rateLimiterBudgetMs,
): RateLimiter => ({
  consume: async (request): Promise<RateLimitDecision> => {
    const { resetSeconds } = fixedWindowOf(request.policy, request.now);
    try {
      const output = await documents.send(new UpdateCommand(rateLimitUpdate(tableName, request)), {
        abortSignal: AbortSignal.timeout(budgetMs),
      });
      const hits = Number(output.Attributes?.hits ?? request.policy.quota);
      return { allowed: true, remaining: Math.max(0, request.policy.quota - hits), resetSeconds };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { allowed: false, remaining: 0, resetSeconds };
      }
      throw abandonedAfter(error, budgetMs, 'The rate-limit table');
    }
  },
});
