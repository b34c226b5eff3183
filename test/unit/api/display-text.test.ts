import { describe, expect, it } from 'vitest';
import { ReviewsWriteSchema, ScoreWriteSchema } from '#shared/api/assessment/schemas.ts';
import { displayText } from '#shared/api/common/schemas.ts';
import { AgencyDirectoryQuerySchema } from '#shared/api/registry/schemas.ts';
import { IndicatorAnswerWriteSchema } from '#shared/api/self-assessment/schemas.ts';

/** The one rule for human-readable text: names, titles, descriptions and explanations. */

const name = displayText({ min: 3, max: 20 });
const explanation = displayText({ max: 40, multiline: true });
const searchTerm = displayText({ min: 1, max: 40, lineControlsAsSpace: true });

const messagesOf = (result: ReturnType<typeof name.safeParse>): string[] =>
  result.success ? [] : result.error.issues.map((issue) => issue.message);

describe('displayText', () => {
  it.each([
    ['a NUL', 'Kota\u0000Baru', 'control character U+0000'],
    ['DEL', 'Kota\u007FBaru', 'control character U+007F'],
    ['a C1 control', 'Kota\u009BBaru', 'control character U+009B'],
    ['a tab in one-line text', 'Kota\tBaru', 'control character U+0009'],
    ['a right-to-left override', 'Kota \u202EuraB', 'bidirectional control U+202E'],
    ['a first-strong isolate', 'Kota \u2068Baru\u2069', 'bidirectional control U+2068'],
    ['a right-to-left mark', 'Kota\u200FBaru', 'bidirectional control U+200F'],
    ['a lone surrogate', 'Kota\uD800Baru', 'lone surrogate U+D800'],
    ['a line separator in one-line text', 'Kota\u2028Baru', 'line break U+2028'],
    ['a paragraph separator in one-line text', 'Kota\u2029Baru', 'line break U+2029'],
    ['only zero-width spaces', '\u200B\u200B\u200B', 'no visible character'],
    ['only braille blanks', '\u2800\u2800\u2800', 'no visible character'],
    ['only ideographic spaces', '\u3000\u3000\u3000', 'no visible character'],
  ])('refuses %s with one message saying what is wrong', (_what, text, message) => {
    // Act
    const messages = messagesOf(name.safeParse(text));

    // Assess
    expect(messages).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['one-line', name],
    ['multi-line', explanation],
  ])(
    'refuses Unicode tag characters in %s text: invisible text a reader never sees ("ASCII smuggling")',
    (_kind, schema) => {
      // Prepare: "Jatim" followed by the tag-character spelling of "hi" (U+E0068 U+E0069)
      const smuggled = 'Jatim\u{E0068}\u{E0069}';

      // Act
      const messages = messagesOf(schema.safeParse(smuggled));

      // Assess
      expect(messages).toEqual([expect.stringContaining('tag character U+E0068')]);
    },
  );

  it('keeps tag characters where they belong: a subdivision flag emoji (black flag, tags, cancel tag)', () => {
    // Prepare: the flag of Scotland is U+1F3F4, the tags "gbsct", then U+E007F
    const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';

    // Act + Assess
    expect(explanation.parse(`Tim ${scotland}`)).toBe(`Tim ${scotland}`);
    expect(messagesOf(explanation.safeParse(`Tim ${scotland}\u{E0041}`))).toEqual([
      expect.stringContaining('tag character U+E0041'),
    ]);
  });

  it('trims, normalises to NFC, and counts the minimum on the result', () => {
    expect(name.parse('  Ne\u0301gara ')).toBe('N\u00E9gara');
    expect(messagesOf(name.safeParse('  ab  '))).toEqual([expect.stringContaining('At least 3 characters')]);
  });

  it('stores no more than the maximum, counted again once normalised to NFC', () => {
    // Prepare: U+0958 is one character that NFC writes as two (a composition exclusion)
    const expanding = '\u0958'.repeat(20);

    // Act
    const messages = messagesOf(name.safeParse(expanding));

    // Assess
    expect(messages).toEqual([expect.stringContaining('At most 20 characters in Unicode NFC')]);
    expect(name.parse('\u0958'.repeat(10))).toHaveLength(20);
  });

  it('counts characters, as the published maxLength does, after NFC too: an emoji is one, not two UTF-16 units', () => {
    // Prepare: 20 emoji are 20 characters (40 UTF-16 code units)
    const twenty = '\u{1F600}'.repeat(20);

    // Act
    const accepted = name.safeParse(twenty);
    const refused = messagesOf(name.safeParse(`${twenty}\u{1F600}`));

    // Assess
    expect(accepted).toMatchObject({ success: true, data: twenty });
    expect(refused).toEqual([expect.stringContaining('20')]);
    expect(refused).toHaveLength(1);
  });

  it('keeps tab and line breaks in multi-line text, and lets it be blank', () => {
    expect(explanation.parse('Pergub 12/2026:\r\n\t- ditetapkan')).toBe('Pergub 12/2026:\r\n\t- ditetapkan');
    expect(explanation.parse('Pergub\u2028ditetapkan\u2029')).toBe('Pergub\u2028ditetapkan');
    expect(explanation.parse('   ')).toBe('');
    expect(messagesOf(explanation.safeParse('a\u0000b'))).toEqual([
      expect.stringContaining('control character U+0000'),
    ]);
  });

  it.each([
    ['spaces', '   '],
    ['tabs and line breaks', ' \t\r\n '],
    ['a zero-width space', '\u200B'],
    ['word joiners and zero-width spaces among spaces', ' \u2060\u200B \u200B '],
    ['ideographic spaces', '\u3000\u3000'],
    ['braille blanks', '\u2800\u2800'],
  ])('reads optional text of only %s as none: stored as "", as when left out', (_what, blank) => {
    // Act + Assess
    expect(explanation.parse(blank)).toBe('');
  });

  it('keeps invisible characters inside optional text that has a visible one', () => {
    expect(explanation.parse(' Pergub\u200B12 ')).toBe('Pergub\u200B12');
  });

  it('says in the published description that blank optional text counts as none, and only there', () => {
    expect(explanation.meta()?.description).toContain('Blank text');
    expect(name.meta()?.description).not.toContain('Blank text');
  });

  it('reads every optional free-text field of the API that is blank as none', () => {
    // Prepare: invisible text a reader would take for an answer, a note, a reason
    const blank = ' \u200B\u200B\u200B\u200B\u200B ';

    // Act
    const answer = IndicatorAnswerWriteSchema.parse({ level: 3, explanation: blank });
    const score = ScoreWriteSchema.parse({ level: 3, note: blank });
    const review = ReviewsWriteSchema.safeParse({
      reviews: [{ indicatorNo: 1, valid: false, reason: blank, expectedVersion: 0 }],
    });

    // Assess: stored as none; a mark not valid still needs a reason someone can read
    expect(answer.explanation).toBe('');
    expect(score.note).toBe('');
    expect(review.error?.issues.map((issue) => [issue.path.join('/'), issue.message])).toEqual([
      ['reviews/0/reason', expect.stringContaining('needs a reason')],
    ]);
  });

  it('reads tab and line breaks in a search term as spaces (pasted from a spreadsheet), and still refuses other controls', () => {
    expect(searchTerm.parse('kab\tmalang\r\n')).toBe('kab malang');
    expect(searchTerm.parse('jawa\ntimur')).toBe('jawa timur');
    expect(messagesOf(searchTerm.safeParse('kab\u0000malang'))).toEqual([
      expect.stringContaining('control character U+0000'),
    ]);
    expect(messagesOf(searchTerm.safeParse('kab\u2028malang'))).toEqual([
      expect.stringContaining('line break U+2028'),
    ]);
    expect(messagesOf(searchTerm.safeParse('\t\r\n'))).toEqual([
      expect.stringContaining('no visible character'),
    ]);
  });

  it('lets the agency directory’s q carry a tab or a line break, as a space', () => {
    expect(AgencyDirectoryQuerySchema.parse({ q: 'kab\tmalang\n' })).toMatchObject({ q: 'kab malang' });
    expect(AgencyDirectoryQuerySchema.safeParse({ q: 'kab\u0007malang' }).success).toBe(false);
  });

  it('publishes a pattern that accepts and refuses what the check does', () => {
    // Prepare
    const samples = [
      'Kota Baru',
      'Kota\u0000Baru',
      'Kota\tBaru',
      '\u200B\u200B\u200B',
      'A\u202Eb',
      'Kota\uD800x',
      'Kota\u2028Baru',
      'Kota\u2029',
    ];
    for (const [schema, multiline] of [
      [name, false],
      [explanation, true],
      [searchTerm, true],
    ] as const) {
      const pattern = new RegExp(String(schema.meta()?.pattern), 'u');
      for (const sample of [...samples, ...(multiline ? ['a\nb\tc', ''] : [])]) {
        // Act
        const published = pattern.test(sample);
        const enforced = schema.safeParse(sample).success;

        // Assess: length aside (published as maxLength/minLength), both agree
        expect({ sample, multiline, published }).toEqual({ sample, multiline, published: enforced });
      }
    }
  });
});
