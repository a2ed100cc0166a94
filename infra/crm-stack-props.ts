import type { StackProps } from 'aws-cdk-lib';

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
   * @default 'crm' (BUS_NAME)
   */
  readonly eventBusName?: string;
}
