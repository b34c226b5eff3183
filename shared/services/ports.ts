import type { AuditEntry } from '#shared/domain/audit.ts';
import type { DomainEvent, IdSource } from '#shared/domain/events.ts';
import type { AssessmentStateChange } from './assessment/ports.ts';
import type { AwardStateChange } from './awards/ports.ts';
import type { CycleStateChange } from './cycles/ports.ts';
import type { RankingStateChange } from './rankings/ports.ts';
import type { RegistryStateChange } from './registry/ports.ts';
import type { ResultStateChange } from './results/ports.ts';
import type { SelfAssessmentStateChange } from './self-assessment/ports.ts';
import type { WebhookStateChange } from './webhooks/ports.ts';

/**
 * The ports every capability shares: time, ids, pages, and the one audited write path. Capability
 * ports (stores to read from, and the state changes they write) live beside their services in
 * `shared/services/<capability>/ports.ts`.
 */

export type { IdSource };

export interface Clock {
  now(): Date;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | undefined;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** Every kind of state change a service can ask the write path for, each with its own condition. */
export type StateChange =
  | RegistryStateChange
  | CycleStateChange
  | SelfAssessmentStateChange
  | AssessmentStateChange
  | ResultStateChange
  | RankingStateChange
  | WebhookStateChange
  | AwardStateChange;

/**
 * One atomic change: the state items, the audit record of each, and the domain events it causes.
 * The write path commits all of it or none of it; each state change carries the condition that
 * makes it safe (an expected version, "must not exist", "still a draft").
 */
export interface ChangeSet {
  readonly state: readonly StateChange[];
  /** At least one: nothing changes without a record of who changed it. */
  readonly audits: readonly [AuditEntry, ...AuditEntry[]];
  readonly events: readonly DomainEvent[];
}

export type CommitOutcome =
  | { readonly committed: true }
  /** A condition failed: `failed` is the state change whose condition did not hold. Nothing was written. */
  | { readonly committed: false; readonly failed: StateChange };

export interface ManyCommitOutcome {
  /** How many change sets were committed, in order, before one failed (or all of them). */
  readonly committed: number;
  readonly failed?: { readonly index: number; readonly change: StateChange };
}

/**
 * The one audited write path (transactional outbox): every state change of the programme goes
 * through `commit`. `commitMany` is for bulk work (a national roster): it packs whole change sets
 * into as few transactions as the store allows (documented per adapter), each transaction atomic,
 * and stops at the first that fails.
 */
export interface WritePath {
  commit(change: ChangeSet): Promise<CommitOutcome>;
  commitMany(changes: readonly ChangeSet[]): Promise<ManyCommitOutcome>;
}
