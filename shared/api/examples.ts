import type * as z from 'zod';
import type { OperationId, routes } from './routes.ts';

/**
 * One valid request per route: the examples the OpenAPI document publishes (request bodies, path
 * parameters), and the samples the tests that call or check every route start from (authorization
 * matrix, zod/OpenAPI agreement — which proves each example valid on both sides). Bodies are typed
 * by their route's schema, and every route with a body must have one: a new route fails to
 * compile until its example is here.
 */
/** A valid value of every path parameter name in the route table. */
export const samplePathValues = {
  year: '2026',
  agencyId: 'prov-jawa-timur',
  no: '12',
  frameworkId: 'spbe-2020',
  clientId: 'sample-client',
  subject: 'test-assessor',
  stage: 'dokumen',
  appealId: 'apl_01JF00000000000000000000AA',
  runId: 'slot-20261201T000000Z',
  endpointId: 'whe_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E',
  eventId: 'evt_01JF8Q9Z3W4X5Y6Z7A8B9C0D1E',
  awardId: 'apd-2025-layanan-provinsi-1',
  number: '1',
  slug: 'validation-failed',
} as const satisfies Readonly<Record<string, string>>;

/** A valid query of the routes that take one; the others page with `limit` and `cursor`. */
export const sampleQueries: Readonly<Partial<Record<OperationId, Readonly<Record<string, string>>>>> = {
  listAgencies: { group: 'kota', limit: '50', cursor: 'eyJQSyI6IngifQ' },
  getRankings: { scope: 'kota', measure: 'domain-2', limit: '100', cursor: 'eyJQSyI6IngifQ' },
  getRankingOpenData: { format: 'csv' },
  getAwardsPage: { lang: 'en' },
  getAwardsIndexPage: { lang: 'en' },
  listAgencyDirectory: { q: 'jawa timur', group: 'provinsi', limit: '20' },
};
export const samplePageQuery = { limit: '100', cursor: 'eyJQSyI6IngifQ' } as const;

type WithBody = {
  [K in OperationId]: (typeof routes)[K] extends { readonly body: z.ZodType } ? K : never;
}[OperationId];

type BodyOf<K extends WithBody> = (typeof routes)[K] extends { readonly body: infer S extends z.ZodType }
  ? z.input<S>
  : never;

const window = (from: string, to: string) => ({
  opensAt: `${from}T00:00:00+07:00`,
  closesAt: `${to}T00:00:00Z`,
});

/** An Evaluasi timetable of 2030 with every window, visit included. */
export const sampleWindows = {
  selfAssessment: window('2030-02-01', '2030-03-01'),
  documentAssessment: window('2030-03-02', '2030-04-01'),
  interviewAssessment: window('2030-04-02', '2030-05-01'),
  visitAssessment: window('2030-05-02', '2030-06-01'),
  appeals: window('2030-06-02', '2030-07-01'),
  publication: { at: '2030-08-01T00:00:00.000Z' },
};

const evidence = {
  title: 'Peraturan Gubernur Jawa Timur tentang Arsitektur SPBE',
  url: 'https://jatimprov.go.id/spbe/pergub-arsitektur.pdf',
  mediaType: 'application/pdf',
  sha256: 'a'.repeat(64),
};
const answer = { level: 3, explanation: 'Pergub Arsitektur SPBE ditetapkan', evidence: [evidence] } as const;

export const sampleBodies: { readonly [K in WithBody]: BodyOf<K> } = {
  putAgency: {
    name: 'Pemerintah Kota Surabaya',
    group: 'kota',
    parentProvinceId: 'prov-jawa-timur',
    active: true,
  },
  importAgencies: {
    agencies: [
      {
        id: 'kota-surabaya',
        name: 'Pemerintah Kota Surabaya',
        group: 'kota',
        parentProvinceId: 'prov-jawa-timur',
      },
    ],
  },
  putMachineClient: { role: 'agency', agencyId: 'prov-jawa-timur', description: 'Portal SPBE Jawa Timur' },
  createCycle: {
    year: 2030,
    frameworkId: 'spbe-2020',
    type: 'evaluasi',
    windows: sampleWindows,
    predicateBasis: 'exact',
    assessorLoadCap: 30,
    awardRules: {
      id: 'rules-2030',
      frameworkId: 'spbe-2020',
      nameId: 'Anugerah Pemerintahan Digital',
      nameEn: 'Digital Government Award',
      categories: [
        {
          id: 'best-index',
          nameId: 'Indeks terbaik',
          nameEn: 'Best index',
          measure: 'domain-4',
          groups: [['provinsi'], ['kabupaten', 'kota']],
          winnersPerGroup: 3,
          eligibility: { minPredicate: 'baik', requireComplete: true, valueAbove: '2.5' },
        },
      ],
    },
  },
  putCycleWindows: sampleWindows,
  saveSelfAssessment: { answers: [{ indicatorNo: 1, ...answer, evidence: [evidence] }] },
  saveIndicatorAnswer: { ...answer, evidence: [evidence] },
  putAssessor: { name: 'Dr. Budi Santoso', affiliations: ['prov-jawa-barat'] },
  createAssignments: { assignments: [{ agencyId: 'prov-jawa-timur', assessor: 'asesor-budi' }] },
  recuse: { reason: 'Saya pernah menjadi konsultan instansi ini.' },
  removeFromPanel: { reason: 'Konflik kepentingan: asesor kini bekerja di instansi ini.' },
  saveStageScores: {
    scores: [{ indicatorNo: 1, expectedVersion: 0, level: 3, note: 'Sesuai data dukung', evidenceUsed: [0] }],
  },
  saveStageScore: { level: 4, note: 'Dikoreksi', evidenceUsed: [0], reason: 'Bukti tambahan diperiksa' },
  saveReviews: {
    reviews: [
      { indicatorNo: 1, valid: true, expectedVersion: 0 },
      { indicatorNo: 2, valid: false, reason: 'Bukti tidak memadai', expectedVersion: 1 },
    ],
  },
  fileAppeal: {
    indicators: [
      {
        indicatorNo: 30,
        justification: 'Audit TIK 2026 telah selesai; laporannya terlampir.',
        evidence: [evidence],
      },
    ],
  },
  decideAppeal: { decisions: [{ indicatorNo: 30, upheld: true, level: 4, reason: 'Laporan audit sah' }] },
  importResults: {
    results: [
      {
        agencyId: 'prov-jawa-timur',
        levels: Array.from({ length: 47 }, (_, index) => (index === 46 ? null : 3)),
        reference: 'Laporan Evaluasi SPBE 2024',
      },
    ],
  },
  createWebhookEndpoint: {
    url: 'https://hooks.jatimprov.go.id/spbe/events',
    eventTypes: ['award.published', 'ranking.published'],
    description: 'Portal SPBE Jawa Timur',
  },
  updateWebhookEndpoint: { description: 'Portal SPBE Jawa Timur (produksi)' },
  rotateWebhookSecret: { overlapHours: 48 },
  redeliverFailedWebhooks: { since: '2026-01-01T00:00:00Z' },
  createAwardDecision: {
    category: 'layanan',
    agencyId: 'prov-jawa-timur',
    action: 'exclude',
    reason: 'Sedang dalam pemeriksaan Inspektorat Jenderal atas data dukung layanan',
  },
  reviseAwards: {
    reason: 'revocation',
    note: 'Penghargaan Penerapan Layanan SPBE kelompok Provinsi dicabut setelah pemeriksaan',
  },
};
