import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import type { ReportColumnsCatalogue } from '#functions/reports/report-columns-catalogue.ts';
import type { ReportDefinition } from '#functions/reports/report-definition.ts';

/** When one report runs. */
export interface ReportScheduleSettings {
  /**
   * EventBridge Scheduler cron expression (`cron(min hour dom month dow year)`), in `timezone`.
   * @default 'cron(0 6 * * ? *)' (06:00 every day)
   */
  readonly cron?: string;
  /**
   * IANA time zone of the cron expression; the run's as-of date is the day before the local day it starts.
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * A disabled schedule is deployed but does not fire (the report can still be started on demand).
   * @default true
   */
  readonly enabled?: boolean;
}

/** Schedules of the reports: a default for all, overridden per report name. */
export interface ReportSchedulesConfig {
  /** @default - the ReportScheduleSettings defaults */
  readonly default?: ReportScheduleSettings;
  /** Per report of the catalog; an unknown name fails synthesis. @default - none */
  readonly reports?: Readonly<Record<string, ReportScheduleSettings>>;
}

export interface ScheduledReportsProps {
  /** Prefix of every named resource, carrying the stage (e.g. `crm-dev`). */
  readonly namePrefix: string;
  /** The reports to schedule. @default - every report of functions/reports/catalog.ts */
  readonly reports?: readonly ReportDefinition[];
  /** Columns of each report output (functions/reports/generated/report-columns.json). @default - that file */
  readonly columns?: ReportColumnsCatalogue;
  readonly schedules?: ReportSchedulesConfig;
  /** The lake bucket: the SQL reads `lake/`, results go to `athena-results/`, outputs to `reports/`. */
  readonly lakeBucket: IBucket;
  /** The lake bucket's KMS key. */
  readonly lakeKey: IKey;
  readonly workGroupName: string;
  readonly databaseName: string;
  /** The catalog resources the report SQL reads (created before the named queries and Glue tables). */
  readonly lakeTables?: readonly CfnTable[];
  readonly eventBus: IEventBus;
  /** Encrypts the dead-letter queues. */
  readonly messagingKey: IKey;
  /** @default - alarms without actions */
  readonly alarmAction?: IAlarmAction;
}
