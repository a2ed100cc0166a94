import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

export interface LakeCompactionProps {
  /** Bucket holding the lake (change log, snapshots, manifest) and the Athena results. */
  readonly lakeBucket: IBucket;
  /**
   * Key prefix of the lake inside the bucket.
   * @default 'lake/'
   */
  readonly lakePrefix?: string;
  /** Glue database of the lake tables. */
  readonly databaseName: string;
  /** Athena workgroup the CTAS queries run in. */
  readonly workGroupName: string;
  /** Prefix of the named resources (schedule), e.g. `crm-prod`. */
  readonly namePrefix: string;
  /**
   * When the compaction runs: a Scheduler cron expression in UTC, after the last day's stream batches are in.
   * @default 'cron(30 1 * * ? *)'
   */
  readonly cron?: string;
  /**
   * Key of the dead-letter queue.
   * @default - the queue's own KMS key
   */
  readonly messagingKey?: IKey;
  /**
   * Where alarms go.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
