// Where the compacted snapshots live inside the lake (keys relative to the lake's store root and prefix):
//   <prefix>snapshots/<table>/snapshot_dt=YYYY-MM-DD/<files>.parquet   the snapshot of one day
//   <prefix>snapshots/manifest/<table>-YYYY-MM-DD.parquet              its commit record (one row)
// A snapshot counts only once its manifest row exists, so readers never see one half written.
// No entity table is called `snapshots`, so the folder never mixes with a change log.
import { SNAPSHOT_PARTITION } from '#lib/query/lake-views.ts';

export const SNAPSHOTS_FOLDER = 'snapshots';
export const MANIFEST_FOLDER = 'manifest';
/**
 * Parquet codec of the snapshot files, the same for DuckDB's COPY and Athena's CTAS: a snapshot is written
 * once a day and read by every query, so ZSTD's smaller files (fewer bytes read and billed) beat Snappy's
 * faster writes. The erasure rewrite reads them through hyparquet-compressors (lib/lake/parquet.ts).
 */
export const SNAPSHOT_COMPRESSION = 'ZSTD';

/** Folder of a table's snapshots: `<prefix>snapshots/<table>/`. */
export const snapshotsPrefix = (prefix: string, table: string) => `${prefix}${SNAPSHOTS_FOLDER}/${table}/`;
/** Folder of one snapshot: `<prefix>snapshots/<table>/snapshot_dt=<day>/`. */
export const snapshotPartitionPrefix = (prefix: string, table: string, day: string) => `${snapshotsPrefix(prefix, table)}${SNAPSHOT_PARTITION}=${day}/`;
/** Folder of the commit records: `<prefix>snapshots/manifest/`. */
export const manifestPrefix = (prefix: string) => `${prefix}${SNAPSHOTS_FOLDER}/${MANIFEST_FOLDER}/`;
/** The commit record of one snapshot. */
export const manifestKey = (prefix: string, table: string, day: string) => `${manifestPrefix(prefix)}${table}-${day}.parquet`;
