import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';

// Integration tests run only against DynamoDB Local on this machine: an endpoint inherited from the
// shell (or a CI variable) that points anywhere else stops the suite before any test can write.
if (process.env.AWS_ENDPOINT_URL_DYNAMODB !== undefined) {
  assertLoopbackEndpoint(process.env.AWS_ENDPOINT_URL_DYNAMODB);
}
