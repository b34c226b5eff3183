/**
 * Who takes part in the programme. A role is the domain's notion (what a caller may do to which
 * data); tokens carry it in the `custom:role` claim, and scopes (`shared/api/access.ts`) are only how
 * API Gateway admits a token to a route.
 */
export const roles = ['admin', 'assessor', 'agency'] as const;
export type Role = (typeof roles)[number];

/** Type guard for a role read from a token or storage. */
export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (roles as readonly string[]).includes(value);
