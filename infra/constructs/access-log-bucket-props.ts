import type { Duration, RemovalPolicy } from 'aws-cdk-lib';

export interface AccessLogBucketProps {
  /**
   * How long server access logs are kept.
   * @default Duration.days(365)
   */
  readonly retention?: Duration;
  /**
   * What happens to the bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN (access logs are audit evidence)
   */
  readonly removalPolicy?: RemovalPolicy;
}
