import { PreconditionFailedError, PreconditionRequiredError } from '#shared/domain/errors.ts';

/**
 * Optimistic concurrency over HTTP (RFC 9110 §13): every representation carries `ETag: "<version>"`;
 * writes send it back in `If-Match` and the storage write is conditional on that version.
 */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak validator W/"n" never matches,
 * and opaque tags match only when equal character for character (§8.8.3.2). Our ETags are versions
 * in canonical decimal, so only that form can equal one: `"030"` matches no ETag, not `"30"`.
 */
const parseEtag = (value: string): number | undefined => {
  const match = /^"(0|[1-9]\d{0,11})"$/.exec(value.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

/** The version a write expects. 428 when `If-Match` is missing; 412 when it cannot match any version. */
export const requireIfMatch = (headers: Readonly<Record<string, string | undefined>>): number => {
  const header = headers['if-match'];
  // `*` ("any version") would defeat lost-update protection, so these writes ask for the ETag itself.
  if (header === undefined || header.trim() === '' || header.trim() === '*') {
    throw new PreconditionRequiredError(
      'This write needs an If-Match header carrying the ETag you last read: GET the resource and send its ETag header, quotes included ("0" for a self-assessment or a stage score never saved); `*` is not accepted.',
    );
  }
  return optionalIfMatch(headers) as number;
};

/**
 * `If-Match` optional, unless the request carries an `Idempotency-Key` on a route that does not
 * honour one: its caller counts on a retry being safe, and here only `If-Match` makes it so (a retry
 * then answers 412 and changes nothing). 428 naming `why` the key is not honoured, rather than
 * ignoring it silently.
 */
export const ifMatchWhenRetryExpected = (
  headers: Readonly<Record<string, string | undefined>>,
  why: string,
): number | undefined => {
  if (headers['idempotency-key'] !== undefined && headers['if-match'] === undefined) {
    throw new PreconditionRequiredError(
      `This route does not honour Idempotency-Key (${why}), so a retry would run it again; send If-Match with the ETag you read instead: a retry then answers 412 and changes nothing.`,
    );
  }
  return optionalIfMatch(headers);
};

/** Like `requireIfMatch`, but a missing header means "no precondition". */
export const optionalIfMatch = (
  headers: Readonly<Record<string, string | undefined>>,
): number | undefined => {
  const header = headers['if-match'];
  if (header === undefined) return undefined;
  // A list of ETags is allowed by RFC 9110 and any one may match. Those that can never match (weak,
  // or no version's form) drop out; a write is conditional on one version, so at most one may stay.
  const versions = new Set(
    header
      .split(',')
      .map(parseEtag)
      .filter((version) => version !== undefined),
  );
  const [version] = versions;
  // Shown as sent: the problem document is JSON already, so escaping it here would double the quotes.
  const sent = `If-Match: ${header.trim()}`;
  if (versions.size > 1) {
    throw new PreconditionFailedError(
      `${sent} names ${versions.size} versions; a write is conditional on one version: send the ETag you last read.`,
    );
  }
  if (version === undefined) throw new PreconditionFailedError(`${sent} ${whyNoEtag(header.trim())}`);
  return version;
};

/** The usual slips (quotes stripped, a weak ETag) get the header to send instead; anything else a re-read. */
const whyNoEtag = (header: string): string => {
  const bare = /^(0|[1-9]\d{0,11})$/.exec(header)?.[1];
  if (bare !== undefined) {
    return `has no quotes: an ETag is a quoted string. Send the ETag header as you read it, quotes included: If-Match: "${bare}".`;
  }
  const weak = /^W\/"(0|[1-9]\d{0,11})"$/.exec(header)?.[1];
  if (weak !== undefined) {
    return `is a weak ETag, which never matches a write (strong comparison, RFC 9110 §13.1.1). Send If-Match: "${weak}".`;
  }
  return 'is not an ETag of this resource; re-read it and send its ETag, quotes included (such as "3").';
};

/** Compares the caller's expected version with the stored one before any write is attempted. */
export const assertVersion = (expected: number | undefined, current: number, what: string): void => {
  if (expected !== undefined && expected !== current) {
    throw new PreconditionFailedError(
      `${what} has changed: you sent If-Match ${etagOf(expected)} but it is now at ${etagOf(current)}. Re-read it and apply your change again.`,
      { headers: { etag: etagOf(current) } },
    );
  }
};
