// Lake compaction, the same steps in AWS and locally: for each lake table, write the snapshot of one day from
// the previous snapshot and the changes since (lib/lake/compaction-sql.ts), then commit it with its manifest
// row. Only the way a SELECT becomes snapshot files differs (Athena CTAS / DuckDB COPY), behind SnapshotWriter.
import { lakeColumns } from '#schemas/columns.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { changesFrom, compactionSelectSql, snapshotDay } from '#lib/lake/compaction-sql.ts';
import { encodeParquet } from '#lib/lake/parquet.ts';
import { manifestKey } from '#lib/lake/snapshot-layout.ts';
import { snapshotManifestColumns, type LakeTable } from '#lib/query/lake-views.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';

export interface SnapshotWriter {
  /**
   * Writes the rows of `select` (columns: snapshotFileColumns) as the files of the snapshot of `table` for `day`,
   * replacing any earlier files of that snapshot; returns the number of rows written.
   */
  writeSnapshot(table: LakeTable, day: string, select: string): Promise<number>;
}

export interface CompactionDeps {
  writer: SnapshotWriter;
  /** The lake's object store, where the manifest rows are committed. */
  lake: ObjectStore;
  /** Key prefix of the lake inside the store (`lake/` in S3, '' locally). */
  lakePrefix: string;
  /** @default () => new Date() */
  now?: () => Date;
}

export interface TableCompaction {
  table: string;
  snapshotDt: string;
  rows: number;
}

const lakeTable = (entity: AnyEntity): LakeTable => ({ table: entity.table, columns: lakeColumns(entity) });

/** Compacts every lake table (or the named ones) into its snapshot of `day` (YYYY-MM-DD), one table at a time. */
export async function compactLake(deps: CompactionDeps, day: string, tables?: readonly string[]): Promise<TableCompaction[]> {
  const snapshotDt = snapshotDay(day);
  const all = Object.values(entities) as AnyEntity[];
  const unknown = (tables ?? []).filter((t) => !all.some((e) => e.table === t));
  if (unknown.length) throw new Error(`unknown lake table(s): ${unknown.join(', ')} (known: ${all.map((e) => e.table).join(', ')})`);
  const chosen = tables ? all.filter((e) => tables.includes(e.table)) : all;
  const done: TableCompaction[] = [];
  for (const entity of chosen) {
    const table = lakeTable(entity);
    const rows = await deps.writer.writeSnapshot(table, snapshotDt, compactionSelectSql(table, snapshotDt));
    // The commit: readers pick snapshots through these rows only, so a half-written snapshot is never read.
    const record = { table_name: entity.table, snapshot_dt: snapshotDt, changes_from: changesFrom(snapshotDt), row_count: rows, created_at: (deps.now ?? (() => new Date()))() };
    await deps.lake.put(manifestKey(deps.lakePrefix, entity.table, snapshotDt), encodeParquet(snapshotManifestColumns, [record]), 'application/vnd.apache.parquet');
    done.push({ table: entity.table, snapshotDt, rows });
  }
  return done;
}
