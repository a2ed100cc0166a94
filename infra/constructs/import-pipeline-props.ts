import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { BulkImportOptions } from './bulk-import-props.ts';

export interface ImportPipelineProps {
  /** Bucket the import files are dropped into (must send its events to EventBridge). */
  readonly bucket: IBucket;
  /** The CRM table the records are upserted into. */
  readonly table: ITable;
  /** The domain-event bus receiving ImportCompleted. */
  readonly eventBus: IEventBus;
  /**
   * Key prefix watched for new files.
   * @default 'imports/'
   */
  readonly prefix?: string;
  /**
   * KMS key of the dead-letter queues; EventBridge must be allowed to use it (see MessagingKey).
   * @default - a new key per queue
   */
  readonly messagingKey?: IKey;
  /**
   * Prefix of the bulk-import state machine's name (`<prefix>-bulk-import`).
   * @default 'crm'
   */
  readonly namePrefix?: string;
  /**
   * The bulk path: size threshold, concurrency (or the table's capacity mode it is derived from), batch size, retries.
   * @default - the defaults of BulkImportOptions
   */
  readonly bulk?: BulkImportOptions;
  /**
   * Action for the pipeline's alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
