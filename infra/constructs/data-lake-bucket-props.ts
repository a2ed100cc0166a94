import type { Duration } from 'aws-cdk-lib';
import type { SecureBucketProps } from './secure-bucket-props.ts';

export interface DataLakeBucketProps extends Omit<SecureBucketProps, 'lifecycleRules' | 'eventBridgeEnabled'> {
  /**
   * Age after which lake objects move to S3 Intelligent-Tiering (older partitions are read rarely).
   * @default Duration.days(30)
   */
  readonly intelligentTieringAfter?: Duration;
  /**
   * How long Athena query results are kept.
   * @default Duration.days(30)
   */
  readonly athenaResultsRetention?: Duration;
}
