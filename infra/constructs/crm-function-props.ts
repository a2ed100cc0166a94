import type { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type CrmLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface CrmFunctionProps {
  /**
   * The handler's TypeScript entry file, relative to the project root (e.g. `functions/ingest/api.ts`).
   */
  readonly entry: string;
  /**
   * Name of the exported handler function.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * What the function does, shown in the Lambda console.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Powertools service name (POWERTOOLS_SERVICE_NAME): groups logs, metrics and traces.
   * @default 'crm'
   */
  readonly serviceName?: string;
  /**
   * Application log level (LOG_LEVEL for Powertools, and Lambda's own log-level filter).
   * @default 'INFO'
   */
  readonly logLevel?: CrmLogLevel;
  /**
   * How long the function's log group keeps events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Memory in MB (CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Extra environment variables, merged over the Powertools defaults.
   * @default - only the Powertools variables
   */
  readonly environment?: Record<string, string>;
  /**
   * Build-time constants replaced in the bundle (esbuild `define`): data the function needs at run time without
   * reading a file beside the module, e.g. `{ __CRM_AUTOMATION_CONFIG__: JSON.stringify(JSON.stringify(config)) }`.
   * @default - none
   */
  readonly define?: Record<string, string>;
  /**
   * esbuild loaders by file extension, e.g. `{ '.sql': 'text' }`: text assets imported by the code travel inside the bundle.
   * @default - esbuild's defaults
   */
  readonly loader?: Record<string, string>;
  /**
   * Concurrency reserved for (and capped at) this value; protects downstream services and the account pool.
   * @default - unreserved, shares the account's pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Give asynchronous invocations an SQS dead-letter queue (KMS-encrypted, SSL-only, alarmed).
   * Only meaningful for functions invoked asynchronously (EventBridge, S3); leave off for API and stream functions.
   * @default false
   */
  readonly deadLetterQueue?: boolean;
  /**
   * Times Lambda retries a failed asynchronous invocation before it goes to the dead-letter queue.
   * @default 2
   */
  readonly asyncRetryAttempts?: number;
  /**
   * KMS key encrypting the dead-letter queue.
   * @default - a new customer-managed key with rotation
   */
  readonly messagingKey?: IKey;
  /**
   * Action for the function's alarms (errors, dead letters).
   * @default - alarms without actions
   */
  readonly alarmAction?: IAlarmAction;
  /**
   * Number of errors in five minutes that raises the errors alarm.
   * @default 1
   */
  readonly errorsAlarmThreshold?: number;
}
