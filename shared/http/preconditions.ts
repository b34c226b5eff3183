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
      'This write needs an If-Match header carrying the ETag you last read (for a new draft: "0"); `*` is not accepted.',
    );
  }
  return optionalIfMatch(headers) as number;
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
  if (versions.size > 1) {
    throw new PreconditionFailedError(
      `If-Match ${JSON.stringify(header)} names ${versions.size} versions; a write is conditional on one version: send the ETag you last read.`,
    );
  }
  // The representation's `version` (3) sent for its ETag ("3"): the usual first mistake, named.
  const unquoted = /^\s*(0|[1-9]\d{0,11})\s*$/.exec(header)?.[1];
  if (version === undefined && unquoted !== undefined) {
    throw new PreconditionFailedError(
      `If-Match ${unquoted} is not an ETag: ETags are quoted. Send ${etagOf(Number(unquoted))}, the ETag header as you read it, quotes included.`,
    );
  }
  if (version === undefined) {
    throw new PreconditionFailedError(
      `If-Match ${JSON.stringify(header)} is not an ETag of this resource; re-read it.`,
    );
  }
  return version;
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
