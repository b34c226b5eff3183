import { describe, expect, it } from 'vitest';
import {
  type AwardsPageData,
  awardsIndexHtml,
  awardsPageHtml,
  awardsPageTitle,
  awardsStylesheet,
} from '#functions/awards/page.ts';
import {
  awardDraft,
  awardRecords,
  defaultAwardRules2023,
  newPublication,
} from '#shared/domain/awards/index.ts';
import type { AwardRecord } from '#shared/domain/awards/publication.ts';
import type { RankingEntry } from '#shared/domain/ranking/rank.ts';
import type { StoredRankingRow } from '#shared/services/rankings/ports.ts';
import { ambiguousLinks, htmlAccessibilityProblems } from '#test/helpers/html-accessibility.ts';

/**
 * The public awards page as HTML: the title, winners in tables with their citations in the page's
 * language, the chart as an accessible image with its text alternative, no script and no inline
 * style (the page's policy allows neither), and every text escaped.
 */

const entries: RankingEntry[] = [
  {
    agencyId: 'prov-jawa-timur',
    agencyName: 'Pemerintah Provinsi Jawa Timur',
    group: 'provinsi',
    index: '4.0375',
    domains: { 1: '3.9', 2: '4', 3: '3.8', 4: '4.8775' },
    previousIndex: '3.62',
    predicateId: 'sangat-baik',
    complete: true,
  },
  {
    agencyId: 'kota-jahil',
    agencyName: 'Kota <script>alert(1)</script> & "Co"',
    group: 'kota',
    index: '3.1',
    domains: { 1: '3.1', 2: '3.1', 3: '3.1', 4: '3.1' },
    previousIndex: '3.2',
    predicateId: 'baik',
    complete: true,
  },
];

const pageData = (lang: 'id' | 'en'): AwardsPageData => {
  const draft = awardDraft(defaultAwardRules2023, entries, [], { year: 2025 });
  const records = awardRecords({
    year: 2025,
    version: 1,
    draft,
    rankingRunId: 'run_1',
    inputsSha256: 'f'.repeat(64),
    results: new Map(entries.map((entry) => [entry.agencyId, { version: 1, sha256: 'a'.repeat(64) }])),
    earlier: [],
  });
  const { awards: _awards, ...publication } = {
    ...newPublication({
      year: 2025,
      version: 1,
      reason: 'initial',
      previous: undefined,
      rules: defaultAwardRules2023,
      draft,
      rankingRunId: 'run_1',
      inputsSha256: 'f'.repeat(64),
      decisionsThrough: 0,
      awards: records,
      requestedBy: 'admin-1',
      startedAt: '2025-12-01T00:00:00.000Z',
    }),
    status: 'published' as const,
    publishedAt: '2025-12-01T00:00:01.000Z',
  };
  const national: StoredRankingRow[] = entries.map((entry, index) => ({
    rank: index + 1,
    agencyId: entry.agencyId,
    agencyName: entry.agencyName ?? entry.agencyId,
    group: entry.group,
    exact: entry.index,
    display: Number(entry.index).toFixed(2),
    predicateId: entry.predicateId ?? '',
    previousRank: null,
    change: null,
    displayTie: false,
  }));
  return {
    year: 2025,
    lang,
    publication,
    history: [publication],
    records,
    withdrawn: [],
    national,
    openDataRunId: 'run_1',
  };
};

describe('the awards page', () => {
  it('shows the winners with their Indonesian citations and the chart as an accessible image', () => {
    // Act
    const html = awardsPageHtml(pageData('id'));

    // Assess
    expect(html).toContain('<html lang="id">');
    expect(html).toContain(`<title>${awardsPageTitle(2025, 'id')}</title>`);
    expect(html).toContain(
      'Pemerintah Provinsi Jawa Timur — Penerapan Layanan SPBE, kelompok Provinsi, 2025: indeks domain Layanan 4,88, peringkat 1',
    );
    // The description is the figure's caption: named by the chart's title alone, read once.
    expect(html).toMatch(/<svg id="national-chart" role="img" aria-labelledby="chart-title" /);
    expect(html.match(/Setiap titik adalah satu instansi/g)).toHaveLength(2);
    expect(html).not.toContain('chart-desc');
    expect(html).toContain('<title id="chart-title">Peringkat nasional Indeks SPBE 2025</title>');
    expect(html).toMatch(/<figcaption>Setiap titik adalah satu instansi \(2 instansi\)/);
    expect(html).toContain('<th scope="col">Kutipan</th>');
    expect(html).toContain('<caption>Ringkasan per kelompok</caption>');
    expect(html.match(/<circle [^>]*class="winner"/g)).toHaveLength(2);
    expect(html).toContain('href="/awards/2025?lang=en"');
  });

  it('says what an award’s rank counts (the eligible agencies), which can differ from the national ranking’s', () => {
    expect(awardsPageHtml(pageData('id'))).toContain(
      'dihitung di antara instansi yang memenuhi syarat kategori',
    );
    expect(awardsPageHtml(pageData('en'))).toContain('count the agencies eligible for the category');
  });

  it('speaks English on ?lang=en, with the decimal point', () => {
    const html = awardsPageHtml(pageData('en'));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Provinces group, 2025: Services domain index 4.88, rank 1');
    expect(html).toContain('href="/awards/2025"');
  });

  it('gives each group’s median rounded half-up from the exact values, and none for an empty group', () => {
    // Prepare: 2.985 is 2.98499… as a binary double, so toFixed(2) would print 2.98
    const data = pageData('id');
    const row = (agencyId: string, group: StoredRankingRow['group'], exact: string, display: string) => ({
      ...(data.national[0] as StoredRankingRow),
      agencyId,
      agencyName: agencyId,
      group,
      exact,
      display,
    });
    const national = [
      row('prov-a', 'provinsi', '2.985', '2.99'),
      row('kab-a', 'kabupaten', '3.005', '3.01'),
      row('kab-b', 'kabupaten', '3.015', '3.02'),
    ];

    // Act
    const html = awardsPageHtml({ ...data, national });

    // Assess
    expect(html).toContain('<tr><th scope="row">Provinsi</th><td>1</td><td>2,99 (prov-a)</td><td>2,99</td>');
    expect(html).toContain('<tr><th scope="row">Kabupaten</th><td>2</td><td>3,01 (kab-a)</td><td>3,01</td>');
    expect(html).toContain('<tr><th scope="row">Kota</th><td>0</td><td>—</td><td>—</td>');
  });

  it('counts the agencies of each predicate, per group and nationally, best predicate first', () => {
    // Prepare
    const data = pageData('id');
    const row = (agencyId: string, group: StoredRankingRow['group'], predicateId: string) => ({
      ...(data.national[0] as StoredRankingRow),
      agencyId,
      group,
      predicateId,
    });
    const national = [
      row('prov-a', 'provinsi', 'sangat-baik'),
      row('prov-b', 'provinsi', 'baik'),
      row('kab-a', 'kabupaten', 'baik'),
      row('kab-b', 'kabupaten', 'kurang'),
    ];

    // Act
    const html = awardsPageHtml({ ...data, national });
    const english = awardsPageHtml({ ...pageData('en'), national });

    // Assess: columns Memuaskan, Sangat Baik, Baik, Cukup, Kurang
    expect(html).toContain('<caption>Jumlah instansi per predikat</caption>');
    expect(html).toContain(
      '<thead><tr><th scope="col">Kelompok</th><th scope="col">Memuaskan</th><th scope="col">Sangat Baik</th><th scope="col">Baik</th><th scope="col">Cukup</th><th scope="col">Kurang</th></tr></thead>',
    );
    expect(html).toContain(
      '<tr><th scope="row">Provinsi</th><td>0</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row">Kabupaten</th><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row">Semua instansi</th><td>0</td><td>1</td><td>2</td><td>0</td><td>1</td></tr>',
    );
    expect(english).toContain('<caption>Agencies by predicate</caption>');
    expect(english).toContain('<th scope="col">Very good</th>');
    expect(english).toContain(
      '<tr><th scope="row">All agencies</th><td>0</td><td>1</td><td>2</td><td>0</td><td>1</td></tr>',
    );
  });

  it('says why an improvement pool has no winner when none of its agencies has a previous result', () => {
    // Prepare: Kota has no improvement winner (kota-jahil went down)
    const data = pageData('id');
    const withPrevious = {
      ...data,
      national: data.national.map((row) => ({ ...row, previousRank: 7, change: 0 })),
    };

    // Act
    const firstYear = awardsPageHtml(data);
    const english = awardsPageHtml({ ...pageData('en') });
    const nobodyImproved = awardsPageHtml(withPrevious);

    // Assess
    expect(firstYear).toContain(
      '<td colspan="4">Tidak ada pemenang: tidak ada instansi kelompok ini dengan hasil 2024 untuk dibandingkan</td>',
    );
    expect(english).toContain(
      '<td colspan="4">No winner: no agency of this group has a 2024 result to compare with</td>',
    );
    expect(firstYear).toContain(
      '<tr><th scope="row">Kota</th><td colspan="4">Tidak ada pemenang: tidak ada instansi kelompok ini dengan hasil 2024 untuk dibandingkan</td></tr>',
    );
    expect(nobodyImproved).toContain(
      '<tr><th scope="row">Kota</th><td colspan="4">Tidak ada pemenang</td></tr>',
    );
  });

  it('dates a publication by the calendar in Jakarta (WIB), where it is announced, not by UTC, in the page’s words', () => {
    // Prepare: 20:30 UTC on 1 December is 03:30 on 2 December in Jakarta
    const data = pageData('id');
    const late = { ...data.publication, publishedAt: '2025-12-01T20:30:00.000Z' };

    // Act
    const html = awardsPageHtml({ ...data, publication: late, history: [late] });
    const english = awardsPageHtml({ ...pageData('en'), publication: late, history: [late] });

    // Assess
    expect(html).toContain('<p class="version">Publikasi versi 1, diterbitkan 2 Desember 2025.</p>');
    expect(html).toContain('<li>Publikasi versi 1, diterbitkan 2 Desember 2025.</li>');
    expect(english).toContain('<p class="version">Publication version 1, published 2 December 2025.</p>');
    expect(`${html}${english}`).not.toMatch(/1 (Desember|December) 2025|2025-12-0[12]\b(?!T)/);
  });

  it('gives each award its stable id to cite, linked to its record, on the row the id anchors', () => {
    // Act
    const html = awardsPageHtml(pageData('id'));

    // Assess
    const id = 'apd-2025-layanan-provinsi-1';
    expect(html).toContain(`<tr id="${id}">`);
    expect(html).toContain(`<a class="award-id" href="/v1/awards/${id}">${id}</a>`);
  });

  it('keeps a withdrawn award’s anchor: its row says it was withdrawn, in which version, when and why', () => {
    // Prepare: version 2 (a revocation, 3 December) withdrew Kota Jahil’s award
    const data = pageData('id');
    const [kept, revoked] = [...data.records].sort((a, b) => (a.agencyId < b.agencyId ? 1 : -1));
    const v2 = {
      ...data.publication,
      version: 2,
      reason: 'revocation' as const,
      note: 'Dicabut setelah pemeriksaan <Inspektorat>',
      publishedAt: '2025-12-03T02:00:00.000Z',
    };
    const revised = {
      ...data,
      publication: v2,
      history: [v2, data.publication],
      records: [{ ...(kept as AwardRecord), publicationVersion: 2 }],
      withdrawn: [{ record: revoked as AwardRecord, withdrawnInVersion: 2 }],
    };

    // Act
    const html = awardsPageHtml(revised);
    const english = awardsPageHtml({ ...revised, lang: 'en' });

    // Assess: one row per award id on the page, the withdrawn one in its own table
    const id = (revoked as AwardRecord).awardId;
    expect(html.match(new RegExp(`<tr id="${id}">`, 'g'))).toHaveLength(1);
    expect(html).toMatch(
      new RegExp(
        `<h2 id="withdrawn-heading">Penghargaan yang dicabut</h2>[\\s\\S]*<tr id="${id}">.*<a class="award-id" href="/v1/awards/${id}">.*versi 2, 3 Desember 2025: Dicabut setelah pemeriksaan &lt;Inspektorat&gt;</td></tr>`,
      ),
    );
    expect(english).toContain('<h2 id="withdrawn-heading">Withdrawn awards</h2>');
    expect(english).toContain('version 2, 3 December 2025: ');
    expect(htmlAccessibilityProblems(html)).toEqual([]);
    expect(awardsPageHtml(data)).not.toContain('withdrawn-heading');
  });

  it('places an agency whose exact index is a fraction (n/d) on the chart', () => {
    // Prepare: 37/11 = 3.3636…, a value that does not end as a decimal
    const data = pageData('id');
    const national = data.national.map((row, index) =>
      index === 1 ? { ...row, exact: '37/11', display: '3.36' } : row,
    );

    // Act
    const html = awardsPageHtml({ ...data, national });

    // Assess: 20 + 384 × (1 − 3.3636 / 5) = 145.7
    expect(html).not.toContain('NaN');
    expect(html).toMatch(/<circle cx="[\d.]+" cy="145\.7" r="6"/);
  });

  it('escapes every text and carries no script and no inline style', () => {
    const html = awardsPageHtml(pageData('id'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('Kota &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(html).not.toMatch(/<script|<style|style="/);
  });
});

describe('the awards pages for screen readers, keyboards and phones', () => {
  const years = [
    { year: 2025, publicationVersion: 1, publishedAt: '2025-12-01T00:00:01.000Z' },
    { year: 2024, publicationVersion: 2, publishedAt: '2024-12-01T00:00:01.000Z' },
  ];

  it('passes the checks a page’s HTML can be given without a browser, in both languages', () => {
    for (const lang of ['id', 'en'] as const) {
      expect(htmlAccessibilityProblems(awardsPageHtml(pageData(lang))), lang).toEqual([]);
      expect(htmlAccessibilityProblems(awardsIndexHtml({ years, lang })), lang).toEqual([]);
      expect(htmlAccessibilityProblems(awardsIndexHtml({ years: [], lang })), lang).toEqual([]);
    }
  });

  it('gives each pool its own row group, so a pool’s header names its rows and no other pool’s', () => {
    // Prepare: two winners in one pool (rowspan 2), then the next pool
    const data = pageData('id');
    const first = data.records[0];
    if (!first) throw new Error('no award in the fixture');
    const second = { ...first, awardId: `${first.awardId}-b`, rank: 2 };

    // Act
    const html = awardsPageHtml({ ...data, records: [...data.records, second] });

    // Assess: a th scope="rowgroup" covers its whole tbody, so each pool is one tbody
    const table = /<table class="winners">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    const groups = table.match(/<tbody>[\s\S]*?<\/tbody>/g) ?? [];
    expect(groups.length).toBeGreaterThan(1);
    for (const group of groups) expect(group.match(/<th scope="row(group)?"/g)).toHaveLength(1);
    expect(table).toContain('<th scope="rowgroup" rowspan="2">');
  });

  it('puts each table in a labelled region a keyboard can scroll, rather than the whole page scrolling sideways', () => {
    const html = awardsPageHtml(pageData('en'));
    const tables = html.match(/<table[\s>]/g) ?? [];
    const regions = [
      ...html.matchAll(
        /<div class="table-scroll" role="region" aria-label="([^"]+)" tabindex="0">\s*<table[^>]*>\s*<caption>([^<]+)<\/caption>/g,
      ),
    ];
    expect(regions).toHaveLength(tables.length);
    for (const region of regions) expect(region[1]).toBe(region[2]);
    expect(awardsStylesheet).toMatch(/\.table-scroll \{[^}]*overflow-x: auto/);
  });

  it('keeps the chart’s labels legible on a phone: the chart scrolls in its region rather than shrinking to 360 px', () => {
    // Act
    const html = awardsPageHtml(pageData('id'));

    // Assess: at 960 units wide, 12-unit labels shrank to 4.5 px on a 360 px screen
    expect(html).toMatch(
      /<div class="chart-scroll" role="region" aria-label="Grafik peringkat nasional Indeks SPBE 2025" tabindex="0">\s*<svg id="national-chart"/,
    );
    expect(awardsStylesheet).toMatch(/\.chart-scroll \{[^}]*overflow-x: auto/);
    expect(awardsStylesheet).toMatch(/\.chart-scroll svg \{[^}]*min-width: 48rem/);
  });

  it('tells a reader who cannot see the chart where its figures are: the tables below and the CSV', () => {
    expect(awardsPageHtml(pageData('id'))).toMatch(
      /<figcaption>[^<]*Angka per kelompok ada di tabel di bawah ini; nilai setiap instansi ada di data peringkat lengkap \(CSV\)\.<\/figcaption>/,
    );
    expect(awardsPageHtml(pageData('en'))).toMatch(
      /<figcaption>[^<]*The figures by group are in the tables below; every agency’s value is in the full ranking data \(CSV\)\.<\/figcaption>/,
    );
  });

  it('says, next to the CSV link, when the published ranking is a newer run than the one the awards rest on', () => {
    // Prepare: a re-run after appeals published run_2 since the awards (on run_1) were published
    const rerun = (lang: 'id' | 'en') => awardsPageHtml({ ...pageData(lang), openDataRunId: 'run_2' });
    const link = /<p><a href="\/v1\/cycles\/2025\/rankings\/open-data\?format=csv">[^<]*<\/a>([^<]*)<\/p>/;

    // Act
    const [, same] = awardsPageHtml(pageData('en')).match(link) ?? [];
    const [, newerEn] = rerun('en').match(link) ?? [];
    const [, newerId] = rerun('id').match(link) ?? [];

    // Assess
    expect(same).toBe('');
    expect(newerEn).toBe(
      ' The file is the newest published ranking, from a later run than the ranking these awards and the chart rest on (run_1).',
    );
    expect(newerId).toBe(
      ' Berkas ini berisi peringkat terbit terbaru, dari perhitungan yang lebih baru daripada peringkat yang menjadi dasar penghargaan dan grafik ini (run_1).',
    );
  });

  it('hides no citation on a narrow screen: a phone’s reader gets the words to quote too', () => {
    expect(awardsStylesheet).not.toMatch(/\.citation \{[^}]*display: none/);
  });

  it('draws the other agencies’ dots with at least 3:1 contrast against the chart’s backgrounds (WCAG 1.4.11)', () => {
    // Prepare: an agency that won nothing; its dot's fill blended at its opacity over each band colour
    const data = pageData('id');
    const loser = { ...(data.national[1] as StoredRankingRow), agencyId: 'kab-lain', rank: 3 };
    const html = awardsPageHtml({ ...data, national: [...data.national, loser] });
    const dot = /<circle [^>]*fill="(#[0-9a-f]{6})"(?: fill-opacity="([\d.]+)")? class="agency"/.exec(html);
    const bands = [
      ...new Set([...html.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1] ?? '')),
    ];
    const rgb = (hex: string) => [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
    const luminance = (channels: number[]) =>
      channels
        .map((c) => c / 255)
        .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((sum, c, index) => sum + c * ([0.2126, 0.7152, 0.0722][index] ?? 0), 0);

    // Assess
    expect(dot).not.toBeNull();
    expect(bands.length).toBeGreaterThan(0);
    const alpha = Number(dot?.[2] ?? 1);
    for (const band of bands) {
      const background = rgb(band);
      const fill = rgb(dot?.[1] ?? '#ffffff').map((c, i) => c * alpha + (background[i] ?? 0) * (1 - alpha));
      const [light, dark] = [luminance(background), luminance(fill)].sort((a, b) => b - a);
      expect(((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05), band).toBeGreaterThanOrEqual(3);
    }
  });

  it('names each year’s data link by its year, so a list of links tells them apart', () => {
    for (const lang of ['id', 'en'] as const) {
      expect(ambiguousLinks(awardsIndexHtml({ years, lang })), lang).toEqual([]);
    }
  });
});
