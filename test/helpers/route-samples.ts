/**
 * The valid request of every route, for the tests that call or check every route (authorization
 * matrix, zod/OpenAPI agreement): the contract's own examples (`shared/api/examples.ts`), which the
 * OpenAPI document publishes.
 */
export {
  sampleBodies,
  samplePageQuery,
  samplePathValues,
  sampleQueries,
  sampleWindows,
} from '#shared/api/examples.ts';
