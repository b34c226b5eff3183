import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/paths.ts';
import { lambdaNames } from '../../shared/api/route-spec.ts';
import { buildStack } from './synth.ts';

describe('Lambda entry files', () => {
  it('a missing entry stops synthesis with every missing path and what to create', () => {
    const functionsRoot = join(projectRoot, 'test/infra/fixtures/no-functions');

    const act = (): unknown => buildStack({}, { overrides: { functionsRoot } });

    expect(act).toThrow(/missing Lambda entry file\(s\): .*no-functions\/public\/handler\.ts/);
    expect(act).toThrow(join(functionsRoot, 'rankings', 'scheduled.ts'));
    // The stack's own user pool (no external issuer given) needs its pre-token-generation trigger.
    expect(act).toThrow(join(functionsRoot, 'identity', 'pre-token.ts'));
    for (const capability of lambdaNames) {
      expect(act).toThrow(join(functionsRoot, capability, 'handler.ts'));
    }
  });
});
