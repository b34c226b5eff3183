import { describe, expect, it } from 'vitest';
import { canonicalJson } from '#shared/domain/audit.ts';
import { findFramework, getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { planImprovement } from '#shared/domain/improvement/plan.ts';
import {
  buildResultVersion,
  computeResult,
  frameworkSha256,
  resultSummary,
  sealOf,
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
