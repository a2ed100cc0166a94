// An S3 bucket with the house security defaults: KMS CMK with bucket keys, SSL-only, no public access, versioning,
// server access logs and lifecycle hygiene. The lake and import buckets specialise it.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket.ts';
import type { SecureBucketProps } from './secure-bucket-props.ts';

export class SecureBucket extends Construct {
  readonly bucket: Bucket;
  readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey ?? new Key(this, 'Key', { enableKeyRotation: true, description: `Encrypts ${this.node.path}` });
    const accessLogsBucket = props.accessLogsBucket ?? new AccessLogBucket(this, 'AccessLogs').bucket;

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      // One data key per bucket instead of per object: far fewer KMS calls and lower cost.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsPrefix ?? `${id}/`,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30) },
        ...(props.lifecycleRules ?? []),
      ],
    });

    if (props.eventBridgeEnabled ?? false) {
      // Set on the L1 rather than `eventBridgeEnabled`, which deploys a notifications custom-resource Lambda for the same result.
      (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
  }
}
