import { describe, expect, it } from 'vitest';
import { nationalRoster } from '#local/seed/roster.ts';
import { seedDemoData } from '#local/seed/seed.ts';
import { createMemoryPorts } from '#shared/memory/ports.ts';
import { createAssignmentService } from '#shared/services/assessment/assignments.ts';
import { createRankingRunner } from '#shared/services/rankings/run.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { sequentialIds } from '#test/unit/services/support.ts';

/**
 * `npm start` keeps its data between runs and seeds only what is missing: what users did with the
 * demo data since must not stop the next start.
 */
describe('the demo seed, run again over data users have changed', () => {
  it('starts after a demo assessor recused from a demo panel', async () => {
    // Prepare: the demo seeded; the second demo assessor steps down from Banyuwangi
    const ports = createMemoryPorts();
    const ids = sequentialIds();
    const now = new Date();
    await seedDemoData({ ports, ids, now });
    const year = now.getUTCFullYear();
    await createAssignmentService(ports).recuse(
      { subject: 'demo-assessor-2', role: 'assessor', requestId: 'req-recuse', route: 'test', now },
      year,
      'kab-banyuwangi',
      'Pernah menjadi konsultan instansi ini.',
    );

    // Act
    const again = seedDemoData({ ports, ids, now: new Date(now.getTime() + 60_000) });

    // Assess: it starts, and the recusal stands
    await expect(again).resolves.toBe(false);
    const panel = await ports.assignments.listByCycle(year, { agencyId: 'kab-banyuwangi', limit: 10 });
    expect(panel.items.map((item) => [item.assessor, item.status])).toEqual([
      ['demo-assessor', 'active'],
      ['demo-assessor-2', 'recused'],
    ]);
  }, 120_000);

  it('starts after an agency’s group changed since its demo results were imported, keeping those results', async () => {
    // Prepare: the demo seeded; Kota Malang is registered as a kabupaten since (its demo levels are
    // drawn per group, so the seed would now draw others)
    const ports = createMemoryPorts();
    const ids = sequentialIds();
    const now = new Date();
    await seedDemoData({ ports, ids, now });
    const pastYear = now.getUTCFullYear() - 1;
    const before = await ports.results.current(pastYear, 'kota-malang');
    const malang = await ports.agencies.get('kota-malang');
    await createAgencyService(ports).putAgency(
      { subject: 'admin-1', role: 'admin', requestId: 'req-regroup', route: 'test', now },
      'kota-malang',
      { name: 'Pemerintah Kabupaten Malang (uji)', group: 'kabupaten', parentProvinceId: 'prov-jawa-timur' },
      malang?.version,
    );

    // Act
    const again = seedDemoData({ ports, ids, now: new Date(now.getTime() + 60_000) });

    // Assess: it starts, and the result imported first stands
    await expect(again).resolves.toBe(false);
    expect(await ports.results.current(pastYear, 'kota-malang')).toEqual(before);
  }, 120_000);

  it('starts after a first start was stopped while importing the registry (its first rows committed)', async () => {
    // Prepare: Ctrl-C during the first start's import: some transactions committed (Jawa Timur's),
    // not those of the kabupaten (Banyuwangi: a demo panel's agency)
    const ports = createMemoryPorts();
    const now = new Date();
    const committed = nationalRoster.filter((agency) => agency.group !== 'kabupaten');
    await createAgencyService(ports).importAgencies(
      { subject: 'seed', role: 'admin', requestId: 'req-cut-off', route: 'seed', now },
      committed,
    );
    expect(committed.map((agency) => agency.id)).toContain('prov-jawa-timur');
    expect(committed.map((agency) => agency.id)).not.toContain('kab-banyuwangi');

    // Act
    const again = seedDemoData({ ports, ids: sequentialIds(), now });

    // Assess: it starts, with the whole roster
    await expect(again).resolves.toBe(true);
    expect(await ports.agencies.listAll()).toHaveLength(nationalRoster.length);
  }, 120_000);

  it('starts after a first start was stopped during a past cycle’s ranking run (its lease still held)', async () => {
    // Prepare: the registry and the older past cycle's results seeded; then the seed's ranking run of
    // that cycle started and was cut off before publishing (Ctrl-C): it holds the lease for 20 minutes
    const ports = createMemoryPorts();
    const ids = sequentialIds();
    const now = new Date();
    const pastYear = now.getUTCFullYear() - 2;
    const cutOff = new Error('Ctrl-C');
    await expect(
      seedDemoData({
        ports,
        ids,
        now,
        progress: (message) => {
          if (message.startsWith('history: ')) throw cutOff;
        },
      }),
    ).rejects.toBe(cutOff);
    const runner = createRankingRunner({ ...ports, ids });
    const seedActor = { subject: 'seed', role: 'admin' as const, requestId: 'req-cut', route: 'seed', now };
    const { runId } = await runner.start(seedActor, pastYear, 'admin');

    // Act
    const again = seedDemoData({ ports, ids, now: new Date(now.getTime() + 30_000) });

    // Assess: it starts, having finished that very run
    await expect(again).resolves.toBe(true);
    expect((await ports.rankings.run(pastYear, runId))?.status).toBe('published');
  }, 120_000);
});
