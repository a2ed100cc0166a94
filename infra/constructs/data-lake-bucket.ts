// The analytics lake: Parquet files under `lake/<table>/dt=<date>/`, Athena results under `athena-results/`.
import { Duration } from 'aws-cdk-lib';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DataLakeBucketProps } from './data-lake-bucket-props.ts';
import { SecureBucket } from './secure-bucket.ts';

/** Key prefix of the lake tables. */
export const LAKE_PREFIX = 'lake/';
/** Key prefix of Athena query results. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

export class DataLakeBucket extends SecureBucket {
  constructor(scope: Construct, id: string, props: DataLakeBucketProps = {}) {
    super(scope, id, {
      ...props,
      lifecycleRules: [
        {
          id: 'lake-intelligent-tiering',
          prefix: LAKE_PREFIX,
          transitions: [{ storageClass: StorageClass.INTELLIGENT_TIERING, transitionAfter: props.intelligentTieringAfter ?? Duration.days(30) }],
        },
        // Results are reproducible from the lake: keep them only as a short-lived cache.
        { id: 'expire-athena-results', prefix: ATHENA_RESULTS_PREFIX, expiration: props.athenaResultsRetention ?? Duration.days(30) },
      ],
    });
  }
}
