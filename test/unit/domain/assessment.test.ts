import { describe, expect, it } from 'vitest';
import {
  conflictOfInterest,
  type ReviewMark,
  reviewCounts,
  type StageScore,
  stagesOf,
  standingScores,
} from '#shared/domain/assessment.ts';

const window = { opensAt: '2026-01-01T00:00:00Z', closesAt: '2026-01-02T00:00:00Z' };
const windows = {
  selfAssessment: window,
  documentAssessment: window,
  interviewAssessment: window,
  appeals: window,
  publication: { at: '2026-06-01T00:00:00Z' },
};

const score = (
  stage: StageScore['stage'],
  indicatorNo: number,
  version: number,
  level: StageScore['level'],
): StageScore => ({
  stage,
  indicatorNo,
  version,
  level,
  note: '',
  evidenceUsed: [],
  recordedBy: 'asesor',
  recordedAt: '2026-01-01T00:00:00Z',
});

describe('stages of a cycle', () => {
  it('are dokumen for Pemantauan; dokumen and interviu for Evaluasi, and visitasi only with its window', () => {
    expect(stagesOf('pemantauan', windows)).toEqual(['dokumen']);
    expect(stagesOf('evaluasi', windows)).toEqual(['dokumen', 'interviu']);
    expect(stagesOf('evaluasi', { ...windows, visitAssessment: window })).toEqual([
      'dokumen',
      'interviu',
      'visitasi',
    ]);
  });
});

describe('standing scores', () => {
  const stages = ['dokumen', 'interviu'] as const;
  const scores = [
    score('dokumen', 1, 1, 2),
    score('dokumen', 1, 2, 3), // a correction: version 2 stands
    score('dokumen', 2, 1, 4),
    score('interviu', 2, 1, 5), // re-scored at the interview
    score('interviu', 3, 1, 1), // scored at the interview only
  ];

  it('take the latest version of the stage, else carry the earlier stage’s forward, marked', () => {
    const atInterview = standingScores(scores, stages, 'interviu');
    expect(atInterview.get(1)).toEqual({ score: scores[1], carriedForward: true });
    expect(atInterview.get(2)).toEqual({ score: scores[3], carriedForward: false });
    expect(atInterview.get(3)).toEqual({ score: scores[4], carriedForward: false });
    expect(atInterview.has(4)).toBe(false);
  });

  it('at the document stage ignore later stages', () => {
    const atDocuments = standingScores(scores, stages, 'dokumen');
    expect(atDocuments.get(2)).toEqual({ score: scores[2], carriedForward: false });
    expect(atDocuments.has(3)).toBe(false);
  });

  it('count a review only when valid and of the very score that stands', () => {
    const standing = { score: score('interviu', 2, 1, 5), carriedForward: false };
    const review: ReviewMark = {
      indicatorNo: 2,
      stage: 'interviu',
      scoreVersion: 1,
      valid: true,
      reason: '',
      version: 1,
      reviewedBy: 'reviu',
      reviewedAt: '2026-01-01T00:00:00Z',
    };
    expect(reviewCounts(review, standing)).toBe(true);
    expect(reviewCounts({ ...review, valid: false }, standing)).toBe(false);
    expect(reviewCounts({ ...review, scoreVersion: 2 }, standing)).toBe(false);
    expect(reviewCounts({ ...review, stage: 'dokumen' }, standing)).toBe(false);
    expect(reviewCounts(undefined, standing)).toBe(false);
  });
});

describe('conflicts of interest', () => {
  const jatim = { id: 'prov-jawa-timur', group: 'provinsi' } as const;
  const surabaya = { id: 'kota-surabaya', group: 'kota', parentProvinceId: 'prov-jawa-timur' } as const;
  const bandung = { id: 'kota-bandung', group: 'kota', parentProvinceId: 'prov-jawa-barat' } as const;

  it.each([
    ['the agency itself', surabaya, [surabaya], 'own-agency'],
    ['the province of a kota', surabaya, [jatim], 'parent-province'],
    ['a kota of the province', jatim, [bandung, surabaya], 'child-region'],
  ] as const)('blocks an assessor affiliated with %s', (_name, agency, affiliations, rule) => {
    expect(conflictOfInterest(agency, affiliations)?.rule).toBe(rule);
  });

  it('lets an assessor of another region assess', () => {
    expect(conflictOfInterest(surabaya, [bandung, { id: 'kemenkeu', group: 'kementerian' }])).toBeUndefined();
    expect(conflictOfInterest(jatim, [bandung])).toBeUndefined();
  });
});
