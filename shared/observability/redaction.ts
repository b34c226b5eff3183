/**
 * What never reaches a log line: bearer tokens (and anything shaped like a JWT), webhook signing
 * secrets, values of credential-like fields, the query string (and fragment) of any URL — an
 * evidence link may be a pre-signed URL whose query *is* a credential — and a request body the text
 * rules cannot read (base64-encoded).
 *
 * Hand-written because Powertools for AWS Lambda (TypeScript) has no log redaction of its own; it
 * offers the hook (`jsonReplacerFn`, called for every key and value of every log item, nested ones and
 * formatted errors included), and this is what we plug into it. The rules are deliberately blunt:
 * losing a query string from a log line costs nothing, logging a signature costs a rotation.
 */

export const redactedMarker = '[redacted]';

/**
 * Field names whose whole value is never logged, whatever it looks like: credentials
 * (`authorization`, `cookie`, `secret`, `clientSecret`, `token`, `accessToken`, `password`,
 * `signingKey`, `webhook-signature`, `x-api-key`, `x-amz-security-token` …), the `cookies` API
 * Gateway (payload 2.0) moves the Cookie headers into, and the query string of the request itself
 * as a logged invocation event holds it (`rawQueryString`, `queryStringParameters`): no scheme in
 * front, so the URL rule below cannot see it, and a client may put `access_token=` or a pre-signed
 * signature there. Compared without case, separators ignored.
 */
const credentialFieldPattern =
  /^(authorization|proxyauthorization|cookies?|setcookie|xapikey|apikey|secret|clientsecret|webhooksecret|password|token|accesstoken|idtoken|refreshtoken|bearertoken|signingkey|privatekey|webhooksignature|signature|credentials?|xamzsecuritytoken|sessiontoken|secretaccesskey|rawquerystring|querystringparameters|multivaluequerystringparameters)$/;

const normalisedFieldName = (key: string): string => key.toLowerCase().replace(/[^a-z]/g, '');

/** True for a field whose value is never logged. */
export const isCredentialField = (key: string): boolean =>
  credentialFieldPattern.test(normalisedFieldName(key));

/** `scheme://host/path?query#fragment` inside any text: the query and fragment go. */
const urlWithQueryPattern = /\b([a-z][a-z0-9+.-]*:\/\/[^\s"'<>?#]*)[?#][^\s"'<>]*/gi;
const bearerPattern = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi;
/** Three base64url segments, the first a JSON header (`{"` → `eyJ`): a JWT wherever it appears. */
const jwtPattern = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/** Standard Webhooks HMAC secrets and our ed25519 signing keys (public keys, `whpk_`, are public). */
const webhookSecretPattern = /\b(whsec|whsk)_[A-Za-z0-9+/=_-]+/g;

/** The text with every URL query string, bearer token, JWT and webhook secret replaced. */
export const redactText = (text: string): string =>
  text
    .replace(urlWithQueryPattern, `$1?${redactedMarker}`)
    .replace(bearerPattern, `Bearer ${redactedMarker}`)
    .replace(jwtPattern, redactedMarker)
    .replace(webhookSecretPattern, `$1_${redactedMarker}`);

/**
 * An invocation event whose body API Gateway base64-encoded (any content type it does not take for
 * text, such as JSON sent as `application/octet-stream`): none of the text rules can read inside it,
 * so a pre-signed evidence link or a secret in it would be logged whole. Its body is not logged.
 */
const withOpaqueBodyRedacted = (value: object): object => {
  const event = value as { readonly isBase64Encoded?: unknown; readonly body?: unknown };
  return event.isBase64Encoded === true && typeof event.body === 'string' && event.body !== ''
    ? { ...value, body: redactedMarker }
    : value;
};

/**
 * The `JSON.stringify` replacer of every logger: credential fields lose their value, every other
 * string is scrubbed by {@link redactText}, and a base64-encoded event body goes whole. Objects and
 * arrays are left to JSON.stringify, which calls the replacer again for each of their members.
 */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && isCredentialField(key) && value !== undefined && value !== null && value !== '') {
    return redactedMarker;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return withOpaqueBodyRedacted(value);
  }
  return typeof value === 'string' ? redactText(value) : value;
};
