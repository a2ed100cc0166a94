import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';

export interface CrmEventBusProps {
  /**
   * Name of the custom bus.
   * @default BUS_NAME from schemas/events.ts ('crm'); the stack passes `crm-<stage>` so stages can share an account
   */
  readonly eventBusName?: string;
  /**
   * Customer-managed key encrypting the event archive.
   * @default - a new key with rotation, usable by EventBridge for this bus only
   */
  readonly archiveKey?: IKey;
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
