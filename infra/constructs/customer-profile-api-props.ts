import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';

export interface CustomerProfileApiProps {
  /** The CRM table the profile is read from. */
  readonly table: ITable;
  /** The HTTP API that gets the `GET /v1/customers` and `GET /v1/customers/{id}` routes. */
  readonly httpApi: HttpApi;
  /**
   * Execution environments kept initialised for the look-ups (a `live` alias with provisioned concurrency), so a
   * caller is identified without a cold start. 0 invokes the function's latest version on demand.
   * @default 0
   */
  readonly provisionedConcurrency?: number;
  /**
   * Memory in MB (CPU, and so JSON work per look-up, scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Action for the function's alarms.
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
}
