// Local SnapshotWriter: DuckDB COPYs the compaction SELECT into one Parquet file beside the lake, then renames
// it into the snapshot's folder (a rename on one filesystem is atomic, so a reader sees the old or new file).
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { QueryEngine } from '#lib/query/engine.ts';
import { quoteString, type LakeTable } from '#lib/query/lake-views.ts';
import { SNAPSHOT_COMPRESSION, SNAPSHOTS_FOLDER, snapshotPartitionPrefix } from './snapshot-layout.ts';

export class DuckDBSnapshotWriter {
  constructor(
    private readonly engine: QueryEngine,
    private readonly lakeDir: string,
  ) {}

  async writeSnapshot(table: LakeTable, day: string, select: string): Promise<number> {
    const folder = path.join(this.lakeDir, snapshotPartitionPrefix('', table.table, day));
    const staging = path.join(this.lakeDir, SNAPSHOTS_FOLDER, '.staging');
    await mkdir(staging, { recursive: true });
    const temp = path.join(staging, `${table.table}-${day}-${process.pid}.parquet`);
    try {
      const { rows } = await this.engine.query(`COPY (${select}) TO ${quoteString(temp)} (FORMAT parquet, COMPRESSION ${SNAPSHOT_COMPRESSION}, ROW_GROUP_SIZE 122880)`);
      // A rerun replaces the folder's only file; earlier files of another name would be read twice.
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder, { recursive: true });
      await rename(temp, path.join(folder, 'snapshot.parquet'));
      return Number(rows[0]?.Count ?? 0);
    } finally {
      await rm(temp, { force: true });
    }
  }
}
