// AWS SnapshotWriter: the compaction SELECT as an Athena CTAS whose external_location is the snapshot's partition
// folder, so Athena writes the Parquet files where `<table>_snapshots` (partition projection) finds them. The CTAS
// table is only a vehicle: it is dropped afterwards (an external table: its files stay).
import type { QueryEngine } from '#lib/query/engine.ts';
import { SNAPSHOT_COMPRESSION, snapshotPartitionPrefix } from '#lib/lake/snapshot-layout.ts';
import { quoteIdent, quoteString, type LakeTable } from '#lib/query/lake-views.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';

export interface AthenaSnapshotWriterProps {
  engine: QueryEngine;
  /** The lake bucket as an object store (to clear a partition before it is written again). */
  lake: ObjectStore;
  bucketName: string;
  lakePrefix: string;
}

/** Name of the transient CTAS table of one snapshot. */
export const ctasTableName = (table: string, day: string) => `compaction_${table}_${day.replaceAll('-', '')}`;

export class AthenaSnapshotWriter {
  constructor(private readonly props: AthenaSnapshotWriterProps) {}

  async writeSnapshot(table: LakeTable, day: string, select: string): Promise<number> {
    const { engine, lake, bucketName, lakePrefix } = this.props;
    const prefix = snapshotPartitionPrefix(lakePrefix, table.table, day);
    const vehicle = ctasTableName(table.table, day);
    // A rerun (or a retry after a failure half way) starts from an empty partition: CTAS refuses a non-empty location.
    await engine.query(`DROP TABLE IF EXISTS \`${vehicle}\``);
    if (!lake.delete) throw new Error('the lake object store cannot delete objects');
    for await (const key of lake.list(prefix)) await lake.delete(key);
    await engine.query(
      `CREATE TABLE ${quoteIdent(vehicle)} WITH (format = 'PARQUET', write_compression = ${quoteString(SNAPSHOT_COMPRESSION)}, external_location = ${quoteString(`s3://${bucketName}/${prefix}`)}) AS\n${select}`,
    );
    const { rows } = await engine.query(`SELECT count(*) AS row_count FROM ${quoteIdent(vehicle)}`);
    await engine.query(`DROP TABLE IF EXISTS \`${vehicle}\``);
    return Number(rows[0]?.row_count ?? 0);
  }
}
