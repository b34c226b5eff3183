import { describe, expectTypeOf, it } from 'vitest';
import type { WebhookEvent } from '#clients/typescript/client.ts';

/**
 * The typed client's `WebhookEvent`: the union of what the document's `webhooks` publish, narrowed
 * by `type` (checked by the compiler, which `npm test` runs over the tests too).
 */
describe('WebhookEvent', () => {
  it('covers every published event type and narrows each one’s data by its type', () => {
    expectTypeOf<WebhookEvent['type']>().toEqualTypeOf<
      | 'self_assessment.submitted'
      | 'result.finalized'
      | 'appeal.decided'
      | 'ranking.published'
      | 'award.published'
      | 'award.revoked'
      | 'webhook.test'
      | 'webhook.endpoint_disabled'
    >();
    expectTypeOf<Extract<WebhookEvent, { type: 'award.published' }>['data']['awards']>().toEqualTypeOf<
      string[]
    >();
    expectTypeOf<Extract<WebhookEvent, { type: 'ranking.published' }>['data']>().not.toHaveProperty(
      'agencyId',
    );
  });
});
