import { describe, expect, it } from 'vitest';
import { PreconditionFailedError, PreconditionRequiredError } from '#shared/domain/errors.ts';
import { etagOf, optionalIfMatch, requireIfMatch } from '#shared/http/preconditions.ts';

const ifMatch = (value: string | undefined) => (value === undefined ? {} : { 'if-match': value });

describe('requireIfMatch', () => {
  it.each([
    ['"0"', 0],
    ['"30"', 30],
    [' "30" ', 30],
    [etagOf(123_456_789_012), 123_456_789_012],
  ])('reads %s as version %d', (header, version) => {
    expect(requireIfMatch(ifMatch(header))).toBe(version);
  });

  it.each([
    ['W/"3", "3"', 'a weak validator never matches strongly: only "3" can'],
    ['"3", "3"', 'the same ETag twice'],
    ['"x", "3"', 'an ETag no version has, beside one'],
    ['"030", "3"', 'a non-canonical form, beside the canonical one'],
  ])('reads the list %s (%s) as version 3: only one of its ETags can match', (header) => {
    expect(requireIfMatch(ifMatch(header))).toBe(3);
  });

  it('says why a list of several versions is refused, rather than calling them unknown', () => {
    expect(() => requireIfMatch(ifMatch('"3", "4"'))).toThrow(/one version/);
  });

  it.each([
    ['"030"', 'a leading zero: strong comparison is exact, "030" is not the ETag "30"'],
    ['"00"', 'two zeros, not the ETag "0"'],
    ['W/"3"', 'a weak validator, which never matches strongly'],
    ['"3", "4"', 'a list: a write needs exactly one version'],
    ['"+3"', 'a sign'],
    ['"3.0"', 'a decimal point'],
    ['3', 'no quotes'],
  ])('answers %s (%s) with 412', (header) => {
    expect(() => requireIfMatch(ifMatch(header))).toThrow(PreconditionFailedError);
  });

  it.each([
    ['8', /has no quotes.*If-Match: "8"/],
    [' 8 ', /has no quotes.*If-Match: "8"/],
    ['W/"8"', /weak ETag.*never matches.*If-Match: "8"/],
    ['"abc"', /If-Match: "abc" is not an ETag of this resource/],
  ])('says what to send instead of %j, quoting the header as it came', (header, detail) => {
    expect(() => requireIfMatch(ifMatch(header))).toThrow(detail);
    // The header is shown as sent, not JSON-escaped a second time inside the JSON problem.
    expect(() => requireIfMatch(ifMatch(header))).not.toThrow(/\\"/);
  });

  it.each([undefined, '', ' ', '*'])('answers %j with 428', (header) => {
    expect(() => requireIfMatch(ifMatch(header))).toThrow(PreconditionRequiredError);
  });

  it('says where the ETag comes from, on every route (not only a draft’s "0")', () => {
    expect(() => requireIfMatch({})).toThrow(
      'This write needs an If-Match header carrying the ETag you last read: GET the resource and send its ETag header, quotes included ("0" for a self-assessment or a stage score never saved); `*` is not accepted.',
    );
  });
});

describe('optionalIfMatch', () => {
  it('reads no header as no precondition', () => {
    expect(optionalIfMatch({})).toBeUndefined();
  });

  it('matches strongly too: "030" is not version 30', () => {
    expect(() => optionalIfMatch(ifMatch('"030"'))).toThrow(PreconditionFailedError);
  });

  it('tells a caller who sent the version without its quotes how an ETag is written', () => {
    // The JSON's `version` is 3 and its ETag "3": sending the former is the usual first mistake.
    expect(() => optionalIfMatch(ifMatch('3'))).toThrow(
      'If-Match: 3 has no quotes: an ETag is a quoted string. Send the ETag header as you read it, quotes included: If-Match: "3".',
    );
  });
});
