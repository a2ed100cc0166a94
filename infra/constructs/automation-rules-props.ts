import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { AutomationConfig } from '#schemas/rules.ts';

export interface AutomationRulesProps {
  /** The resolved automation configuration (lib/rules/config.ts `loadAutomationConfig`): read, never restated here. */
  readonly config: AutomationConfig;
  /** The CRM table the rules read (index items, records) and write (tasks, runs, owner changes) through the versioned path. */
  readonly table: ITable;
  /** The `crm` bus: event rules listen on it, the rules function publishes follow-on events and webhook requests to it. */
  readonly eventBus: IEventBus;
  /** Customer-managed key of the dead-letter queues and the notification topic; its policy lets EventBridge use it. */
  readonly messagingKey: IKey;
  /**
   * The rules function's entry, relative to the project root.
   * @default 'functions/rules/handler.ts'
   */
  readonly entry?: string;
  /**
   * SES sender address of `notify` e-mails; the function may send from this identity (or its domain) only.
   * @default - no SES permission; e-mail notifications are not sent
   */
  readonly emailFrom?: string;
  /**
   * Times EventBridge and Scheduler retry delivering to a target before the event goes to the rule's dead-letter queue.
   * @default 8
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge and Scheduler keep retrying one delivery.
   * @default Duration.hours(2)
   */
  readonly maxEventAge?: Duration;
  /**
   * Action for the dead-letter and error alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
