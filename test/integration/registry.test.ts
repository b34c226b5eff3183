import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { AuditPageSchema } from '#shared/api/common/schemas.ts';
import type {
  AgencyDirectoryPageSchema,
  AgencyPageSchema,
  AgencySchema,
  ImportReportSchema,
  ImportRowErrorSchema,
  PublicAgencySchema,
} from '#shared/api/registry/schemas.ts';
import { type ApiResponse, startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  expectFieldProblem,
  expectProblem,
  expectStatus,
  hostileNames,
  type Problem,
  pointersOf,
} from './support.ts';

/**
 * The agency registry over HTTP: create and update (ETag / If-Match), the all-or-nothing roster
 * import (JSON and CSV), the paginated admin list and the public read.
 *
 * The tests of this file share one database and run in order: the failed imports come first, while
 * the registry is still empty, so "nothing was written" is easy to see.
 */

type Agency = z.output<typeof AgencySchema>;
type PublicAgency = z.output<typeof PublicAgencySchema>;
type AgencyPage = z.output<typeof AgencyPageSchema>;
type ImportReport = z.output<typeof ImportReportSchema>;
type ImportProblem = Problem & { readonly rows: readonly z.output<typeof ImportRowErrorSchema>[] };
type AuditPage = z.output<typeof AuditPageSchema>;

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/roster/${name}`, import.meta.url), 'utf8');
const rosterCsv = fixture('roster.csv');
const rosterWithErrorsCsv = fixture('roster-with-errors.csv');

/** The rows of a fixture as JSON import rows (empty cells left out, as the CSV reader does). */
const csvRows = (csv: string): Record<string, string>[] => {
  const [header = '', ...lines] = csv.trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => {
    // The fixtures quote only names with commas; a tiny splitter suffices here.
    const cells = [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)]
      .map((match) => match[2] ?? match[1] ?? '')
      .slice(0, columns.length);
    return Object.fromEntries(
      columns.map((column, index) => [column, cells[index] ?? '']).filter(([, cell]) => cell !== ''),
    );
  });
};

const csvHeaders = { 'content-type': 'text/csv' } as const;

let api: TestApi;
let admin: string;

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.token('admin');
});

afterAll(async () => {
  await api?.stop();
});

const listAll = async (query = ''): Promise<Agency[]> => {
  const items: Agency[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const separator = query ? '&' : '';
    const path = `/v1/agencies?${query}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = expectStatus(await api.request<AgencyPage>('GET', path, { token: admin }), 200);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('The agency list never ended');
};

const importCsv = (csv: string, headers: Record<string, string> = {}) =>
  api.request<ImportReport>('POST', '/v1/agencies/import', {
    token: admin,
    rawBody: csv,
    headers: { ...csvHeaders, ...headers },
  });

describe('roster import: all or nothing', () => {
  it('rejects roster-with-errors.csv naming every bad row and field, and writes none of its rows', async () => {
    // Act
    const response = (await importCsv(rosterWithErrorsCsv)) as ApiResponse<unknown>;

    // Assess: the four bad rows of the fixture README (data rows 3, 5, 7 and 9; lines 4, 6, 8 and 10)
    const problem = expectProblem(response, 400) as ImportProblem;
    const pointers = pointersOf(problem);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/body/agencies/2/group',
        '/body/agencies/4/name',
        '/body/agencies/6/id',
        '/body/agencies/8/parentProvinceId',
      ]),
    );
    expect(pointers.every((pointer) => /^\/body\/agencies\/(2|4|6|8)\//.test(pointer))).toBe(true);
    expect(problem.rows.map(({ row, line, id }) => ({ row, line, id }))).toEqual([
      { row: 3, line: 4, id: 'kota-bekasi' },
      { row: 5, line: 6, id: 'bps' },
      { row: 7, line: 8, id: 'Kota Bandung' },
      { row: 9, line: 10, id: 'kab-garut' },
    ]);
    const garut = problem.rows.find((row) => row.id === 'kab-garut');
    expect(garut?.errors.map((error) => error.pointer)).toEqual(['/body/agencies/8/parentProvinceId']);
    expect(garut?.errors[0]?.detail).toContain('prov-jawa-barat-selatan');

    expect(await listAll()).toEqual([]);
    for (const id of ['prov-jawa-barat', 'kab-bandung', 'kemenkeu', 'kpu']) {
      expectProblem(await api.request('GET', `/v1/agencies/${id}`), 404);
    }
  });

  it('reads the media type case-insensitively: TEXT/CSV rows still carry their line numbers', async () => {
    // Act
    const response = await api.request('POST', '/v1/agencies/import', {
      token: admin,
      rawBody: rosterWithErrorsCsv,
      headers: { 'content-type': 'TEXT/CSV; charset=utf-8' },
    });

    // Assess
    const problem = expectProblem(response, 400) as ImportProblem;
    expect(problem.rows.map((row) => row.line)).toEqual([4, 6, 8, 10]);
  });

  it('rejects the same bad rows sent as JSON, without CSV line numbers', async () => {
    // Act
    const response = await api.request('POST', '/v1/agencies/import', {
      token: admin,
      body: { agencies: csvRows(rosterWithErrorsCsv) },
    });

    // Assess
    const problem = expectProblem(response, 400) as ImportProblem;
    expect(problem.rows.map((row) => row.row)).toEqual([3, 5, 7, 9]);
    expect(problem.rows.every((row) => row.line === undefined)).toBe(true);
    expect(await listAll()).toEqual([]);
  });

  it.each([
    [
      'a row with more cells than the header',
      'id,name,group,parentProvinceId\nkemenkeu,Kementerian Keuangan,kementerian,,oops\n',
    ],
    ['an unclosed quote', 'id,name,group,parentProvinceId\nkemenkeu,"Kementerian Keuangan,kementerian,\n'],
  ])('rejects a malformed CSV row (%s) with 400 pointing at the body', async (_name, csv) => {
    // Act
    const problem = expectFieldProblem(await importCsv(csv), 400, '/body');

    // Assess
    expect(problem.detail).toMatch(/CSV/);
    expect(await listAll()).toEqual([]);
  });

  it('rejects a header naming a column twice with 400 naming the column and line 1', async () => {
    // Act: which "name" would win is not for the reader to guess
    const problem = expectFieldProblem(
      await importCsv('id,name,group,name\nkemenkeu,Kementerian Keuangan,kementerian,Kemenkeu RI\n'),
      400,
      '/body',
    );

    // Assess
    expect(problem.detail).toContain('"name"');
    expect(problem.detail).toContain('line 1');
    expect(await listAll()).toEqual([]);
  });

  it.each([
    [
      'an unknown column',
      'id,name,group,colour\nkemenkeu,Kementerian Keuangan,kementerian,merah\n',
      '/body/agencies/0/colour',
    ],
    [
      'a kota without its province',
      'id,name,group\nkota-depok,Pemerintah Kota Depok,kota\n',
      '/body/agencies/0/parentProvinceId',
    ],
    [
      'a province with a parent',
      'id,name,group,parentProvinceId\nprov-bali,Pemerintah Provinsi Bali,provinsi,prov-aceh\n',
      '/body/agencies/0/parentProvinceId',
    ],
    [
      'an active flag that is not a boolean',
      'id,name,group,active\nkemenkeu,Kementerian Keuangan,kementerian,ya\n',
      '/body/agencies/0/active',
    ],
    [
      'the same id twice',
      'id,name,group\nkemenkeu,Kementerian Keuangan,kementerian\nkemenkeu,Kementerian Keuangan RI,kementerian\n',
      '/body/agencies/1/id',
    ],
  ])('rejects %s with 400 naming the row field', async (_name, csv, pointer) => {
    // Act
    expectFieldProblem(await importCsv(csv), 400, pointer);

    // Assess
    expect(await listAll()).toEqual([]);
  });

  describe('names a reader cannot see, or that display otherwise than stored', () => {
    const validRow = { id: 'kemenkeu', name: 'Kementerian Keuangan', group: 'kementerian' } as const;
    const hostileRows = hostileNames.map(([, name], index) => ({ id: `lpnk-${index}`, name, group: 'lpnk' }));
    /** Each hostile row, as the problem must report it: after the valid row 1, one error on its name. */
    const expectedRows = (lines: boolean) =>
      hostileNames.map(([, name, detail], index) => ({
        row: index + 2,
        ...(lines ? { line: index + 3 } : {}),
        id: `lpnk-${index}`,
        errors: [
          {
            pointer: `/body/agencies/${index + 1}/name`,
            // The CSV reader trims cells, U+FEFF included, and leaves empty cells out: that name
            // arrives missing, refused as such.
            detail: lines && name.startsWith('\uFEFF') ? expect.any(String) : expect.stringContaining(detail),
          },
        ],
      }));

    it('are refused in a JSON import, each row naming its name field', async () => {
      // Act
      const response = await api.request('POST', '/v1/agencies/import', {
        token: admin,
        body: { agencies: [validRow, ...hostileRows] },
      });

      // Assess
      const problem = expectProblem(response, 400) as ImportProblem;
      expect(problem.rows).toEqual(expectedRows(false));
      expect(await listAll()).toEqual([]);
    });

    it('are refused in a CSV import, each row naming its line', async () => {
      // Prepare
      const csv = ['id,name,group', validRow, ...hostileRows]
        .map((row) => (typeof row === 'string' ? row : `${row.id},${row.name},${row.group}`))
        .join('\n');

      // Act
      const response = await importCsv(`${csv}\n`);

      // Assess
      const problem = expectProblem(response, 400) as ImportProblem;
      expect(problem.rows).toEqual(expectedRows(true));
      expect(await listAll()).toEqual([]);
    });
  });

  it('rejects an import without rows', async () => {
    expectFieldProblem(
      await api.request('POST', '/v1/agencies/import', { token: admin, body: { agencies: [] } }),
      400,
      '/body/agencies',
    );
    expect(await listAll()).toEqual([]);
  });
});

describe('roster import: the national roster', () => {
  it('imports roster.csv: 40 agencies created', async () => {
    // Act
    const report = expectStatus(await importCsv(rosterCsv), 200);

    // Assess
    const ids = csvRows(rosterCsv).map((row) => row.id);
    expect(ids).toHaveLength(40);
    expect(report).toMatchObject({ received: 40, created: 40, updated: 0, unchanged: 0, updatedIds: [] });
    expect([...report.createdIds].sort()).toEqual([...ids].sort());
    expect((await listAll()).map((agency) => agency.id).sort()).toEqual([...ids].sort());
  });

  it('reads names with commas and parents as written', async () => {
    // Act
    const ministry = expectStatus(
      await api.request<PublicAgency>('GET', '/v1/agencies/kemendikbudristek'),
      200,
    );
    const regency = expectStatus(await api.request<PublicAgency>('GET', '/v1/agencies/kab-malang'), 200);

    // Assess: the public read carries the public fields only
    expect(ministry).toEqual({
      id: 'kemendikbudristek',
      name: 'Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi',
      group: 'kementerian',
    });
    expect(regency).toEqual({
      id: 'kab-malang',
      name: 'Pemerintah Kabupaten Malang',
      group: 'kabupaten',
      parentProvinceId: 'prov-jawa-timur',
    });
  });

  it('re-imports the same roster as JSON: everything unchanged', async () => {
    // Act
    const response = await api.request<ImportReport>('POST', '/v1/agencies/import', {
      token: admin,
      body: { agencies: csvRows(rosterCsv) },
    });

    // Assess
    expect(expectStatus(response, 200)).toEqual({
      received: 40,
      created: 0,
      updated: 0,
      unchanged: 40,
      createdIds: [],
      updatedIds: [],
    });
  });

  it('imports a changed and a new row: one updated, one created, the rest unchanged', async () => {
    // Prepare
    const rows = csvRows(rosterCsv).map((row) =>
      row.id === 'bps' ? { ...row, name: 'Badan Pusat Statistik RI' } : row,
    );
    rows.push({
      id: 'kab-gresik',
      name: 'Pemerintah Kabupaten Gresik',
      group: 'kabupaten',
      parentProvinceId: 'prov-jawa-timur',
    });

    // Act
    const report = expectStatus(
      await api.request<ImportReport>('POST', '/v1/agencies/import', {
        token: admin,
        body: { agencies: rows },
      }),
      200,
    );

    // Assess
    expect(report).toEqual({
      received: 41,
      created: 1,
      updated: 1,
      unchanged: 39,
      createdIds: ['kab-gresik'],
      updatedIds: ['bps'],
    });
    const bps = expectStatus(await api.request<PublicAgency>('GET', '/v1/agencies/bps'), 200);
    expect(bps.name).toBe('Badan Pusat Statistik RI');
  });

  it('replays an import sent twice with one Idempotency-Key, and refuses the key for another body', async () => {
    // Prepare
    const headers = { 'idempotency-key': 'import-2026-03-01' };
    const body = {
      agencies: [
        {
          id: 'kota-kediri',
          name: 'Pemerintah Kota Kediri',
          group: 'kota',
          parentProvinceId: 'prov-jawa-timur',
        },
      ],
    };

    // Act
    const first = await api.request<ImportReport>('POST', '/v1/agencies/import', {
      token: admin,
      body,
      headers,
    });
    const second = await api.request<ImportReport>('POST', '/v1/agencies/import', {
      token: admin,
      body,
      headers,
    });
    const other = await api.request('POST', '/v1/agencies/import', {
      token: admin,
      body: {
        agencies: [
          {
            id: 'kota-blitar',
            name: 'Pemerintah Kota Blitar',
            group: 'kota',
            parentProvinceId: 'prov-jawa-timur',
          },
        ],
      },
      headers,
    });

    // Assess: the replay is the first answer, not a second "unchanged" import
    expect(expectStatus(first, 200)).toMatchObject({ created: 1, createdIds: ['kota-kediri'] });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expectProblem(other, 422);
    expectProblem(await api.request('GET', '/v1/agencies/kota-blitar'), 404);
  });

  it('scopes Idempotency-Keys to the caller', async () => {
    // Prepare: another admin reuses the key of the test above for a different import
    const otherAdmin = await api.token('admin', { subject: 'another-admin' });

    // Act
    const response = await api.request<ImportReport>('POST', '/v1/agencies/import', {
      token: otherAdmin,
      body: {
        agencies: [
          {
            id: 'kota-blitar',
            name: 'Pemerintah Kota Blitar',
            group: 'kota',
            parentProvinceId: 'prov-jawa-timur',
          },
        ],
      },
      headers: { 'idempotency-key': 'import-2026-03-01' },
    });

    // Assess
    expect(expectStatus(response, 200)).toMatchObject({ created: 1, createdIds: ['kota-blitar'] });
  });
});

describe('PUT /v1/agencies/{agencyId}', () => {
  it('creates an agency: 201, ETag, Location and the stored record', async () => {
    // Act
    const response = await api.request<Agency>('PUT', '/v1/agencies/prov-bali', {
      token: admin,
      body: { name: 'Pemerintah Provinsi Bali', group: 'provinsi' },
    });

    // Assess
    const agency = expectStatus(response, 201);
    expect(agency).toMatchObject({
      id: 'prov-bali',
      name: 'Pemerintah Provinsi Bali',
      group: 'provinsi',
      active: true,
    });
    expect(agency.parentProvinceId).toBeUndefined();
    expect(response.headers.get('etag')).toBe(`"${agency.version}"`);
    expect(response.headers.get('location')).toMatch(/\/v1\/agencies\/prov-bali$/);
  });

  it('updates only with the current ETag: 428 without If-Match, 412 when stale, 200 when current', async () => {
    // Prepare
    const path = '/v1/agencies/prov-bali';
    const created = (await listAll('group=provinsi')).find((agency) => agency.id === 'prov-bali');
    if (!created) throw new Error('prov-bali missing');
    const update = { name: 'Pemerintah Provinsi Bali (Dewata)', group: 'provinsi' } as const;

    // Act
    const missing = await api.request('PUT', path, { token: admin, body: update });
    const stale = await api.request('PUT', path, {
      token: admin,
      body: update,
      headers: { 'if-match': `"${created.version + 7}"` },
    });
    const fresh = await api.request<Agency>('PUT', path, {
      token: admin,
      body: update,
      headers: { 'if-match': `"${created.version}"` },
    });

    // Assess
    expectProblem(missing, 428);
    expectProblem(stale, 412);
    const updated = expectStatus(fresh, 200);
    expect(updated).toMatchObject({
      name: 'Pemerintah Provinsi Bali (Dewata)',
      version: created.version + 1,
    });
    expect(fresh.headers.get('etag')).toBe(`"${created.version + 1}"`);
    expect(expectStatus(await api.request<PublicAgency>('GET', path), 200).name).toBe(
      'Pemerintah Provinsi Bali (Dewata)',
    );
  });

  it('keeps an inactive agency inactive when an update leaves `active` out, as the public read it was made from does', async () => {
    // Prepare: an agency deactivated mid-cycle; the admin then reads it (the read has no `active`).
    const path = '/v1/agencies/lembaga-lama-uji';
    const body = { name: 'Lembaga Lama', group: 'lainnya' } as const;
    expectStatus(await api.request('PUT', path, { token: admin, body: { ...body, active: false } }), 201);
    const read = await api.request<PublicAgency>('GET', path);
    expect(expectStatus(read, 200)).not.toHaveProperty('active');

    // Act: the name corrected from what was read, with its ETag.
    const response = await api.request<Agency>('PUT', path, {
      token: admin,
      body: { ...expectStatus(read, 200), id: undefined, name: 'Lembaga Lama (Uji)' },
      headers: { 'if-match': read.headers.get('etag') ?? '' },
    });

    // Assess
    expect(expectStatus(response, 200)).toMatchObject({ name: 'Lembaga Lama (Uji)', active: false });
    // A new agency left without `active` is active, as before.
    const created = await api.request<Agency>('PUT', '/v1/agencies/lembaga-baru-uji', {
      token: admin,
      body: { ...body, name: 'Lembaga Baru' },
    });
    expect(expectStatus(created, 201).active).toBe(true);
  });

  it('records the update in the agency’s audit trail with before and after', async () => {
    // Act
    const trail = expectStatus(
      await api.request<AuditPage>('GET', '/v1/agencies/prov-bali/audit', { token: admin }),
      200,
    );

    // Assess: newest first
    expect(trail.items.length).toBeGreaterThanOrEqual(2);
    expect(trail.items[0]?.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', before: 'Pemerintah Provinsi Bali', after: 'Pemerintah Provinsi Bali (Dewata)' },
      ]),
    );
    expect(trail.items[0]?.actor).toMatchObject({ subject: 'test-admin', role: 'admin' });
  });

  it.each([
    ['a kabupaten without its province', { name: 'Pemerintah Kabupaten Tabanan', group: 'kabupaten' }],
    [
      'a kabupaten whose province does not exist',
      { name: 'Pemerintah Kabupaten Tabanan', group: 'kabupaten', parentProvinceId: 'prov-bali-utara' },
    ],
    [
      'a kabupaten whose "province" is a ministry',
      { name: 'Pemerintah Kabupaten Tabanan', group: 'kabupaten', parentProvinceId: 'kemenkeu' },
    ],
    [
      'a kota whose "province" is a kabupaten',
      { name: 'Pemerintah Kabupaten Tabanan', group: 'kota', parentProvinceId: 'kab-malang' },
    ],
    [
      'a province with a parent',
      { name: 'Pemerintah Kabupaten Tabanan', group: 'provinsi', parentProvinceId: 'prov-bali' },
    ],
  ])('rejects %s with 400 naming /body/parentProvinceId, creating nothing', async (_name, body) => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/kab-tabanan', { token: admin, body });

    // Assess
    expectFieldProblem(response, 400, '/body/parentProvinceId');
    expectProblem(await api.request('GET', '/v1/agencies/kab-tabanan'), 404);
  });

  it('creates a kabupaten under an existing province', async () => {
    // Act
    const response = await api.request<Agency>('PUT', '/v1/agencies/kab-tabanan', {
      token: admin,
      body: { name: 'Pemerintah Kabupaten Tabanan', group: 'kabupaten', parentProvinceId: 'prov-bali' },
    });

    // Assess
    expect(expectStatus(response, 201)).toMatchObject({ parentProvinceId: 'prov-bali', group: 'kabupaten' });
  });

  it.each([
    [
      'an invalid id in the path',
      '/v1/agencies/Prov Bali',
      { name: 'Pemerintah Provinsi Bali', group: 'provinsi' },
      '/params/agencyId',
    ],
    [
      'an unknown group',
      '/v1/agencies/prov-ntb',
      { name: 'Pemerintah Provinsi NTB', group: 'negara-bagian' },
      '/body/group',
    ],
    ['a name too short', '/v1/agencies/prov-ntb', { name: 'NT', group: 'provinsi' }, '/body/name'],
    [
      'an unknown field',
      '/v1/agencies/prov-ntb',
      { name: 'Pemerintah Provinsi NTB', group: 'provinsi', id: 'prov-ntb' },
      '/body/id',
    ],
  ])('rejects %s with 400 naming the field', async (_name, path, body, pointer) => {
    expectFieldProblem(await api.request('PUT', path, { token: admin, body }), 400, pointer);
    expectProblem(await api.request('GET', '/v1/agencies/prov-ntb'), 404);
  });

  it.each(hostileNames)('refuses a name of %s: 400 naming /body/name', async (_name, name, detail) => {
    // Act
    const response = await api.request('PUT', '/v1/agencies/prov-ntb', {
      token: admin,
      body: { name, group: 'provinsi' },
    });

    // Assess
    const problem = expectFieldProblem(response, 400, '/body/name');
    expect(problem.errors).toEqual([{ pointer: '/body/name', detail: expect.stringContaining(detail) }]);
    expectProblem(await api.request('GET', '/v1/agencies/prov-ntb'), 404);
  });

  it('stores a name in Unicode NFC, without surrounding spaces', async () => {
    // Prepare: "é" as e + combining acute accent (NFD), as some keyboards and PDFs produce it
    const decomposed = '  Lembaga Kajian Ne\u0301gara ';

    // Act
    const response = await api.request<Agency>('PUT', '/v1/agencies/lkn', {
      token: admin,
      body: { name: decomposed, group: 'lpnk' },
    });

    // Assess
    expect(expectStatus(response, 201).name).toBe('Lembaga Kajian N\u00E9gara');
  });
});

describe('GET /v1/agencies', () => {
  it('lists one group only', async () => {
    // Act
    const provinces = await listAll('group=provinsi');

    // Assess
    expect(provinces.map((agency) => agency.id).sort()).toEqual(
      [
        'prov-aceh',
        'prov-bali',
        'prov-dki-jakarta',
        'prov-jawa-barat',
        'prov-jawa-timur',
        'prov-sumatera-barat',
        'prov-sumatera-utara',
      ].sort(),
    );
    expect(provinces.every((agency) => agency.group === 'provinsi')).toBe(true);
  });

  it('pages through everything in id order with the cursor, without gaps or repeats', async () => {
    // Prepare
    const all = await listAll();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;

    // Act
    do {
      const query = `limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = expectStatus(
        await api.request<AgencyPage>('GET', `/v1/agencies?${query}`, { token: admin }),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((agency) => agency.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);

    // Assess
    expect(seen).toEqual(all.map((agency) => agency.id));
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(all.length / 7));
  });

  it('pages within a group', async () => {
    // Act
    const first = expectStatus(
      await api.request<AgencyPage>('GET', '/v1/agencies?group=kabupaten&limit=5', { token: admin }),
      200,
    );
    const second = expectStatus(
      await api.request<AgencyPage>(
        'GET',
        `/v1/agencies?group=kabupaten&limit=5&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
        {
          token: admin,
        },
      ),
      200,
    );

    // Assess
    expect(first.items).toHaveLength(5);
    expect(second.items.length).toBeGreaterThan(0);
    expect([...first.items, ...second.items].every((agency) => agency.group === 'kabupaten')).toBe(true);
    expect(second.items[0]?.id.localeCompare(first.items[4]?.id ?? '')).toBe(1);
  });

  it('answers a forged cursor with a 4xx problem, not a 500', async () => {
    // Act
    const response = await api.request('GET', '/v1/agencies?cursor=bm90LWEtY3Vyc29y', { token: admin });

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('GET /v1/agency-directory', () => {
  type DirectoryPage = z.output<typeof AgencyDirectoryPageSchema>;

  it('finds agencies by words of their name without a token, cacheable, naming their ids', async () => {
    // Act
    const response = await api.request<DirectoryPage>('GET', '/v1/agency-directory?q=MALANG');
    const province = await api.request<DirectoryPage>(
      'GET',
      `/v1/agency-directory?q=${encodeURIComponent('timur jawa')}&group=provinsi`,
    );

    // Assess
    expect(expectStatus(response, 200)).toEqual({
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
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(expectStatus(province, 200).items.map((agency) => agency.id)).toEqual(['prov-jawa-timur']);
  });

  it('pages the whole directory in id order, as the admin list has it', async () => {
    // Prepare
    const active = (await listAll()).filter((agency) => agency.active).map((agency) => agency.id);
    const seen: string[] = [];
    let cursor: string | undefined;

    // Act
    do {
      const page = expectStatus(
        await api.request<DirectoryPage>(
          'GET',
          `/v1/agency-directory?limit=9${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        ),
        200,
      );
      expect(page.total).toBe(active.length);
      seen.push(...page.items.map((agency) => agency.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length <= active.length);

    // Assess
    expect(seen).toEqual(active);
  });

  it('names the field of a query without letters, an unknown group and a foreign cursor', async () => {
    expectFieldProblem(await api.request('GET', '/v1/agency-directory?q=---'), 400, '/query/q');
    expectFieldProblem(await api.request('GET', '/v1/agency-directory?group=desa'), 400, '/query/group');
    expectFieldProblem(
      await api.request('GET', '/v1/agency-directory?q=malang&cursor=bm90LWEtY3Vyc29y'),
      400,
      '/query/cursor',
    );
  });
});

describe('GET /v1/agencies/{agencyId}', () => {
  it('is public, and answers an unknown agency with 404 problem+json', async () => {
    // Act
    const problem = expectProblem(await api.request('GET', '/v1/agencies/prov-tidak-ada'), 404);

    // Assess
    expect(problem.instance).toBe('/v1/agencies/prov-tidak-ada');
  });
});

describe('the ETag of GET /v1/agencies/{agencyId}', () => {
  it('is the record’s version: an admin updates with the ETag read there, and a cache revalidates with it', async () => {
    // Prepare
    const path = '/v1/agencies/prov-bali';
    const read = await api.request<PublicAgency>('GET', path);
    const etag = read.headers.get('etag') ?? '';
    const listed = (await listAll('group=provinsi')).find((agency) => agency.id === 'prov-bali');

    // Act
    const revalidated = await api.request('GET', path, { headers: { 'if-none-match': etag } });
    const updated = await api.request<Agency>('PUT', path, {
      token: admin,
      body: { name: `${expectStatus(read, 200).name} (Pulau Dewata)`, group: 'provinsi' },
      headers: { 'if-match': etag },
    });
    const reread = await api.request('GET', path, { headers: { 'if-none-match': etag } });

    // Assess
    expect(etag).toBe(`"${listed?.version}"`);
    expect(revalidated.status).toBe(304);
    expect(expectStatus(updated, 200).version).toBe((listed?.version ?? 0) + 1);
    expect(updated.headers.get('etag')).toBe(`"${(listed?.version ?? 0) + 1}"`);
    expect(reread.status).toBe(200);
    expect(reread.headers.get('etag')).toBe(updated.headers.get('etag'));
  });
});

describe('If-Match on PUT /v1/agencies/{agencyId}', () => {
  it('fails (412) for an agency that does not exist instead of silently creating it', async () => {
    const response = await api.request('PUT', '/v1/agencies/kab-tidak-ada', {
      token: admin,
      body: { name: 'Pemerintah Kabupaten Tidak Ada', group: 'lpnk' },
      headers: { 'if-match': '"7"' },
    });

    expect(response.status).toBe(412);
    expect((await api.request('GET', '/v1/agencies/kab-tidak-ada')).status).toBe(404);
  });
});

describe('provinces keep their kabupaten and kota', () => {
  const put = (id: string, body: Record<string, unknown>, etag?: string) =>
    api.request<Agency>('PUT', `/v1/agencies/${id}`, {
      token: admin,
      body,
      ...(etag ? { headers: { 'if-match': etag } } : {}),
    });

  it('refuses to make a province with a kota under it another group: 409 naming the children count (PUT)', async () => {
    // Prepare: a province and a kota under it
    const province = expectStatus(
      await put('prov-uji-induk', { name: 'Pemerintah Provinsi Uji Induk', group: 'provinsi' }),
      201,
    );
    expectStatus(
      await put('kota-uji-anak', {
        name: 'Pemerintah Kota Uji Anak',
        group: 'kota',
        parentProvinceId: 'prov-uji-induk',
      }),
      201,
    );

    // Act
    const response = await put(
      'prov-uji-induk',
      { name: 'Pemerintah Kota Uji Induk', group: 'kota', parentProvinceId: 'prov-bali' },
      `"${province.version}"`,
    );

    // Assess: refused, the province untouched, and the count visible to admins
    const problem = expectProblem(response, 409);
    expect(problem).toMatchObject({ childCount: 1 });
    expect(problem.detail).toContain('1 kabupaten/kota');
    const after = (await listAll('group=provinsi')).find((agency) => agency.id === 'prov-uji-induk');
    expect(after).toMatchObject({ group: 'provinsi', childCount: 1, version: province.version });
  });

  it('refuses the same change by import, naming the row', async () => {
    // Act
    const response = await api.request('POST', '/v1/agencies/import', {
      token: admin,
      body: { agencies: [{ id: 'prov-uji-induk', name: 'Pemerintah Provinsi Uji Induk', group: 'lpnk' }] },
    });

    // Assess
    const problem = expectFieldProblem(response, 409, '/body/agencies/0/group');
    expect(JSON.stringify(problem)).toContain('1 kabupaten/kota');
  });

  it('allows the change once the kota has moved to another province, and keeps the counts right', async () => {
    // Prepare: move the kota to Bali
    const current = (await listAll('group=kota')).find((agency) => agency.id === 'kota-uji-anak');
    if (!current) throw new Error('kota-uji-anak missing');
    const bali = (await listAll('group=provinsi')).find((agency) => agency.id === 'prov-bali');
    expectStatus(
      await put(
        'kota-uji-anak',
        { name: 'Pemerintah Kota Uji Anak', group: 'kota', parentProvinceId: 'prov-bali' },
        `"${current.version}"`,
      ),
      200,
    );
    const province = (await listAll('group=provinsi')).find((agency) => agency.id === 'prov-uji-induk');

    // Act
    const response = await put(
      'prov-uji-induk',
      { name: 'Badan Uji Induk', group: 'lpnk' },
      `"${province?.version}"`,
    );

    // Assess
    expect(expectStatus(response, 200)).toMatchObject({ group: 'lpnk', childCount: 0 });
    const baliAfter = (await listAll('group=provinsi')).find((agency) => agency.id === 'prov-bali');
    expect(baliAfter?.childCount).toBe((bali?.childCount ?? 0) + 1);
  });
});
