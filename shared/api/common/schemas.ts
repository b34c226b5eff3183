import * as z from 'zod';
import {
  problemListUri,
  problemTitles,
  problemTypeUri,
  problemTypeUris,
} from '#shared/api/common/problem-types.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { roles } from '#shared/domain/roles.ts';
import { addressRefusalReasons, urlRefusalReasons } from '#shared/domain/webhooks/urls.ts';

/**
 * How every exact score reads (`shared/domain/scoring/rational.ts`): a domain index divides by
 * weights such as 16.5, so it often does not terminate in decimal.
 */
export const exactValueDescription =
  'Exact value: the shortest terminating decimal ("4.156", "-0.0145") or, when it does not terminate, n/d in lowest terms ("109/26")';

/** RFC 9457 problem details, as every error response carries them. */
export const ProblemSchema = z
  .object(
    lazyShape(() => ({
      type: z.enum(problemTypeUris).meta({
        description: `The problem type: ${problemTypeUri('validation-failed')} resolved against the API's address is a page explaining it (what it means, what to do); ${problemListUri} lists them all`,
        example: problemTypeUri('validation-failed'),
      }),
      title: z.enum(problemTitles).meta({ description: 'The same for every problem of its type' }),
      status: z.number().int().meta({ description: 'The HTTP status it was answered with' }),
      detail: z.string().optional(),
      instance: z.string().optional().meta({ description: 'The request path' }),
      requestId: z.string().optional().meta({ description: 'Quote it to the on-call engineer' }),
      errors: z
        .array(
          z.object({
            pointer: z
              .string()
              .meta({ description: 'JSON Pointer into the request', example: '/body/level' }),
            detail: z.string(),
          }),
        )
        .optional(),
      // Extension members (RFC 9457 §3.2) some refusals carry, declared so that a typed client
      // reads them without a cast; every problem may carry others.
      unanswered: z.array(z.number().int()).optional().meta({
        description: 'A submission refused (409): the indicators not answered yet',
      }),
      window: z.object({ opensAt: InstantSchema, closesAt: InstantSchema }).optional().meta({
        description:
          'A write outside its window, or an import of results before the cycle’s start (409): the window as scheduled',
      }),
      reason: z
        .enum([...urlRefusalReasons, ...addressRefusalReasons])
        .optional()
        .meta({ description: 'A webhook URL refused (400): why, as a stable code' }),
      missing: z.array(z.number().int()).optional().meta({
        description: 'A finalization refused (409): the indicators lacking a valid, current review',
      }),
      unscored: z.array(z.number().int()).optional().meta({
        description: 'Reviews refused (409): the indicators with no score to review yet',
      }),
      rows: z
        .array(
          z.object({
            row: z.number().int().meta({ description: 'The row’s position in the body, from 1' }),
            line: z.number().int().optional().meta({ description: 'Its line in a CSV body' }),
            id: z.string().optional().meta({ description: 'The agency id the row names (a roster import)' }),
            rule: z
              .string()
              .optional()
              .meta({ description: 'The rule it breaks (an assignment’s conflict)' }),
            errors: z.array(z.object({ pointer: z.string(), detail: z.string() })),
          }),
        )
        .optional()
        .meta({
          description:
            'An import or assignments refused (400, 409): every row at fault with its errors; nothing was written',
        }),
      written: z.number().int().optional().meta({
        description:
          'An import cut short by a concurrent write (409): how many were written; sending it again completes it',
      }),
      childCount: z.number().int().optional().meta({
        description: 'A province that cannot change group (409): its kabupaten/kota still registered',
      }),
      runningRunId: z.string().optional().meta({
        description: 'A ranking run refused while another runs (409): the run holding the cycle',
      }),
      link: z.string().optional().meta({
        description: 'A ranking run refused while another runs (409): where to poll the running run',
      }),
      blockers: z.array(z.string()).optional().meta({
        description: 'Awards that cannot be published (409): why, each with what to do first',
      }),
    })),
  )
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

// Human-readable text (names, titles, descriptions, explanations): what a reader sees must be what
// is stored. Character classes as `u`-flag source text, shared by the check (which names the
// culprit) and the `pattern` the OpenAPI document publishes (as the plain ranges they stand for).
/** Never allowed: controls (C0, DEL, C1), lone surrogates, and bidi controls that reorder what displays. */
const forbiddenChars = String.raw`\p{Cc}\p{Cs}\p{Bidi_Control}`;
/** The controls a multi-line text keeps: tab, line feed, carriage return. */
const lineControls = String.raw`\t\n\r`;
/** Line and paragraph separators (U+2028, U+2029): line breaks that are not controls, refused in one-line text. */
const lineSeparators = String.raw`\p{Zl}\p{Zp}`;
/**
 * What renders as nothing: white space, format and default-ignorable characters (U+200B, U+2060,
 * U+FEFF, U+3164 …), and U+2800, a braille "blank" that is a symbol and in none of those properties.
 */
const invisibleChars = String.raw`\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Cs}\u2800`;

/**
 * A class of `u`-flag property escapes as the `\\uXXXX` ranges of its Basic Multilingual Plane
 * members: `\\p{Bidi_Control}` and friends are ECMA-262, but Java, .NET, Python and Go clients
 * generated from the document read only plain escapes. Computed once, when the document is built
 * (not at every cold start), from the same classes the check uses.
 */
const publishedClass = (() => {
  const computed = new Map<string, string>();
  const hex = (cp: number) => `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return (charClass: string): string => {
    const known = computed.get(charClass);
    if (known !== undefined) return known;
    const member = new RegExp(`[${charClass}]`, 'u');
    const ranges: [number, number][] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (!member.test(String.fromCharCode(cp))) continue;
      const last = ranges.at(-1);
      if (last && last[1] === cp - 1) last[1] = cp;
      else ranges.push([cp, cp]);
    }
    const escaped = ranges
      .map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`))
      .join('');
    computed.set(charClass, escaped);
    return escaped;
  };
})();

/**
 * Unicode tag characters (U+E0000–U+E007F) spell ASCII invisibly: text hidden from the reader of a
 * name or an explanation, but read by machines ("ASCII smuggling", aimed at language models that
 * summarise submissions). Their one visible use is a subdivision flag emoji — U+1F3F4, tags, then
 * the cancel tag U+E007F — which is kept; a tag anywhere else is refused.
 */
const flagTagSequences = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
const tagCharacter = /[\u{E0000}-\u{E007F}]/u;
const strayTagCharacter = (value: string): string | undefined =>
  tagCharacter.test(value) ? tagCharacter.exec(value.replaceAll(flagTagSequences, ''))?.[0] : undefined;

const codePoint = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

const whatIsWrong = (char: string): string =>
  /\p{Cc}/u.test(char)
    ? `The text contains a control character ${codePoint(char)}.`
    : /\p{Cs}/u.test(char)
      ? `The text contains a lone surrogate ${codePoint(char)}: it is not valid Unicode.`
      : /[\p{Zl}\p{Zp}]/u.test(char)
        ? `The text contains a line break ${codePoint(char)}; this text is one line.`
        : `The text contains a bidirectional control ${codePoint(char)}, which changes how it displays.`;

export interface DisplayTextOptions {
  /** Characters once surrounding white space is removed; from 1 on, a visible character is required. */
  readonly min?: number;
  /** Characters as sent. */
  readonly max: number;
  /** Keeps tab, line feed and carriage return (an explanation); one-line text refuses them. */
  readonly multiline?: boolean;
  /**
   * One-line text that reads tab, line feed and carriage return as a space instead of refusing
   * them: a search term pasted from a spreadsheet cell carries them, and they separate words there.
   */
  readonly lineControlsAsSpace?: boolean;
  /** What the field is; the rules are appended to it in the OpenAPI document. */
  readonly description?: string;
}

/** Characters as JSON Schema's `maxLength` counts them (code points), not UTF-16 units. */
const codePointCount = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

/**
 * Every human-readable text field, so the rule lives once. Refuses control characters, lone
 * surrogates and bidi controls (overrides, embeddings, isolates, marks), tag characters outside a
 * flag emoji, line and paragraph
 * separators in one-line text, and — when the field is
 * required (`min` ≥ 1) — text with no visible character. Accepted text is trimmed and normalised
 * to NFC, so that one name has one spelling; in an optional field (`min` 0), blank text becomes ''
 * (none), what such a field holds when left out. Issues abort the remaining checks: one field, one
 * message saying what is wrong.
 */
export const displayText = ({
  min = 0,
  max,
  multiline = false,
  lineControlsAsSpace = false,
  description,
}: DisplayTextOptions) => {
  const forbidden = multiline ? forbiddenChars : `${forbiddenChars}${lineSeparators}`;
  const allowsLineControls = multiline || lineControlsAsSpace;
  const offending = new RegExp(
    allowsLineControls ? `(?![${lineControls}])[${forbidden}]` : `[${forbidden}]`,
    'u',
  );
  const visible = new RegExp(`[^${invisibleChars}]`, 'u');
  const needsVisible = min > 0;
  const rules = [
    multiline
      ? 'No control characters other than tab and line breaks'
      : lineControlsAsSpace
        ? 'One line: tab and line breaks (CR, LF) read as a space; no other control characters or line separators (U+2028, U+2029)'
        : 'One line: no control characters or line separators (U+2028, U+2029)',
    'no bidirectional controls',
    'no tag characters (U+E0000–U+E007F) outside a flag emoji',
    ...(needsVisible ? ['at least one visible character'] : []),
  ].join(', ');
  const text = z
    .string()
    // Aborts: text too long as sent needs one message, not this and the count after NFC as well.
    .max(max, { abort: true })
    .superRefine((value, ctx) => {
      const culprit = offending.exec(value)?.[0];
      const tag = culprit === undefined ? strayTagCharacter(value) : undefined;
      if (culprit !== undefined) {
        ctx.addIssue({ code: 'custom', message: whatIsWrong(culprit), continue: false });
      } else if (tag !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `The text contains a tag character ${codePoint(tag)}, which readers cannot see; tag characters belong only in a flag emoji.`,
          continue: false,
        });
      } else if (needsVisible && !visible.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: 'The text contains no visible character (only spaces or invisible characters).',
          continue: false,
        });
      }
    })
    .overwrite((value) => {
      const trimmed = (lineControlsAsSpace ? value.replaceAll(/[\t\n\r]/g, ' ') : value)
        .trim()
        .normalize('NFC');
      // Optional text that is blank (spaces, or characters no reader sees, such as U+200B) says
      // nothing: stored as none, the '' these fields hold when left out, not as invisible text a
      // reader takes for an answer (nor as a reason that counts five zero-width spaces).
      return needsVisible || visible.test(trimmed) ? trimmed : '';
    })
    // Counted again: NFC writes a few characters (composition exclusions such as U+0958) as two,
    // so text within the limit as sent could be stored beyond it. Counted in characters (code
    // points), as zod's `max` and the published `maxLength` count them: `length` counts UTF-16
    // units, which made an emoji two and refused 2,001 emoji in a field of 4,000 characters.
    .refine((value) => codePointCount(value) <= max, {
      message: `At most ${max} characters in Unicode NFC (some characters, such as U+0958, are stored as two)`,
      abort: true,
    });
  return (
    min > 0 ? text.min(min, `At least ${min} characters, surrounding white space not counted`) : text
  ).meta({
    // A getter: the ranges are computed when the document is built, not when a handler loads.
    get pattern() {
      const published = publishedClass(forbidden);
      const allowed = allowsLineControls ? `(?:[^${published}]|[${lineControls}])` : `[^${published}]`;
      return needsVisible ? `^${allowed}*[^${publishedClass(invisibleChars)}]${allowed}*$` : `^${allowed}*$`;
    },
    description: `${description ? `${description}. ` : ''}${rules}${
      needsVisible
        ? ' (invisible characters beyond U+FFFF, such as tag characters, count as invisible too)'
        : ''
    }. Surrounding white space is removed${
      min > 1 ? ` before the length (at least ${min}) is counted` : ''
    }; stored in Unicode NFC.${
      needsVisible
        ? ''
        : ' Blank text (only white space or invisible characters, such as U+200B) counts as none: stored as an empty string, as when the field is left out.'
    }`,
  });
};

export const agencyIdPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const AgencyIdSchema = z
  .string()
  .min(3)
  .max(80)
  .regex(agencyIdPattern, 'lower-case letters, digits and single hyphens, e.g. prov-jawa-timur')
  .meta({ description: 'Agency slug', example: 'prov-jawa-timur' });

/** Cycle years: the SPBE evaluations began in 2018. */
export const YearSchema = z
  .int()
  .min(2018)
  .max(2100)
  .meta({ description: 'Evaluation cycle year', example: 2026 });

/**
 * A whole number in a path or query: decimal digits exactly as an integer serialises (no sign,
 * space, leading zero, exponent or hex: `0x7EA`, `2.026e3` and ` 5` are refused), so that one value
 * has one URL; published as an integer with its bounds, so typed clients send numbers.
 */
export const integerParam = (min: number, max: number, message: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : value),
    z.int({ error: message }).min(min, { error: message }).max(max, { error: message }),
  );

/** A cycle's year in a path. */
export const YearParamSchema = integerParam(
  2018,
  2100,
  'A four-digit year from 2018 to 2100, such as 2026',
).meta({ description: 'Evaluation cycle year', example: 2026 });

export const HealthSchema = z
  .object(
    lazyShape(() => ({
      status: z.enum(['ok', 'degraded']),
      checks: z.array(
        z.object({ name: z.string(), status: z.enum(['ok', 'failed']), latencyMs: z.number() }),
      ),
      version: z.string(),
      time: z.string(),
    })),
  )
  .meta({ id: 'Health' });

export const MeSchema = z
  .object(
    lazyShape(() => ({
      subject: z.string().meta({ description: 'The token’s `sub`' }),
      clientId: z.string().optional(),
      role: z.enum(roles),
      agencyId: z
        .string()
        .optional()
        .meta({ description: 'Set for agency operators: the one agency they act for' }),
      scopes: z.array(z.string()).meta({
        description: 'The token’s scopes that count: the API scopes its role may hold, and any others',
      }),
      ignoredScopes: z.array(z.string()).optional().meta({
        description:
          'API scopes the token carries but its role may not hold: ignored (a scope never widens a role). Absent when none',
      }),
      name: z.string().optional(),
      tokenExpiresAt: InstantSchema.optional(),
    })),
  )
  .meta({ id: 'Me', description: 'The caller as the API understands them' });

// Audit trails: every capability's records share one shape.
export const AuditRecordSchema = z
  .object(
    lazyShape(() => ({
      at: z.string(),
      actor: z.object({
        subject: z.string(),
        role: z.string(),
        agencyId: AgencyIdSchema.optional(),
        clientId: z.string().optional(),
      }),
      action: z.string().meta({ example: 'self-assessment.answer.saved' }),
      route: z.string(),
      requestId: z.string(),
      target: z.string().meta({ example: 'indicator 12' }),
      changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    })),
  )
  .meta({ id: 'AuditRecord', description: 'Append-only: who changed what, when, before and after' });
export type AuditRecord = z.output<typeof AuditRecordSchema>;

export const AuditPageSchema = z
  .object(lazyShape(() => ({ items: z.array(AuditRecordSchema), nextCursor: z.string().optional() })))
  .meta({ id: 'AuditPage' });

/**
 * A page size in the query: decimal digits only ('50'; not ' 50', '5e1', '0x32' or '050', all of
 * which `Number()` would read), published as an integer with its bounds and default. A parameter sent
 * twice arrives joined ('1,2', as API Gateway joins repeats) and is refused with the same message.
 */
export const pageLimit = (max: number, fallback: number) =>
  integerParam(1, max, `must be one whole number from 1 to ${max}, in decimal digits`).default(fallback);

export const AuditQuerySchema = z.strictObject(
  lazyShape(() => ({
    limit: pageLimit(200, 100),
    cursor: z.string().max(500).optional(),
  })),
);

/**
 * 35 characters: an instant with nanoseconds and a numeric offset (`2026-03-01T00:00:00.123456789+07:00`);
 * more digits carry no meaning a clock has.
 */
const isoInstant = z.iso
  .datetime({
    offset: true,
    // zod's "Invalid ISO datetime" left an admin who typed Jakarta's local time (no offset) or a
    // bare date guessing what was wrong.
    error:
      'An instant with its offset (RFC 3339), e.g. 2026-03-01T08:00:00+07:00 for 08:00 in Jakarta (WIB), or 2026-03-01T01:00:00Z',
  })
  .max(35);
// `format: date-time` alone admits what zod refuses (a space or a lower-case t, RFC 3339 §5.6):
// publish zod's own pattern beside it.
/**
 * An instant (RFC 3339 with an offset), published with zod's own pattern and bound: what a client
 * sends, and every instant the API answers with (`toISOString()`, or a window as it was set).
 */
export const InstantSchema = isoInstant.meta({
  pattern: isoInstant.def.pattern?.source,
  example: '2026-03-01T00:00:00+07:00',
});

/** A SHA-256 digest in lower-case hex, as every record and its inputs are hashed (`sha256Hex`). */
export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({ maxLength: 64 });
