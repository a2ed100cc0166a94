// SQL of the two views each lake table gets: `<table>_history` (every version once) and `<table>`
// (current state). The SELECTs are written once, using only constructs that mean the same in Trino
// (Athena engine v3) and DuckDB: DuckDB runs them over the Parquet files, Athena stores the very same
// text as Glue views over the raw `<table>_changes` table (infra/constructs/lake-view-input.ts).
//
// The current state does not rank the whole change log: a compaction job (lib/lake/compaction-sql.ts) writes
// daily snapshots `<table>_snapshots` (partition `snapshot_dt`) and commits each one with a row in
// `lake_snapshots`; `<table>` ranks the latest committed snapshot plus the changes from a few days before it
// on. Both engines prune the other partitions from the subqueries over `lake_snapshots` (dynamic filtering).
import { duckdbType, type LakeColumn } from '#schemas/columns.ts';
import type { ColumnKind } from '#schemas/fields.ts';

export interface LakeTable {
  /** Plural snake case table name, e.g. `orders`. */
  table: string;
  columns: readonly Pick<LakeColumn, 'column' | 'kind'>[];
}

/** The partition column every history row carries after the lake columns. */
export const PARTITION_COLUMN = 'dt';

/** Raw change log: every file row, replay duplicates included (the Glue table over the lake files in AWS). */
export const changesTableName = (table: string) => `${table}_changes`;
/** Every version of every record, each change once. */
export const historyViewName = (table: string) => `${table}_history`;
/** Current state: the latest version of each id, tombstones hidden. */
export const currentViewName = (table: string) => table;

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Type of each view column in Trino terms: what the casts of {@link historySelectSql} (written with the
 * `duckdbType` names, which Trino reads the same way) produce on Athena. A bare TIMESTAMP is
 * `timestamp(3)` in Trino.
 */
export const trinoType: Record<ColumnKind, string> = {
  string: 'varchar',
  timestamp: 'timestamp(3)',
  date: 'date',
  decimal: 'decimal(18,2)',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  json: 'varchar',
};

/** A zero-row relation with the declared columns and types (the shape of a table with no files). */
export function emptyLakeRelation({ columns }: LakeTable): string {
  const cols = columns.map((c) => `CAST(NULL AS ${duckdbType[c.kind]}) AS ${quoteIdent(c.column)}`);
  return `SELECT ${[...cols, `CAST(NULL AS VARCHAR) AS ${PARTITION_COLUMN}`].join(', ')} WHERE false`;
}

/**
 * DuckDB relation over a table's Parquet files. The typed empty relation joined BY NAME supplies any
 * declared column no file has yet (a column added after the files were written) as NULL.
 */
export function parquetLakeRelation(table: LakeTable, glob: string): string {
  const scan = `SELECT * FROM read_parquet(${quoteString(glob)}, hive_partitioning = true, hive_types = {'${PARTITION_COLUMN}': VARCHAR}, union_by_name = true)`;
  return `${scan} UNION ALL BY NAME ${emptyLakeRelation(table)}`;
}

/** A zero-row relation shaped as a table's snapshot files plus their `snapshot_dt` partition. */
export function emptySnapshotRelation(table: LakeTable): string {
  const cols = snapshotFileColumns(table).map((c) => `CAST(NULL AS ${duckdbType[c.kind]}) AS ${quoteIdent(c.column)}`);
  return `SELECT ${[...cols, `CAST(NULL AS VARCHAR) AS ${SNAPSHOT_PARTITION}`].join(', ')} WHERE false`;
}

/** DuckDB relation over a table's snapshot files (hive partition `snapshot_dt`). */
export function parquetSnapshotRelation(table: LakeTable, glob: string): string {
  const scan = `SELECT * FROM read_parquet(${quoteString(glob)}, hive_partitioning = true, hive_types = {'${SNAPSHOT_PARTITION}': VARCHAR}, union_by_name = true)`;
  return `${scan} UNION ALL BY NAME ${emptySnapshotRelation(table)}`;
}

/** A zero-row relation shaped as `lake_snapshots`. */
export function emptyManifestRelation(): string {
  return `SELECT ${snapshotManifestColumns.map((c) => `CAST(NULL AS ${duckdbType[c.kind]}) AS ${quoteIdent(c.column)}`).join(', ')} WHERE false`;
}

/** DuckDB relation over the snapshot commit records. */
export function parquetManifestRelation(glob: string): string {
  return `SELECT * FROM read_parquet(${quoteString(glob)}, union_by_name = true) UNION ALL BY NAME ${emptyManifestRelation()}`;
}

/** Relation over the raw change log table `<table>_changes` (the Athena side). */
export const changesRelation = (table: LakeTable) => `SELECT * FROM ${quoteIdent(changesTableName(table.table))}`;

/** Names and kinds of the history view's columns: the lake columns, then `dt`. */
export const historyViewColumns = (table: LakeTable): Pick<LakeColumn, 'column' | 'kind'>[] => [...table.columns, { column: PARTITION_COLUMN, kind: 'string' }];

/** Names and kinds of the current-state view's columns: the lake columns. */
export const currentViewColumns = (table: LakeTable): Pick<LakeColumn, 'column' | 'kind'>[] => [...table.columns];

/**
 * SELECT of `<table>_history` over `relation` (a query yielding the raw change rows with `dt`): every
 * version of every record, each change once. A retried batch may write the same change (same `seq`)
 * twice, possibly under another file name or day; the copy on the earliest day is kept. Columns are cast
 * to their declared types so files written by an older schema (or another writer) still line up.
 */
export function historySelectSql(table: LakeTable, relation: string): string {
  const cols = historyViewColumns(table).map((c) => `CAST(${quoteIdent(c.column)} AS ${duckdbType[c.kind]}) AS ${quoteIdent(c.column)}`);
  return [
    `SELECT ${cols.join(', ')}`,
    `FROM (SELECT *, row_number() OVER (PARTITION BY seq ORDER BY ${PARTITION_COLUMN}, changed_at) AS lake_copy FROM (${relation}) AS files) AS copies`,
    `WHERE lake_copy = 1 OR seq IS NULL`,
  ].join('\n');
}

/** Snapshot files of a table: the compacted state, one partition per snapshot day. */
export const snapshotsTableName = (table: string) => `${table}_snapshots`;
/** Partition column of the snapshot tables. */
export const SNAPSHOT_PARTITION = 'snapshot_dt';
/** One row per committed snapshot (table_name, snapshot_dt, changes_from, row_count, created_at). */
export const SNAPSHOT_MANIFEST_TABLE = 'lake_snapshots';
/**
 * Days of change partitions before a snapshot's day that readers still read. A stream record keeps its
 * `dt` (the day it reached the stream) when a retried batch writes it up to a day later, possibly after
 * that day's compaction ran; re-reading two days covers that (rows in both are the same versions).
 */
export const SNAPSHOT_OVERLAP_DAYS = 2;

/** Columns of the snapshot files: the lake columns, then `dt` of the change (a plain column there). */
export const snapshotFileColumns = (table: LakeTable): Pick<LakeColumn, 'column' | 'kind'>[] => [...table.columns, { column: PARTITION_COLUMN, kind: 'string' }];

export const snapshotManifestColumns: Pick<LakeColumn, 'column' | 'kind' | 'description'>[] = [
  { column: 'table_name', kind: 'string', description: 'lake table the snapshot compacts, e.g. orders' },
  { column: SNAPSHOT_PARTITION, kind: 'string', description: 'the snapshot day (yyyy-MM-dd): it holds every change with dt up to that day' },
  { column: 'changes_from', kind: 'string', description: 'first dt of the change log a reader of this snapshot still reads (yyyy-MM-dd)' },
  { column: 'row_count', kind: 'bigint', description: 'rows in the snapshot' },
  { column: 'created_at', kind: 'timestamp', description: 'when the compaction committed the snapshot' },
];

/**
 * A snapshot condition on `snapshot_dt` (`snapshot_dt <= CAST(:as_of AS VARCHAR)`, ...) or none for the latest.
 * The chosen snapshot is the newest committed one meeting it.
 */
export type SnapshotBound = string | undefined;

const manifestWhere = (table: LakeTable, bound: SnapshotBound) =>
  `table_name = ${quoteString(table.table)}${bound ? ` AND ${bound}` : ''}`;

/**
 * The rows a reader ranks instead of the whole history: the newest committed snapshot meeting `bound`, and
 * the change log from that snapshot's `changes_from` on (everything when there is no snapshot yet). Both are
 * partition filters from a one-row subquery, which DuckDB and Trino turn into dynamic filters that skip the
 * other partitions' files. Replay copies are left in: they rank as ties of identical content.
 * `changesUpTo` bounds the change log from above (a `dt` condition; the compaction reads complete days).
 */
export function recentVersionsSql(table: LakeTable, bound?: SnapshotBound, changesUpTo?: string): string {
  const cols = historyViewColumns(table).map((c) => `CAST(${quoteIdent(c.column)} AS ${duckdbType[c.kind]}) AS ${quoteIdent(c.column)}`);
  const manifest = `FROM ${quoteIdent(SNAPSHOT_MANIFEST_TABLE)} WHERE ${manifestWhere(table, bound)}`;
  return [
    `SELECT ${cols.join(', ')}`,
    `FROM ${quoteIdent(snapshotsTableName(table.table))}`,
    `WHERE ${SNAPSHOT_PARTITION} = (SELECT max(${SNAPSHOT_PARTITION}) ${manifest})`,
    `UNION ALL`,
    `SELECT ${cols.join(', ')}`,
    `FROM ${quoteIdent(changesTableName(table.table))}`,
    `WHERE ${PARTITION_COLUMN} >= COALESCE((SELECT max(changes_from) ${manifest}), '0000-00-00')${changesUpTo ? ` AND ${changesUpTo}` : ''}`,
  ].join('\n');
}

/** Order of the versions of one id, latest first: see {@link currentSelectSql}. */
export const LATEST_VERSION_FIRST = 'version DESC NULLS LAST, length(seq) DESC NULLS LAST, seq DESC NULLS LAST';

/**
 * SELECT of `<table>`: the latest version of each id, highest `version` (normalised updated_at + content
 * hash, so it sorts as text), ties broken by the later stream `seq` (digit strings: longer is later), over
 * the latest snapshot and the changes since ({@link recentVersionsSql}). Ids whose latest row is a tombstone
 * (`op = 'remove'`) are left out; snapshots keep tombstones so an older version arriving late stays hidden.
 */
export function currentSelectSql(table: LakeTable): string {
  const cols = currentViewColumns(table)
    .map((c) => quoteIdent(c.column))
    .join(', ');
  return [
    `SELECT ${cols}`,
    `FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY ${LATEST_VERSION_FIRST}) AS version_rank`,
    `      FROM (${recentVersionsSql(table)}) AS recent) AS versions`,
    `WHERE version_rank = 1 AND op IS DISTINCT FROM 'remove'`,
  ].join('\n');
}

/** DuckDB statement creating `<table>_history` over `relation` (see {@link historySelectSql}). */
export function historyViewSql(table: LakeTable, relation: string): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(historyViewName(table.table))} AS\n${historySelectSql(table, relation)}`;
}

/** DuckDB statement creating `<table>` over `<table>_history` (see {@link currentSelectSql}). */
export function currentViewSql(table: LakeTable): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(currentViewName(table.table))} AS\n${currentSelectSql(table)}`;
}
