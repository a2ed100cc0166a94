// The guard aspect: a Lambda function built outside CrmFunction must fail synthesis.
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CfnFunction, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, it, expect } from 'vitest';
import { HouseFunctionGuard } from '../../infra/aspects/house-function-guard.ts';
import { CrmFunction, PROJECT_ROOT } from '../../infra/constructs/crm-function.ts';

/** A stack under the guard; bundling is skipped because only the construct tree matters here. */
function guardedStack(): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Guarded');
  Aspects.of(app).add(new HouseFunctionGuard());
  return stack;
}

const rawError = Match.stringLikeRegexp('is a raw Lambda function: build it with CrmFunction');

describe('HouseFunctionGuard', () => {
  it('rejects a raw lambda.Function', () => {
    const stack = guardedStack();
    new LambdaFunction(stack, 'Raw', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('export const handler = async () => ({});') });
    Annotations.fromStack(stack).hasError('/Guarded/Raw', rawError);
  });

  it('rejects a raw NodejsFunction', () => {
    const stack = guardedStack();
    new NodejsFunction(stack, 'RawNode', { entry: `${PROJECT_ROOT}functions/ingest/api.ts`, projectRoot: PROJECT_ROOT, depsLockFilePath: `${PROJECT_ROOT}package-lock.json` });
    Annotations.fromStack(stack).hasError('/Guarded/RawNode', rawError);
  });

  it('rejects a raw CfnFunction', () => {
    const stack = guardedStack();
    new CfnFunction(stack, 'RawL1', { role: 'arn:aws:iam::123456789012:role/x', code: { zipFile: 'exports.handler = async () => ({});' }, runtime: 'nodejs22.x', handler: 'index.handler' });
    Annotations.fromStack(stack).hasError('/Guarded/RawL1', rawError);
  });

  it('accepts functions built with CrmFunction', () => {
    const stack = guardedStack();
    new CrmFunction(stack, 'House', { entry: 'functions/ingest/api.ts' });
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});
