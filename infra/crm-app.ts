// Builds the CRM app from context: the stack for one stage, cdk-nag's AwsSolutions pack and the house-function guard.
import { type App, AspectPriority, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HouseFunctionGuard } from './aspects/house-function-guard.ts';
import { CrmStack } from './crm-stack.ts';
import { loadAutomationConfig } from '#lib/rules/config.ts';

/**
 * The stack's region unless `-c region=...` names another. The CDK CLI always sets CDK_DEFAULT_REGION (the
 * profile's region, else us-east-1), so it is deliberately not consulted: the region never depends on the
 * machine that synthesises. Synth never looks anything up.
 */
export const DEFAULT_REGION = 'eu-central-1';

export function stageOf(app: App): string {
  return assertStage(String(app.node.tryGetContext('stage') ?? 'dev'));
}

function assertStage(stage: string): string {
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new Error(`stage "${stage}" must be lowercase letters, digits and dashes, starting with a letter`);
  return stage;
}

export function buildCrmApp(app: App): CrmStack {
  const stack = addCrmStack(app, stageOf(app));
  Aspects.of(app).add(new HouseFunctionGuard(), { priority: AspectPriority.READONLY });
  // cdk-nag 3 is a policy-validation plugin: any unacknowledged finding fails synthesis with a report.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}

/** The stack of one stage, configured from the app's context (every named resource carries the stage). */
export function addCrmStack(app: App, stage: string): CrmStack {
  assertStage(stage);
  const ctx = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;
  const account = ctx('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  const alarmEmail = ctx('alarmEmail');
  const emailFrom = ctx('emailFrom');
  // The same file and validation as every local command: an invalid rule fails synthesis with rule, field and reason.
  const automation = loadAutomationConfig(ctx('automationConfig'));

  return new CrmStack(app, `Crm-${stage}`, {
    stage,
    description: `CRM analytics and automation pipeline (${stage})`,
    env: { ...(account ? { account } : {}), region: ctx('region') ?? DEFAULT_REGION },
    tags: { project: 'crm', stage },
    // Production holds the source of truth: deleting its stack takes a deliberate extra step.
    terminationProtection: stage === 'prod',
    ...(alarmEmail ? { alarmEmails: [alarmEmail] } : {}),
    automation,
    ...(emailFrom ? { emailFrom } : {}),
  });
}
