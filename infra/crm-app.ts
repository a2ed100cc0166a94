// Builds the CRM app from context: the stack for one stage, cdk-nag's AwsSolutions pack and the house-function guard.
import { type App, AspectPriority, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HouseFunctionGuard } from './aspects/house-function-guard.ts';
import { CrmStack } from './crm-stack.ts';
import { loadAutomationConfig } from '#lib/rules/config.ts';
import { readFileSync } from 'node:fs';
import type { ReportSchedulesConfig } from './constructs/scheduled-reports-props.ts';
import { validateReportSchedules } from './constructs/scheduled-reports.ts';

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

/**
 * Report schedules from context: `-c reportSchedules='{"default":{"timezone":"Europe/Berlin"},"reports":{"rfm":{"cron":"cron(0 5 ? * MON *)"}}}'`
 * (a JSON object, or the path of a JSON file), and `-c reportTimezone=Europe/Berlin` as a shortcut for the default zone.
 */
export function reportSchedulesOf(app: App): ReportSchedulesConfig | undefined {
  const raw = app.node.tryGetContext('reportSchedules') as unknown;
  const timezone = app.node.tryGetContext('reportTimezone') as string | undefined;
  let config: ReportSchedulesConfig = {};
  if (typeof raw === 'string') {
    const text = raw.trim().startsWith('{') ? raw : readFileSync(raw, 'utf8');
    try {
      config = JSON.parse(text) as ReportSchedulesConfig;
    } catch (err) {
      throw new Error(`reportSchedules: not valid JSON (${(err as Error).message})`);
    }
  } else if (raw && typeof raw === 'object') config = raw as ReportSchedulesConfig;
  if (timezone) config = { ...config, default: { ...config.default, timezone } };
  validateReportSchedules(config);
  return raw === undefined && !timezone ? undefined : config;
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
  const profileConcurrency = ctx('profileProvisionedConcurrency');
  // The same file and validation as every local command: an invalid rule fails synthesis with rule, field and reason.
  const automation = loadAutomationConfig(ctx('automationConfig'));
  const reportSchedules = reportSchedulesOf(app);

  return new CrmStack(app, `Crm-${stage}`, {
    stage,
    description: `CRM analytics and automation pipeline (${stage})`,
    env: { ...(account ? { account } : {}), region: ctx('region') ?? DEFAULT_REGION },
    tags: { project: 'crm', stage },
    // Production holds the source of truth: deleting its stack takes a deliberate extra step.
    terminationProtection: stage === 'prod',
    // Every report adds Glue tables, named queries (with its SQL) and a state machine: unindented JSON keeps the template well under 1 MB.
    suppressTemplateIndentation: true,
    ...(alarmEmail ? { alarmEmails: [alarmEmail] } : {}),
    automation,
    ...(emailFrom ? { emailFrom } : {}),
    ...(reportSchedules ? { reportSchedules } : {}),
    ...(profileConcurrency !== undefined ? { profileProvisionedConcurrency: Number(profileConcurrency) } : {}),
  });
}
