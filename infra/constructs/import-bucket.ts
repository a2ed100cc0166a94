// The drop zone for bulk imports: files land under `imports/`, S3 tells EventBridge, the import function picks them up.
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ImportBucketProps } from './import-bucket-props.ts';
import { SecureBucket } from './secure-bucket.ts';

/** Key prefix watched for new import files. */
export const IMPORTS_PREFIX = 'imports/';

export class ImportBucket extends SecureBucket {
  constructor(scope: Construct, id: string, props: ImportBucketProps = {}) {
    super(scope, id, {
      ...props,
      eventBridgeEnabled: true,
      noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(7),
      // Processed imports are transient: the data is in DynamoDB by then.
      lifecycleRules: [{ id: 'expire-processed-imports', expiration: props.importRetention ?? Duration.days(30) }],
    });
  }
}
