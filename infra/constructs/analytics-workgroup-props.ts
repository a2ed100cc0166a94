import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

export interface AnalyticsWorkgroupProps {
  /**
   * Athena workgroup name.
   */
  readonly name: string;
  /**
   * Bucket receiving query results.
   */
  readonly resultsBucket: IBucket;
  /**
   * Key prefix of the results inside the bucket.
   * @default 'athena-results/'
   */
  readonly resultsPrefix?: string;
  /**
   * KMS key encrypting the results (SSE_KMS).
   */
  readonly resultsKey: IKey;
  /**
   * Queries scanning more than this many bytes are cancelled (cost guard).
   * @default 10 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;
}
