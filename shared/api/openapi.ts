import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import {
  type AppError,
  ConflictError,
  ForbiddenError,
  IdempotencyKeyReuseError,
  NotAcceptableError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  PreconditionRequiredError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { problemTypes } from '#shared/domain/problem-types.ts';
import { scope, scopeDescriptions, scopeNames } from './access.ts';
import { problemTypeUri } from './common/problem-types.ts';
import { ProblemSchema } from './common/schemas.ts';
import { sampleBodies, samplePathValues } from './examples.ts';
import { commonErrorResponses } from './route-kit.ts';
import {
  defaultMaxBodyBytes,
  idempotencyKeyMaxChars,
  publicCacheControl,
  type ResponseHeaderName,
  type ResponseSpec,
  type RouteSpec,
} from './route-spec.ts';
import { routeList } from './routes.ts';
import { webhookEventSchemas } from './webhooks/events.ts';
import { EventIdSchema } from './webhooks/schemas.ts';

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;
/** OpenAPI's Header Object (or a reference to one), as the registry types it. */
type HeaderObject = Exclude<NonNullable<ResponseConfig['headers']>, z.ZodType>[string];

const oauthScheme = 'oauth2';
/**
 * The same access token, pasted as is: Swagger UI obtains an OAuth2 token only through the flows'
 * token URL (which `npm start` has not, and a portal developer may not be given), so without this
 * scheme /docs could try out no route but the public ones.
 */
const bearerScheme = 'bearer';

/**
 * ETags are a version in canonical decimal, quoted: the only form `shared/http/preconditions.ts`
 * can match (any other If-Match answers 412), so the only form worth sending.
 */
const etagPattern = /^"(?:0|[1-9]\d{0,11})"$/;
const etagMaxLength = 14;

/** A public read's ETag when the route sends none of its own: a fingerprint of its bytes (`toHttpResponse`). */
const fingerprintEtagPattern = /^"[A-Za-z0-9_-]{27}"$/;
const fingerprintEtagMaxLength = 29;
const responseEtagPattern = `^(?:${etagPattern.source.slice(1, -1)}|${fingerprintEtagPattern.source.slice(1, -1)})$`;

/** The routes whose 200 goes with an ETag and 304 on `If-None-Match`: every public read (JSON, CSV, pages). */
const revalidates = (route: RouteSpec): boolean => route.publicCache === true;

const etagHeader = (description: string) =>
  z.string().max(etagMaxLength).regex(etagPattern).meta({ description, example: '"3"' });

/** The request headers the HTTP layer reads for a route, from its flags. */
const requestHeaders = (route: RouteSpec) => {
  const headers = {
    ...(route.requiresIfMatch
      ? {
          'If-Match': etagHeader(
            'The ETag you last read (a never-saved draft: "0"; `*` is refused): 428 without it, 412 when stale',
          ),
        }
      : route.optionalIfMatch
        ? {
            'If-Match': etagHeader(
              'The ETag you last read; when sent it must match (412 when stale)',
            ).optional(),
          }
        : {}),
    ...(revalidates(route)
      ? {
          'If-None-Match': z.string().max(1024).optional().meta({
            description:
              'ETags you hold (comma-separated, or `*`): 304 without a body while the representation still has one of them',
            example: '"3"',
          }),
        }
      : {}),
    ...(route.idempotent
      ? {
          'Idempotency-Key': z.string().min(1).max(idempotencyKeyMaxChars).optional().meta({
            description:
              'A retry with the same key replays the first response for 24 h (`Idempotent-Replayed: true`); the same key with another request answers 422, one still running 409',
            example: 'submit-2026-prov-jawa-timur-1',
          }),
        }
      : {}),
  };
  return Object.keys(headers).length > 0 ? z.object(headers) : undefined;
};

const kib = (bytes: number) => `${bytes / 1024} KiB`;

/**
 * The problem responses every route may give whatever its logic, from its flags: the HTTP layer
 * answers them before (or around) the route's own code. A route documents only the others (404,
 * 409 of its own rules …); its own description of a status wins.
 *
 * - 400 on every route: an unknown query parameter is refused even where the route takes none.
 * - 401 and 403 on token routes only (no token or a bad one; a role or scope the route refuses).
 * - 409 and 422 on idempotent routes (the same key still running; reused for another request).
 * - 412 with If-Match, 428 when it is required; 413 and 415 with a body.
 * - 429 and 500 on every route.
 */
const generatedResponses = (route: RouteSpec): Readonly<Record<number, ResponseSpec>> => {
  const responses: Record<number, ResponseSpec> = { 400: commonErrorResponses[400] };
  if (revalidates(route)) {
    responses[304] = {
      description: 'Not modified: the representation still has an ETag sent in If-None-Match',
      headers: ['ETag'],
    };
  }
  if (route.access.kind === 'jwt') {
    responses[401] = commonErrorResponses[401];
    responses[403] = commonErrorResponses[403];
  }
  if (route.idempotent) {
    responses[409] = commonErrorResponses[409];
    responses[422] = commonErrorResponses[422];
  }
  if (route.requiresIfMatch || route.optionalIfMatch) responses[412] = commonErrorResponses[412];
  if (route.body) {
    const maxBytes = route.maxBodyBytes ?? defaultMaxBodyBytes;
    responses[413] = {
      ...commonErrorResponses[413],
      description: `The request body is larger than this route’s limit of ${maxBytes} bytes (${kib(maxBytes)})`,
    };
    responses[415] = commonErrorResponses[415];
  }
  if (route.requiresIfMatch) responses[428] = commonErrorResponses[428];
  responses[429] = commonErrorResponses[429];
  responses[500] = commonErrorResponses[500];
  return responses;
};

/** The statuses a route's document lists: generated from its flags, and its own. */
export const documentedStatuses = (route: RouteSpec): readonly number[] =>
  Object.keys({ ...generatedResponses(route), ...route.responses })
    .map(Number)
    .sort((a, b) => a - b);

/**
 * Response headers, published once under `components.headers` and referenced by each response.
 * Strings state their length and form, so that a client knows what to expect.
 */
const headerComponents = {
  ETag: {
    description:
      'The representation’s version (`"3"`): send it back in If-Match to change it. On a public read whose resource has no version, a fingerprint of these bytes: send it in If-None-Match to revalidate',
    schema: { type: 'string', maxLength: fingerprintEtagMaxLength, pattern: responseEtagPattern },
    example: '"3"',
  },
  'Cache-Control': {
    description: `\`${publicCacheControl}\` on a public read (shared caches may keep it five minutes)`,
    schema: { type: 'string', enum: [publicCacheControl] },
  },
  Location: {
    description:
      'The path of the resource created, of the full representation, or (409) of the resource in the way',
    schema: { type: 'string', format: 'uri-reference', maxLength: 2048 },
    example: '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment',
  },
  'Content-Disposition': {
    description:
      'The file name to save the representation under: `inline` for JSON, `attachment` for CSV (RFC 6266)',
    schema: {
      type: 'string',
      maxLength: 128,
      pattern: '^(?:inline|attachment); filename="[A-Za-z0-9._-]{1,100}"$',
    },
    example: 'attachment; filename="peringkat-spbe-2026.csv"',
  },
  'Content-Language': {
    description: 'The language of the page: `id` (Indonesian, the default) or `en` (`?lang=en`)',
    schema: { type: 'string', enum: ['id', 'en'] },
    example: 'id',
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored response to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  'Idempotency-Key-Expires': {
    description: 'On a replay: when the stored response (and the key) expire',
    schema: { type: 'string', format: 'date-time', maxLength: 30 },
    example: '2026-03-02T10:00:00.000Z',
  },
  // draft-ietf-httpapi-ratelimit-headers (09): the structured-field pair `RateLimit` and
  // `RateLimit-Policy`, not the older `RateLimit-Limit`/`-Remaining`/`-Reset` triple (drafts ≤ 06)
  // nor the vendor `X-RateLimit-*` headers. The OWASP rule accepts `RateLimit` alone.
  RateLimit: {
    description:
      'The caller’s remaining quota in the current window and the seconds until it resets (draft-ietf-httpapi-ratelimit-headers), sent when a per-client limit applies',
    schema: { type: 'string', maxLength: 256, pattern: '^[\\x20-\\x7E]+$' },
    example: '"default";r=57;t=42',
  },
  'RateLimit-Policy': {
    description:
      'The quota policy: requests (`q`) per window of `w` seconds (draft-ietf-httpapi-ratelimit-headers)',
    schema: { type: 'string', maxLength: 256, pattern: '^[\\x20-\\x7E]+$' },
    example: '"default";q=60;w=60',
  },
  'Retry-After': {
    description: 'Seconds to wait before sending another request',
    required: true,
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 },
    example: 30,
  },
  // The same header on a 409, where it is sent only when the conflict passes by itself (a request
  // with the same Idempotency-Key still running, a concurrent change): a component of its own, as
  // a header's `required` is part of its object.
  'Retry-After-Conflict': {
    description:
      'When sent: the conflict passes by itself (the same Idempotency-Key still running, a concurrent change), so the same request may succeed after these seconds. Absent: change the request or the resource first',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 },
    example: 1,
  },
  'Access-Control-Allow-Origin': {
    description:
      'CORS: the request’s Origin, when it is one of the deployment’s allowed browser origins (`corsAllowedOrigins`)',
    schema: { type: 'string', maxLength: 2048, pattern: '^https?://[^\\s/]+$' },
    example: 'https://portal.spbe.example',
  },
} satisfies Record<ResponseHeaderName, HeaderObject> & Record<string, HeaderObject>;

type HeaderName = keyof typeof headerComponents;

/** The header a component describes, where the component is not named after it. */
const headerNameOf = (component: HeaderName): string =>
  component === 'Retry-After-Conflict' ? 'Retry-After' : component;

const headerRef = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });

/**
 * The headers of one response: the route's own, the idempotency replay headers on an idempotent
 * route's success, Cache-Control (and an ETag, when it revalidates) on a public read's 200 and 304,
 * the current ETag on 412, CORS on all, the rate-limit pair on 2xx and 4xx (what a client paces itself by), and Retry-After
 * on 429 and 503 (and on a 409 that passes by itself).
 */
const responseHeaders = (status: number, own: readonly ResponseHeaderName[] = [], route?: RouteSpec) => {
  const names: HeaderName[] = [...own];
  if (route?.idempotent && status < 300) names.push('Idempotent-Replayed', 'Idempotency-Key-Expires');
  if (route?.publicCache && (status === 200 || status === 304)) {
    if (revalidates(route) && !names.includes('ETag')) names.push('ETag');
    names.push('Cache-Control');
  }
  // A stale If-Match is answered with the current version (`assertVersion`), so a client that
  // merges its change can retry without reading the resource again.
  if (status === 412 && !names.includes('ETag')) names.push('ETag');
  if (status < 500) names.push('RateLimit', 'RateLimit-Policy');
  if (status === 429 || status === 503) names.push('Retry-After');
  if (status === 409) names.push('Retry-After-Conflict');
  names.push('Access-Control-Allow-Origin');
  return Object.fromEntries(names.map((name) => [headerNameOf(name), headerRef(name)]));
};

/**
 * The shared problem responses, published once under `components.responses` and referenced by
 * every operation that gives them as `commonErrorResponses` words them (the document stays small
 * enough for the docs page and Spectral; the generated client gets one type per problem).
 */
const problemComponentNames = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  406: 'NotAcceptable',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'IdempotencyKeyReused',
  428: 'PreconditionRequired',
  429: 'TooManyRequests',
  500: 'InternalError',
} as const satisfies Record<keyof typeof commonErrorResponses, string>;

type CommonStatus = keyof typeof problemComponentNames;

const problemSchemaRef = { $ref: '#/components/schemas/Problem' };

/** A problem document as the API sends it for this error (shared/http/problem-details.ts). */
const problemExample = (error: AppError) => ({
  type: problemTypeUri(error.slug),
  title: error.title,
  status: error.status,
  detail: error.detail,
  instance: '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment',
  requestId: '5f0c6a8e-2b1d-4c3e-9f4a-7d6e5c4b3a21',
  ...(error.errors.length > 0 ? { errors: error.errors } : {}),
});

/** What each shared problem response looks like on the wire, from the error the API throws for it. */
const problemExamples: Readonly<Record<CommonStatus, object>> = {
  400: problemExample(
    new ValidationError(
      'Invalid body field /body/answers/3/level: The level must be a whole number from 1 to 5',
      {
        errors: [
          { pointer: '/body/answers/3/level', detail: 'The level must be a whole number from 1 to 5' },
        ],
      },
    ),
  ),
  401: problemExample(new UnauthorizedError('This route requires a bearer token.')),
  403: problemExample(new ForbiddenError('This route needs one of the scopes spbe/self-assessment.write.')),
  404: problemExample(new NotFoundError('No self-assessment of prov-jawa-timur in 2026.')),
  406: {
    ...problemExample(
      new NotAcceptableError(
        'Accept "application/xml" allows none of the media types this resource is available in: application/json, text/csv. Send Accept with one of them (or */*), or add format=json or format=csv.',
      ),
    ),
    instance: '/v1/cycles/2026/rankings/open-data',
    available: ['application/json', 'text/csv'],
  },
  409: problemExample(
    new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly.'),
  ),
  412: problemExample(
    new PreconditionFailedError(
      'The self-assessment has changed: you sent If-Match "3" but it is now at "4". Re-read it and apply your change again.',
    ),
  ),
  413: problemExample(
    new PayloadTooLargeError('The request body is 300000 bytes; the limit for this route is 262144.'),
  ),
  415: problemExample(
    new UnsupportedMediaTypeError('Content-Type must be application/json; got "text/plain".'),
  ),
  422: problemExample(
    new IdempotencyKeyReuseError(
      'This Idempotency-Key was already used with a different request; use a new key for a new request.',
    ),
  ),
  428: problemExample(
    new PreconditionRequiredError(
      'This write needs an If-Match header carrying the ETag you last read: GET the resource and send its ETag header, quotes included ("0" for a self-assessment or a stage score never saved); `*` is not accepted.',
    ),
  ),
  429: problemExample(
    new TooManyRequestsError('Too many requests from this client; retry after 30 seconds.'),
  ),
  // Unexpected errors are never described: a fixed text and the request id (problemFromError).
  500: {
    type: problemTypeUri('internal-error'),
    ...problemTypes['internal-error'],
    detail: 'An unexpected error occurred. Quote the requestId when reporting it.',
    instance: '/v1/cycles/2026/agencies/prov-jawa-timur/self-assessment',
    requestId: '5f0c6a8e-2b1d-4c3e-9f4a-7d6e5c4b3a21',
  },
};

/** Path parameter examples that their schemas do not give, from the contract's example requests. */
const withPathParameterExamples = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(withPathParameterExamples);
  if (node === null || typeof node !== 'object') return node;
  const copy: { [key: string]: Json } = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, withPathParameterExamples(value)]),
  );
  const example = (samplePathValues as Readonly<Record<string, string | undefined>>)[String(copy.name)];
  const schema = copy.schema;
  const schemaHasExample =
    schema !== null && typeof schema === 'object' && !Array.isArray(schema) && schema.example !== undefined;
  if (copy.in === 'path' && example !== undefined && copy.example === undefined && !schemaHasExample) {
    copy.example = example;
  }
  return copy;
};

const sharedProblem = (status: number, response: ResponseSpec): CommonStatus | undefined => {
  const common = (commonErrorResponses as Readonly<Record<number, ResponseSpec | undefined>>)[status];
  return common !== undefined && common === response ? (status as CommonStatus) : undefined;
};

/**
 * The response headers the document declares for a route's answer with this status, as the
 * generator publishes them (a shared problem response: the component's); none for a status the
 * route does not list. The integration harness holds what the API sends to it.
 */
export const documentedResponseHeaders = (route: RouteSpec, status: number): readonly string[] => {
  const response = (
    { ...generatedResponses(route), ...route.responses } as Partial<Record<number, ResponseSpec>>
  )[status];
  if (response === undefined) return [];
  const headers =
    sharedProblem(status, response) === undefined
      ? responseHeaders(status, response.headers, route)
      : responseHeaders(status);
  return Object.keys(headers);
};

/**
 * API Gateway admits a token carrying any one of a route's scopes; OpenAPI requires every scope of
 * one requirement object, so each scope is its own alternative. The bearer alternative is the same
 * token: scopes are OAuth2's alone in OpenAPI (Spectral warns on a bearer requirement naming them),
 * so it names none and the scopes stand in the OAuth2 alternatives and the description's Access line.
 */
const securityOf = (route: RouteSpec) => {
  if (route.access.kind === 'public') return [];
  const scopes: readonly (string | undefined)[] =
    route.access.scopes.length > 0 ? route.access.scopes : [undefined];
  return [
    ...scopes.map((required) => ({ [oauthScheme]: required === undefined ? [] : [required] })),
    { [bearerScheme]: [] },
  ];
};

const roleNames: Readonly<Record<RouteAccessRole, string>> = {
  admin: 'admins (Kemenpan RB)',
  assessor: 'assessors',
  agency: 'agency operators',
};
type RouteAccessRole = Extract<RouteSpec['access'], { kind: 'jwt' }>['roles'][number];

/**
 * An operation's description: the route's own, then what its flags mean to a caller — who may call
 * it, whether shared caches may keep it, how to retry it safely — so that every operation of the
 * docs page says so in words, from the same flags the HTTP layer acts on.
 */
const operationDescription = (route: RouteSpec): string => {
  const lines = route.description ? [route.description] : [];
  if (route.access.kind === 'public') lines.push('**Access:** public, no token.');
  else {
    const who = route.access.roles.map((role) => roleNames[role]).join(', ');
    const scopes =
      route.access.scopes.length === 0
        ? 'any valid token'
        : route.access.scopes.length === 1
          ? `a token with the scope \`${route.access.scopes[0]}\``
          : `a token with any one of the scopes ${route.access.scopes.map((name) => `\`${name}\``).join(', ')}`;
    lines.push(`**Access:** ${who}; ${scopes}.`);
  }
  if (route.publicCache) {
    lines.push(
      '**Caching:** shared caches may keep the answer five minutes; revalidate with its ETag in If-None-Match (304 when unchanged).',
    );
  }
  if (route.responses[200]?.mediaType === 'text/html') {
    lines.push(
      '**Errors:** problem+json; a browser (Accept weighing text/html above JSON) gets the same problem as an HTML page linking its type’s page.',
    );
  }
  if (route.requiresIfMatch)
    lines.push('**Concurrency:** send the ETag you read in If-Match (428 without it, 412 when stale).');
  if (route.idempotent) {
    lines.push(
      '**Retries:** send an Idempotency-Key; a retry with the same key replays the first answer for 24 h.',
    );
  }
  return lines.join('\n\n');
};

/**
 * The body as published. Rows a route validates one by one (`rowSchema`) are published as the
 * items of their field, within the limits the envelope sets.
 */
const publishedBody = (route: RouteSpec): z.ZodType | undefined => {
  const { body, rowSchema, csvRowsField } = route;
  if (!(body instanceof z.ZodObject) || !rowSchema || !csvRowsField) return body;
  const rows = body.shape[csvRowsField];
  if (!(rows instanceof z.ZodArray)) return body;
  const typedRows = rows
    .clone({ ...rows.def, element: rowSchema } as typeof rows.def)
    .meta(rows.meta() ?? {});
  return body.extend({ [csvRowsField]: typedRows }).meta({ description: body.meta()?.description });
};

/** A route's example request body, valid on both sides (the zod/OpenAPI agreement test uses it). */
const requestExample = (route: RouteSpec) => {
  const example = (sampleBodies as Readonly<Record<string, unknown>>)[route.operationId];
  return example === undefined ? {} : { example };
};

const responseContent = (status: number, response: ResponseSpec) => {
  if (!response.schema) return undefined;
  const mediaType = response.mediaType ?? (status >= 400 ? 'application/problem+json' : 'application/json');
  const alternative = response.alternative;
  return {
    [mediaType]: { schema: response.schema },
    ...(alternative ? { [alternative.mediaType]: { schema: alternative.schema } } : {}),
  };
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;

/**
 * Every integer with the bounds zod enforces and its `format`. zod checks every integer
 * (`z.int()`, `z.number().int()`) to be a safe integer, ±(2^53 − 1), and says so in its own JSON
 * Schema, but zod-to-openapi publishes neither those bounds nor a format. Bounds a schema sets are
 * kept; an enum's are its least and greatest value. `int32` when the bounds fit 32 bits, else
 * `int64`. Applied to the whole document, so that a route added later needs nothing by hand.
 */
const withIntegerBounds = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(withIntegerBounds);
  if (node === null || typeof node !== 'object') return node;
  const copy: { [key: string]: Json } = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, withIntegerBounds(value)]),
  );
  const type = copy.type;
  const integer = type === 'integer' || (Array.isArray(type) && type.includes('integer'));
  if (!integer) return copy;
  const values = Array.isArray(copy.enum) ? copy.enum.filter((value) => typeof value === 'number') : [];
  if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) {
    copy.minimum = values.length > 0 ? Math.min(...values) : Number.MIN_SAFE_INTEGER;
  }
  if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) {
    copy.maximum = values.length > 0 ? Math.max(...values) : Number.MAX_SAFE_INTEGER;
  }
  const lowest = typeof copy.minimum === 'number' ? copy.minimum : Number(copy.exclusiveMinimum) + 1;
  const highest = typeof copy.maximum === 'number' ? copy.maximum : Number(copy.exclusiveMaximum) - 1;
  copy.format ??= lowest >= int32.min && highest <= int32.max ? 'int32' : 'int64';
  return copy;
};

/** The Standard Webhooks headers every delivery carries. */
const WebhookDeliveryHeadersSchema = z.object({
  'webhook-id': EventIdSchema.meta({
    description: 'The event id: the same on every retry and redelivery; de-duplicate on it',
  }),
  'webhook-timestamp': z
    .string()
    .regex(/^\d{1,12}$/)
    .max(12)
    .meta({
      description: 'Seconds since the epoch when this attempt was signed; refuse one over 5 minutes off',
    }),
  'webhook-signature': z.string().max(400).meta({
    description:
      'Space-separated signatures of `<webhook-id>.<webhook-timestamp>.<body>`: `v1,<base64 HMAC-SHA256 with the whsec_ secret>` and/or `v1a,<base64 ed25519 signature>` (verify with the endpoint’s whpk_ key); two of a kind during a rotation’s overlap',
  }),
});

const webhookDeliveryDescription =
  'Sent as a POST to every enabled endpoint subscribed to the type (national events to every subscriber; `webhook.test` to the endpoint that asked). Answer 2xx within 15 s; 3xx, other 4xx, 5xx and timeouts are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (with jitter); 429 and 503 with Retry-After are honoured; 410 disables the endpoint. Verify the signature before trusting the body (docs/webhooks.md).';

/** Tags in the order the route table first uses them: one list for the document and the docs page. */
const tagsOf = (routes: readonly RouteSpec[]) =>
  [...new Set(routes.flatMap((route) => route.tags))].map((name) => ({ name }));

/**
 * Builds the OpenAPI 3.1 document from the route table and its zod schemas — the same schemas the
 * handlers validate with, so the contract cannot drift from the code. Deterministic: the same table
 * gives the same bytes (the typed client is generated from it and checked to be current).
 */
export const buildOpenApiDocument = (options: { version: string; serverUrl?: string }): OpenApiDocument => {
  const registry = new OpenAPIRegistry();
  const scopes = Object.fromEntries(scopeNames.map((name) => [scope(name), scopeDescriptions[name]]));
  registry.registerComponent('securitySchemes', oauthScheme, {
    type: 'oauth2',
    description:
      'OAuth2 access tokens (JWT; ID tokens are refused) with claims `custom:role` (admin | assessor | agency) and `custom:agency_id` (agency operators). Tokens are checked as RFC8725 (JSON Web Token Best Current Practices) asks: the algorithm is pinned (RS256), issuer, audience, expiry and not-before are verified, and access tokens are told from ID tokens by their claims. Access tokens are short-lived (Cognito: 1 hour); people renew theirs with the refresh token of the authorization code flow, machine clients ask for a new one with their client credentials. The URLs are placeholders relative to the deployment’s issuer: the stack’s Cognito user pool domain, or the identity provider it is configured with (`jwtIssuer`). Agency portals and ministry systems use client credentials; people sign in through the authorization code flow.',
    flows: {
      authorizationCode: {
        authorizationUrl: '/oauth2/authorize',
        tokenUrl: '/oauth2/token',
        refreshUrl: '/oauth2/token',
        scopes,
      },
      clientCredentials: { tokenUrl: '/oauth2/token', scopes },
    },
  });
  registry.registerComponent('securitySchemes', bearerScheme, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The OAuth2 access token of the other scheme, sent as `Authorization: Bearer <token>`: on the docs page, Authorize → bearer and paste one (`npm start` and `npm run token` print local ones). Checked as RFC8725 asks, as described there; a route needs the same scopes as through OAuth2 (its OAuth2 requirements and its Access line name them).',
  });
  for (const [name, header] of Object.entries(headerComponents)) {
    registry.registerComponent('headers', name, header);
  }
  const sharedProblemsInUse = new Set<CommonStatus>();
  for (const route of routeList) {
    const bodyTypes = route.bodyContentTypes ?? ['application/json'];
    const headers = requestHeaders(route);
    const body = publishedBody(route);
    const maxBodyBytes = route.maxBodyBytes ?? defaultMaxBodyBytes;
    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      description: operationDescription(route),
      tags: [...route.tags],
      security: securityOf(route),
      ...(route.access.kind === 'jwt' ? { 'x-roles': [...route.access.roles] } : {}),
      request: {
        ...(headers ? { headers } : {}),
        ...(route.params ? { params: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
        ...(body
          ? {
              body: {
                required: route.bodyOptional !== true,
                content: Object.fromEntries(
                  bodyTypes.map((type) => [
                    type,
                    type === 'text/csv'
                      ? {
                          schema: {
                            type: 'string' as const,
                            // Characters never outnumber the bytes the body limit counts.
                            maxLength: maxBodyBytes,
                            description: 'CSV with a header line',
                          },
                        }
                      : { schema: body, ...requestExample(route) },
                  ]),
                ),
              },
            }
          : {}),
      },
      responses: Object.fromEntries(
        Object.entries({ ...generatedResponses(route), ...route.responses }).map(([key, response]) => {
          const status = Number(key);
          const shared = sharedProblem(status, response);
          if (shared !== undefined) {
            sharedProblemsInUse.add(shared);
            return [key, { $ref: `#/components/responses/${problemComponentNames[shared]}` }];
          }
          const content = responseContent(status, response);
          return [
            key,
            {
              description: response.description,
              headers: responseHeaders(status, response.headers, route),
              ...(content ? { content } : {}),
            },
          ];
        }),
      ),
    });
  }
  for (const status of [...sharedProblemsInUse].sort((a, b) => a - b)) {
    registry.registerComponent('responses', problemComponentNames[status], {
      description: commonErrorResponses[status].description,
      headers: responseHeaders(status),
      content: {
        'application/problem+json': { schema: problemSchemaRef, example: problemExamples[status] },
      },
    });
  }
  // What we send: one entry per event type (OpenAPI 3.1 `webhooks`), signed per Standard Webhooks.
  for (const [type, payload] of Object.entries(webhookEventSchemas)) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `webhook_${type.replaceAll('.', '_')}`,
      summary: payload.description ?? type,
      description: webhookDeliveryDescription,
      tags: ['Webhooks'],
      request: {
        headers: WebhookDeliveryHeadersSchema,
        body: { required: true, content: { 'application/json': { schema: payload } } },
      },
      responses: {
        200: { description: 'Any 2xx acknowledges the delivery' },
        410: { description: 'Gone: the endpoint is disabled, nothing more is sent to it' },
      },
    });
  }
  // The problem schema by its id: the shared responses refer to it even when no route names it.
  const definitions = [...registry.definitions, { type: 'schema' as const, schema: ProblemSchema }];
  const document = new OpenApiGeneratorV31(definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'SPBE Award API',
      version: options.version,
      // The programme's owner: the ministry that runs the SPBE evaluation and the award.
      contact: {
        name: 'Kementerian PANRB (SPBE evaluation)',
        url: 'https://www.menpan.go.id',
      },
      description:
        'Runs Indonesia’s SPBE (e-government maturity) evaluation and the Digital Government Award: agency registry, cycles, self-assessments, assessments, results, rankings and awards. Errors are RFC 9457 problem details; each one’s `type` (such as `/problems/validation-failed`) is a page saying what it means and what to do, and `/problems` lists them all. Interactive reference: `/docs`.',
    },
    servers: [
      {
        url: options.serverUrl ?? '/',
        description: 'This deployment (production, staging, test or local): the API serves its own document',
        'x-internal': false,
      },
    ],
    tags: tagsOf(routeList),
  });
  return withPathParameterExamples(
    withIntegerBounds(document as unknown as Json),
  ) as unknown as OpenApiDocument;
};
