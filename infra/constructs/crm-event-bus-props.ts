import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';

export interface CrmEventBusProps {
  /**
   * Name of the custom bus.
   * @default BUS_NAME from schemas/events.ts ('crm')
   */
  readonly eventBusName?: string;
  /**
   * How long the archive keeps every event for replay.
   * @default Duration.days(365)
   */
  readonly archiveRetention?: Duration;
  /**
   * Action for the bus alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
