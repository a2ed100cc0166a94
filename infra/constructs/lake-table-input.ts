// Glue table definitions of the lake, derived from the zod schemas: one Parquet table per entity holding the raw
// change log (`<table>_changes`, replay duplicates included), partitioned by `dt` with partition projection so no
// crawler or MSCK is ever needed. The `<table>_history` and `<table>` views over it are in lake-view-input.ts.
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { glueColumns } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';
import { changesTableName } from '#lib/query/lake-views.ts';

export const PARQUET_FORMAT = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
} as const;

/** First day the `dt` projection enumerates; queries before it find no partitions. */
export const PROJECTION_START = '2020-01-01';

/**
 * Glue name of an entity's lake table: the raw change log `<table>_changes`, every row of every file. A retried
 * stream batch can write a change twice, so analysts query the views `<table>_history` (each change once) and
 * `<table>` (current state) instead; this table is for pruning by `dt` and for auditing the files themselves.
 */
export const lakeTableName = (entity: AnyEntity) => changesTableName(entity.table);

/** S3 folder of an entity's lake files: `s3://<bucket>/<prefix><table>/`. */
export const lakeLocation = (bucketName: string, prefix: string, entity: AnyEntity) => `s3://${bucketName}/${prefix}${entity.table}/`;

export function lakeTableInput(entity: AnyEntity, bucketName: string, prefix: string): CfnTable.TableInputProperty {
  const location = lakeLocation(bucketName, prefix, entity);
  return {
    name: lakeTableName(entity),
    description: `Raw change log of every ${entity.label} record (pseudonymous), one Parquet file set per change day; replayed changes appear twice (use ${entity.table}_history or ${entity.table}).`,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `${PROJECTION_START},NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': `${location}dt=\${dt}/`,
    },
    partitionKeys: [{ name: 'dt', type: 'string', comment: 'UTC day of the change (yyyy-MM-dd)' }],
    storageDescriptor: {
      location,
      inputFormat: PARQUET_FORMAT.inputFormat,
      outputFormat: PARQUET_FORMAT.outputFormat,
      serdeInfo: { serializationLibrary: PARQUET_FORMAT.serializationLibrary, parameters: { 'serialization.format': '1' } },
      columns: glueColumns(entity),
      compressed: true,
    },
  };
}
