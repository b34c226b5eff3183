import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { stackPropsFromContext } from '../../infra/context.ts';

const reader =
  (context: Readonly<Record<string, unknown>>) =>
  (key: string): unknown =>
    context[key];

describe('stackPropsFromContext', () => {
  it('defaults: dev stage, own user pool, no CORS, one-year logs, stage in the stack name', () => {
    const props = stackPropsFromContext(reader({}));
    expect(props).toMatchObject({
      stage: 'dev',
      jwt: undefined,
      corsAllowedOrigins: undefined,
      rankingSchedule: undefined,
      logRetention: undefined,
      stackName: 'SpbeAwardApi-dev',
      terminationProtection: false,
    });
  });

  it('reads comma lists, an external issuer and a retention period', () => {
    const props = stackPropsFromContext(
      reader({
        stage: 'prod',
        jwtIssuer: 'https://sso.example.go.id',
        jwtAudience: 'a, b,,',
        corsAllowedOrigins: 'https://portal.example.go.id',
        logRetentionDays: '731',
        logLevel: 'debug',
      }),
    );
    expect(props).toMatchObject({
      stage: 'prod',
      jwt: { issuer: 'https://sso.example.go.id', audience: ['a', 'b'] },
      corsAllowedOrigins: ['https://portal.example.go.id'],
      logRetention: RetentionDays.TWO_YEARS,
      logLevel: 'DEBUG',
      terminationProtection: true,
    });
  });

  it('reads the stage throttle and per-client limits; a rate alone keeps a burst at least as large', () => {
    expect(
      stackPropsFromContext(
        reader({ apiThrottleRate: '20', apiThrottleBurst: '40', rateLimits: 'write=30/60' }),
      ),
    ).toMatchObject({
      apiThrottle: { rateLimit: 20, burstLimit: 40 },
      rateLimits: {
        public: { quota: 300, windowSeconds: 60 },
        read: { quota: 600, windowSeconds: 60 },
        write: { quota: 30, windowSeconds: 60 },
      },
    });
    expect(stackPropsFromContext(reader({ apiThrottleRate: '500' })).apiThrottle).toEqual({
      rateLimit: 500,
      burstLimit: 500,
    });
    expect(stackPropsFromContext(reader({}))).toMatchObject({
      apiThrottle: undefined,
      rateLimits: undefined,
    });
  });

  it.each([
    [{ stage: 'Prod' }, /"stage" must be .*got "Prod"/],
    [
      { jwtIssuer: 'http://sso.example.go.id', jwtAudience: 'a' },
      /"jwtIssuer" must be an https:\/\/ URL, got "http:\/\/sso/,
    ],
    [{ jwtIssuer: 'https://sso.example.go.id' }, /"jwtAudience" is required with jwtIssuer/],
    [{ jwtAudience: 'a,b' }, /"jwtAudience" \(a,b\) is only used with jwtIssuer/],
    [{ logRetentionDays: '42' }, /"logRetentionDays" must be one of .*got "42"/],
    [{ logLevel: 'verbose' }, /"logLevel" must be one of DEBUG, INFO, WARN, ERROR, got "verbose"/],
    [{ alarmTopicArn: 'my-topic' }, /"alarmTopicArn" must be an SNS topic ARN, got "my-topic"/],
    [{ apiThrottleRate: '0' }, /"apiThrottleRate" must be a whole number .*got "0"/],
    [{ apiThrottleBurst: 'lots' }, /"apiThrottleBurst" must be a whole number .*got "lots"/],
    [
      { apiThrottleRate: '300', apiThrottleBurst: '250' },
      /"apiThrottleBurst" \(250\) must be at least "apiThrottleRate" \(300\)/,
    ],
    [{ rateLimits: 'writes=10/60' }, /"rateLimits": Rate limit "writes=10\/60" is not of the form/],
  ])('rejects %o with a message naming the key and the bad value', (context, message) => {
    expect(() => stackPropsFromContext(reader(context))).toThrow(message);
  });
  it('refuses a context key of its own form that it does not know, so a typo cannot drop a setting silently', () => {
    // Prepare: the deploy guide's command with one key mistyped (no alarm would ever notify)
    const context = {
      stage: 'prod',
      alarmTopicArm: 'arn:aws:sns:ap-southeast-3:123456789012:spbe-operations',
    };

    // Act and Assess
    expect(() => stackPropsFromContext(reader(context), Object.keys(context))).toThrow(
      /Unknown context key "alarmTopicArm".*alarmTopicArn/s,
    );
  });

  it('leaves the CDK’s own context keys alone (feature flags, lookups, acknowledgements)', () => {
    const context = {
      stage: 'prod',
      '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
      'aws:cdk:enable-path-metadata': true,
      'availability-zones:account=123456789012:region=ap-southeast-3': ['ap-southeast-3a'],
      'acknowledged-issue-numbers': [32775],
    };
    expect(stackPropsFromContext(reader(context), Object.keys(context)).stage).toBe('prod');
  });
});
