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
  ])('rejects %o with a message naming the key and the bad value', (context, message) => {
    expect(() => stackPropsFromContext(reader(context))).toThrow(message);
  });
});
