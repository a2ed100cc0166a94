// Builds the CRM app the way `cdk synth` does (cdk.json context, nag plugin, guard aspect) for the infra tests.
import { readFileSync } from 'node:fs';
import { App, type CfnElement, Names, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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

/** A stack and the nested stacks inside it (the reports, one per report, and the lake-view queries). */
export function stackAndNested(stack: Stack): Stack[] {
  return [stack, ...stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c))];
}

const templates = new WeakMap<Stack, Template>();
const templateOf = (stack: Stack) => templates.get(stack) ?? templates.set(stack, Template.fromStack(stack)).get(stack)!;

/** Resources of a stack and of every nested stack inside it (logical ids repeat across nested stacks, hence a list). */
export function resourcesWithNested<R = { Type: string; Properties: Record<string, any> }>(stack: Stack): R[] {
  return stackAndNested(stack).flatMap((s) => Object.values(templateOf(s).toJSON().Resources as Record<string, R>));
}

/** A construct's CloudFormation resource, from the template of the (possibly nested) stack it is in. */
export function resourceOf<R = { Type: string; Properties: Record<string, any> }>(construct: IConstruct): R | undefined {
  return (templateOf(Stack.of(construct)).toJSON().Resources as Record<string, R>)[logicalId(construct)];
}

/** How a nested stack refers to a parent resource's ARN: the parameter CDK passes it in. */
export function parentArnParameter(construct: IConstruct): { Ref: string } {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return { Ref: `referenceto${Names.nodeUniqueId(element.node)}Arn` };
}
