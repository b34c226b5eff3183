import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessPatternsDocument, renderAccessPatterns } from '#local/docs/access-patterns.ts';
import {
  agencyKeys,
  auditKeys,
  awardKeys,
  cycleKeys,
  deliveryKeys,
  eventKeys,
  itemCatalogue,
  machineClientKeys,
  rankingKeys,
  selfAssessmentKeys,
  webhookKeys,
} from '#shared/dynamodb/keys.ts';

/** A key template (`AGENCY#<agencyId>`) as a pattern: `<name>` is any non-empty value. */
const patternOf = (template: string) =>
  new RegExp(
    `^${template
      .split(/<[^>]+>/)
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+')}$`,
  );

const entry = (name: string) => {
  const item = itemCatalogue.find((candidate) => candidate.name === name);
  if (!item) throw new Error(`No catalogue entry ${name}`);
  return item;
};

describe('the key catalogue', () => {
  it('is what docs/access-patterns.md shows (npm run docs:keys regenerates it)', () => {
    const document = readFileSync(accessPatternsDocument, 'utf8');
    expect(renderAccessPatterns(document)).toBe(document);
  });

  it.each([
    [
      'Agency',
      agencyKeys.profile('prov-bali'),
      agencyKeys.byGroup('provinsi', 'prov-bali'),
      agencyKeys.roster('prov-bali'),
    ],
    ['Cycle', cycleKeys.cycle(2026), cycleKeys.list(2026), undefined],
    ['MachineClient', machineClientKeys.registration('abc'), undefined, undefined],
    [
      'SelfAssessment',
      selfAssessmentKeys.header(2026, 'prov-bali'),
      undefined,
      selfAssessmentKeys.byStatus(2026, 'draft', 'prov-bali'),
    ],
    ['SelfAssessmentAnswer', selfAssessmentKeys.answer(2026, 'prov-bali', 7), undefined, undefined],
    ['RankingRun', rankingKeys.run(2026, 'run-1'), undefined, undefined],
    ['RankingPage', rankingKeys.page(2026, 'run-1', 'national', 'index', 0), undefined, undefined],
    ['AwardDecision', awardKeys.decision(2025, 3), undefined, undefined],
    [
      'AwardPublication',
      awardKeys.publication(2025, 2),
      awardKeys.unfinished('2025-12-01T09:00:00.000Z', 2025, 2),
      undefined,
    ],
    ['AwardPointer', awardKeys.published(2025), undefined, undefined],
    [
      'Award',
      awardKeys.award(2025, 2, 'apd-2025-layanan-provinsi-1'),
      undefined,
      awardKeys.byAgency('prov-jawa-timur', 2025, 2, 'apd-2025-layanan-provinsi-1'),
    ],
    ['AwardRecipient', awardKeys.recipient(2025, 2, 'prov-jawa-timur'), undefined, undefined],
    ['Event', eventKeys.event('evt_1'), eventKeys.byDay('2026-03-10T00:00:00.000Z', 'evt_1'), undefined],
    [
      'WebhookEndpoint',
      webhookKeys.endpoint('prov-bali', 'whe_1'),
      undefined,
      webhookKeys.publicKeys('prov-bali', 'whe_1'),
    ],
    [
      'WebhookSubscription',
      webhookKeys.subscription('prov-bali', 'whe_1', 'award.published'),
      webhookKeys.subscribers('award.published', 'prov-bali', 'whe_1'),
      undefined,
    ],
    [
      'WebhookDelivery',
      deliveryKeys.delivery('whe_1', 'evt_1'),
      deliveryKeys.due('2026-03-10T00:00:05.000Z', 'whe_1', 'evt_1'),
      deliveryKeys.byStatus('whe_1', 'failed', '2026-03-10T00:00:00.000Z', 'evt_1'),
    ],
    ['WebhookEndpointHealth', deliveryKeys.health('whe_1'), undefined, undefined],
  ] as const)('builds %s keys of the catalogued shape', (name, key, gsi1, gsi2) => {
    const item = entry(name);
    expect(key.PK).toMatch(patternOf(item.pk));
    expect(key.SK).toMatch(patternOf(item.sk));
    if (gsi1) {
      const [pk, sk] = Object.values(gsi1);
      expect([pk, sk]).toEqual([
        expect.stringMatching(patternOf(item.gsi1?.[0] ?? '∅')),
        expect.stringMatching(patternOf(item.gsi1?.[1] ?? '∅')),
      ]);
    } else expect(item.gsi1).toBeUndefined();
    if (gsi2) {
      const [pk, sk] = Object.values(gsi2);
      expect([pk, sk]).toEqual([
        expect.stringMatching(patternOf(item.gsi2?.[0] ?? '∅')),
        expect.stringMatching(patternOf(item.gsi2?.[1] ?? '∅')),
      ]);
    } else expect(item.gsi2).toBeUndefined();
  });

  it('puts each audit trail beside the record whose history it is', () => {
    const audit = entry('Audit');
    expect(auditKeys.sortKey('2026-03-10T00:00:00.000Z', 'req-1', 3)).toMatch(patternOf(audit.sk));
    expect(auditKeys.partition({ kind: 'agency', agencyId: 'prov-bali' })).toBe(
      agencyKeys.profile('prov-bali').PK,
    );
    expect(auditKeys.partition({ kind: 'cycle', year: 2026 })).toBe(cycleKeys.cycle(2026).PK);
    expect(auditKeys.partition({ kind: 'cycle-agency', year: 2026, agencyId: 'prov-bali' })).toBe(
      selfAssessmentKeys.header(2026, 'prov-bali').PK,
    );
    expect(auditKeys.partition({ kind: 'machine-client', clientId: 'abc' })).toBe(
      machineClientKeys.registration('abc').PK,
    );
    expect(
      auditKeys.partition({ kind: 'webhook-endpoint', agencyId: 'prov-bali', endpointId: 'whe_1' }),
    ).toBe('WEBHOOK#whe_1');
  });

  it('names every item type once', () => {
    const names = itemCatalogue.map((item) => item.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
