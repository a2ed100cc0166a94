import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { AnyEntity } from '#schemas/registry.ts';

export interface LakeCatalogProps {
  /**
   * Glue database name (lowercase letters, digits and underscores).
   */
  readonly databaseName: string;
  /**
   * Bucket holding the lake files.
   */
  readonly bucket: IBucket;
  /**
   * Key prefix of the lake tables inside the bucket.
   * @default 'lake/'
   */
  readonly prefix?: string;
  /**
   * Entities that get a table.
   * @default - every entity of schemas/registry.ts
   */
  readonly entities?: readonly AnyEntity[];
}
