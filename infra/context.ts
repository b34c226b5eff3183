import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { parseRateLimitPolicies, type RateLimitPolicies } from '../shared/domain/rate-limit.ts';
import { powertoolsLogLevels } from './constructs/spbe-function.ts';
import { type ApiThrottle, defaultApiThrottle } from './constructs/spbe-http-api.ts';
import type { SpbeAwardApiStackProps } from './stack.ts';

/**
 * CDK context keys (`npx cdk deploy -c stage=prod -c jwtIssuer=https://… -c jwtAudience=a,b`):
 *
 * | key                  | default                         | meaning                                         |
 * |----------------------|---------------------------------|-------------------------------------------------|
 * | `stage`              | `dev`                           | deployment stage                                |
 * | `jwtIssuer`          | — (create a Cognito user pool)  | external token issuer (`https://…`)             |
 * | `jwtAudience`        | — (required with `jwtIssuer`)   | comma list of accepted audiences / client ids   |
 * | `corsAllowedOrigins` | none                            | comma list of browser origins                   |
 * | `rankingSchedule`    | `cron(0 0 1 12 ? *)`            | EventBridge Scheduler expression                |
 * | `rankingTimeZone`    | `Asia/Jakarta`                  | time zone of the schedule                       |
 * | `logRetentionDays`   | `365`                           | CloudWatch retention of function and access logs|
 * | `logLevel`           | `INFO`                          | Powertools log level                            |
 * | `portalCallbackUrls` | `http://localhost:5173/callback`| comma list (own user pool only)                 |
 * | `alarmTopicArn`      | none                            | SNS topic every alarm notifies                  |
 * | `apiThrottleRate`    | `100`                           | stage-wide steady requests/s (all clients)      |
 * | `apiThrottleBurst`   | `200`                           | stage-wide burst (≥ the rate)                   |
 * | `rateLimits`         | `public=300/60,read=600/60,write=120/60` | per-client requests/seconds by route class; classes left out keep their default |
 */
export type ContextReader = (key: string) => unknown;

const contextKeys = [
  'stage',
  'jwtIssuer',
  'jwtAudience',
  'corsAllowedOrigins',
  'rankingSchedule',
  'rankingTimeZone',
  'logRetentionDays',
  'logLevel',
  'portalCallbackUrls',
  'alarmTopicArn',
  'apiThrottleRate',
  'apiThrottleBurst',
  'rateLimits',
] as const;

/**
 * A key of this app's own form (lower camel case: no `@`, `:` or `-`, which the CDK's feature flags,
 * lookups and acknowledgements all have) that it does not read.
 */
const unknownOwnKeys = (givenKeys: readonly string[]): string[] =>
  givenKeys.filter(
    (key) => /^[a-z][a-zA-Z0-9]*$/.test(key) && !(contextKeys as readonly string[]).includes(key),
  );

/**
 * Stack properties from context, validated; every error names the key, the bad value and the fix.
 * `givenKeys` (every context key the app was given) lets a mistyped key fail the synthesis: read by
 * nothing, `-c alarmTopicArm=…` would otherwise deploy a stack whose alarms notify no one.
 */
export const stackPropsFromContext = (
  read: ContextReader,
  givenKeys: readonly string[] = [],
): SpbeAwardApiStackProps => {
  const unknown = unknownOwnKeys(givenKeys);
  if (unknown.length > 0) {
    throw new Error(
      `Unknown context key${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => `"${key}"`).join(', ')}: ` +
        `the keys are ${contextKeys.join(', ')} (infra/context.ts). Check the spelling of each -c key=value.`,
    );
  }
  const text = (key: (typeof contextKeys)[number]): string | undefined => {
    const value = read(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.map(String).join(',');
    throw new Error(`Context "${key}" must be a string, got ${JSON.stringify(value)}.`);
  };
  const list = (key: (typeof contextKeys)[number]): string[] | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  };

  const stage = text('stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new Error(
      `Context "stage" must be 1–16 lower-case letters, digits or dashes starting with a letter, got "${stage}" ` +
        '(e.g. -c stage=prod).',
    );
  }

  const jwtIssuer = text('jwtIssuer');
  const jwtAudience = list('jwtAudience');
  if (jwtIssuer !== undefined && !/^https:\/\/[^\s]+$/.test(jwtIssuer)) {
    throw new Error(`Context "jwtIssuer" must be an https:// URL, got "${jwtIssuer}".`);
  }
  if (jwtIssuer !== undefined && (jwtAudience === undefined || jwtAudience.length === 0)) {
    throw new Error(
      `Context "jwtAudience" is required with jwtIssuer "${jwtIssuer}": give the accepted audiences or client ids ` +
        'as a comma list (-c jwtAudience=client-a,client-b).',
    );
  }
  if (jwtIssuer === undefined && jwtAudience !== undefined) {
    throw new Error(
      `Context "jwtAudience" (${jwtAudience.join(',')}) is only used with jwtIssuer; give jwtIssuer too, or drop ` +
        'jwtAudience to let the stack create its user pool.',
    );
  }

  const logRetentionText = text('logRetentionDays');
  let logRetention: RetentionDays | undefined;
  if (logRetentionText !== undefined) {
    const days = Number(logRetentionText);
    const allowed = Object.values(RetentionDays).filter(
      (value): value is RetentionDays => typeof value === 'number',
    );
    const match = allowed.find((value) => value === days);
    if (match === undefined) {
      throw new Error(
        `Context "logRetentionDays" must be one of CloudWatch's retention periods (${allowed.join(', ')}), ` +
          `got "${logRetentionText}".`,
      );
    }
    logRetention = match;
  }

  const logLevelText = text('logLevel');
  const logLevel = powertoolsLogLevels.find((level) => level === logLevelText?.toUpperCase());
  if (logLevelText !== undefined && logLevel === undefined) {
    throw new Error(
      `Context "logLevel" must be one of ${powertoolsLogLevels.join(', ')}, got "${logLevelText}".`,
    );
  }

  const alarmTopicArn = text('alarmTopicArn');
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(alarmTopicArn)) {
    throw new Error(`Context "alarmTopicArn" must be an SNS topic ARN, got "${alarmTopicArn}".`);
  }

  const wholeNumber = (key: 'apiThrottleRate' | 'apiThrottleBurst'): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!/^\d{1,6}$/.test(value) || Number(value) < 1) {
      throw new Error(
        `Context "${key}" must be a whole number of requests per second from 1, got "${value}".`,
      );
    }
    return Number(value);
  };
  const throttleRate = wholeNumber('apiThrottleRate');
  const throttleBurst = wholeNumber('apiThrottleBurst');
  let apiThrottle: ApiThrottle | undefined;
  if (throttleRate !== undefined || throttleBurst !== undefined) {
    const rateLimit = throttleRate ?? defaultApiThrottle.rateLimit;
    const burstLimit = throttleBurst ?? Math.max(defaultApiThrottle.burstLimit, rateLimit);
    if (burstLimit < rateLimit) {
      throw new Error(
        `Context "apiThrottleBurst" (${burstLimit}) must be at least "apiThrottleRate" (${rateLimit}): the burst ` +
          'is the bucket the steady rate refills.',
      );
    }
    apiThrottle = { rateLimit, burstLimit };
  }

  const rateLimitsText = text('rateLimits');
  let rateLimits: RateLimitPolicies | undefined;
  try {
    rateLimits = rateLimitsText === undefined ? undefined : parseRateLimitPolicies(rateLimitsText);
  } catch (error) {
    throw new Error(`Context "rateLimits": ${(error as Error).message}`);
  }

  return {
    stage,
    jwt:
      jwtIssuer !== undefined && jwtAudience !== undefined
        ? { issuer: jwtIssuer, audience: jwtAudience }
        : undefined,
    corsAllowedOrigins: list('corsAllowedOrigins'),
    rankingSchedule: text('rankingSchedule'),
    rankingTimeZone: text('rankingTimeZone'),
    logRetention,
    logLevel,
    portalCallbackUrls: list('portalCallbackUrls'),
    alarmTopicArn,
    apiThrottle,
    rateLimits,
    // Outside dev, a stray `cdk destroy` must not even start.
    terminationProtection: stage !== 'dev',
    // Stage in the CloudFormation name lets dev and staging share an account; the construct id stays put.
    stackName: `SpbeAwardApi-${stage}`,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  };
};
