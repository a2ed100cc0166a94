// Glue table definitions of the lake, derived from the zod schemas: one Parquet table per entity holding every
// version (`<table>_history`), partitioned by `dt` with partition projection so no crawler or MSCK is ever needed.
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { glueColumns } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';

export const PARQUET_FORMAT = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
} as const;

/** First day the `dt` projection enumerates; queries before it find no partitions. */
export const PROJECTION_START = '2020-01-01';

/**
 * Glue name of an entity's lake table. The lake keeps every version, so it is the `_history` table of the query
 * contract; its `<table>` (latest version per id) belongs in a view over this table.
 */
export const lakeTableName = (entity: AnyEntity) => `${entity.table}_history`;

/** S3 folder of an entity's lake files: `s3://<bucket>/<prefix><table>/`. */
export const lakeLocation = (bucketName: string, prefix: string, entity: AnyEntity) => `s3://${bucketName}/${prefix}${entity.table}/`;

export function lakeTableInput(entity: AnyEntity, bucketName: string, prefix: string): CfnTable.TableInputProperty {
  const location = lakeLocation(bucketName, prefix, entity);
  return {
    name: lakeTableName(entity),
    description: `Every version of every ${entity.label} record (pseudonymous), one Parquet file set per change day.`,
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
