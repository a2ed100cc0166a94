import type { Duration } from 'aws-cdk-lib';
import type { SecureBucketProps } from './secure-bucket-props.ts';

export interface ImportBucketProps extends Omit<SecureBucketProps, 'lifecycleRules' | 'eventBridgeEnabled'> {
  /**
   * How long import files (and the error files written beside them) are kept after upload. The records themselves
   * live on in DynamoDB; the files are kept only for audit and replay.
   * @default Duration.days(30)
   */
  readonly importRetention?: Duration;
}
