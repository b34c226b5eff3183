import * as z from 'zod';
import { AgencyIdSchema, displayText, InstantSchema, pageLimit } from '#shared/api/common/schemas.ts';
import { lazyShape } from '#shared/api/lazy-shape.ts';
import { allEventTypes } from '#shared/domain/events.ts';
import { deliveryErrorClasses } from '#shared/domain/webhooks/delivery.ts';
import { endpointsPerAgency } from '#shared/domain/webhooks/endpoints.ts';
import { signatureSchemes } from '#shared/domain/webhooks/signing.ts';

/** Bounds that keep an endpoint's transaction (endpoint, subscriptions, audit, event) small. */
export const webhookLimits = {
  urlMaxChars: 2048,
  descriptionMaxChars: 200,
  endpointsPerAgency,
  overlapHoursMax: 168,
} as const;

export const EndpointIdSchema = z
  .string()
  .regex(/^whe_[0-9A-Z]{26}$/, 'An endpoint id such as whe_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E')
  // maxLength: the bound the pattern already sets, published.
  .meta({ example: 'whe_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E', maxLength: 30 });

export const EventIdSchema = z
  .string()
  .regex(/^evt_[0-9A-Za-z]{1,64}$/, 'An event id such as evt_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E')
  // maxLength: the bound the pattern already sets, published.
  .meta({ description: 'The event id, also the `webhook-id` of every delivery of it', maxLength: 68 });

export const EventTypeSchema = z.enum(allEventTypes).meta({ example: 'award.published' });

/** A list of distinct choices: at most every choice once (published as uniqueItems and maxItems). */
const uniqueList = <T extends z.ZodEnum>(item: T, what: string) =>
  z
    .array(item)
    .min(1)
    .max(item.options.length)
    .refine((items) => new Set(items).size === items.length, `Each ${what} appears once.`)
    .meta({ uniqueItems: true });

const description = displayText({ min: 1, max: webhookLimits.descriptionMaxChars });

/** Where an endpoint receives: checked alike at registration and when changed. */
const webhookUrl = () =>
  z.string().trim().max(webhookLimits.urlMaxChars).meta({
    description:
      'https:// with a public DNS name: no credentials, no IP address, no localhost; every address the name resolves to must be public. (Local development also accepts http://127.0.0.1:<port>.) An agency registers a URL once.',
    example: 'https://hooks.jatimprov.go.id/spbe',
  });

export const WebhookEndpointCreateSchema = z
  .strictObject(
    lazyShape(() => ({
      url: webhookUrl(),
      eventTypes: uniqueList(EventTypeSchema, 'event type').meta({
        description:
          'What the endpoint receives. National events (ranking.published) go to every subscriber.',
      }),
      description: description.optional().meta({ example: 'Portal SPBE Jawa Timur' }),
      signatureSchemes: uniqueList(z.enum(signatureSchemes), 'scheme').default(['v1']).meta({
        description:
          '`v1`: HMAC-SHA256 with the `whsec_` secret shown once. `v1a`: ed25519; verify with the endpoint’s published `whpk_` key, no secret to hold. Both: both signatures.',
      }),
    })),
  )
  .meta({ id: 'WebhookEndpointCreate' });
export type WebhookEndpointCreate = z.output<typeof WebhookEndpointCreateSchema>;

export const WebhookEndpointPatchSchema = z
  .strictObject(
    lazyShape(() => ({
      url: webhookUrl().optional().meta({
        description:
          'A new URL (a portal that moved): checked as at registration; the endpoint keeps its id, keys and delivery log, and pending retries go to the new URL.',
      }),
      enabled: z.boolean().optional(),
      eventTypes: uniqueList(EventTypeSchema, 'event type').optional(),
      description: description.nullable().optional().meta({ description: 'null removes it' }),
    })),
  )
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'Send at least one of url, enabled, eventTypes, description.',
  )
  .meta({ id: 'WebhookEndpointPatch', minProperties: 1 });
export type WebhookEndpointPatch = z.output<typeof WebhookEndpointPatchSchema>;

export const RotateSecretSchema = z
  .strictObject(
    lazyShape(() => ({
      overlapHours: z.int().min(0).max(webhookLimits.overlapHoursMax).default(24).meta({
        description: 'How long the previous key keeps signing beside the new one (both signatures are sent)',
      }),
    })),
  )
  .meta({ id: 'RotateSecret' });
export type RotateSecret = z.output<typeof RotateSecretSchema>;

const PublicKeySchema = z.object(
  lazyShape(() => ({
    key: z.string().meta({ example: 'whpk_Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=' }),
    status: z.enum(['current', 'previous']),
    expiresAt: InstantSchema.optional().meta({ description: 'When a previous key stops signing' }),
  })),
);

export const WebhookEndpointSchema = z
  .object(
    lazyShape(() => ({
      id: EndpointIdSchema,
      agencyId: AgencyIdSchema,
      url: z.string(),
      description: z.string().optional(),
      eventTypes: z.array(EventTypeSchema),
      enabled: z.boolean(),
      disabledReason: z.enum(['manual', 'gone', 'failing']).optional().meta({
        description: 'manual; gone: the receiver answered 410; failing: every attempt failed for 5 days',
      }),
      disabledAt: InstantSchema.optional(),
      signatureSchemes: z.array(z.enum(signatureSchemes)),
      publicKeys: z
        .array(PublicKeySchema)
        .optional()
        .meta({ description: 'v1a endpoints: verify with these' }),
      previousSecretExpiresAt: z
        .string()
        .optional()
        .meta({ description: 'During a rotation: when the previous secret stops signing' }),
      version: z.number().int().meta({ description: 'Also the ETag: send it back in If-Match' }),
      createdAt: InstantSchema,
      updatedAt: InstantSchema,
    })),
  )
  .meta({ id: 'WebhookEndpoint', description: 'A registered receiver; its secrets are never shown here' });
export type WebhookEndpoint = z.output<typeof WebhookEndpointSchema>;

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().optional().meta({
    description:
      'v1 endpoints: the `whsec_` signing secret. Shown in this response only: store it now (it cannot be read again; rotate to get a new one).',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const WebhookEndpointListSchema = z
  .object(lazyShape(() => ({ items: z.array(WebhookEndpointSchema) })))
  .meta({ id: 'WebhookEndpointList' });

export const WebhookEndpointParamsSchema = z.strictObject(
  lazyShape(() => ({
    agencyId: AgencyIdSchema,
    endpointId: EndpointIdSchema,
  })),
);

export const WebhookDeliveryParamsSchema = z.strictObject(
  lazyShape(() => ({
    agencyId: AgencyIdSchema,
    endpointId: EndpointIdSchema,
    eventId: EventIdSchema,
  })),
);

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const WebhookAttemptSchema = z
  .object(
    lazyShape(() => ({
      attempt: z.number().int().meta({ description: '1 for the first attempt' }),
      at: z.string(),
      trigger: z.enum(['scheduled', 'redelivery']),
      outcome: z.enum(['succeeded', 'failed']),
      statusCode: z.number().int().optional(),
      latencyMs: z.number().int(),
      errorClass: z.enum(deliveryErrorClasses).optional(),
    })),
  )
  .meta({ id: 'WebhookAttempt' });

export const WebhookDeliverySchema = z
  .object(
    lazyShape(() => ({
      eventId: z.string().meta({ description: 'Also the `webhook-id` header of every attempt' }),
      eventType: EventTypeSchema,
      endpointId: z.string(),
      status: z.enum(deliveryStatuses),
      attemptCount: z.number().int(),
      nextAttemptAt: InstantSchema.optional(),
      createdAt: InstantSchema,
      updatedAt: InstantSchema,
      attempts: z.array(WebhookAttemptSchema).meta({ description: 'Oldest first (the most recent 25)' }),
    })),
  )
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.output<typeof WebhookDeliverySchema>;

export const WebhookDeliveryQuerySchema = z
  .strictObject(
    lazyShape(() => ({
      status: z.enum(deliveryStatuses).optional(),
      limit: pageLimit(100, 25),
      cursor: z.string().max(1000).optional(),
    })),
  )
  .meta({ id: 'WebhookDeliveryQuery' });

export const WebhookDeliveryPageSchema = z
  .object(lazyShape(() => ({ items: z.array(WebhookDeliverySchema), nextCursor: z.string().optional() })))
  .meta({ id: 'WebhookDeliveryPage' });

export const RedeliverFailedSchema = z
  .strictObject(
    lazyShape(() => ({
      since: InstantSchema.meta({
        description: 'Redeliver every failed delivery of an event that occurred at or after this instant',
        example: '2026-11-30T00:00:00+07:00',
      }),
    })),
  )
  .meta({ id: 'RedeliverFailed' });

export const RedeliveryReceiptSchema = z
  .object(
    lazyShape(() => ({
      requested: z.number().int().meta({ description: 'Deliveries that will be attempted again' }),
      eventIds: z.array(z.string()),
    })),
  )
  .meta({
    id: 'RedeliveryReceipt',
    description: 'Each is attempted once more, with its original `webhook-id`, within about a minute',
  });

export const WebhookTestReceiptSchema = z
  .object(lazyShape(() => ({ eventId: z.string(), type: z.literal('webhook.test') })))
  .meta({ id: 'WebhookTestReceipt', description: 'The test event, delivered to this endpoint only' });

export const WebhookPublicKeysQuerySchema = z.strictObject(
  lazyShape(() => ({
    limit: pageLimit(200, 100),
    cursor: z.string().max(1000).optional(),
  })),
);

export const WebhookPublicKeysPageSchema = z
  .object(
    lazyShape(() => ({
      items: z.array(
        z.object({ endpointId: z.string(), agencyId: AgencyIdSchema, publicKeys: z.array(PublicKeySchema) }),
      ),
      nextCursor: z.string().optional(),
    })),
  )
  .meta({
    id: 'WebhookPublicKeysPage',
    description: 'The ed25519 public keys (whpk_) v1a endpoints are signed with, by endpoint',
  });
