/**
 * Audit records: append-only, one per changed target, written in the same transaction as the change.
 * Pure: building the record and the field-level diff needs no storage.
 */

export interface AuditActor {
  readonly subject: string;
  readonly role: string;
  readonly agencyId?: string;
  readonly clientId?: string;
}

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * Where a record's history is kept: the trail an auditor reads it from. One trail per thing that
 * has a history (an agency's registry record, a cycle, an agency within a cycle, a machine client, a webhook endpoint).
 */
export type AuditTrail =
  | { readonly kind: 'agency'; readonly agencyId: string }
  | { readonly kind: 'cycle'; readonly year: number }
  | { readonly kind: 'cycle-agency'; readonly year: number; readonly agencyId: string }
  | { readonly kind: 'machine-client'; readonly clientId: string }
  | { readonly kind: 'assessor'; readonly subject: string }
  | { readonly kind: 'webhook-endpoint'; readonly agencyId: string; readonly endpointId: string };

export interface AuditEntry {
  /** Where the record is appended; not part of what a trail reader sees. */
  readonly trail: AuditTrail;
  readonly at: string;
  readonly actor: AuditActor;
  readonly action: string;
  readonly route: string;
  readonly requestId: string;
  readonly target: string;
  readonly changes: readonly FieldChange[];
}

/**
 * A key-order-independent rendering: DynamoDB returns map attributes in its own order, so two equal
 * evidence objects may list their keys differently.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

const canonical = canonicalJson;

/**
 * The fields that differ between `before` and `after` (compared by value). A field missing on one
 * side is reported with `null` there, so "created" shows every field from null.
 */
export const diffFields = <T extends object>(
  before: Partial<T> | undefined,
  after: Partial<T>,
  fields: readonly (keyof T & string)[],
): FieldChange[] =>
  fields.flatMap((field) => {
    const previous = before?.[field];
    const next = after[field];
    return canonical(previous) === canonical(next)
      ? []
      : [{ field, before: previous ?? null, after: next ?? null }];
  });
