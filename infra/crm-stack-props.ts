import type { StackProps } from 'aws-cdk-lib';
import type { AutomationConfig } from '#schemas/rules.ts';
import type { ReportSchedulesConfig } from './constructs/scheduled-reports-props.ts';

export interface CrmStackProps extends StackProps {
  /**
   * Deployment stage (`dev`, `prod`, ...): names the Glue database and the Athena workgroup.
   * @default 'dev'
   */
  readonly stage?: string;
  /**
   * E-mail addresses notified by every alarm.
   * @default - none
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Name of the domain-event bus.
   * @default `crm-<stage>`: BUS_NAME ('crm') with the stage, so stages deploy side by side in one account and region
   */
  readonly eventBusName?: string;
  /**
   * The resolved automation rules (lib/rules/config.ts `loadAutomationConfig`), deployed as EventBridge rules and schedules.
   * @default - the built-in rule set as shipped
   */
  readonly automation?: AutomationConfig;
  /**
   * SES sender of automation e-mails; the rules function may send from this address (or its domain) only.
   * @default - no e-mail notifications
   */
  readonly emailFrom?: string;
  /**
   * When each report of the catalog runs (cron and IANA time zone, a default and per-report overrides).
   * @default - every report daily at 06:00 UTC
   */
  readonly reportSchedules?: ReportSchedulesConfig;
  /**
   * Provisioned concurrency of the customer look-up function (`GET /v1/customers...`); 0 runs it on demand.
   * From the app: `-c profileProvisionedConcurrency=2`.
   * @default 0
   */
  readonly profileProvisionedConcurrency?: number;
}
