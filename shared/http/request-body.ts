import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#shared/domain/errors.ts';
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

/** Parses CSV (RFC 4180, header line first) into `{ [field]: rows }`; syntax errors name the line. */
const csvBody = (text: string, field: string): { value: Record<string, unknown>; csvLines: number[] } => {
  try {
    const records = parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      cast: false,
      info: true,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
    const withoutEmptyCells = records.map(({ record }) =>
      Object.fromEntries(Object.entries(record).filter(([, cell]) => cell !== '')),
    );
    return { value: { [field]: withoutEmptyCells }, csvLines: records.map(({ info }) => info.lines) };
  } catch (error) {
    throw new BadRequestError(`The CSV body cannot be read: ${(error as Error).message}`, {
      errors: [{ pointer: '/body', detail: 'Malformed CSV' }],
      cause: error,
    });
  }
};

const mediaTypeOf = (contentType: string | undefined): string | undefined =>
  contentType?.split(';')[0]?.trim().toLowerCase();

/**
 * Reads the request body for a route: enforces the size limit, the declared media types and JSON
 * syntax. Hand-written rather than `@middy/http-json-body-parser` because that parser has no size
 * limit, answers malformed JSON with 422, and cannot accept CSV on the same route.
 */
export const readRequestBody = (
  route: Pick<RouteSpec, 'body' | 'bodyContentTypes' | 'maxBodyBytes' | 'csvRowsField'>,
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
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
  const limit = route.maxBodyBytes ?? defaultMaxBodyBytes;
  if (bytes.length > limit) {
    throw new PayloadTooLargeError(
      `The request body is ${bytes.length} bytes; the limit for this route is ${limit}.`,
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
  const text = bytes.toString('utf8');
  if (matched === 'text/csv') return { mediaType: matched, ...csvBody(text, route.csvRowsField ?? 'rows') };
  if (text.trim().length === 0) {
    throw new ValidationError('The request body is empty; a JSON document is required.', {
      errors: [{ pointer: '/body', detail: 'Required' }],
    });
  }
  try {
    return { mediaType: matched, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new BadRequestError(`The request body is not valid JSON: ${(error as Error).message}`, {
      errors: [{ pointer: '/body', detail: 'Malformed JSON' }],
      cause: error,
    });
  }
};
