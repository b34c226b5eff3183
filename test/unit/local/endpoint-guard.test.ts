import { describe, expect, it } from 'vitest';
import { assertLoopbackEndpoint, isLoopbackEndpoint } from '#local/endpoint-guard.ts';

describe('isLoopbackEndpoint', () => {
  it.each([
    'http://127.0.0.1:8000',
    'http://127.0.0.1',
    'http://localhost:8000',
    'http://LOCALHOST:8000/',
    'http://[::1]:8000',
    'http://127.1.2.3:4567',
  ])('accepts DynamoDB Local on this machine: %s', (endpoint) => {
    expect(isLoopbackEndpoint(endpoint)).toBe(true);
  });

  it.each([
    ['the AWS default (no endpoint)', undefined],
    ['an empty endpoint', ''],
    ['a regional AWS endpoint', 'https://dynamodb.ap-southeast-3.amazonaws.com'],
    ['the AWS endpoint over http', 'http://dynamodb.ap-southeast-3.amazonaws.com'],
    ['https, even on loopback', 'https://127.0.0.1:8000'],
    ['another machine on the network', 'http://10.0.0.5:8000'],
    ['all interfaces', 'http://0.0.0.0:8000'],
    ['a host that merely starts with localhost', 'http://localhost.evil.example:8000'],
    ['a host that merely starts with 127.0.0.1', 'http://127.0.0.1.nip.io:8000'],
    ['loopback as user info of a remote host', 'http://127.0.0.1@evil.example:8000'],
    ['not a URL', '127.0.0.1:8000'],
    ['another scheme', 'ftp://127.0.0.1'],
  ])('refuses %s', (_name, endpoint) => {
    expect(isLoopbackEndpoint(endpoint)).toBe(false);
  });
});

describe('assertLoopbackEndpoint', () => {
  it('passes for DynamoDB Local', () => {
    expect(() => assertLoopbackEndpoint('http://127.0.0.1:8000')).not.toThrow();
  });

  it('refuses the AWS default, saying so', () => {
    expect(() => assertLoopbackEndpoint(undefined)).toThrow(/Refusing to run.*\(none: the AWS default\)/);
  });

  it('refuses a remote endpoint, quoting it', () => {
    expect(() => assertLoopbackEndpoint('https://dynamodb.ap-southeast-3.amazonaws.com')).toThrow(
      '"https://dynamodb.ap-southeast-3.amazonaws.com" is not DynamoDB Local on this machine',
    );
  });
});
