import * as z from 'zod';
import { AwardIdSchema } from '#shared/api/awards/schemas.ts';
import { AgencyIdSchema, InstantSchema, YearSchema } from '#shared/api/common/schemas.ts';
import { revisionReasons } from '#shared/domain/awards/publication.ts';
import { type EventType, eventTypes } from '#shared/domain/events.ts';
import { EndpointIdSchema } from './schemas.ts';

/**
 * What each event type delivers: `{type, timestamp, data}`, thin (ids and links, never whole
 * documents), as `webhookPayload` renders a domain event — `data` starts with the event's subject
 * (`year`, `agencyId`) and adds the event's own fields. One strict schema per type: published as the
 * document's `webhooks` (receivers in any language can generate types from it), and every delivery
 * the tests receive is parsed with it, so a payload cannot drift from what is published.
 */

const LinkSchema = z
  .string()
  .regex(/^\/v1\/[A-Za-z0-9/_.-]+$/, 'A path of this API')
  .max(300)
  .meta({ description: 'Where to read the whole story: a path of this API (GET it with your token)' });
const VersionSchema = z.int().min(1).max(1_000_000).meta({ format: 'int32' });
const IndicatorNumbersSchema = z.array(z.int().min(1).max(99).meta({ format: 'int32' })).max(99);
const AwardIdsSchema = z
  .array(AwardIdSchema)
  .max(300)
  .meta({ description: 'The award ids; each is read at `link`' });

const payload = <Type extends EventType, Data extends z.ZodRawShape>(
  type: Type,
  description: string,
  data: Data,
) =>
  z
    .strictObject({
      type: z.literal(type),
      timestamp: InstantSchema.meta({ description: 'When it happened (the change, not the delivery)' }),
      data: z.strictObject(data),
    })
    .meta({ id: `WebhookEvent_${type.replaceAll('.', '_')}`, description });

const agencyInCycle = { year: YearSchema, agencyId: AgencyIdSchema };

export const webhookEventSchemas = {
  [eventTypes.selfAssessmentSubmitted]: payload(
    eventTypes.selfAssessmentSubmitted,
    'An agency submitted its self-assessment for the cycle.',
    {
      ...agencyInCycle,
      version: VersionSchema,
      provisionalIndex: z
        .string()
        .regex(/^\d+(\.\d+)?$/)
        .max(40)
        .meta({ description: 'The provisional SPBE index, exact decimal' }),
      link: LinkSchema,
    },
  ),
  [eventTypes.resultFinalized]: payload(
    eventTypes.resultFinalized,
    'The agency’s final result for the cycle was recorded (its index and predicate are read at `link`, from the opening of the appeals window).',
    { ...agencyInCycle, version: VersionSchema, link: LinkSchema },
  ),
  [eventTypes.appealDecided]: payload(
    eventTypes.appealDecided,
    'An appeal of the agency was decided: which indicators were upheld or rejected, and the result version that stands.',
    {
      ...agencyInCycle,
      appealId: z.string().max(40),
      upheld: IndicatorNumbersSchema,
      rejected: IndicatorNumbersSchema,
      resultVersion: VersionSchema,
      link: LinkSchema,
      appealsLink: LinkSchema,
    },
  ),
  [eventTypes.rankingPublished]: payload(
    eventTypes.rankingPublished,
    'A national ranking was published for the cycle: sent to every subscriber (no agencyId).',
    {
      year: YearSchema,
      runId: z.string().max(40),
      rankedAgencies: z.int().min(0).max(100_000).meta({ format: 'int32' }),
      link: LinkSchema,
    },
  ),
  [eventTypes.awardPublished]: payload(
    eventTypes.awardPublished,
    'The agency received awards in a publication version (once per version; a revision tells only the agencies it changes).',
    {
      ...agencyInCycle,
      publicationVersion: VersionSchema,
      awards: AwardIdsSchema,
      reason: z.enum(revisionReasons).optional().meta({ description: 'Present for a revision' }),
      link: LinkSchema,
    },
  ),
  [eventTypes.awardRevoked]: payload(
    eventTypes.awardRevoked,
    'A revision of the cycle’s awards withdrew awards from the agency.',
    {
      ...agencyInCycle,
      publicationVersion: VersionSchema,
      awards: AwardIdsSchema,
      reason: z.enum(revisionReasons),
      link: LinkSchema,
    },
  ),
  [eventTypes.webhookTest]: payload(
    eventTypes.webhookTest,
    'A test event, sent on request to the one endpoint that asked for it.',
    { agencyId: AgencyIdSchema, endpointId: EndpointIdSchema, link: LinkSchema },
  ),
  [eventTypes.webhookEndpointDisabled]: payload(
    eventTypes.webhookEndpointDisabled,
    'Another endpoint of the agency was disabled (410 Gone, or failing for 5 days); enable it again when it is fixed.',
    {
      agencyId: AgencyIdSchema,
      endpointId: EndpointIdSchema,
      reason: z.enum(['gone', 'failing']),
      failingSince: InstantSchema.optional(),
      link: LinkSchema,
    },
  ),
} as const satisfies Record<EventType, z.ZodType>;
