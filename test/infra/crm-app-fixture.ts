// Builds the CRM app the way `cdk synth` does (cdk.json context, nag plugin, guard aspect) for the infra tests.
import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { buildCrmApp } from '../../infra/crm-app.ts';
import type { CrmStack } from '../../infra/crm-stack.ts';

export const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

/** Fixed environment so templates do not depend on the machine's AWS profile. */
export const TEST_ENV = { account: '123456789012', region: 'eu-central-1' };

export function buildTestApp(context: Record<string, unknown> = {}): { app: App; stack: CrmStack } {
  const app = new App({ context: { ...cdkJson.context, ...TEST_ENV, ...context } });
  return { app, stack: buildCrmApp(app) };
}

/** Logical id of a construct's CloudFormation resource, to pick it out of a template. */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}
