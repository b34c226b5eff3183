/**
 * Tests and the local runtime may only ever talk to a DynamoDB on this machine: a stray
 * `AWS_ENDPOINT_URL_DYNAMODB` or profile must never point a test suite at a real table.
 */
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export const isLoopbackEndpoint = (endpoint: string | undefined): boolean => {
  if (!endpoint) return false;
  try {
    const url = new URL(endpoint);
    return (
      url.protocol === 'http:' &&
      (loopbackHosts.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname))
    );
  } catch {
    return false;
  }
};

export const assertLoopbackEndpoint = (endpoint: string | undefined): void => {
  if (!isLoopbackEndpoint(endpoint)) {
    throw new Error(
      `Refusing to run: the DynamoDB endpoint ${endpoint === undefined ? '(none: the AWS default)' : `"${endpoint}"`} is not DynamoDB Local on this machine.`,
    );
  }
};
