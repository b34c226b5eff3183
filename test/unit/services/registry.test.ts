import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { createMemoryPorts } from '#shared/memory/ports.ts';
import { encodeOpaqueCursor } from '#shared/services/paging.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';
import { createMachineClientService } from '#shared/services/registry/machine-clients.ts';
import { actor, preparedPorts } from './support.ts';

const bali = { name: 'Pemerintah Provinsi Bali', group: 'provinsi', active: true } as const;

describe('agency registry rules (in-memory ports)', () => {
  it('creates without If-Match, then requires it (428), refuses a stale one (412) and keeps the version on an unchanged body', async () => {
    // Prepare
    const ports = createMemoryPorts();
    const agencies = createAgencyService(ports);

    // Act
    const created = await agencies.putAgency(actor(), 'prov-bali', bali, undefined);
    const missing = agencies.putAgency(actor(), 'prov-bali', bali, undefined);
    const stale = agencies.putAgency(actor(), 'prov-bali', { ...bali, name: 'Provinsi Bali' }, 7);
    const unchanged = await agencies.putAgency(actor(), 'prov-bali', bali, 1);

    // Assess
    expect(created).toMatchObject({ created: true, agency: { version: 1, name: bali.name } });
    await expect(missing).rejects.toThrow(PreconditionRequiredError);
    await expect(stale).rejects.toThrow(PreconditionFailedError);
    expect(unchanged).toEqual({ created: false, agency: created.agency });
    expect(ports.commits()).toBe(1);
  });

  it('answers If-Match on an agency that does not exist with 412 instead of creating it', async () => {
    const agencies = createAgencyService(createMemoryPorts());
    await expect(agencies.putAgency(actor(), 'prov-bali', bali, 1)).rejects.toThrow(PreconditionFailedError);
    await expect(agencies.getAgency('prov-bali')).rejects.toThrow(NotFoundError);
  });

  it('records who changed what in the agency’s trail', async () => {
    // Prepare
    const ports = createMemoryPorts();
    const agencies = createAgencyService(ports);
    await agencies.putAgency(actor(), 'prov-bali', bali, undefined);

    // Act
    await agencies.putAgency(
      actor({ subject: 'admin-2' }),
      'prov-bali',
      { ...bali, name: 'Provinsi Bali' },
      1,
    );

    // Assess: newest first, the rename with before and after
    const trail = await agencies.auditTrail('prov-bali', { limit: 10 });
    expect(trail.items.map((record) => record.action)).toEqual(['agency.updated', 'agency.created']);
    expect(trail.items[0]).toMatchObject({
      actor: { subject: 'admin-2' },
      changes: [{ field: 'name', before: bali.name, after: 'Provinsi Bali' }],
    });
  });

  it('needs a registered provinsi as the parent of a kabupaten', async () => {
    const agencies = createAgencyService(await preparedPorts());
    const kabupaten = { name: 'Pemerintah Kabupaten Uji', group: 'kabupaten', active: true } as const;
    await expect(
      agencies.putAgency(actor(), 'kab-uji', { ...kabupaten, parentProvinceId: 'prov-tidak-ada' }, undefined),
    ).rejects.toThrow(ValidationError);
    await expect(
      agencies.putAgency(
        actor(),
        'kab-uji',
        { ...kabupaten, parentProvinceId: 'prov-jawa-timur' },
        undefined,
      ),
    ).resolves.toMatchObject({ created: true });
  });

  it('counts a province’s children and refuses to change its group while it has any (409)', async () => {
    // Prepare
    const ports = await preparedPorts();
    const agencies = createAgencyService(ports);
    const kota = { name: 'Pemerintah Kota Surabaya', group: 'kota', active: true } as const;
    await agencies.putAgency(
      actor(),
      'kota-surabaya',
      { ...kota, parentProvinceId: 'prov-jawa-timur' },
      undefined,
    );

    // Act
    const demotion = agencies.putAgency(
      actor(),
      'prov-jawa-timur',
      { name: 'Lembaga Jawa Timur', group: 'lainnya', active: true },
      1,
    );

    // Assess
    await expect(demotion).rejects.toThrow(ConflictError);
    await expect(demotion).rejects.toThrow('1 kabupaten/kota');
    expect(await ports.agencies.get('prov-jawa-timur')).toMatchObject({ group: 'provinsi', childCount: 1 });

    // Act: the kota moves to Jawa Barat; the counts follow
    await agencies.putAgency(actor(), 'kota-surabaya', { ...kota, parentProvinceId: 'prov-jawa-barat' }, 1);
    expect(await ports.agencies.get('prov-jawa-timur')).toMatchObject({ childCount: 0 });
    expect(await ports.agencies.get('prov-jawa-barat')).toMatchObject({ childCount: 1 });
  });

  it('imports all or nothing: one bad row and nothing is written', async () => {
    // Prepare
    const ports = createMemoryPorts();
    const agencies = createAgencyService(ports);

    // Act
    const result = agencies.importAgencies(actor(), [
      { id: 'prov-bali', name: 'Pemerintah Provinsi Bali', group: 'provinsi' },
      { id: 'kab-badung', name: 'Pemerintah Kabupaten Badung', group: 'kabupaten' },
    ]);

    // Assess: one row, said in the singular
    await expect(result).rejects.toThrow(ValidationError);
    await expect(result).rejects.toThrow(/^1 of 2 rows is invalid; nothing was imported\./);
    expect(await ports.agencies.listAll()).toEqual([]);
  });

  it('imports provinces before their kabupaten and counts them, and refuses to orphan children (409)', async () => {
    // Prepare
    const ports = createMemoryPorts();
    const agencies = createAgencyService(ports);
    const rows = [
      {
        id: 'kab-badung',
        name: 'Pemerintah Kabupaten Badung',
        group: 'kabupaten',
        parentProvinceId: 'prov-bali',
      },
      { id: 'prov-bali', name: 'Pemerintah Provinsi Bali', group: 'provinsi' },
    ];

    // Act
    const report = await agencies.importAgencies(actor(), rows);
    const orphaning = agencies.importAgencies(actor(), [{ ...rows[1], group: 'lpnk' }]);

    // Assess
    expect(report).toMatchObject({ created: 2, createdIds: ['prov-bali', 'kab-badung'] });
    expect(await ports.agencies.get('prov-bali')).toMatchObject({ childCount: 1 });
    await expect(orphaning).rejects.toThrow(ConflictError);
  });
});

describe('machine clients (in-memory ports)', () => {
  it('binds an agency client only to a registered, active agency, under If-Match once it exists', async () => {
    // Prepare
    const ports = await preparedPorts();
    const clients = createMachineClientService(ports);
    const write = { role: 'agency', agencyId: 'prov-jawa-timur', description: 'Portal Jatim' } as const;

    // Act + Assess
    await expect(clients.put(actor(), 'c1', { ...write, agencyId: 'prov-x' }, undefined)).rejects.toThrow(
      ValidationError,
    );
    await expect(clients.put(actor(), 'c1', write, undefined)).resolves.toMatchObject({ created: true });
    await expect(clients.put(actor(), 'c1', write, undefined)).rejects.toThrow(PreconditionRequiredError);
    await expect(clients.put(actor(), 'c1', { ...write, description: 'Portal' }, 1)).resolves.toMatchObject({
      client: { version: 2, description: 'Portal' },
    });
  });

  it('keeps a readable trail of each binding: newest first, the fields before and after; 404 for no client', async () => {
    // Prepare
    const ports = await preparedPorts();
    const clients = createMachineClientService(ports);
    const write = { role: 'agency', agencyId: 'prov-jawa-timur', description: 'Portal Jatim' } as const;
    await clients.put(actor(), 'c1', write, undefined);
    await clients.put(actor(), 'c1', { ...write, description: 'Portal' }, 1);

    // Act
    const trail = await clients.auditTrail('c1', { limit: 10 });

    // Assess
    expect(trail.items.map((record) => record.changes.map((change) => change.field))).toEqual([
      ['description'],
      ['role', 'agencyId', 'description'],
    ]);
    expect(trail.items[0]?.changes[0]).toMatchObject({ before: 'Portal Jatim', after: 'Portal' });
    await expect(clients.auditTrail('c-none', { limit: 10 })).rejects.toThrow(NotFoundError);
  });
});

describe('the public agency directory (in-memory ports)', () => {
  const roster = [
    { id: 'prov-jawa-timur', name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' },
    { id: 'prov-jawa-barat', name: 'Pemerintah Provinsi Jawa Barat', group: 'provinsi' },
    {
      id: 'kab-malang',
      name: 'Pemerintah Kabupaten Malang',
      group: 'kabupaten',
      parentProvinceId: 'prov-jawa-timur',
    },
    { id: 'kota-malang', name: 'Pemerintah Kota Malang', group: 'kota', parentProvinceId: 'prov-jawa-timur' },
    {
      id: 'kota-lama',
      name: 'Pemerintah Kota Lama',
      group: 'kota',
      parentProvinceId: 'prov-jawa-timur',
      active: false,
    },
  ] as const;

  const directoryOf = async () => {
    const agencies = createAgencyService(createMemoryPorts());
    for (const { id, ...agency } of roster) {
      await agencies.putAgency(actor(), id, { active: true, ...agency }, undefined);
    }
    return agencies;
  };

  it('finds active agencies by words of their name or id, in id order, with the number matching', async () => {
    const agencies = await directoryOf();

    const malang = await agencies.directory({ q: 'malang', limit: 20 });
    const jatim = await agencies.directory({ q: 'Timur JAWA', limit: 20 });
    const cities = await agencies.directory({ group: 'kota', limit: 20 });

    expect(malang).toEqual({
      items: [
        {
          id: 'kab-malang',
          name: 'Pemerintah Kabupaten Malang',
          group: 'kabupaten',
          parentProvinceId: 'prov-jawa-timur',
        },
        {
          id: 'kota-malang',
          name: 'Pemerintah Kota Malang',
          group: 'kota',
          parentProvinceId: 'prov-jawa-timur',
        },
      ],
      total: 2,
    });
    expect(jatim.items.map((agency) => agency.id)).toEqual(['prov-jawa-timur']);
    // The inactive Kota Lama is not listed
    expect(cities.items.map((agency) => agency.id)).toEqual(['kota-malang']);
  });

  it('pages with a cursor bound to its query', async () => {
    const agencies = await directoryOf();

    const first = await agencies.directory({ q: 'pemerintah', limit: 3 });
    const second = await agencies.directory({ q: 'pemerintah', limit: 3, cursor: first.nextCursor });
    const otherQuery = agencies.directory({ q: 'jawa', limit: 3, cursor: first.nextCursor });
    const garbage = agencies.directory({ limit: 3, cursor: 'not-a-cursor' });

    expect(first.items.map((agency) => agency.id)).toEqual(['kab-malang', 'kota-malang', 'prov-jawa-barat']);
    expect(first.total).toBe(4);
    expect(second.items.map((agency) => agency.id)).toEqual(['prov-jawa-timur']);
    expect(second.nextCursor).toBeUndefined();
    await expect(otherQuery).rejects.toThrow(ValidationError);
    await expect(garbage).rejects.toMatchObject({ errors: [{ pointer: '/query/cursor' }] });
  });

  it('takes a cursor back with the same search typed otherwise (case, accents, word order)', async () => {
    const agencies = await directoryOf();

    const first = await agencies.directory({ q: 'Pemerintah Malang', limit: 1 });
    const second = await agencies.directory({ q: 'malang  PEMERÍNTAH', limit: 1, cursor: first.nextCursor });

    expect(first.items.map((agency) => agency.id)).toEqual(['kab-malang']);
    expect(second.items.map((agency) => agency.id)).toEqual(['kota-malang']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('takes back a cursor issued before the search key was normalized (q as sent), with that q only', async () => {
    // Prepare: a page-through in flight across the deploy
    const agencies = await directoryOf();
    const issuedBefore = encodeOpaqueCursor({ after: 'kab-malang', q: 'Pemerintah Malang', group: null });

    // Act
    const next = await agencies.directory({ q: 'Pemerintah Malang', limit: 1, cursor: issuedBefore });
    const other = agencies.directory({ q: 'Pemerintah Jawa', limit: 1, cursor: issuedBefore });

    // Assess
    expect(next.items.map((agency) => agency.id)).toEqual(['kota-malang']);
    await expect(other).rejects.toThrow(ValidationError);
  });
});
