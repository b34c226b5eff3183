/**
 * What the bundled functions get in place of `semver` (an esbuild alias in `infra/bundling.ts`).
 * Its one user in a bundle, aws-xray-sdk-core (under Powertools Tracer), requires the whole package
 * to call `semver.gte` in `captureAWS`, its patcher for the v2 SDK, which no function calls; the
 * package's index loads every class, range function and regular expression it has (28 KB minified,
 * ~9 KB gzip). This hands it semver's own `gte` alone. A relative path, because the alias also
 * rewrites `semver/…` subpaths; plain JavaScript, because `semver` ships no types.
 */
export { default as gte } from '../../node_modules/semver/functions/gte.js';
