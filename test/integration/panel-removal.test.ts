import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type {
  AssessmentSchema,
  AssignmentPageSchema,
  RemovedAssignmentSchema,
} from '#shared/api/assessment/schemas.ts';
import type { AuditPageSchema } from '#shared/api/common/schemas.ts';
import type { CycleSchema } from '#shared/api/cycles/schemas.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import { startTestApi, type TestApi } from '#test/helpers/local-api.ts';
import {
  createCycle,
  currentYear,
  ensureAgency,
  expectFieldProblem,
  expectProblem,
  expectStatus,
  jawaBarat,
  jawaTimur,
  openCycle,
  windowsFrom,
} from './support.ts';

/**
 * The review team takes an assessor off an agency's panel (POST …/assessors/{subject}/removal) over
 * HTTP on DynamoDB Local: Jawa Barat's panel of two (asesor-a, asesor-b) and Jawa Timur's of one
 * (asesor-c), in a cycle whose document assessment runs now. Steps build on each other.
 */

type Removed = z.output<typeof RemovedAssignmentSchema>;
type Assessment = z.output<typeof AssessmentSchema>;
type AssignmentPage = z.output<typeof AssignmentPageSchema>;
type AuditPage = z.output<typeof AuditPageSchema>;
type Cycle = z.output<typeof CycleSchema>;

const year = currentYear();
const framework = getFramework('spbe-2020');
const reason = 'Konflik kepentingan ditemukan: asesor pernah menjadi konsultan instansi ini.';
const base = `/v1/cycles/${year}/agencies`;
const removal = (agencyId: string, subject: string) => `${base}/${agencyId}/assessors/${subject}/removal`;

let api: TestApi;
let admin: string;
const assessorToken: Record<string, string> = {};

const assign = (assignments: { agencyId: string; assessor: string }[]) =>
  api.request('POST', `/v1/cycles/${year}/assignments`, { token: admin, body: { assignments } });

const remove = (agencyId: string, subject: string, headers: Record<string, string> = {}, token = admin) =>
  api.request<Removed>('POST', removal(agencyId, subject), { token, body: { reason }, headers });

const panelOf = async (agencyId: string) =>
  expectStatus(
    await api.request<AssignmentPage>('GET', `/v1/cycles/${year}/assignments?agencyId=${agencyId}`, {
      token: admin,
    }),
    200,
  ).items.map(({ assessor, status }) => [assessor, status]);

beforeAll(async () => {
  // Prepare: two agencies, an open cycle, three assessors; Jawa Barat submits its self-assessment
  api = await startTestApi();
  admin = await api.token('admin', { subject: 'admin-tim-penilai' });
  await ensureAgency(api, admin, 'prov-jawa-timur', jawaTimur);
  await ensureAgency(api, admin, 'prov-jawa-barat', jawaBarat);
  await createCycle(api, admin, openCycle(year));
  for (const subject of ['asesor-a', 'asesor-b', 'asesor-c']) {
    expectStatus(
      await api.request('PUT', `/v1/assessors/${subject}`, {
        token: admin,
        body: { name: `Asesor ${subject}`, affiliations: [] },
      }),
      201,
    );
    assessorToken[subject] = await api.token('assessor', { subject });
  }
  const operator = await api.token('agency', { subject: 'operator-jabar', agencyId: 'prov-jawa-barat' });
  const selfAssessment = `${base}/prov-jawa-barat/self-assessment`;
  const saved = await api.request<{ version: number }>('PUT', selfAssessment, {
    token: operator,
    body: { answers: framework.indicators.map((indicator) => ({ indicatorNo: indicator.no, level: 3 })) },
    headers: { 'if-match': '"0"' },
  });
  expectStatus(
    await api.request('POST', `${selfAssessment}/submit`, {
      token: operator,
      headers: { 'if-match': `"${expectStatus(saved, 200).version}"` },
    }),
    200,
  );
  expectStatus(
    await assign([
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-a' },
      { agencyId: 'prov-jawa-barat', assessor: 'asesor-b' },
      { agencyId: 'prov-jawa-timur', assessor: 'asesor-c' },
    ]),
    200,
  );
  // The document assessment opens now (the self-assessment window closed ten days ago).
  const read = await api.request<Cycle>('GET', `/v1/cycles/${year}`, { token: admin });
  expectStatus(
    await api.request('PUT', `/v1/cycles/${year}/windows`, {
      token: admin,
      body: windowsFrom(-41, 31),
      headers: { 'if-match': `"${expectStatus(read, 200).version}"` },
    }),
    200,
  );
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('the review team removes an assessor from a panel', () => {
  it('1. ends the assignment as removed, by whom and why: in the answer, the panel and the agency’s trail; a retry is replayed', async () => {
    // Prepare: asesor-a scores indicator 1 before the removal
    expectStatus(
      await api.request('PUT', `${base}/prov-jawa-barat/assessments/dokumen/indicators/1`, {
        token: assessorToken['asesor-a'],
        body: { level: 4, note: 'Sesuai data dukung' },
        headers: { 'if-match': '"0"' },
      }),
      200,
    );

    // Act
    const removed = await remove('prov-jawa-barat', 'asesor-a', { 'idempotency-key': 'remove-a-1' });
    const retried = await remove('prov-jawa-barat', 'asesor-a', { 'idempotency-key': 'remove-a-1' });

    // Assess
    expect(expectStatus(removed, 200)).toMatchObject({
      year,
      agencyId: 'prov-jawa-barat',
      assessor: 'asesor-a',
      status: 'removed',
      removedBy: 'admin-tim-penilai',
      removalReason: reason,
      activeAssessors: ['asesor-b'],
    });
    expect(expectStatus(retried, 200)).toEqual(removed.body);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await panelOf('prov-jawa-barat')).toEqual([
      ['asesor-a', 'removed'],
      ['asesor-b', 'active'],
    ]);
    const trail = expectStatus(
      await api.request<AuditPage>('GET', `${base}/prov-jawa-barat/audit`, { token: admin }),
      200,
    );
    expect(trail.items[0]).toMatchObject({
      action: 'assessment.removed',
      actor: { subject: 'admin-tim-penilai', role: 'admin' },
      target: 'assessor asesor-a',
      changes: [
        { field: 'status', before: 'active', after: 'removed' },
        { field: 'reason', before: null, after: reason },
      ],
    });
    expect(trail.items.filter((entry) => entry.action === 'assessment.removed')).toHaveLength(1);
  });

  it('2. the removed assessor can no longer see or score the agency (404); the score they recorded stands', async () => {
    // Act
    const one = await api.request('PUT', `${base}/prov-jawa-barat/assessments/dokumen/indicators/2`, {
      token: assessorToken['asesor-a'],
      body: { level: 2 },
      headers: { 'if-match': '"0"' },
    });
    const many = await api.request('PUT', `${base}/prov-jawa-barat/assessments/dokumen`, {
      token: assessorToken['asesor-a'],
      body: { scores: [{ indicatorNo: 2, expectedVersion: 0, level: 2 }] },
    });
    const read = await api.request('GET', `${base}/prov-jawa-barat/assessment`, {
      token: assessorToken['asesor-a'],
    });

    // Assess
    expectProblem(one, 404);
    expectProblem(many, 404);
    expectProblem(read, 404);
    const seen = expectStatus(
      await api.request<Assessment>('GET', `${base}/prov-jawa-barat/assessment`, {
        token: assessorToken['asesor-b'],
      }),
      200,
    );
    expect(seen.indicators[0]?.standing).toMatchObject({ level: 4, recordedBy: 'asesor-a' });
    expect(seen.indicators[1]?.standing).toBeUndefined();
    const mine = expectStatus(
      await api.request<{ items: { agencyId: string; status: string }[] }>(
        'GET',
        `/v1/assessors/me/assignments?year=${year}`,
        { token: assessorToken['asesor-a'] },
      ),
      200,
    );
    expect(mine.items.map(({ agencyId, status }) => [agencyId, status])).toEqual([
      ['prov-jawa-barat', 'removed'],
    ]);
  });

  it('3. may remove the only active member (a recusal may not): the agency has no active assessor until one is assigned', async () => {
    // Prepare: asesor-c alone on Jawa Timur's panel cannot recuse
    expectProblem(
      await api.request('POST', `${base}/prov-jawa-timur/recusal`, {
        token: assessorToken['asesor-c'],
        body: { reason: 'Saya mengundurkan diri dari panel ini.' },
      }),
      409,
    );

    // Act
    const removed = await remove('prov-jawa-timur', 'asesor-c');

    // Assess
    expect(expectStatus(removed, 200)).toMatchObject({ status: 'removed', activeAssessors: [] });
    const assessment = expectStatus(
      await api.request<Assessment>('GET', `${base}/prov-jawa-timur/assessment`, { token: admin }),
      200,
    );
    expect(assessment.panel.map(({ assessor, status }) => [assessor, status])).toEqual([
      ['asesor-c', 'removed'],
    ]);
    expectProblem(
      await api.request('GET', `${base}/prov-jawa-timur/assessment`, { token: assessorToken['asesor-c'] }),
      404,
    );
  });

  it('4. answers 404 when the assessor has no assignment to the agency, or the cycle does not exist', async () => {
    const never = expectProblem(await remove('prov-jawa-timur', 'asesor-b'), 404);
    expect(never.detail).toBe(`"asesor-b" has no assignment to "prov-jawa-timur" in the ${year} cycle.`);
    expectProblem(
      await api.request(
        'POST',
        `/v1/cycles/${year + 2}/agencies/prov-jawa-barat/assessors/asesor-b/removal`,
        {
          token: admin,
          body: { reason },
        },
      ),
      404,
    );
  });

  it('5. answers 409 for an assignment already ended, saying how; two removals at once: one 200, one 409', async () => {
    // Prepare: asesor-c joins Jawa Barat's panel, so that asesor-b may recuse
    expectStatus(await assign([{ agencyId: 'prov-jawa-barat', assessor: 'asesor-c' }]), 200);
    expectStatus(
      await api.request('POST', `${base}/prov-jawa-barat/recusal`, {
        token: assessorToken['asesor-b'],
        body: { reason: 'Pernah menjadi konsultan instansi ini.' },
      }),
      200,
    );

    // Act
    const removedAgain = await remove('prov-jawa-barat', 'asesor-a');
    const recused = await remove('prov-jawa-barat', 'asesor-b');
    const raced = await Promise.all([
      remove('prov-jawa-barat', 'asesor-c'),
      remove('prov-jawa-barat', 'asesor-c', {}, await api.token('admin', { subject: 'admin-lain' })),
    ]);

    // Assess
    expect(expectProblem(removedAgain, 409).detail).toContain(
      'asesor-a was removed from the panel of "prov-jawa-barat" at',
    );
    expect(expectProblem(recused, 409).detail).toContain('asesor-b recused from "prov-jawa-barat" at');
    expect(raced.map((response) => response.status).sort()).toEqual([200, 409]);
    expect(await panelOf('prov-jawa-barat')).toEqual([
      ['asesor-a', 'removed'],
      ['asesor-b', 'recused'],
      ['asesor-c', 'removed'],
    ]);
  });

  it('6. a removed assessor may be assigned again and scores again; a recused one stays refused', async () => {
    // Act
    const back = await assign([{ agencyId: 'prov-jawa-barat', assessor: 'asesor-a' }]);
    const recused = await assign([{ agencyId: 'prov-jawa-barat', assessor: 'asesor-b' }]);

    // Assess
    expect(expectStatus(back, 200)).toEqual({ received: 1, assigned: 1, unchanged: 0 });
    expect(expectFieldProblem(recused, 409, '/body/assignments/0').errors?.[0]?.detail).toContain(
      'asesor-b recused themselves from prov-jawa-barat',
    );
    expect(await panelOf('prov-jawa-barat')).toEqual([
      ['asesor-a', 'active'],
      ['asesor-b', 'recused'],
      ['asesor-c', 'removed'],
    ]);
    expectStatus(
      await api.request('PUT', `${base}/prov-jawa-barat/assessments/dokumen/indicators/2`, {
        token: assessorToken['asesor-a'],
        body: { level: 3 },
        headers: { 'if-match': '"0"' },
      }),
      200,
    );
  });

  it('7. an affiliation in conflict with a seat names both ways to end it; refused for a reason too short, or another role', async () => {
    // Act
    const conflict = await api.request('PUT', '/v1/assessors/asesor-a', {
      token: admin,
      body: { name: 'Asesor asesor-a', affiliations: ['prov-jawa-barat'] },
      headers: { 'if-match': '"1"' },
    });
    const short = await api.request('POST', removal('prov-jawa-barat', 'asesor-a'), {
      token: admin,
      body: { reason: 'Keliru' },
    });
    const byAssessor = await api.request('POST', removal('prov-jawa-barat', 'asesor-a'), {
      token: await api.token('assessor', { subject: 'asesor-a', scopes: ['spbe/admin'] }),
      body: { reason },
    });

    // Assess
    expect(expectFieldProblem(conflict, 409, '/body/affiliations/0').errors?.[0]?.detail).toContain(
      `The assignment must end first: the review team removes asesor-a from the panel (POST /v1/cycles/${year}/agencies/prov-jawa-barat/assessors/asesor-a/removal), or asesor-a recuses (POST /v1/cycles/${year}/agencies/prov-jawa-barat/recusal) if another member of the panel is active (a panel’s only active member cannot recuse).`,
    );
    expectFieldProblem(short, 400, '/body/reason');
    expectProblem(byAssessor, 403);
    expect(await panelOf('prov-jawa-barat')).toContainEqual(['asesor-a', 'active']);
  });
});
