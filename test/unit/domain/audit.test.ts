import { describe, expect, it } from 'vitest';
import { canonicalJson, diffFields } from '#shared/domain/audit.ts';

describe('audit diffs', () => {
  it('treat objects with the same content in another key order as unchanged (DynamoDB reorders maps)', () => {
    const saved = { evidence: [{ title: 'Pergub', url: 'https://a.go.id/x', mediaType: 'application/pdf' }] };
    const readBack = {
      evidence: [{ mediaType: 'application/pdf', url: 'https://a.go.id/x', title: 'Pergub' }],
    };

    expect(diffFields(readBack, saved, ['evidence'])).toEqual([]);
  });

  it('report a changed nested value with before and after', () => {
    const before = { level: 2, evidence: [{ title: 'a', url: 'https://a.go.id/1' }] };
    const after = { level: 3, evidence: [{ title: 'a', url: 'https://a.go.id/2' }] };

    expect(diffFields(before, after, ['level', 'evidence'])).toEqual([
      { field: 'level', before: 2, after: 3 },
      { field: 'evidence', before: before.evidence, after: after.evidence },
    ]);
  });

  it('report every field from null on creation, and ignore undefined members', () => {
    expect(diffFields(undefined, { name: 'X', parent: undefined }, ['name', 'parent'])).toEqual([
      { field: 'name', before: null, after: 'X' },
    ]);
    expect(canonicalJson({ b: 1, a: undefined, c: [{ z: 1, y: 2 }] })).toBe('{"b":1,"c":[{"y":2,"z":1}]}');
  });
});
