import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * What the bundled AWS SDK clients get in place of `@aws-sdk/credential-provider-node` (an esbuild
 * alias in `infra/bundling.ts`): Lambda hands a function its role's credentials in environment
 * variables, the first source of the SDK's default chain, so the rest of that chain — SSO, INI
 * files, credential processes, web identity, container and instance metadata, and the STS, SSO and
 * sign-in clients they bring (~130 KB of minified code) — can never be reached in a function, yet
 * every client's runtime configuration imports it and no bundler can drop it (aws/aws-sdk-js-v3
 * #5516, #6087). Only the deployed bundles use this; tests and the local runtime keep the default
 * chain.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
