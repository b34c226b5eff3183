import type { CycleCreate } from '#shared/api/cycles/schemas.ts';
import type { Actor } from '#shared/domain/actor.ts';
import type { IdSource } from '#shared/domain/events.ts';
import { getFramework } from '#shared/domain/framework/registry.ts';
import type { Level } from '#shared/domain/framework/types.ts';
import { createMemoryPorts, type MemoryPorts } from '#shared/memory/ports.ts';
import { createCycleService } from '#shared/services/cycles/cycles.ts';
import { createAgencyService } from '#shared/services/registry/agencies.ts';

/** What service unit tests share: in-memory ports, actors at a fixed time, predictable ids. */

export const now = new Date('2026-03-10T00:00:00Z');
const day = 86_400_000;
export const at = (days: number) => new Date(now.getTime() + days * day).toISOString();

let requestSequence = 0;
export const actor = (overrides: Partial<Actor> = {}): Actor => ({
  subject: 'admin-1',
  role: 'admin',
  requestId: `req-${++requestSequence}`,
  route: 'test',
  now,
  ...overrides,
});

export const operatorOf = (agencyId: string, overrides: Partial<Actor> = {}): Actor =>
  actor({ subject: `operator-${agencyId}`, role: 'agency', agencyId, ...overrides });

export const sequentialIds = (): IdSource => {
  let next = 0;
  return { next: (prefix) => `${prefix}_${String(++next).padStart(4, '0')}` };
};

/** A Pemantauan cycle of 2026 whose self-assessment window is open at `now`. */
export const openCycle = (overrides: Partial<CycleCreate> = {}): CycleCreate => ({
  assessorLoadCap: 25,
  year: 2026,
  frameworkId: 'spbe-2020',
  type: 'pemantauan',
  windows: {
    selfAssessment: { opensAt: at(-9), closesAt: at(22) },
    documentAssessment: { opensAt: at(23), closesAt: at(50) },
    appeals: { opensAt: at(51), closesAt: at(60) },
    publication: { at: at(80) },
  },
  predicateBasis: 'exact',
  ...overrides,
});

/** Memory ports holding Jawa Timur and Jawa Barat (provinces) and the open 2026 cycle. */
export const preparedPorts = async (): Promise<MemoryPorts> => {
  const ports = createMemoryPorts();
  const agencies = createAgencyService(ports);
  for (const [id, name] of [
    ['prov-jawa-timur', 'Pemerintah Provinsi Jawa Timur'],
    ['prov-jawa-barat', 'Pemerintah Provinsi Jawa Barat'],
  ] as const) {
    await agencies.putAgency(actor(), id, { name, group: 'provinsi', active: true }, undefined);
  }
  await createCycleService(ports).createCycle(actor(), openCycle());
  return ports;
};

/** The first `count` indicators answered at one level, as a save sends them. */
export const answers = (count: number, level: Level = 3) =>
  getFramework('spbe-2020')
    .indicators.slice(0, count)
    .map((indicator) => ({
      indicatorNo: indicator.no,
      level,
      explanation: `Penjelasan ${indicator.no}`,
      evidence: [],
      pointer: `/body/answers/${indicator.no - 1}/indicatorNo`,
    }));
