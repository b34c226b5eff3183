import { describe, expect, it } from 'vitest';
import { eventTypes } from '#shared/domain/events.ts';
import { webhookKeys } from '#shared/dynamodb/keys.ts';
import { webhookEndpointActions } from '#shared/dynamodb/webhook-endpoint-store.ts';
import { createMemoryWebhooks } from '#shared/memory/webhooks.ts';
import { type WebhookEndpointRecord, withoutSigningSecrets } from '#shared/services/webhooks/ports.ts';

/**
 * An endpoint's signing secrets live in their own item (`SIGNING#…`), rewritten by every endpoint
 * write: a record without them — as listings return it — must never be written back, or the secrets
 * would be erased. Both adapters refuse it before writing anything.
 */

const endpoint: WebhookEndpointRecord = {
  id: 'whe_A',
  agencyId: 'prov-jawa-timur',
  url: 'https://hooks.jatimprov.go.id/spbe',
  eventTypes: [eventTypes.awardPublished],
  enabled: true,
  signatureSchemes: ['v1', 'v1a'],
  keys: {
    current: {
      secret: 'whsec_c2VjcmV0',
      signingKey: 'whsk_a2V5',
      publicKey: 'whpk_cHVi',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin',
};

describe('webhook signing secrets in the write path', () => {
  it('puts the secrets into their own item and only the public side into the endpoint item', () => {
    // Act
    const actions = webhookEndpointActions('programme', {
      kind: 'webhook-endpoint',
      endpoint,
      before: undefined,
    });

    // Assess
    const puts = actions.flatMap((action) => ('Put' in action && action.Put ? [action.Put.Item] : []));
    const endpointItem = puts.find(
      (item) => item?.SK === webhookKeys.endpoint(endpoint.agencyId, endpoint.id).SK,
    );
    const secretsItem = puts.find(
      (item) => item?.PK === webhookKeys.signingSecrets(endpoint.agencyId, endpoint.id).PK,
    );
    expect(JSON.stringify(endpointItem)).not.toMatch(/whsec_|whsk_/);
    expect(endpointItem?.keys).toEqual({
      current: { publicKey: 'whpk_cHVi', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(secretsItem?.keys).toEqual({ current: { secret: 'whsec_c2VjcmV0', signingKey: 'whsk_a2V5' } });
  });

  it('refuses to write back a listed endpoint (without its secrets), in DynamoDB and in memory', () => {
    // Prepare: a listing's record, changed
    const listed = { ...withoutSigningSecrets(endpoint), enabled: false, version: 2 };
    const memory = createMemoryWebhooks(() => true);

    // Act + Assess
    expect(() =>
      webhookEndpointActions('programme', { kind: 'webhook-endpoint', endpoint: listed, before: endpoint }),
    ).toThrow(/without its v1 and v1a signing secret/);
    expect(() => memory.holds({ kind: 'webhook-endpoint', endpoint: listed, before: endpoint })).toThrow(
      /read by key/,
    );
  });
});
