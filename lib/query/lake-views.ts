// SQL of the two views each lake table gets: `<table>_history` (every version once) and `<table>`
// (current state). The current-state SQL is plain SQL that Trino/Athena accept as well.
import { duckdbType, type LakeColumn } from '#schemas/columns.ts';

export interface LakeTable {
  /** Plural snake case table name, e.g. `orders`. */
  table: string;
  columns: readonly Pick<LakeColumn, 'column' | 'kind'>[];
}

/** The partition column every history row carries after the lake columns. */
export const PARTITION_COLUMN = 'dt';

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteString = (text: string) => `'${text.replace(/'/g, "''")}'`;

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

/**
 * Every version of every record, each change once: a retried batch may write the same change (same
 * `seq`) twice, possibly under another file name or day. Columns are cast to their declared types so
 * files written by an older schema (or another writer) still line up.
 */
export function historyViewSql(table: LakeTable, relation: string): string {
  const cols = table.columns.map((c) => `CAST(${quoteIdent(c.column)} AS ${duckdbType[c.kind]}) AS ${quoteIdent(c.column)}`);
  cols.push(`CAST(${PARTITION_COLUMN} AS VARCHAR) AS ${PARTITION_COLUMN}`);
  return [
    `CREATE OR REPLACE VIEW ${quoteIdent(`${table.table}_history`)} AS`,
    `SELECT ${cols.join(', ')}`,
    `FROM (SELECT *, row_number() OVER (PARTITION BY seq ORDER BY ${PARTITION_COLUMN}, changed_at) AS lake_copy FROM (${relation}) AS files)`,
    `WHERE lake_copy = 1 OR seq IS NULL`,
  ].join('\n');
}

/**
 * The latest version of each id: highest `version` (normalised updated_at + content hash, so it sorts
 * as text), ties broken by the later stream `seq` (digit strings: longer is later). Ids whose latest
 * row is a tombstone (`op = 'remove'`) are left out.
 */
export function currentViewSql(table: LakeTable): string {
  const cols = table.columns.map((c) => quoteIdent(c.column)).join(', ');
  return [
    `CREATE OR REPLACE VIEW ${quoteIdent(table.table)} AS`,
    `SELECT ${cols}`,
    `FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY version DESC NULLS LAST, length(seq) DESC NULLS LAST, seq DESC NULLS LAST) AS version_rank`,
    `      FROM ${quoteIdent(`${table.table}_history`)})`,
    `WHERE version_rank = 1 AND op IS DISTINCT FROM 'remove'`,
  ].join('\n');
}
