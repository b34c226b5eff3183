import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  ClaimsAndScopeOverrideDetailsV3,
  PreTokenGenerationV2TriggerEvent,
  PreTokenGenerationV3TriggerEvent,
} from 'aws-lambda';
import {
  claimsToAdd,
  type MachineClientRegistration,
  machineClientTokenClaims,
  scopesToSuppress,
  type TokenClaimsResult,
  userTokenClaims,
} from '#shared/identity/token-claims.ts';
import type { MachineClientStore } from '#shared/services/registry/ports.ts';

/**
 * With `LambdaVersion.V3_0` Cognito sends version "3" events for every token it issues: the user sources
 * @types/aws-lambda types as V2 (`TokenGeneration_HostedAuth`, `_Authentication`, `_RefreshTokens`, …;
 * V2 and V3 events are identical apart from the client-credentials source) and the machine-to-machine
 * `TokenGeneration_ClientCredentials`, typed as V3.
 */
export type PreTokenGenerationEvent = PreTokenGenerationV2TriggerEvent | PreTokenGenerationV3TriggerEvent;

export const clientCredentialsSource = 'TokenGeneration_ClientCredentials';

export interface PreTokenGenerationDependencies {
  /** Registrations written by `PUT /v1/machine-clients/{clientId}`. */
  readonly machineClients: MachineClientStore;
  readonly logger: Logger;
}

/**
 * The Cognito pre-token-generation trigger: puts `custom:role` (and `custom:agency_id` for agency callers)
 * into access tokens, which Cognito never does by itself, so `identityFromClaims` can read them.
 *
 * - Users: from their `custom:role` / `custom:agency_id` attributes (only admins can set them: the portal
 *   client may not write them). The ID token gets the same claims.
 * - Machine clients (client credentials): from their registration item in the programme table. There is
 *   no ID token in that grant.
 * - Either way, requested API scopes the role may not hold are suppressed from the access token
 *   (`scopesToSuppress`): the app clients allow every scope, so without this an operator's portal could
 *   ask for `spbe/admin` and get it.
 *
 * Invalid data (unknown role, agency without agency id, unregistered client) adds nothing and is logged:
 * the token is issued without a role and the API answers 403 — the safe default, and a state an operator
 * fixes by correcting the attribute or the registration.
 *
 * A storage error is different, and is thrown: Cognito then fails this token request and the client may
 * simply retry. Swallowing it would issue a roleless token valid for an hour, which the caller caches and
 * which fails every call with a misleading 403 ("forbidden") for a transient fault ("try again"), and
 * hides the outage from our error metrics. Either way no role is granted without a registration.
 */
export const createPreTokenGenerationHandler = (dependencies: PreTokenGenerationDependencies) => {
  const { machineClients, logger } = dependencies;

  return async (event: PreTokenGenerationEvent): Promise<PreTokenGenerationEvent> => {
    const clientId = event.callerContext.clientId;
    if (event.triggerSource === clientCredentialsSource) {
      let registration: MachineClientRegistration | undefined;
      try {
        registration = await machineClients.get(clientId);
      } catch (error) {
        logger.error('Machine client registration could not be read; failing the token request', {
          clientId,
          error: error as Error,
        });
        throw error;
      }
      const result = machineClientTokenClaims(registration);
      logOutcome(logger, result, { triggerSource: event.triggerSource, clientId });
      const details: ClaimsAndScopeOverrideDetailsV3 = {
        accessTokenGeneration: {
          claimsToAddOrOverride: { ...claimsToAdd(result) },
          ...suppression(result, event.request.scopes),
        },
      };
      event.response = { claimsAndScopeOverrideDetails: details };
      return event;
    }

    const result = userTokenClaims(event.request.userAttributes ?? {});
    // `sub` is a pseudonymous id; names and e-mail addresses stay out of the logs.
    logOutcome(logger, result, {
      triggerSource: event.triggerSource,
      clientId,
      sub: event.request.userAttributes?.sub,
    });
    const claims = claimsToAdd(result);
    const details: ClaimsAndScopeOverrideDetailsV3 = {
      accessTokenGeneration: {
        claimsToAddOrOverride: { ...claims },
        ...suppression(result, event.request.scopes),
      },
      idTokenGeneration: { claimsToAddOrOverride: { ...claims } },
    };
    event.response = { claimsAndScopeOverrideDetails: details };
    return event;
  };
};

/** `scopesToSuppress` when there are any: Cognito takes an absent list as "suppress nothing". */
const suppression = (
  result: TokenClaimsResult,
  requested: readonly string[] | undefined,
): { scopesToSuppress?: string[] } => {
  const suppressed = scopesToSuppress(result, requested ?? []);
  return suppressed.length > 0 ? { scopesToSuppress: suppressed } : {};
};

const logOutcome = (logger: Logger, result: TokenClaimsResult, context: Record<string, unknown>): void => {
  if (result.ok) {
    logger.debug('Role claims added', { ...context, role: result.role });
  } else {
    // Not an error of this function, but someone must fix the account or the registration.
    logger.warn('No role claims added; the API will answer 403 to this token', {
      ...context,
      reason: result.reason,
    });
  }
};
