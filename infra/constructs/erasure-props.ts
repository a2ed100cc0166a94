import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';

export interface ErasureProps {
  /** The CRM table holding the personal data. */
  readonly table: ITable;
  /** The lake bucket whose Parquet files lose the erased person's hashes. */
  readonly lakeBucket: IBucket;
  /** Key prefix of the lake in the bucket, e.g. `lake/`. */
  readonly lakePrefix: string;
  /** The bus: `CustomerErasureRequested` in, `CustomerErased` out. */
  readonly eventBus: IEventBus;
  /** The HTTP API that gets the `DELETE /v1/customers/{id}` route. */
  readonly httpApi: HttpApi;
  /**
   * Action for the function's alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
  /**
   * Key encrypting the delivery dead-letter queue (EventBridge needs key-policy access to it).
   * @default - a new customer-managed key
   */
  readonly messagingKey?: IKey;
}
