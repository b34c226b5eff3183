import { describe, expect, it } from 'vitest';
import { EvidenceSchema, evidenceList } from '#shared/api/self-assessment/schemas.ts';

/** Evidence links (data dukung) as operators paste them, mostly from Windows tools. */

const pergub = { title: 'Pergub Arsitektur SPBE', url: 'https://jatimprov.go.id/spbe/pergub.pdf' };

describe('an evidence link', () => {
  it('takes a scheme in any case and stores it lower-case, as URLs compare it (RFC 3986 §3.1)', () => {
    expect(EvidenceSchema.parse({ ...pergub, url: 'HTTPS://jatimprov.go.id/spbe/pergub.pdf' }).url).toBe(
      pergub.url,
    );
    expect(EvidenceSchema.safeParse({ ...pergub, url: 'HTTP://jatimprov.go.id/x' }).success).toBe(false);
  });

  it('takes a SHA-256 in upper case, as PowerShell’s Get-FileHash prints it, and stores it lower-case', () => {
    const digest = 'AB'.repeat(32);
    expect(EvidenceSchema.parse({ ...pergub, sha256: digest }).sha256).toBe(digest.toLowerCase());
    expect(EvidenceSchema.safeParse({ ...pergub, sha256: 'G'.repeat(64) }).success).toBe(false);
  });
});

describe('a list of evidence', () => {
  it('refuses the same document twice, naming the repeat', () => {
    const result = evidenceList(10).safeParse([pergub, { title: 'Lagi', url: pergub.url }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: [1, 'url'],
        message: 'The same document is listed twice (items 1 and 2).',
      }),
    ]);
  });
});
