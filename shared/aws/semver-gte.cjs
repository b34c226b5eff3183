/**
 * What the bundled functions get in place of `semver` (an esbuild alias in `infra/bundling.ts`).
 * Its one user in a bundle, aws-xray-sdk-core (under Powertools Tracer), requires the whole package
 * at import to call `semver.gte` in `captureAWS`, its patcher for the v2 SDK, which no function
 * calls. The package's index loads every class, range function and regular expression it has
 * (28 KB minified, ~9 KB gzip); even `gte` alone builds semver's regular expressions when loaded
 * (3–9 ms of every cold start, measured). This hands the X-Ray SDK semver's own `gte`, loaded on
 * its first call, which never comes. A relative path, because the alias also rewrites `semver/…`
 * subpaths; CommonJS, so that the bundler keeps the `require` lazy.
 */
module.exports = {
  gte: (version, other, options) =>
    require('../../node_modules/semver/functions/gte.js')(version, other, options),
};
