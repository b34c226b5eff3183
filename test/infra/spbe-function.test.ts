import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { SpbeFunction, type SpbeFunctionProps } from '../../infra/constructs/spbe-function.ts';
import { createTable } from '../../infra/constructs/tables.ts';
import { projectRoot } from '../../infra/paths.ts';
import { idempotencyTable, programmeTable } from '../../shared/dynamodb/table-definitions.ts';

const validProps: SpbeFunctionProps = {
  entry: join(projectRoot, 'test/infra/fixtures/minimal-handler.ts'),
  projectRoot,
  serviceName: 'spbe-test',
};

const build = (overrides: Partial<SpbeFunctionProps>): SpbeFunction =>
  new SpbeFunction(new Stack(new App(), 'Test'), 'Fn', { ...validProps, ...overrides });

describe('SpbeFunction prop validation', () => {
  it.each([
    [
      { entry: 'functions/public/handler.ts' },
      /entry must be an absolute path .*"functions\/public\/handler\.ts".*Resolve it/,
    ],
    [
      { entry: join(projectRoot, 'functions/nope/handler.ts') },
      /entry file ".*functions\/nope\/handler\.ts" does not exist\. Create it/,
    ],
    [{ serviceName: 'Spbe Public' }, /serviceName must be .*got "Spbe Public"\. Use e\.g\. "spbe-public"/],
    [
      { memorySize: 100 },
      /memorySize must be a whole number of MB from 128 to 10240, got 100\. Leave it unset for 1024/,
    ],
    [{ memorySize: 1536.5 }, /got 1536\.5/],
    [{ timeout: Duration.minutes(20) }, /timeout must be between 1 second and 15 minutes, got 1200 s/],
    [{ environment: { PROGRAMME_TABLE_NAME: 'x' } }, /"PROGRAMME_TABLE_NAME" names a table; call useTable\(/],
    [
      { environment: { POWERTOOLS_SERVICE_NAME: 'x' } },
      /"POWERTOOLS_SERVICE_NAME" is set by SpbeFunction itself/,
    ],
    [{ environment: { AWS_REGION: 'x' } }, /"AWS_REGION" is reserved by Lambda/],
    [
      { bundledFiles: [{ source: 'node_modules/x/y.css', target: 'x/y.css' }] },
      /bundled file "node_modules\/x\/y\.css" must be the absolute path of an existing file/,
    ],
    [
      { bundledFiles: [{ source: join(projectRoot, 'package.json'), target: '../package.json' }] },
      /bundled file target "\.\.\/package\.json" must be a path inside the bundle's folder/,
    ],
    [
      { bundledFiles: [{ source: join(projectRoot, 'package.json'), target: 'index.mjs' }] },
      /target "index\.mjs" must be a path inside the bundle's folder, .*not the bundle itself/,
    ],
  ] as const)('rejects %o with a message quoting the value and the fix', (overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });

  it('rejects an entry outside the project root, naming both paths', () => {
    const outside = mkdtempSync(join(tmpdir(), 'spbe-entry-'));
    const entry = join(outside, 'handler.ts');
    writeFileSync(entry, 'export const handler = async () => undefined;\n');
    try {
      expect(() => build({ entry })).toThrow(`entry "${entry}" is outside projectRoot "${projectRoot}"`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('builds with valid props: nodejs22.x, arm64, its own log group and role, no managed policies', () => {
    const fn = build({});
    const template = Template.fromStack(Stack.of(fn));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 29,
      TracingConfig: { Mode: 'Active' },
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('SpbeFunction.useTable', () => {
  it('grants and sets the table variable in one call, and refuses a second call for the same table', () => {
    const stack = new Stack(new App(), 'Test');
    const table: TableV2 = createTable(stack, programmeTable);
    const fn = new SpbeFunction(stack, 'Fn', validProps);

    fn.useTable(table, programmeTable, 'read');

    expect(fn.tableAccess.get(programmeTable.constructId)).toBe('read');
    expect(fn.tableAccess.get(idempotencyTable.constructId)).toBeUndefined();
    expect(() => fn.useTable(table, programmeTable, 'readWrite')).toThrow(
      /useTable\(\) was already called for "ProgrammeTable" \(access "read"\)/,
    );
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          PROGRAMME_TABLE_NAME: { Ref: stack.getLogicalId(table.node.defaultChild as CfnElement) },
        },
      },
    });
  });
});
