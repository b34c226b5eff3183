import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { stackPropsFromContext } from '../../infra/context.ts';
import { SpbeAwardApiStack, type SpbeAwardApiStackProps } from '../../infra/stack.ts';

export interface Synthesized {
  readonly app: App;
  readonly stack: SpbeAwardApiStack;
  readonly template: Template;
  /** The CloudFormation logical id of a construct's default resource (or of the resource itself). */
  readonly logicalIdOf: (construct: IConstruct) => string;
}

/**
 * Builds the app as `infra/app.ts` does — same context parsing, same stack id — from the given context.
 * Bundling runs esbuild locally; CDK caches each bundle in-process, so further builds are cheap.
 */
export const buildStack = (
  context: Readonly<Record<string, string>> = {},
  options: { readonly overrides?: Partial<SpbeAwardApiStackProps>; readonly outdir?: string } = {},
): { app: App; stack: SpbeAwardApiStack } => {
  const app = new App({ context: { ...context }, outdir: options.outdir });
  const props = stackPropsFromContext((key) => app.node.tryGetContext(key));
  const stack = new SpbeAwardApiStack(app, 'SpbeAwardApi', { ...props, ...options.overrides });
  return { app, stack };
};

export const synthesize = (context: Readonly<Record<string, string>> = {}): Synthesized => {
  const { app, stack } = buildStack(context);
  const template = Template.fromStack(stack);
  const logicalIdOf = (construct: IConstruct): string => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return stack.getLogicalId(element);
  };
  return { app, stack, template, logicalIdOf };
};
