import { describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/domain/audit.ts';
import { findFramework, getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { planImprovement } from '#shared/domain/improvement/plan.ts';
import {
  buildResultVersion,
  computeResult,
  frameworkSha256,
  importDifference,
  resultSummary,
  sealOf,
  sha256Hex,
  sha256HexOfLines,
  verifyResultChain,
} from '#shared/domain/results.ts';
import { scoreAssessment } from '#shared/domain/scoring/score.ts';

const framework = getFramework('spbe-2020');
const levels = framework.indicators.map((indicator) => ((indicator.no % 5) + 1) as Level);
const fields = {
  year: 2026,
  agencyId: 'prov-jawa-timur',
  levels,
  sources: levels.map(() => ({ kind: 'import' as const, reference: 'test' })),
  predicateBasis: 'exact' as const,
  finalizedAt: '2026-05-01T00:00:00.000Z',
  finalizedBy: 'reviu',
  reason: 'finalized from the review',
};

describe('result versions', () => {
  it('hold what the scoring engine computes from their inputs, and a hash of all of it', () => {
    // Act
    const first = buildResultVersion(framework, fields, undefined);

    // Assess
    const levelMap = new Map(levels.map((level, index) => [index + 1, level]));
    expect(first.computed.score).toEqual(scoreAssessment(framework, levelMap));
    expect(first.computed.improvementPlan).toEqual(planImprovement(framework, levelMap, 'next-predicate'));
    expect(first).toMatchObject({
      version: 1,
      previousSha256: null,
      inputs: { frameworkSha256: frameworkSha256(framework) },
    });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sealOf(first)).toBe(first.sha256);
    expect(resultSummary(first)).toMatchObject({ index: first.computed.score.index.exact, complete: true });
  });

  it('chain: each names the hash of the one before, and the chain verifies', () => {
    const first = buildResultVersion(framework, fields, undefined);
    const second = buildResultVersion(
      framework,
      { ...fields, levels: levels.map((level, index) => (index === 0 ? 5 : level)), reason: 'appeal' },
      first,
    );
    expect(second).toMatchObject({ version: 2, previousSha256: first.sha256 });
    expect(verifyResultChain([first, second], findFramework)).toEqual({ valid: true, problems: [] });
  });

  it('expose tampering: a changed input, a changed number, a broken link', () => {
    const first = buildResultVersion(framework, fields, undefined);
    const second = buildResultVersion(framework, { ...fields, reason: 'appeal' }, first);
    const changedLevel = {
      ...first,
      inputs: { ...first.inputs, levels: [5 as Level, ...first.inputs.levels.slice(1)] },
    };
    const changedIndex = {
      ...first,
      computed: {
        ...first.computed,
        score: { ...first.computed.score, index: { exact: '4.9', display: '4.90', value: 4.9 } },
      },
    };
    // A tampered version keeps its stored hash, so the link from the next one holds: its own hash fails.
    expect(verifyResultChain([changedLevel, second], findFramework).problems).toEqual([
      'version 1: its stored indices are not what its stored inputs give',
      'version 1: its hash does not match its content',
    ]);
    expect(verifyResultChain([changedIndex], findFramework).valid).toBe(false);
    expect(verifyResultChain([second], findFramework).problems).toEqual([
      'version 2 is at position 1 of the chain',
      'version 2 does not link to the hash of the version before it',
    ]);
    const forged = { ...second, previousSha256: '0'.repeat(64) };
    expect(verifyResultChain([first, { ...forged, sha256: sealOf(forged) }], findFramework).problems).toEqual(
      ['version 2 does not link to the hash of the version before it'],
    );
  });

  it('recompute to identical bytes from the inputs and framework alone (a JSON round trip included)', () => {
    const first = JSON.parse(JSON.stringify(buildResultVersion(framework, fields, undefined)));
    expect(canonicalJson(computeResult(JSON.parse(JSON.stringify(framework)), first.inputs))).toBe(
      canonicalJson(first.computed),
    );
  });
});

describe('an imported row against the stored result', () => {
  it('is the same when every level and, for an imported result, the reference are; when and who are not compared', () => {
    // Prepare: the result that imported these levels from "test"
    const stored = buildResultVersion(framework, fields, undefined);

    // Act + Assess
    expect(importDifference(stored, { levels: [...levels], reference: 'test' })).toBeUndefined();
    expect(
      importDifference(
        buildResultVersion(framework, { ...fields, finalizedAt: '2027-01-01T00:00:00.000Z' }, undefined),
        {
          levels,
          reference: 'test',
        },
      ),
    ).toBeUndefined();
  });

  it('names each indicator whose level differs (none differs from a level) and a different reference', () => {
    // Prepare: indicator 2 has no valid level in the stored result
    const stored = buildResultVersion(
      framework,
      { ...fields, levels: levels.map((level, index) => (index === 1 ? null : level)) },
      undefined,
    );
    const row = levels.map((level, index) => (index === 0 ? (((level % 5) + 1) as Level) : level));

    // Act
    const difference = importDifference(stored, { levels: row, reference: 'Laporan ralat' });

    // Assess
    expect(difference).toEqual({
      levels: [
        { indicatorNo: 1, stored: levels[0], imported: row[0] },
        { indicatorNo: 2, stored: null, imported: levels[1] },
      ],
      reference: { stored: 'test', imported: 'Laporan ralat' },
    });
    expect(importDifference(stored, { levels: stored.inputs.levels, reference: 'other' })).toEqual({
      levels: [],
      reference: { stored: 'test', imported: 'other' },
    });
  });

  it('compares only the levels of a result finalized from the review: it cites no reference', () => {
    // Prepare
    const reviewed = buildResultVersion(
      framework,
      {
        ...fields,
        sources: levels.map(() => ({
          kind: 'review' as const,
          stage: 'dokumen' as const,
          scoreVersion: 1,
          reviewVersion: 1,
        })),
      },
      undefined,
    );

    // Act + Assess
    expect(importDifference(reviewed, { levels, reference: 'Laporan Evaluasi SPBE' })).toBeUndefined();
    expect(
      importDifference(reviewed, { levels: levels.map(() => 1 as Level), reference: 'x' })?.reference,
    ).toBeUndefined();
  });
});

describe('sha256HexOfLines', () => {
  it('hashes lines fed one by one as their newline-joined text would hash', () => {
    for (const lines of [[], [''], ['a'], ['a', 'b'], ['page:{"rows":[]}', '', 'positions:{"ä":1}']]) {
      expect(sha256HexOfLines(lines), JSON.stringify(lines)).toBe(sha256Hex(lines.join('\n')));
    }
  });
});
