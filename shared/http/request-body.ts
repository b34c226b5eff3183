import { isUtf8 } from 'node:buffer';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { jsonPointer } from '../api/field-errors.ts';
import { type BodyContentType, defaultMaxBodyBytes, type RouteSpec } from '../api/route-spec.ts';

/** The body as the route declared it: parsed JSON, or raw text for CSV uploads. */
export type ReadBody =
  | {
      readonly mediaType: BodyContentType;
      readonly value: unknown;
      /** For CSV: the line on which each row ends (header = line 1), for reports that name lines. */
      readonly csvLines?: readonly number[];
    }
  | undefined;

/**
 * Turns a CSV body (already checked to be UTF-8) into `{ [field]: rows }` and the line on which each
 * row ends. Injected by the functions whose routes accept CSV (`csv-body.ts`), so that no other
 * function bundles a CSV parser.
 */
export type CsvBodyReader = (
  text: string,
  field: string,
) => { readonly value: Record<string, unknown>; readonly csvLines: readonly number[] };

/**
 * How deeply a JSON body may nest arrays and objects. Our deepest request schema nests 5 levels
 * (`{"answers":[{"evidence":[{…}]}]}`), so 64 leaves room for any schema we are likely to add and
 * is still far below what recursive code over the parsed value survives (zod, `canonicalJson` for
 * the Idempotency-Key fingerprint, `JSON.stringify`): a few thousand levels overflow the stack.
 */
export const maxJsonDepth = 64;

const quote = 0x22;
const backslash = 0x5c;
const openers = new Set([0x5b, 0x7b]); // [ {
const closers = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether JSON text nests deeper than `limit`. A single pass over the text, not a recursion over
 * the value, so that the check itself cannot overflow; it runs before `JSON.parse` so that parse
 * never sees a deep document either. Brackets inside strings do not count.
 */
const nestsDeeperThan = (text: string, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === backslash) index++;
      else if (code === quote) inString = false;
    } else if (code === quote) inString = true;
    else if (openers.has(code)) {
      depth++;
      if (depth > limit) return true;
    } else if (closers.has(code)) depth--;
  }
  return false;
};

const colon = 0x3a;
const comma = 0x2c;
const openBrace = 0x7b;
const openBracket = 0x5b;

/** An open object (the names seen, the last one) or array (the index of the current element). */
type Container = { readonly names: Set<string>; name: string } | { readonly names: undefined; index: number };

/**
 * The path of the first member name that occurs twice in one object, if any; the text is valid
 * JSON (run after `JSON.parse`). `JSON.parse` keeps the last of two equal names, another reader may
 * keep the first: I-JSON (RFC 7493 §2.3) forbids them, and so do we, so that no two readers of one
 * request (a log, an audit record, a gateway) see different values. A single pass, as above.
 */
const duplicateMemberPath = (text: string): readonly (string | number)[] | undefined => {
  const open: Container[] = [];
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === quote) {
      const start = index;
      for (index++; text.charCodeAt(index) !== quote; index++) {
        if (text.charCodeAt(index) === backslash) index++;
      }
      const top = open.at(-1);
      if (top?.names === undefined) continue;
      let next = index + 1;
      while (/\s/.test(text.charAt(next))) next++;
      if (text.charCodeAt(next) !== colon) continue;
      // Escapes spell the same name in other ways (`"le\u0076el"`): compare names as parsed.
      const raw = text.slice(start + 1, index);
      const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      if (top.names.has(name)) {
        return [
          ...open
            .slice(0, -1)
            .map((container) => (container.names === undefined ? container.index : container.name)),
          name,
        ];
      }
      top.names.add(name);
      top.name = name;
    } else if (code === openBrace) open.push({ names: new Set(), name: '' });
    else if (code === openBracket) open.push({ names: undefined, index: 0 });
    else if (closers.has(code)) open.pop();
    else if (code === comma) {
      const top = open.at(-1);
      if (top?.names === undefined && top !== undefined) top.index++;
    }
  }
  return undefined;
};

/**
 * Bodies are UTF-8 (RFC 8259 §8.1 for JSON; our CSV contract). Fatal, so that a byte that is not
 * UTF-8 is refused instead of silently becoming U+FFFD in an agency's name; the BOM is left for
 * the readers (csv-parse drops it; a JSON body with one is refused, saying so).
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The first line (1-based) holding a byte that is not UTF-8. A line feed byte never occurs inside
 * a multi-byte sequence, so lines can be checked one by one; run only once decoding has failed.
 */
const firstLineNotUtf8 = (bytes: Uint8Array): number => {
  let line = 1;
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
    if (!isUtf8(bytes.subarray(start, end))) return line;
    line++;
    start = end + 1;
  }
  return line;
};

const decodeBody = (bytes: Uint8Array, mediaType: BodyContentType): string => {
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    if (mediaType === 'text/csv') {
      const line = firstLineNotUtf8(bytes);
      throw new BadRequestError(`The CSV body is not valid UTF-8 on line ${line}.`, {
        errors: [{ pointer: '/body', detail: `Not valid UTF-8 (line ${line})` }],
        cause: error,
      });
    }
    throw new BadRequestError('The request body is not valid UTF-8.', {
      errors: [{ pointer: '/body', detail: 'Not valid UTF-8' }],
      cause: error,
    });
  }
};

const mediaTypeOf = (contentType: string | undefined): string | undefined =>
  contentType?.split(';')[0]?.trim().toLowerCase();

/**
 * The `charset` parameter of a Content-Type, lower case and unquoted (RFC 9110 §8.3.2: parameter
 * names and charset values are case-insensitive, values may be quoted), if there is one.
 */
const charsetOf = (contentType: string | undefined): string | undefined => {
  for (const parameter of contentType?.split(';').slice(1) ?? []) {
    const [name = '', ...value] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    return value
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim()
      .toLowerCase();
  }
  return undefined;
};

/** The labels of UTF-8: the registered name and the alias browsers and many clients send. */
const utf8Labels = new Set(['utf-8', 'utf8']);

/**
 * Reads the request body for a route: enforces the size limit, the declared media types, UTF-8,
 * JSON syntax and nesting depth. A charset other than UTF-8 is refused (415) rather than read as
 * UTF-8, which would store another encoding's bytes as the wrong characters. Hand-written rather than `@middy/http-json-body-parser` because that parser has no size
 * limit, answers malformed JSON with 422, and cannot accept CSV on the same route.
 */
export const readRequestBody = (
  route: Pick<RouteSpec, 'body' | 'bodyOptional' | 'bodyContentTypes' | 'maxBodyBytes' | 'csvRowsField'>,
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
  /** Required when the route accepts `text/csv` (the dispatcher checks it at cold start). */
  readCsv?: CsvBodyReader,
): ReadBody => {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (!route.body) {
    // Many HTTP clients send `{}` on a bare POST; accept it (and blank space) as "no body".
    const text = bytes.toString('utf8').trim();
    if (text !== '' && text.replaceAll(/\s+/g, '') !== '{}') {
      throw new BadRequestError('This route takes no request body (an empty `{}` is accepted).', {
        errors: [{ pointer: '/body', detail: 'Must be empty' }],
      });
    }
    return undefined;
  }
  const blank = bytes.toString('utf8').trim() === '';
  // A bare request (nothing sent, no Content-Type) reads as {}: the route's schema then names each
  // field it requires (400), where a 415 "got none" left the client a round trip from knowing them.
  if (blank && (route.bodyOptional || event.headers?.['content-type'] === undefined)) {
    return { mediaType: 'application/json', value: {} };
  }
  const limit = route.maxBodyBytes ?? defaultMaxBodyBytes;
  if (bytes.length > limit) {
    throw new PayloadTooLargeError(
      `The request body is ${bytes.length} bytes; the limit for this route is ${limit}.`,
    );
  }
  // A compressed body is a content coding we do not decode (nor does API Gateway's HTTP API): 415
  // as RFC 9110 §15.5.16 and RFC 7694 say, rather than its bytes read as text ("not valid UTF-8").
  const coding = event.headers?.['content-encoding']?.trim().toLowerCase();
  if (coding !== undefined && coding !== '' && coding !== 'identity') {
    throw new UnsupportedMediaTypeError(
      `The request body is sent with Content-Encoding "${coding}", which this API does not decode: send it uncompressed, without Content-Encoding.`,
      { headers: { 'accept-encoding': 'identity' } },
    );
  }
  const accepted = route.bodyContentTypes ?? ['application/json'];
  const mediaType = mediaTypeOf(event.headers?.['content-type']);
  const matched = accepted.find((candidate) => candidate === mediaType);
  if (!matched) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be ${accepted.join(' or ')}; got ${mediaType === undefined ? 'none' : `"${mediaType}"`}.`,
      { headers: { accept: accepted.join(', ') } },
    );
  }
  const charset = charsetOf(event.headers?.['content-type']);
  if (charset !== undefined && !utf8Labels.has(charset)) {
    throw new UnsupportedMediaTypeError(
      `The Content-Type header names the charset "${charset}"; request bodies must be UTF-8 (RFC 8259 §8.1 for JSON; our CSV contract): send charset=utf-8 or no charset.`,
      { headers: { accept: accepted.join(', ') } },
    );
  }
  const text = decodeBody(bytes, matched);
  if (matched === 'text/csv') {
    if (readCsv === undefined)
      throw new Error('A route accepts text/csv but its function has no CSV reader.');
    return { mediaType: matched, ...readCsv(text, route.csvRowsField ?? 'rows') };
  }
  if (text.trim().length === 0) {
    throw new ValidationError('The request body is empty; a JSON document is required.', {
      errors: [{ pointer: '/body', detail: 'Required' }],
    });
  }
  // JSON.parse refuses a BOM as "Unexpected token '\uFEFF'", quoting a character nobody can see;
  // Windows tools (Notepad, PowerShell's -InFile) save one, so the refusal says what to do.
  if (text.startsWith('\uFEFF')) {
    throw new BadRequestError(
      'The request body begins with a byte order mark (U+FEFF), which JSON sent over a network must not carry (RFC 8259 §8.1): send UTF-8 without a BOM (in Notepad, save as "UTF-8", not "UTF-8 with BOM").',
      { errors: [{ pointer: '/body', detail: 'Begins with a byte order mark (U+FEFF)' }] },
    );
  }
  if (nestsDeeperThan(text, maxJsonDepth)) {
    throw new BadRequestError(
      `The request body nests arrays and objects deeper than the limit of ${maxJsonDepth} levels.`,
      { errors: [{ pointer: '/body', detail: `Nested deeper than ${maxJsonDepth} levels` }] },
    );
  }
  let value: unknown;
  try {
    // Any parse failure is the client's (a RangeError included): 400, never 500.
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`The request body is not valid JSON: ${(error as Error).message}`, {
      errors: [{ pointer: '/body', detail: 'Malformed JSON' }],
      cause: error,
    });
  }
  const duplicate = duplicateMemberPath(text);
  if (duplicate !== undefined) {
    const pointer = jsonPointer('body', duplicate);
    throw new BadRequestError(
      `The request body repeats the member name at ${pointer} in one object; send each name once.`,
      { errors: [{ pointer, detail: 'Duplicate member name' }] },
    );
  }
  return { mediaType: matched, value };
};
