/**
 * Per-client rate limits: fixed windows counted per caller and route class. API Gateway HTTP APIs
 * have no usage plans, so the functions enforce these themselves (`shared/http/rate-limit.ts`) over a
 * counter shared by every Lambda instance (`shared/dynamodb/rate-limit-store.ts`).
 *
 * Why fixed windows and not a token bucket: a window's counter is one conditional `UpdateItem`
 * (`ADD hits :1` if `hits < quota`), atomic across instances, with the window in the item's key so
 * that no stored time has to be trusted or reset. A token bucket needs the elapsed time multiplied by
 * a rate, which DynamoDB update expressions cannot compute: it would take a read and a conditional
 * write per request. The price of fixed windows is a burst of up to twice the quota across a window
 * boundary — acceptable next to the stage-wide throttle that caps everyone together.
 */

/** Which budget a request draws on: anonymous reads by source address, callers with a token by token. */
export const rateLimitClasses = ['public', 'read', 'write'] as const;
export type RateLimitClass = (typeof rateLimitClasses)[number];

export interface RateLimitPolicy {
  /** Also the policy's name in the `RateLimit` and `RateLimit-Policy` headers. */
  readonly name: RateLimitClass;
  /** Requests allowed per window. */
  readonly quota: number;
  /** Window length in seconds. */
  readonly windowSeconds: number;
}

export type RateLimitPolicies = Readonly<Record<RateLimitClass, RateLimitPolicy>>;

/**
 * Defaults, per caller: 300 anonymous reads a minute per address (a newsroom behind one NAT reading
 * rankings; public answers are cacheable besides), 600 reads and 120 writes a minute per token (an
 * agency's portal saving all 47 indicators one by one, with room to spare). Far below the stage-wide
 * throttle (100 requests a second for everyone), so one client cannot take the whole API's share.
 */
export const defaultRateLimitPolicies: RateLimitPolicies = {
  public: { name: 'public', quota: 300, windowSeconds: 60 },
  read: { name: 'read', quota: 600, windowSeconds: 60 },
  write: { name: 'write', quota: 120, windowSeconds: 60 },
};

const policyPattern = /^(public|read|write)=(\d{1,9})\/(\d{1,6})$/;

/**
 * Reads `class=quota/windowSeconds` entries separated by commas (`write=60/60,public=1000/60`);
 * classes not named keep their default. Throws a message naming the bad entry and the form.
 */
export const parseRateLimitPolicies = (
  text: string,
  defaults: RateLimitPolicies = defaultRateLimitPolicies,
): RateLimitPolicies => {
  const policies: Record<RateLimitClass, RateLimitPolicy> = { ...defaults };
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const entry of entries) {
    const match = policyPattern.exec(entry);
    const name = rateLimitClasses.find((candidate) => candidate === match?.[1]);
    const quota = Number(match?.[2]);
    const windowSeconds = Number(match?.[3]);
    if (name === undefined || quota < 1 || windowSeconds < 1 || windowSeconds > 86_400) {
      throw new Error(
        `Rate limit "${entry}" is not of the form <class>=<requests>/<seconds> with class public, read or ` +
          'write, at least 1 request and a window of 1 to 86400 seconds (e.g. "write=120/60").',
      );
    }
    policies[name] = { name, quota, windowSeconds };
  }
  return policies;
};

/** The settings text of policies, in the form {@link parseRateLimitPolicies} reads. */
export const formatRateLimitPolicies = (policies: RateLimitPolicies): string =>
  rateLimitClasses.map((name) => `${name}=${policies[name].quota}/${policies[name].windowSeconds}`).join(',');

/** The window `now` falls in: its number since the epoch and the whole seconds until it ends (≥ 1). */
export const fixedWindowOf = (
  policy: Pick<RateLimitPolicy, 'windowSeconds'>,
  now: Date,
): { readonly index: number; readonly endsAtSeconds: number; readonly resetSeconds: number } => {
  const nowSeconds = now.getTime() / 1000;
  const index = Math.floor(nowSeconds / policy.windowSeconds);
  const endsAtSeconds = (index + 1) * policy.windowSeconds;
  return { index, endsAtSeconds, resetSeconds: Math.max(1, Math.ceil(endsAtSeconds - nowSeconds)) };
};

/** What the limiter decided for one request. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Requests left in the window after this one (0 when refused). */
  readonly remaining: number;
  /** Seconds until the window ends and the quota is whole again. */
  readonly resetSeconds: number;
}

/** The port: count one request of `callerKey` against `policy`, atomically for every instance. */
export interface RateLimiter {
  consume(request: {
    readonly callerKey: string;
    readonly policy: RateLimitPolicy;
    readonly now: Date;
  }): Promise<RateLimitDecision>;
}
