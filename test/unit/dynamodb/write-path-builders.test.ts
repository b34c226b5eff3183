import { describe, expect, it } from 'vitest';
import { getFramework } from '#shared/domain/framework/registry.ts';
import { buildResultVersion } from '#shared/domain/results.ts';
import { cycleWrites } from '#shared/dynamodb/cycle-store.ts';
import { everyStateWrite, stateActions } from '#shared/dynamodb/state-actions.ts';
import { stateActionsWith } from '#shared/dynamodb/write-path.ts';

/**
 * Each function's write path takes only its own stores' builders (so its bundle carries no other
 * store): a kind it was not given is refused by name, one it was given is built as the full table
 * builds it.
 */
describe('the write path’s builders of state changes', () => {
  it('refuses a change whose builder the write path was not given, naming its kind', () => {
    // Prepare
    const change = { kind: 'agency.active', agencyId: 'prov-jawa-timur' } as const;

    // Act
    const act = () => stateActionsWith(cycleWrites, 'spbe-programme', change);

    // Assess
    expect(act).toThrow(/no actions for "agency\.active" changes/);
  });

  it('builds a change it was given exactly as the table of every store builds it', () => {
    // Prepare
    const change = { kind: 'cycle.unchanged', year: 2026, version: 3 } as const;

    // Act
    const own = stateActionsWith(cycleWrites, 'spbe-programme', change);

    // Assess
    expect(own).toEqual(stateActions('spbe-programme', change));
    expect(own).toEqual([
      {
        ConditionCheck: expect.objectContaining({ TableName: 'spbe-programme' }),
      },
    ]);
    expect(everyStateWrite['cycle.unchanged']).toBe(cycleWrites['cycle.unchanged']);
  });

  it('checks that a cycle has published neither a ranking nor awards: both pointers absent', () => {
    // Act
    const actions = stateActionsWith(cycleWrites, 'spbe-programme', {
      kind: 'cycle.unpublished',
      year: 2024,
    });

    // Assess
    expect(actions).toEqual(
      [
        { PK: 'CYCLE#2024#RANKINGS', SK: 'PUBLISHED' },
        { PK: 'CYCLE#2024#AWARDS', SK: 'PUBLISHED' },
      ].map((key) => ({
        ConditionCheck: {
          TableName: 'spbe-programme',
          Key: key,
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      })),
    );
  });
});

/**
 * An imported result and an assessment panel exclude each other (an import refuses an assessed
 * agency; an assignment refuses one with a final result). Each service checks on a read, so two
 * requests at once both passed their checks and both wrote: a panel beside an imported result. Each
 * transaction now checks the other's item too.
 */
describe('an imported result and an assessment panel, written at once', () => {
  const framework = getFramework('spbe-2020');

  it('imports a result only while the agency has no assessment (its head absent)', () => {
    // Act
    const actions = stateActions('spbe-programme', {
      kind: 'result.import',
      year: 2026,
      agencyId: 'kota-depok',
      agencyName: 'Pemerintah Kota Depok',
      group: 'kota',
      result: buildResultVersion(
        framework,
        {
          year: 2026,
          agencyId: 'kota-depok',
          levels: framework.indicators.map(() => 3 as const),
          sources: framework.indicators.map(() => ({ kind: 'import' as const, reference: 'Laporan 2026' })),
          predicateBasis: 'exact',
          finalizedAt: '2026-12-03T12:00:00.000Z',
          finalizedBy: 'demo-admin',
          reason: 'imported: Laporan 2026',
        },
        undefined,
      ),
    });

    // Assess
    expect(actions).toContainEqual({
      ConditionCheck: {
        TableName: 'spbe-programme',
        Key: { PK: 'CYCLE#2026#AGENCY#kota-depok', SK: 'ASSESSMENT' },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
  });

  it('assigns a panel only while the agency has no final result', () => {
    // Act
    const actions = stateActions('spbe-programme', {
      kind: 'panel.assign',
      year: 2026,
      agencyId: 'kota-depok',
      loadCap: 30,
      assignments: [],
    });

    // Assess
    expect(actions).toContainEqual({
      ConditionCheck: {
        TableName: 'spbe-programme',
        Key: { PK: 'CYCLE#2026#AGENCY#kota-depok', SK: 'RESULT#CURRENT' },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
  });
});
