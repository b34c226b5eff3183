import { PreconditionFailedError, PreconditionRequiredError } from '#shared/domain/errors.ts';
import { etagOf } from '#shared/domain/versions.ts';
import type { CommitOutcome } from './ports.ts';

/** A record written under optimistic concurrency. */
export interface Versioned {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Compares the caller's expected version with the stored one before any write is attempted. */
export const assertVersion = (expected: number | undefined, current: number, what: string): void => {
  if (expected !== undefined && expected !== current) {
    throw new PreconditionFailedError(
      `${what} has changed: you sent If-Match ${etagOf(expected)} but it is now at ${etagOf(current)}. Re-read it and apply your change again.`,
      { headers: { etag: etagOf(current) } },
    );
  }
};

export interface VersionedPut<R extends Versioned> {
  /** How messages name the record: `Agency "prov-bali"`. */
  readonly what: string;
  readonly current: R | undefined;
  /** The version from If-Match; undefined when the header was not sent. */
  readonly ifMatch: number | undefined;
  readonly at: string;
  /** The new record's content (without version and times). */
  readonly content: Omit<R, keyof Versioned>;
  /** True when `content` equals what `current` holds: nothing is written, no version is spent. */
  readonly unchanged: (current: R) => boolean;
  /** Commits the new record (and its audit) conditionally on `before`'s version, or on absence. */
  readonly commit: (record: R, before: R | undefined) => Promise<CommitOutcome>;
  /** Explains a failed commit after re-checking (e.g. a parent that changed); default: 412. */
  readonly onConflict?: (record: R, before: R | undefined) => Promise<never>;
}

/**
 * The one create-or-update-with-If-Match flow of every versioned PUT (RFC 9110 §13):
 * - absent: created (version 1) without If-Match; If-Match on an absent record is 412, since the
 *   caller meant to update and silently creating would hide a wrong id;
 * - present: If-Match required (428), equal to the stored version (412 with the current ETag);
 *   an unchanged body keeps the version; a change is version + 1;
 * - a lost race (the condition failed at commit) is 412: re-read and apply again.
 */
export const putVersioned = async <R extends Versioned>(
  put: VersionedPut<R>,
): Promise<{ created: boolean; record: R }> => {
  const { current, ifMatch, what } = put;
  if (!current) {
    if (ifMatch !== undefined) {
      throw new PreconditionFailedError(
        `${what} does not exist, so If-Match ${etagOf(ifMatch)} cannot match. Send no If-Match to create it.`,
      );
    }
    const record = { ...put.content, version: 1, createdAt: put.at, updatedAt: put.at } as R;
    const outcome = await put.commit(record, undefined);
    if (!outcome.committed) {
      await put.onConflict?.(record, undefined);
      throw new PreconditionFailedError(`${what} was created by another request meanwhile; re-read it.`);
    }
    return { created: true, record };
  }
  if (ifMatch === undefined) {
    throw new PreconditionRequiredError(
      `${what} exists: send If-Match with its ETag ${etagOf(current.version)} to change it.`,
    );
  }
  assertVersion(ifMatch, current.version, what);
  if (put.unchanged(current)) return { created: false, record: current };
  const record = {
    ...current,
    ...put.content,
    version: current.version + 1,
    createdAt: current.createdAt,
    updatedAt: put.at,
  } as R;
  const outcome = await put.commit(record, current);
  if (!outcome.committed) {
    await put.onConflict?.(record, current);
    throw new PreconditionFailedError(`${what} changed while you were updating it; re-read it.`);
  }
  return { created: false, record };
};
