import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaName } from '../shared/api/route-spec.ts';

/** The repository root: `package.json`, the lockfile and `functions/` live here. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Default folder of the Lambda entry files. */
export const defaultFunctionsRoot = join(projectRoot, 'functions');

/** `functions/<capability>/handler.ts`: one function per capability serves all its routes. */
export const capabilityEntry = (functionsRoot: string, capability: LambdaName): string =>
  join(functionsRoot, capability, 'handler.ts');

/** The scheduled national ranking run. */
export const rankingRunEntry = (functionsRoot: string): string =>
  join(functionsRoot, 'rankings', 'scheduled.ts');

/** The Cognito pre-token-generation trigger (only deployed with the stack's own user pool). */
export const preTokenGenerationEntry = (functionsRoot: string): string =>
  join(functionsRoot, 'identity', 'pre-token.ts');

/** The webhook dispatcher: events stream fan-out and the scheduled sweep. */
export const webhookDispatcherEntry = (functionsRoot: string): string =>
  join(functionsRoot, 'webhooks', 'dispatcher.ts');

/** The webhook delivery function: one attempt per queued message. */
export const webhookDeliveryEntry = (functionsRoot: string): string =>
  join(functionsRoot, 'webhooks', 'deliver.ts');
