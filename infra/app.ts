import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { stackPropsFromContext } from './context.ts';
import { SpbeAwardApiStack } from './stack.ts';

const app = new App();
const props = stackPropsFromContext(
  (key) => app.node.tryGetContext(key),
  Object.keys(app.node.getAllContext()),
);
// The id `SpbeAwardApi` is the contract `cdk deploy SpbeAwardApi` and the logical ids depend on.
new SpbeAwardApiStack(app, 'SpbeAwardApi', props);
Tags.of(app).add('project', 'spbe-award-api');
Tags.of(app).add('stage', props.stage);
// Every synth is a compliance check: an unacknowledged AWS Solutions or Serverless finding stops it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
