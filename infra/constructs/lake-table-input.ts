// Glue table definitions of the lake, derived from the zod schemas: one Parquet table per entity holding the raw
// change log (`<table>_changes`, replay duplicates included), partitioned by `dt` with partition projection so no
// crawler or MSCK is ever needed. The `<table>_history` and `<table>` views over it are in lake-view-input.ts.
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { glueColumns, glueType } from '#schemas/columns.ts';
import type { AnyEntity } from '#schemas/registry.ts';
import { manifestPrefix, snapshotsPrefix } from '#lib/lake/snapshot-layout.ts';
import { changesTableName, PARTITION_COLUMN, SNAPSHOT_MANIFEST_TABLE, SNAPSHOT_PARTITION, snapshotManifestColumns, snapshotsTableName } from '#lib/query/lake-views.ts';

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

/**
 * Glue table of an entity's compacted snapshots, `<table>_snapshots`: the lake columns plus `dt`, one partition per
 * snapshot day (`snapshot_dt`, projected) under `<prefix>snapshots/<table>/`. Written by the compaction (CTAS per
 * partition), read by the views through the newest row of `lake_snapshots`.
 */
export function snapshotTableInput(entity: AnyEntity, bucketName: string, prefix: string): CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/${snapshotsPrefix(prefix, entity.table)}`;
  return {
    name: snapshotsTableName(entity.table),
    description: `Daily compacted state of every ${entity.label} record (pseudonymous): per id the latest version dated by the snapshot day, tombstones included; commit records in ${SNAPSHOT_MANIFEST_TABLE}.`,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      [`projection.${SNAPSHOT_PARTITION}.type`]: 'date',
      [`projection.${SNAPSHOT_PARTITION}.format`]: 'yyyy-MM-dd',
      [`projection.${SNAPSHOT_PARTITION}.range`]: `${PROJECTION_START},NOW`,
      [`projection.${SNAPSHOT_PARTITION}.interval`]: '1',
      [`projection.${SNAPSHOT_PARTITION}.interval.unit`]: 'DAYS',
      'storage.location.template': `${location}${SNAPSHOT_PARTITION}=\${${SNAPSHOT_PARTITION}}/`,
    },
    partitionKeys: [{ name: SNAPSHOT_PARTITION, type: 'string', comment: 'the snapshot day (yyyy-MM-dd): every change with dt up to it' }],
    storageDescriptor: {
      location,
      inputFormat: PARQUET_FORMAT.inputFormat,
      outputFormat: PARQUET_FORMAT.outputFormat,
      serdeInfo: { serializationLibrary: PARQUET_FORMAT.serializationLibrary, parameters: { 'serialization.format': '1' } },
      columns: [...glueColumns(entity), { name: PARTITION_COLUMN, type: 'string', comment: 'UTC day the change reached the stream (yyyy-MM-dd)' }],
      compressed: true,
    },
  };
}

/** Glue table `lake_snapshots`: one row per committed snapshot (a small Parquet file each). */
export function snapshotManifestTableInput(bucketName: string, prefix: string): CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/${manifestPrefix(prefix)}`;
  return {
    name: SNAPSHOT_MANIFEST_TABLE,
    description: 'Committed lake snapshots: a reader uses the newest snapshot of its table and the change log from changes_from on.',
    tableType: 'EXTERNAL_TABLE',
    parameters: { EXTERNAL: 'TRUE', classification: 'parquet' },
    partitionKeys: [],
    storageDescriptor: {
      location,
      inputFormat: PARQUET_FORMAT.inputFormat,
      outputFormat: PARQUET_FORMAT.outputFormat,
      serdeInfo: { serializationLibrary: PARQUET_FORMAT.serializationLibrary, parameters: { 'serialization.format': '1' } },
      columns: snapshotManifestColumns.map((c) => ({ name: c.column, type: glueType[c.kind], comment: c.description })),
      compressed: true,
    },
  };
}
