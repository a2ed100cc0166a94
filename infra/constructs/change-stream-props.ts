import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

export interface ChangeStreamProps {
  /** The CRM table; its stream must carry new and old images. */
  readonly table: ITable;
  /** Lake bucket the Parquet change files are written to. */
  readonly lakeBucket: IBucket;
  /**
   * Key prefix of the lake tables.
   * @default 'lake/'
   */
  readonly lakePrefix?: string;
  /** The domain-event bus receiving record-change events. */
  readonly eventBus: IEventBus;
  /** The HMAC key pseudonymising personal fields. */
  readonly pseudonymSecret: ISecret;
  /**
   * Records per batch (DynamoDB streams allow up to 10,000).
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before invoking: fewer, larger Parquet files against event latency.
   * @default Duration.seconds(30)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Iterator age (lag behind the table) that raises the alarm.
   * @default Duration.minutes(10)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
  /**
   * KMS key of the failure queue.
   * @default - a new key
   */
  readonly messagingKey?: IKey;
  /**
   * Action for the stream's alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
