import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket, LifecycleRule } from 'aws-cdk-lib/aws-s3';

export interface SecureBucketProps {
  /**
   * Customer-managed KMS key encrypting the objects (with S3 bucket keys).
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: IKey;
  /**
   * Bucket receiving the server access logs.
   * @default - a new dedicated AccessLogBucket
   */
  readonly accessLogsBucket?: IBucket;
  /**
   * Key prefix of this bucket's logs in the access-log bucket.
   * @default '<construct id>/'
   */
  readonly accessLogsPrefix?: string;
  /**
   * How long replaced or deleted object versions are kept (undo window).
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Lifecycle rules added after the default ones (abort incomplete uploads, expire noncurrent versions).
   * @default - none
   */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /**
   * Send object events (Object Created, ...) to the account's default EventBridge bus.
   * @default false
   */
  readonly eventBridgeEnabled?: boolean;
  /**
   * What happens to the bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
