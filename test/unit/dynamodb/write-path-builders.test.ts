import { describe, expect, it } from 'vitest';
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
