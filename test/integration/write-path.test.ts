import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { assertLoopbackEndpoint } from '#local/endpoint-guard.ts';
import type { Actor } from '#shared/domain/actor.ts';
import type { AuditEntry } from '#shared/domain/audit.ts';
import type { DomainEvent } from '#shared/domain/events.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { eventKeys } from '#shared/dynamodb/keys.ts';
import { createDynamoDbPorts, type DynamoDbPorts } from '#shared/dynamodb/ports.ts';
import { systemIds } from '#shared/runtime/system.ts';
import { createCycleService } from '#shared/services/cycles/cycles.ts';
import type { ChangeSet } from '#shared/services/ports.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createSelfAssessmentService } from '#shared/services/self-assessment/self-assessment.ts';

/**
 * The one audited write path on DynamoDB Local: state, audit records and outbox events commit in
 * one transaction or not at all, and bulk work splits only between whole change sets.
 */

let local: DynamoDbLocal;
let client: DynamoDBDocumentClient;
let ports: DynamoDbPorts;
const year = new Date().getUTCFullYear();
const day = 86_400_000;
let sequence = 0;

const actor = (overrides: Partial<Actor> = {}): Actor => ({
  subject: 'write-path-admin',
  role: 'admin',
  requestId: `req-${++sequence}`,
  route: 'test',
  now: new Date(),
  ...overrides,
});

/** Every event of today in the outbox, through its designed index (events by day). */
const eventsToday = async (): Promise<DomainEvent[]> => {
  const { GSI1PK } = eventKeys.byDay(new Date().toISOString(), 'x');
  const result = await client.send(
    new QueryCommand({
      TableName: local.tables.events,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': GSI1PK },
    }),
  );
  return (result.Items ?? []) as DomainEvent[];
};

const operator = (agencyId: string) => actor({ subject: `operator-${agencyId}`, role: 'agency', agencyId });

beforeAll(async () => {
  local = await startDynamoDbLocal();
  assertLoopbackEndpoint(local.endpoint);
  client = createDocumentClient(local.client);
  ports = createDynamoDbPorts(client, local.tables);
  const agencies = createAgencyService(ports);
  await agencies.putAgency(
    actor(),
    'prov-jawa-timur',
    {
      name: 'Pemerintah Provinsi Jawa Timur',
      group: 'provinsi',
      active: true,
    },
    undefined,
  );
  const at = (days: number) => new Date(Date.now() + days * day).toISOString();
  await createCycleService(ports).createCycle(actor(), {
    year,
    frameworkId: 'spbe-2020',
    type: 'pemantauan',
    windows: {
      selfAssessment: { opensAt: at(-1), closesAt: at(30) },
      documentAssessment: { opensAt: at(31), closesAt: at(40) },
      appeals: { opensAt: at(41), closesAt: at(50) },
      publication: { at: at(51) },
    },
    predicateBasis: 'exact',
    assessorLoadCap: 25,
  });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe('submission and its event: one transaction', () => {
  it('writes exactly one self_assessment.submitted event with the submission, and none for saves', async () => {
    // Prepare: all 47 answers
    const service = createSelfAssessmentService({ ...ports, ids: systemIds });
    const before = await eventsToday();
    const writes = getFramework('spbe-2020').indicators.map((indicator) => ({
      indicatorNo: indicator.no,
      level: 3 as const,
      explanation: '',
      evidence: [],
      pointer: `/test/${indicator.no}`,
    }));
    const saved = await service.saveAnswers(operator('prov-jawa-timur'), year, 'prov-jawa-timur', 0, writes);
    expect(await eventsToday()).toHaveLength(before.length);

    // Act
    const submitted = await service.submit(
      operator('prov-jawa-timur'),
      year,
      'prov-jawa-timur',
      saved.version,
    );

    // Assess: the one new event names its subject and links the submission
    const after = await eventsToday();
    const added = after.filter((event) => !before.some((old) => old.id === event.id));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      type: 'self_assessment.submitted',
      subject: { year, agencyId: 'prov-jawa-timur' },
      data: {
        version: submitted.version,
        link: `/v1/cycles/${year}/agencies/prov-jawa-timur/self-assessment`,
      },
    });
    expect(added[0]?.id).toMatch(/^evt_[0-9A-Z]{26}$/);
    expect(submitted.status).toBe('submitted');
  });

  it('writes no event, no audit record and no state when a condition fails', async () => {
    // Prepare: a submission at a version that is not the stored one (a lost race), with its event
    const { header } = await ports.selfAssessments.load(year, 'prov-jawa-timur');
    if (!header) throw new Error('No self-assessment');
    const event: DomainEvent = {
      id: systemIds.next('evt'),
      type: 'self_assessment.submitted',
      occurredAt: new Date().toISOString(),
      subject: { year, agencyId: 'prov-jawa-timur' },
      data: {},
    };
    const audit: AuditEntry = {
      trail: { kind: 'cycle-agency', year, agencyId: 'prov-jawa-timur' },
      at: new Date().toISOString(),
      actor: { subject: 'racer', role: 'agency' },
      action: 'self-assessment.submitted',
      route: 'test',
      requestId: 'lost-race',
      target: 'self-assessment',
      changes: [],
    };
    const change: ChangeSet = {
      state: [
        {
          kind: 'self-assessment.submission',
          year,
          agencyId: 'prov-jawa-timur',
          expectedVersion: header.version - 1,
          requiredAnswers: 47,
          header: { ...header, version: header.version + 1 },
        },
      ],
      audits: [audit],
      events: [event],
    };

    // Act
    const outcome = await ports.writes.commit(change);

    // Assess
    expect(outcome).toEqual({ committed: false, failed: change.state[0] });
    const stored = await client.send(
      new GetCommand({ TableName: local.tables.events, Key: eventKeys.event(event.id) }),
    );
    expect(stored.Item).toBeUndefined();
    const trail = await ports.audits.list(audit.trail, { limit: 200 });
    expect(trail.items.some((record) => record.requestId === 'lost-race')).toBe(false);
    expect((await ports.selfAssessments.load(year, 'prov-jawa-timur')).header).toEqual(header);
  });
});

describe('bulk work: whole change sets, at most 100 actions a transaction', () => {
  it('writes 120 agencies (240 actions) in several transactions and reports them all', async () => {
    // Prepare
    const agencies = createAgencyService(ports);
    const rows = Array.from({ length: 120 }, (_, index) => ({
      id: `lembaga-uji-${String(index).padStart(3, '0')}`,
      name: `Lembaga Uji ${index}`,
      group: 'lainnya',
    }));

    // Act
    const report = await agencies.importAgencies(actor(), rows);

    // Assess
    expect(report).toMatchObject({ received: 120, created: 120 });
    expect(
      (await ports.agencies.listAll()).filter((agency) => agency.id.startsWith('lembaga-uji-')),
    ).toHaveLength(120);
  });

  it('never puts two actions on one item in a transaction: 30 kota under one province in one import', async () => {
    // Prepare: every kota adds to the same province's count
    const agencies = createAgencyService(ports);
    const rows = [
      { id: 'prov-uji-banyak', name: 'Pemerintah Provinsi Uji Banyak', group: 'provinsi' },
      ...Array.from({ length: 30 }, (_, index) => ({
        id: `kota-uji-${String(index).padStart(2, '0')}`,
        name: `Pemerintah Kota Uji ${index}`,
        group: 'kota',
        parentProvinceId: 'prov-uji-banyak',
      })),
    ];

    // Act
    const report = await agencies.importAgencies(actor(), rows);

    // Assess
    expect(report.created).toBe(31);
    expect(await ports.agencies.get('prov-uji-banyak')).toMatchObject({ childCount: 30 });
  });
});
