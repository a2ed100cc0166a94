import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

/** How the table is billed, which bounds how many batches may write at once. */
export type TableCapacity =
  | { readonly mode: 'onDemand'; /** The table's maximum write request units per second, when set. @default 4000 (what a new on-demand table absorbs at once) */ readonly maxWriteUnits?: number }
  | { readonly mode: 'provisioned'; readonly writeCapacityUnits: number };

/** Tuning of the bulk path (files at or above the threshold). */
export interface BulkImportOptions {
  /**
   * Objects of at least this many bytes take the bulk path (Step Functions); smaller ones the direct import function.
   * @default 64 MiB (the direct function writes that well within its 15 minutes)
   */
  readonly thresholdBytes?: number;
  /**
   * The table's capacity mode, from which the Map's concurrency is derived (one batch writes about
   * WRITE_UNITS_PER_BATCH units per second).
   * @default { mode: 'onDemand' }
   */
  readonly tableCapacity?: TableCapacity;
  /**
   * Batches imported at once (the Distributed Map's MaxConcurrency); overrides the value derived from `tableCapacity`.
   * @default - derived from tableCapacity
   */
  readonly maxConcurrency?: number;
  /**
   * A batch ends at the first record boundary after this many bytes.
   * @default 16 MiB
   */
  readonly batchBytes?: number;
  /**
   * ... or after this many records.
   * @default 50000
   */
  readonly batchRecords?: number;
  /**
   * Attempts of one batch before it is recorded as failed and the import goes on.
   * @default 4
   */
  readonly batchAttempts?: number;
  /**
   * Percentage of batches that may fail even to be recorded before the Map stops (the execution then fails and alarms).
   * @default 10
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * Longest time one import may take.
   * @default Duration.hours(24)
   */
  readonly timeout?: Duration;
}

export interface BulkImportProps extends BulkImportOptions {
  /** Bucket the import files are dropped into; the run folders (`bulk-imports/`) live there too. */
  readonly bucket: IBucket;
  /** Key prefix of import files. */
  readonly prefix: string;
  /** The CRM table the records are upserted into. */
  readonly table: ITable;
  /** The domain-event bus receiving ImportCompleted. */
  readonly eventBus: IEventBus;
  /** Name of the state machine (also scopes its Distributed Map's grants on its own executions). */
  readonly stateMachineName: string;
  /**
   * KMS key of the dead-letter queues.
   * @default - a new key per queue
   */
  readonly messagingKey?: IKey;
  /**
   * Action for the alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
