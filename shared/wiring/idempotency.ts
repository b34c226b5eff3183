import { requireIdempotencyTable } from '#shared/config.ts';
import { createIdempotencyGuard, type IdempotencyGuard } from '#shared/http/idempotency.ts';
import type { ApiFunctionBase } from './api-function.ts';

/**
 * The `Idempotency-Key` guard of a function with idempotent POST routes, over the function's one
 * DynamoDB client. Only those functions import this module (and with it Powertools idempotency).
 */
export const idempotencyGuardFor = (base: ApiFunctionBase): IdempotencyGuard =>
  createIdempotencyGuard(requireIdempotencyTable(base.config), base.dynamodb, (bytes) =>
    base.logger.warn('Idempotent response too large to store for replay', { bytes }),
  );
