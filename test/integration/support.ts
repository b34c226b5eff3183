import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type * as z from 'zod';
import type { ProblemSchema } from '#shared/api/common/schemas.ts';
import type { CycleCreateSchema } from '#shared/api/cycles/schemas.ts';
import type { AgencyWriteSchema } from '#shared/api/registry/schemas.ts';
import type { DomainEvent } from '#shared/domain/events.ts';
import { createDocumentClient } from '#shared/dynamodb/client.ts';
import { eventKeys } from '#shared/dynamodb/keys.ts';
import type { ApiResponse, TestApi } from '#test/helpers/local-api.ts';

/**
 * What the integration files share: problem-document assertions, request bodies built relative to
 * the server's clock, and the admin set-up every per-agency test needs.
 */

export type Problem = z.output<typeof ProblemSchema> & Readonly<Record<string, unknown>>;
export type CycleCreateBody = z.input<typeof CycleCreateSchema>;
export type AgencyWriteBody = z.input<typeof AgencyWriteSchema>;

const day = 24 * 60 * 60 * 1000;
const at = (offsetDays: number): string => new Date(Date.now() + offsetDays * day).toISOString();

/**
 * Windows in chronological order, the self-assessment opening `selfAssessmentOpensInDays` from now
 * (negative: in the past). Between the document assessment and the appeals there is a gap of ten
 * days where `interview: true` puts the interview window an Evaluasi cycle needs.
 */
export const windowsFrom = (
  selfAssessmentOpensInDays: number,
  selfAssessmentDays = 31,
  options: { readonly interview?: boolean } = {},
): CycleCreateBody['windows'] => {
  const start = selfAssessmentOpensInDays;
  const saEnd = start + selfAssessmentDays;
  return {
    selfAssessment: { opensAt: at(start), closesAt: at(saEnd) },
    documentAssessment: { opensAt: at(saEnd + 1), closesAt: at(saEnd + 20) },
    ...(options.interview
      ? { interviewAssessment: { opensAt: at(saEnd + 21), closesAt: at(saEnd + 30) } }
      : {}),
    appeals: { opensAt: at(saEnd + 31), closesAt: at(saEnd + 45) },
    publication: { at: at(saEnd + 50) },
  };
};

/**
 * The same windows `years` years later (earlier when negative): a cycle's windows must belong to
 * its year, so tests that need many cycles move the timetable with the year.
 */
export const shiftYears = (
  windows: CycleCreateBody['windows'],
  years: number,
): CycleCreateBody['windows'] => {
  const shift = (instant: string) => {
    const date = new Date(instant);
    date.setUTCFullYear(date.getUTCFullYear() + years);
    return date.toISOString();
  };
  const window = (w: { opensAt: string; closesAt: string }) => ({
    opensAt: shift(w.opensAt),
    closesAt: shift(w.closesAt),
  });
  return {
    selfAssessment: window(windows.selfAssessment),
    documentAssessment: window(windows.documentAssessment),
    ...(windows.interviewAssessment ? { interviewAssessment: window(windows.interviewAssessment) } : {}),
    ...(windows.visitAssessment ? { visitAssessment: window(windows.visitAssessment) } : {}),
    appeals: window(windows.appeals),
    publication: { at: shift(windows.publication.at) },
  };
};

/** A cycle whose self-assessment window opened a day ago and closes in 30 days. */
export const openCycle = (year: number): CycleCreateBody => ({
  year,
  type: 'pemantauan',
  windows: shiftYears(windowsFrom(-1), year - currentYear()),
  predicateBasis: 'exact',
});

/**
 * A cycle whose self-assessment window closed 10 days ago; the document assessment runs now
 * (opened 9 days ago, closes in 10 days). For the previous year as is; for other years the same
 * timetable that many years away (all past or all future).
 */
export const closedCycle = (year: number): CycleCreateBody => ({
  year,
  type: 'pemantauan',
  windows: shiftYears(windowsFrom(-41, 31), year - (currentYear() - 1)),
  predicateBasis: 'exact',
});

export const currentYear = (): number => new Date().getUTCFullYear();

export const jsonHeaders = { 'content-type': 'application/json' } as const;

/** Asserts a problem+json answer with this status; returns the document for further checks. */
export const expectProblem = (response: ApiResponse<unknown>, status: number): Problem => {
  expect({ status: response.status, text: response.text }).toMatchObject({ status });
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  const problem = response.body as Problem;
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/\/problems\/[a-z0-9-]+$/) });
  expect(typeof problem.title).toBe('string');
  return problem;
};

/** The pointers of a problem's `errors[]`. */
export const pointersOf = (problem: Problem): string[] =>
  (problem.errors ?? []).map((error) => error.pointer);

/** Asserts a 4xx problem whose `errors[]` names `pointer`. */
export const expectFieldProblem = (
  response: ApiResponse<unknown>,
  status: number,
  pointer: string,
): Problem => {
  const problem = expectProblem(response, status);
  expect(pointersOf(problem)).toContain(pointer);
  return problem;
};

/** Asserts a 2xx answer, printing the problem document when it is not one. */
export const expectStatus = <T>(response: ApiResponse<T>, status: number): T => {
  expect({ status: response.status, text: response.text }).toMatchObject({ status });
  return response.body;
};

/** Creates (or leaves as is) an agency through the admin API. */
export const ensureAgency = async (api: TestApi, adminToken: string, id: string, body: AgencyWriteBody) => {
  const existing = await api.request('GET', `/v1/agencies/${id}`);
  if (existing.status === 200) return;
  const created = await api.request('PUT', `/v1/agencies/${id}`, { token: adminToken, body });
  expectStatus(created, 201);
};

/** Creates a cycle through the admin API (201) and returns it. */
export const createCycle = async (api: TestApi, adminToken: string, body: CycleCreateBody) => {
  const created = await api.request('POST', '/v1/cycles', { token: adminToken, body });
  return expectStatus(created, 201);
};

export const jawaTimur: AgencyWriteBody = { name: 'Pemerintah Provinsi Jawa Timur', group: 'provinsi' };
export const jawaBarat: AgencyWriteBody = { name: 'Pemerintah Provinsi Jawa Barat', group: 'provinsi' };

/** `"3"` for version 3. */
export const etagOf = (version: number): string => `"${version}"`;

export { samplePathValues } from '#test/helpers/route-samples.ts';

/** A path template filled with sample values, e.g. `{year}`, `{agencyId}`, `{no}`, `{clientId}`. */
export const fillPath = (path: string, values: Readonly<Record<string, string>>): string =>
  path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No sample value for path parameter {${name}} in ${path}`);
    return encodeURIComponent(value);
  });

/**
 * Text a reader cannot see, or that displays otherwise than it is stored (hostile-input audit).
 * Written with escapes on purpose: the characters themselves would hide in this file too.
 * Each entry: what it is, the text, and what the 400 must say.
 */
export const invisibleOnlyTexts = [
  ['only zero-width spaces (U+200B)', '\u200B\u200B\u200B\u200B', 'no visible character'],
  ['only word joiners (U+2060)', '\u2060\u2060\u2060\u2060', 'no visible character'],
  ['only byte-order marks (U+FEFF)', '\uFEFF\uFEFF\uFEFF\uFEFF', 'no visible character'],
  ['only Hangul fillers (U+3164)', '\u3164\u3164\u3164\u3164', 'no visible character'],
  ['spaces mixed with invisible characters', ' \u200B\u3000\u00A0\u2060\u2002 ', 'no visible character'],
] as const;

/** Refused even in multi-line text (which keeps tab, line feed and carriage return). */
export const controlTexts = [
  ['a NUL (U+0000)', 'Pemerintah\u0000Kota', 'control character U+0000'],
  ['a C0 control (U+001B)', 'Pemerintah\u001B[31mKota', 'control character U+001B'],
  ['a C1 control (U+0085)', 'Pemerintah\u0085Kota', 'control character U+0085'],
  ['a right-to-left override (U+202E)', 'Pemerintah \u202EatoK', 'bidirectional control U+202E'],
  ['a left-to-right isolate (U+2066)', 'Pemerintah \u2066Kota\u2069', 'bidirectional control U+2066'],
] as const;

/** Everything a one-line, required text (a name, a title) refuses. */
export const hostileNames = [...invisibleOnlyTexts, ...controlTexts] as const;

/** Every event in the test API's outbox today, through its designed index (events by day), page by page. */
export const outboxEventsToday = async (api: TestApi): Promise<DomainEvent[]> => {
  const client = createDocumentClient(api.runtime.dynamodb.client);
  const items: DomainEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: api.runtime.dynamodb.tables.events,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': eventKeys.byDay(new Date().toISOString(), 'x').GSI1PK },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...((page.Items ?? []) as DomainEvent[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};
