import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';

export interface DeadLetterQueueProps {
  /**
   * What ends up in the queue, used in the alarm description.
   * @default 'failed messages'
   */
  readonly purpose?: string;
  /**
   * KMS key encrypting the messages. Services that write to the queue themselves (EventBridge) need key-policy access.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: IKey;
  /**
   * How long dead letters are kept for inspection and redrive.
   * @default Duration.days(14), the SQS maximum
   */
  readonly retentionPeriod?: Duration;
  /**
   * Action taken when a message arrives in the queue.
   * @default - alarm without actions
   */
  readonly alarmAction?: IAlarmAction;
}
