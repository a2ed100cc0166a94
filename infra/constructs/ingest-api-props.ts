import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

export interface IngestApiProps {
  /**
   * Name of the HTTP API (the stack passes `crm-<stage>`).
   * @default - the construct id
   */
  readonly apiName?: string;
  /** The CRM table the ingest function upserts into. */
  readonly table: ITable;
  /** The domain-event bus (passed to the function as EVENT_BUS_NAME). */
  readonly eventBus: IEventBus;
  /**
   * Steady-state requests per second across the API.
   * @default 100
   */
  readonly rateLimit?: number;
  /**
   * Burst of requests above the steady rate.
   * @default 200
   */
  readonly burstLimit?: number;
  /**
   * How long API access logs are kept.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * Action for the function's alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
