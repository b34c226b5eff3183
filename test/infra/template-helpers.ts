import type { Template } from 'aws-cdk-lib/assertions';

/** A CloudFormation resource as the template holds it; properties are typed per use below. */
export interface CfnResourceJson<P> {
  readonly Type: string;
  readonly Properties: P;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Every resource of `type`, as `[logicalId, resource]` pairs. */
export const resourcesOfType = <P>(template: Template, type: string): [string, CfnResourceJson<P>][] =>
  Object.entries(template.findResources(type) as Record<string, CfnResourceJson<P>>);

export interface PolicyStatementJson {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
}

export interface PolicyJson {
  readonly PolicyDocument: { readonly Statement: readonly PolicyStatementJson[] };
  readonly Roles: readonly unknown[];
}

export interface LambdaFunctionJson {
  readonly Runtime: string;
  readonly Architectures: readonly string[];
  readonly MemorySize: number;
  readonly Timeout: number;
  readonly Role: unknown;
  readonly TracingConfig?: { readonly Mode: string };
  readonly LoggingConfig?: { readonly LogGroup: unknown };
  readonly Environment?: { readonly Variables?: Readonly<Record<string, unknown>> };
}

export const asArray = <T>(value: T | readonly T[]): readonly T[] =>
  Array.isArray(value) ? (value as readonly T[]) : [value as T];

/** Logical ids a CloudFormation value refers to through `Ref` or `Fn::GetAtt`, however deeply nested. */
export const referencedLogicalIds = (value: unknown): Set<string> => {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const ref = record.Ref;
    if (typeof ref === 'string') found.add(ref);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.add(getAtt[0]);
    for (const child of Object.values(record)) visit(child);
  };
  visit(value);
  return found;
};

/** The statements of the policies attached to the role with `roleLogicalId`. */
export const statementsOfRole = (template: Template, roleLogicalId: string): PolicyStatementJson[] =>
  resourcesOfType<PolicyJson>(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => referencedLogicalIds(policy.Properties.Roles).has(roleLogicalId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
