import { awardRoutes } from '#shared/api/awards/routes.ts';
import { type AgencyGroup, agencyGroupNames, agencyGroups } from '#shared/domain/agency-groups.ts';
import { indonesianDecimal } from '#shared/domain/awards/citation.ts';
import type { AwardRecord, WithdrawnAward } from '#shared/domain/awards/publication.ts';
import { findFramework } from '#shared/domain/framework/registry.ts';
import {
  add,
  compare,
  div,
  parseRational,
  rational,
  toDisplayString,
} from '#shared/domain/scoring/rational.ts';
import { escapeHtml, htmlDocument } from '#shared/http/html.ts';
import type { AwardPublicationSummary } from '#shared/services/awards/ports.ts';
import type { AwardReader } from '#shared/services/awards/read.ts';
import type { StoredRankingRow } from '#shared/services/rankings/ports.ts';

/**
 * The public awards page (`GET /awards/{year}`): the year's winners for the press, server-rendered
 * HTML with an SVG chart of the national ranking — no client framework, no script, no CDN, so it
 * works under `npm start`, offline, and in any browser. Hand-written rather than a template engine:
 * the page is a few loops over data the API already serves, and the only rule that matters — escape
 * every text — is one function (`shared/http/html.ts`). Its styles are a file of their own (`/awards/awards.css`), so
 * the page's Content-Security-Policy allows its own stylesheet and nothing else.
 */

export type PageLanguage = 'id' | 'en';

export interface AwardsPageData {
  readonly year: number;
  readonly lang: PageLanguage;
  readonly publication: AwardPublicationSummary;
  readonly history: readonly AwardPublicationSummary[];
  readonly records: readonly AwardRecord[];
  /** Awards earlier versions held and a revision withdrew, each with its last record: newest withdrawal first, then by id. */
  readonly withdrawn: readonly WithdrawnAward[];
  /** The national index ranking of the run the publication rests on. */
  readonly national: readonly StoredRankingRow[];
  /**
   * The run the open-data link serves: the cycle's published ranking, newer than the publication's
   * run after a re-run (appeals) since the awards were published; undefined if none is published.
   */
  readonly openDataRunId: string | undefined;
}

const words = {
  id: {
    title: (year: number) => `Anugerah Pemerintahan Digital ${year}`,
    subtitle: 'Pemenang menurut kategori dan kelompok instansi, dari peringkat nasional Indeks SPBE.',
    other: { lang: 'en', label: 'English' },
    version: (version: number, at: string) => `Publikasi versi ${version}, diterbitkan ${at}.`,
    revision: (reason: string) => (reason === 'revocation' ? 'Revisi (pencabutan)' : 'Revisi (koreksi)'),
    winners: 'Pemenang',
    caption: (category: string, measure: string) => `${category}: pemenang per kelompok (${measure})`,
    pool: 'Kelompok',
    rank: 'Peringkat',
    rankNote:
      'Peringkat dalam tabel dan kutipan dihitung di antara instansi yang memenuhi syarat kategori: instansi yang dikecualikan tim reviu tetap tampil dengan peringkatnya di peringkat nasional dan datanya, sehingga kedua peringkat dapat berbeda.',
    agency: 'Instansi',
    value: 'Nilai',
    citation: 'Kutipan',
    none: 'Tidak ada pemenang',
    noPrevious: (previousYear: number) =>
      `Tidak ada pemenang: tidak ada instansi kelompok ini dengan hasil ${previousYear} untuk dibandingkan`,
    chart: (year: number) => `Peringkat nasional Indeks SPBE ${year}`,
    chartRegion: (year: number) => `Grafik peringkat nasional Indeks SPBE ${year}`,
    chartDescription: (agencies: number, winners: number) =>
      `Setiap titik adalah satu instansi (${agencies} instansi), dikelompokkan menurut kelompok, setinggi Indeks SPBE-nya. ${winners} instansi penerima penghargaan ditandai dengan titik besar berwarna gelap.`,
    chartData:
      'Angka per kelompok ada di tabel di bawah ini; nilai setiap instansi ada di data peringkat lengkap (CSV).',
    legendWinner: 'Penerima penghargaan',
    legendOther: 'Instansi lain',
    summary: 'Ringkasan per kelompok',
    group: 'Kelompok',
    agencies: 'Jumlah instansi',
    highest: 'Indeks tertinggi',
    median: 'Median',
    awarded: 'Penerima',
    predicates: 'Jumlah instansi per predikat',
    allAgencies: 'Semua instansi',
    openData: 'Data peringkat lengkap (CSV)',
    openDataNewer: (runId: string) =>
      `Berkas ini berisi peringkat terbit terbaru, dari perhitungan yang lebih baru daripada peringkat yang menjadi dasar penghargaan dan grafik ini (${runId}).`,
    history: 'Riwayat publikasi',
    withdrawnHeading: 'Penghargaan yang dicabut',
    withdrawnCaption: 'Penghargaan yang diterbitkan versi sebelumnya dan dicabut oleh revisi',
    award: 'Penghargaan',
    withdrawnIn: 'Dicabut',
    withdrawnVersion: (version: number, at: string) => `versi ${version}, ${at}`,
    api: 'Data penghargaan (JSON)',
    allYears: 'Semua tahun',
    indexTitle: 'Anugerah Pemerintahan Digital',
    indexSubtitle: 'Pemenang setiap tahun evaluasi SPBE, dari publikasi terbaru.',
    noneYet: 'Belum ada penghargaan yang diterbitkan.',
    yearEntry: (version: number, at: string) => `publikasi versi ${version}, diterbitkan ${at}`,
    yearData: (year: number) => `data ${year} (JSON)`,
    index: 'Indeks SPBE',
    decimal: indonesianDecimal,
    predicate: (band: { name: string }) => band.name,
  },
  en: {
    title: (year: number) => `Digital Government Award ${year}`,
    subtitle: 'Winners by category and agency group, from the national SPBE index ranking.',
    other: { lang: 'id', label: 'Bahasa Indonesia' },
    version: (version: number, at: string) => `Publication version ${version}, published ${at}.`,
    revision: (reason: string) =>
      reason === 'revocation' ? 'Revision (revocation)' : 'Revision (correction)',
    winners: 'Winners',
    caption: (category: string, measure: string) => `${category}: winners by group (${measure})`,
    pool: 'Group',
    rank: 'Rank',
    rankNote:
      'Ranks in the tables and citations count the agencies eligible for the category: an agency the review team excluded keeps its place in the national ranking and its data, so the two ranks can differ.',
    agency: 'Agency',
    value: 'Value',
    citation: 'Citation',
    none: 'No winner',
    noPrevious: (previousYear: number) =>
      `No winner: no agency of this group has a ${previousYear} result to compare with`,
    chart: (year: number) => `National SPBE index ranking ${year}`,
    chartRegion: (year: number) => `Chart of the national SPBE index ranking ${year}`,
    chartDescription: (agencies: number, winners: number) =>
      `Each dot is one agency (${agencies} agencies), grouped by agency group, as high as its SPBE index. The ${winners} award recipients are marked with larger dark dots.`,
    chartData:
      'The figures by group are in the tables below; every agency’s value is in the full ranking data (CSV).',
    legendWinner: 'Award recipient',
    legendOther: 'Other agency',
    summary: 'Summary by group',
    group: 'Group',
    agencies: 'Agencies',
    highest: 'Highest index',
    median: 'Median',
    awarded: 'Recipients',
    predicates: 'Agencies by predicate',
    allAgencies: 'All agencies',
    openData: 'Full ranking data (CSV)',
    openDataNewer: (runId: string) =>
      `The file is the newest published ranking, from a later run than the ranking these awards and the chart rest on (${runId}).`,
    history: 'Publication history',
    withdrawnHeading: 'Withdrawn awards',
    withdrawnCaption: 'Awards an earlier version published and a revision withdrew',
    award: 'Award',
    withdrawnIn: 'Withdrawn',
    withdrawnVersion: (version: number, at: string) => `version ${version}, ${at}`,
    api: 'Award data (JSON)',
    allYears: 'All years',
    indexTitle: 'Digital Government Award',
    indexSubtitle: 'The winners of every SPBE evaluation year, newest first.',
    noneYet: 'No awards have been published yet.',
    yearEntry: (version: number, at: string) => `publication version ${version}, published ${at}`,
    yearData: (year: number) => `${year} data (JSON)`,
    index: 'SPBE index',
    decimal: (display: string) => display,
    predicate: (band: { nameEn: string }) => band.nameEn,
  },
} as const;

/** The title of the page in a language: what a browser tab (and the page check) shows. */
export const awardsPageTitle = (year: number, lang: PageLanguage): string =>
  `${words[lang].title(year)} — ${lang === 'id' ? 'Pemenang' : 'Winners'}`;

/** Values in the chart's scale: the index runs from 0 to 5. */
const chart = { width: 960, height: 460, left: 56, right: 120, top: 20, bottom: 56, max: 5 } as const;
const plotWidth = chart.width - chart.left - chart.right;
const plotHeight = chart.height - chart.top - chart.bottom;
const yOf = (value: number) =>
  chart.top + plotHeight * (1 - Math.min(chart.max, Math.max(0, value)) / chart.max);
const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Palette: dark winners over lighter others; predicate bands in faint alternating greys. The others'
 * grey, at its opacity, keeps 3:1 against both band colours (WCAG 1.4.11, graphical objects); the
 * opacity lets dots of close values show through each other.
 */
const colours = {
  winner: '#b3261e',
  ring: '#ffffff',
  other: '#6a737d',
  otherOpacity: 0.85,
  grid: '#d0d7de',
  band: '#f3f5f7',
};

/**
 * The median of exact values, rounded half-up for display like every other figure (a binary
 * double would print 2.985 as 2.98); none for an empty group.
 */
const medianDisplay = (values: readonly string[]): string | undefined => {
  const sorted = values.map(parseRational).sort(compare);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle];
  if (!upper) return undefined;
  const lower = sorted.length % 2 === 1 ? upper : (sorted[middle - 1] ?? upper);
  return toDisplayString(div(add(lower, upper), rational(2)));
};

const display = (lang: PageLanguage, value: string) => words[lang].decimal(value);

/** An exact value as the nearest double, for drawing: `Number("37/11")` is NaN, a dot off the chart. */
const approximately = (exact: string): number => {
  const { num, den } = parseRational(exact);
  return Number(num) / Number(den);
};

/**
 * The national ranking as an SVG: one column per agency group, one dot per agency at its index
 * (spread across the column by a low-discrepancy sequence, so dots of equal value stay visible), the
 * winners drawn last, larger and dark. Presentation attributes only (no `style`), so the page's
 * policy needs no inline styles; each dot has a `<title>` (a tooltip). Named by its title only: the
 * `<desc>` (for the SVG on its own) is also the figure's caption, which a screen reader reads anyway.
 */
const nationalChart = (data: AwardsPageData, winners: ReadonlySet<string>): string => {
  const w = words[data.lang];
  const framework = findFramework(data.publication.frameworkId);
  const column = plotWidth / agencyGroups.length;
  const bands = (framework?.predicateBands ?? [])
    .map((band, index) => {
      const top = yOf(band.max);
      const bottom = yOf(band.min);
      return `<rect x="${chart.left}" y="${round1(top)}" width="${plotWidth}" height="${round1(bottom - top)}" fill="${index % 2 === 0 ? colours.band : '#ffffff'}"/><text x="${chart.left + plotWidth + 8}" y="${round1((top + bottom) / 2 + 4)}" font-size="12" fill="#57606a">${escapeHtml(w.predicate(band))}</text>`;
    })
    .join('');
  const grid = [0, 1, 2, 3, 4, 5]
    .map(
      (tick) =>
        `<line x1="${chart.left}" x2="${chart.left + plotWidth}" y1="${round1(yOf(tick))}" y2="${round1(yOf(tick))}" stroke="${colours.grid}" stroke-width="1"/><text x="${chart.left - 8}" y="${round1(yOf(tick) + 4)}" font-size="12" text-anchor="end" fill="#57606a">${tick}</text>`,
    )
    .join('');
  const labels = agencyGroups
    .map(
      (group, index) =>
        `<text x="${round1(chart.left + column * (index + 0.5))}" y="${chart.height - chart.bottom + 20}" font-size="13" text-anchor="middle" fill="#1f2328">${escapeHtml(data.lang === 'id' ? agencyGroupNames[group].nameId : agencyGroupNames[group].nameEn)}</text>`,
    )
    .join('');
  const axisTitle = `<text x="16" y="${round1(chart.top + plotHeight / 2)}" font-size="13" text-anchor="middle" fill="#1f2328" transform="rotate(-90 16 ${round1(chart.top + plotHeight / 2)})">${escapeHtml(w.index)}</text>`;
  const dots = (wanted: boolean) =>
    agencyGroups
      .flatMap((group, groupIndex) =>
        data.national
          .filter((row) => row.group === group)
          .map((row, position) => ({ row, position, groupIndex })),
      )
      .filter(({ row }) => winners.has(row.agencyId) === wanted)
      .map(({ row, position, groupIndex }) => {
        const spread = ((position * 0.618_033_988_75) % 1) - 0.5;
        const cx = round1(chart.left + column * (groupIndex + 0.5) + spread * column * 0.7);
        const cy = round1(yOf(approximately(row.exact)));
        const title = `${row.agencyName}: ${display(data.lang, row.display)} (${w.rank.toLowerCase()} ${row.rank})`;
        return wanted
          ? `<circle cx="${cx}" cy="${cy}" r="6" fill="${colours.winner}" stroke="${colours.ring}" stroke-width="1.5" class="winner"><title>${escapeHtml(title)}</title></circle>`
          : `<circle cx="${cx}" cy="${cy}" r="3" fill="${colours.other}" fill-opacity="${colours.otherOpacity}" class="agency"><title>${escapeHtml(title)}</title></circle>`;
      })
      .join('');
  const legendY = chart.height - 14;
  const legend = `<circle cx="${chart.left + 8}" cy="${legendY - 4}" r="6" fill="${colours.winner}"/><text x="${chart.left + 20}" y="${legendY}" font-size="12" fill="#1f2328">${escapeHtml(w.legendWinner)}</text><circle cx="${chart.left + 208}" cy="${legendY - 4}" r="3" fill="${colours.other}"/><text x="${chart.left + 218}" y="${legendY}" font-size="12" fill="#1f2328">${escapeHtml(w.legendOther)}</text>`;
  return `<svg id="national-chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${chart.width} ${chart.height}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">${escapeHtml(w.chart(data.year))}</title>
<desc>${escapeHtml(w.chartDescription(data.national.length, winners.size))}</desc>
<g aria-hidden="true">${bands}${grid}${labels}${axisTitle}${legend}</g>
<g>${dots(false)}${dots(true)}</g>
</svg>`;
};

/**
 * A table in a region of its own that scrolls sideways when the table is wider than the screen (a
 * phone 360 px wide), so the page itself never does and its text reflows (WCAG 1.4.10 allows a data
 * table two-dimensional scrolling). Focusable, so a keyboard can scroll it; named by the table's
 * caption, so a screen reader says which table the region holds.
 */
const scrollingTable = (caption: string, table: string): string =>
  `<div class="table-scroll" role="region" aria-label="${escapeHtml(caption)}" tabindex="0">
${table}
</div>`;

/** The text alternative of the chart: per group, how many agencies, the best, the median, the winners. */
const chartSummary = (data: AwardsPageData, winners: ReadonlySet<string>): string => {
  const w = words[data.lang];
  const rows = agencyGroups
    .map((group: AgencyGroup) => {
      const members = data.national.filter((row) => row.group === group);
      const best = members[0];
      const name = data.lang === 'id' ? agencyGroupNames[group].nameId : agencyGroupNames[group].nameEn;
      const mid = medianDisplay(members.map((row) => row.exact));
      return `<tr><th scope="row">${escapeHtml(name)}</th><td>${members.length}</td><td>${
        best ? `${escapeHtml(display(data.lang, best.display))} (${escapeHtml(best.agencyName)})` : '—'
      }</td><td>${mid === undefined ? '—' : escapeHtml(display(data.lang, mid))}</td><td>${members.filter((row) => winners.has(row.agencyId)).length}</td></tr>`;
    })
    .join('\n');
  return scrollingTable(
    w.summary,
    `<table class="summary">
<caption>${escapeHtml(w.summary)}</caption>
<thead><tr><th scope="col">${escapeHtml(w.group)}</th><th scope="col">${escapeHtml(w.agencies)}</th><th scope="col">${escapeHtml(w.highest)}</th><th scope="col">${escapeHtml(w.median)}</th><th scope="col">${escapeHtml(w.awarded)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
};

/**
 * How many agencies hold each predicate, per group and nationally, best predicate first: the
 * year's first figure in the press ("how many agencies are Baik or better?"), from the rows the
 * chart already draws.
 */
const predicateCounts = (data: AwardsPageData): string => {
  const w = words[data.lang];
  const bands = [...(findFramework(data.publication.frameworkId)?.predicateBands ?? [])].sort(
    (a, b) => b.min - a.min,
  );
  if (bands.length === 0) return '';
  const row = (name: string, rows: readonly StoredRankingRow[]) =>
    `<tr><th scope="row">${escapeHtml(name)}</th>${bands
      .map((band) => `<td>${rows.filter((entry) => entry.predicateId === band.id).length}</td>`)
      .join('')}</tr>`;
  const rows = [
    ...agencyGroups.map((group) =>
      row(
        data.lang === 'id' ? agencyGroupNames[group].nameId : agencyGroupNames[group].nameEn,
        data.national.filter((entry) => entry.group === group),
      ),
    ),
    row(w.allAgencies, data.national),
  ].join('\n');
  return scrollingTable(
    w.predicates,
    `<table class="summary">
<caption>${escapeHtml(w.predicates)}</caption>
<thead><tr><th scope="col">${escapeHtml(w.group)}</th>${bands
      .map((band) => `<th scope="col">${escapeHtml(w.predicate(band))}</th>`)
      .join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
};

const categoryTables = (data: AwardsPageData): string => {
  const w = words[data.lang];
  const framework = findFramework(data.publication.frameworkId);
  return data.publication.categories
    .map((category) => {
      const name = data.lang === 'id' ? category.nameId : category.nameEn;
      const domain = /^domain-(\d+)$/.exec(category.measure);
      const domainInfo = domain ? framework?.domains.find((d) => d.no === Number(domain[1])) : undefined;
      const measure = domainInfo
        ? data.lang === 'id'
          ? `indeks domain ${domainInfo.shortName}`
          : `${domainInfo.shortNameEn} domain index`
        : category.measure === 'improvement'
          ? data.lang === 'id'
            ? 'peningkatan Indeks SPBE'
            : 'SPBE index increase'
          : w.index;
      const rows = category.pools
        .map((pool) => {
          const poolName = data.lang === 'id' ? pool.nameId : pool.nameEn;
          const awards = data.records
            .filter(
              (award) =>
                award.categoryId === category.id && award.poolGroups.join('-') === pool.groups.join('-'),
            )
            .sort((a, b) => a.rank - b.rank || (a.agencyId < b.agencyId ? -1 : 1));
          if (awards.length === 0) {
            // An improvement needs last year's result: in a pool where nobody has one (the first year
            // evaluated), "no winner" alone reads as if every agency got worse.
            const nothingToCompare =
              category.measure === 'improvement' &&
              !data.national.some((row) => pool.groups.includes(row.group) && row.previousRank !== null);
            const none = nothingToCompare ? w.noPrevious(data.year - 1) : w.none;
            return `<tbody>
<tr><th scope="row">${escapeHtml(poolName)}</th><td colspan="4">${escapeHtml(none)}</td></tr>
</tbody>`;
          }
          // Each row is anchored by its award's id (`/awards/<year>#<awardId>`), and shows that id,
          // the award's stable name to cite, linked to its record (hashes, history). Each pool is a
          // row group of its own: its `scope="rowgroup"` header covers its tbody, so one tbody for
          // every pool would make a screen reader name each row by every pool above it.
          return `<tbody>
${awards
  .map(
    (award, index) =>
      `<tr id="${escapeHtml(award.awardId)}">${
        index === 0 ? `<th scope="rowgroup" rowspan="${awards.length}">${escapeHtml(poolName)}</th>` : ''
      }<td>${award.rank}</td><td>${escapeHtml(award.agencyName)}<br><a class="award-id" href="/v1/awards/${escapeHtml(award.awardId)}">${escapeHtml(award.awardId)}</a></td><td>${escapeHtml(
        display(data.lang, award.valueDisplay),
      )}</td><td class="citation">${escapeHtml(data.lang === 'id' ? award.citationId : award.citationEn)}</td></tr>`,
  )
  .join('\n')}
</tbody>`;
        })
        .join('\n');
      const caption = w.caption(name, measure);
      return `<section aria-labelledby="category-${escapeHtml(category.id)}">
<h3 id="category-${escapeHtml(category.id)}">${escapeHtml(name)}</h3>
${scrollingTable(
  caption,
  `<table class="winners">
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">${escapeHtml(w.pool)}</th><th scope="col">${escapeHtml(w.rank)}</th><th scope="col">${escapeHtml(w.agency)}</th><th scope="col">${escapeHtml(w.value)}</th><th scope="col">${escapeHtml(w.citation)}</th></tr></thead>
${rows}
</table>`,
)}
</section>`;
    })
    .join('\n');
};

/**
 * The date of an instant on the calendar in Jakarta (WIB, no daylight saving), written out in the
 * page's language ("2 Desember 2025", "2 December 2025"): the award is announced there, and an
 * evening publication in UTC is already the next day in Indonesia. A journalist quotes the page's
 * words; the JSON beside it keeps the ISO instant.
 */
const dateFormats: Readonly<Record<PageLanguage, Intl.DateTimeFormat>> = {
  id: new Intl.DateTimeFormat('id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Asia/Jakarta',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Asia/Jakarta',
  }),
};
const jakartaDate = (lang: PageLanguage, at: string): string => dateFormats[lang].format(new Date(at));

/** The query that keeps a page's language in its links (Indonesian, the default, needs none). */
const langQuery = (lang: PageLanguage): string => (lang === 'en' ? '?lang=en' : '');

/**
 * The awards a revision withdrew. A link shared before the revision (`/awards/<year>#<awardId>`)
 * still lands on its award's row, which says it was withdrawn, in which version and why, instead of
 * at the top of a page that no longer names it.
 */
const withdrawnTable = (data: AwardsPageData): string => {
  if (data.withdrawn.length === 0) return '';
  const w = words[data.lang];
  const versions = new Map(data.history.map((version) => [version.version, version]));
  // In the reader's order: newest withdrawal first, then by id.
  const rows = data.withdrawn
    .map(({ record, withdrawnInVersion }) => {
      const revision = versions.get(withdrawnInVersion);
      const when = revision
        ? w.withdrawnVersion(
            withdrawnInVersion,
            jakartaDate(data.lang, revision.publishedAt ?? revision.startedAt),
          )
        : w.withdrawnVersion(withdrawnInVersion, '');
      const why = revision?.note ? `: ${revision.note}` : '';
      const award = `${data.lang === 'id' ? record.categoryNameId : record.categoryNameEn} · ${
        data.lang === 'id' ? record.poolNameId : record.poolNameEn
      }`;
      return `<tr id="${escapeHtml(record.awardId)}"><td>${escapeHtml(award)}<br><a class="award-id" href="/v1/awards/${escapeHtml(record.awardId)}">${escapeHtml(record.awardId)}</a></td><td>${escapeHtml(record.agencyName)}</td><td>${escapeHtml(when)}${escapeHtml(why)}</td></tr>`;
    })
    .join('\n');
  return `<section aria-labelledby="withdrawn-heading">
<h2 id="withdrawn-heading">${escapeHtml(w.withdrawnHeading)}</h2>
${scrollingTable(
  w.withdrawnCaption,
  `<table class="withdrawn">
<caption>${escapeHtml(w.withdrawnCaption)}</caption>
<thead><tr><th scope="col">${escapeHtml(w.award)}</th><th scope="col">${escapeHtml(w.agency)}</th><th scope="col">${escapeHtml(w.withdrawnIn)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
)}
</section>`;
};

/** The whole page. */
export const awardsPageHtml = (data: AwardsPageData): string => {
  const w = words[data.lang];
  const { publication, year } = data;
  const winners = new Set(data.records.map((award) => award.agencyId));
  const published = jakartaDate(data.lang, publication.publishedAt ?? publication.startedAt);
  const other = w.other;
  const otherHref = `/awards/${year}${langQuery(other.lang)}`;
  const revision =
    publication.reason === 'initial'
      ? ''
      : `<p class="revision"><strong>${escapeHtml(w.revision(publication.reason))}:</strong> ${escapeHtml(publication.note ?? '')}</p>`;
  const history = data.history
    .map(
      (version) =>
        `<li>${escapeHtml(w.version(version.version, jakartaDate(data.lang, version.publishedAt ?? version.startedAt)))}${
          version.reason === 'initial'
            ? ''
            : ` ${escapeHtml(w.revision(version.reason))}: ${escapeHtml(version.note ?? '')}`
        }</li>`,
    )
    .join('\n');
  return htmlDocument({
    lang: data.lang,
    title: awardsPageTitle(year, data.lang),
    stylesheet: awardRoutes.getAwardsStylesheet.path,
    body: `<header>
<p class="language"><a href="${escapeHtml(otherHref)}" hreflang="${other.lang}" lang="${other.lang}">${escapeHtml(other.label)}</a></p>
<h1>${escapeHtml(w.title(year))}</h1>
<p>${escapeHtml(w.subtitle)}</p>
<p class="version">${escapeHtml(w.version(publication.version, published))}</p>
${revision}
</header>
<main>
<section aria-labelledby="winners-heading">
<h2 id="winners-heading">${escapeHtml(w.winners)}</h2>
<p class="rank-note">${escapeHtml(w.rankNote)}</p>
${categoryTables(data)}
</section>
${withdrawnTable(data)}
<section aria-labelledby="chart-heading">
<h2 id="chart-heading">${escapeHtml(w.chart(year))}</h2>
<figure>
<div class="chart-scroll" role="region" aria-label="${escapeHtml(w.chartRegion(year))}" tabindex="0">
${nationalChart(data, winners)}
</div>
<figcaption>${escapeHtml(w.chartDescription(data.national.length, winners.size))} ${escapeHtml(w.chartData)}</figcaption>
</figure>
${chartSummary(data, winners)}
${predicateCounts(data)}
<p><a href="/v1/cycles/${year}/rankings/open-data?format=csv">${escapeHtml(w.openData)}</a>${
      data.openDataRunId !== undefined && data.openDataRunId !== publication.rankingRunId
        ? ` ${escapeHtml(w.openDataNewer(publication.rankingRunId))}`
        : ''
    }</p>
</section>
<section aria-labelledby="history-heading">
<h2 id="history-heading">${escapeHtml(w.history)}</h2>
<ol reversed>
${history}
</ol>
</section>
</main>
<footer>
<p><a href="/v1/cycles/${year}/awards">${escapeHtml(w.api)}</a> · <a href="${escapeHtml(indexHref(data.lang))}">${escapeHtml(w.allYears)}</a></p>
</footer>`,
  });
};

const indexHref = (lang: PageLanguage): string => `${awardRoutes.getAwardsIndexPage.path}${langQuery(lang)}`;

/** A year whose awards are published, as the reader lists it. */
type PublishedAwardYear = Awaited<ReturnType<AwardReader['publishedYears']>>[number];

/** The title of the index of years in a language. */
export const awardsIndexTitle = (lang: PageLanguage): string => words[lang].indexTitle;

/** The index of years (`GET /awards`): each year's page and data, newest first. */
export const awardsIndexHtml = (data: {
  readonly years: readonly PublishedAwardYear[];
  readonly lang: PageLanguage;
}): string => {
  const w = words[data.lang];
  const other = w.other;
  const list =
    data.years.length === 0
      ? `<p>${escapeHtml(w.noneYet)}</p>`
      : `<ul class="years">
${data.years
  .map(
    ({ year, publicationVersion, publishedAt }) =>
      `<li><a href="/awards/${year}${langQuery(data.lang)}">${escapeHtml(w.title(year))}</a> — ${escapeHtml(
        w.yearEntry(publicationVersion, jakartaDate(data.lang, publishedAt)),
      )} (<a href="/v1/cycles/${year}/awards">${escapeHtml(w.yearData(year))}</a>)</li>`,
  )
  .join('\n')}
</ul>`;
  return htmlDocument({
    lang: data.lang,
    title: awardsIndexTitle(data.lang),
    stylesheet: awardRoutes.getAwardsStylesheet.path,
    body: `<header>
<p class="language"><a href="${escapeHtml(indexHref(other.lang))}" hreflang="${other.lang}" lang="${other.lang}">${escapeHtml(other.label)}</a></p>
<h1>${escapeHtml(w.indexTitle)}</h1>
<p>${escapeHtml(w.indexSubtitle)}</p>
</header>
<main>
${list}
</main>`,
  });
};

/** The page's styles, served at `/awards/awards.css`. */
export const awardsStylesheet = `:root { color-scheme: light; }
body { margin: 0 auto; max-width: 70rem; padding: 1.5rem; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; line-height: 1.5; }
header { border-bottom: 4px solid #b3261e; margin-bottom: 1.5rem; }
h1 { font-size: 2rem; margin: 0.25rem 0; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; }
h3 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; }
.language { text-align: right; margin: 0; }
.version { color: #57606a; }
.revision { background: #fff8c5; padding: 0.5rem 0.75rem; border-left: 4px solid #bf8700; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
td:nth-child(2), td:nth-child(4) { font-variant-numeric: tabular-nums; }
.citation { font-size: 0.9rem; color: #3d444d; }
.award-id { font-size: 0.8rem; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
/* The row a shared link (#award-id) lands on stands out. */
tr:target { background: #fff8c5; }
figure { margin: 1rem 0; }
figcaption { color: #57606a; font-size: 0.9rem; }
svg { max-width: 100%; height: auto; }
a { color: #0b5cad; }
.years li { margin: 0.5rem 0; font-size: 1.1rem; }
/* A wide table scrolls in its own region; the page reflows at 360 px. The region is focusable: its ring shows. */
.table-scroll { overflow-x: auto; margin: 0.5rem 0 1rem; }
.table-scroll table { margin: 0; }
/* The chart keeps 48rem at least (its 12-unit labels at 9.6 px; at 360 px they were 4.5 px) and scrolls. */
.chart-scroll { overflow-x: auto; }
.chart-scroll svg { min-width: 48rem; }
.table-scroll:focus-visible, .chart-scroll:focus-visible, a:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
@media (max-width: 40rem) {
  body { padding: 1rem; }
  h1 { font-size: 1.6rem; }
  th, td { padding: 0.35rem 0.3rem; }
  .citation { min-width: 12rem; }
}
`;
