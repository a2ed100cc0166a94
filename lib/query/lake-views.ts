// SQL of the two views each lake table gets: `<table>_history` (every version once) and `<table>`
// (current state). The SELECTs are written once, using only constructs that mean the same in Trino
// (Athena engine v3) and DuckDB: DuckDB runs them over the Parquet files, Athena stores the very same
// text as Glue views over the raw `<table>_changes` table (infra/constructs/lake-view-input.ts).
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

/**
 * SELECT of `<table>` over `<table>_history`: the latest version of each id, highest `version`
 * (normalised updated_at + content hash, so it sorts as text), ties broken by the later stream `seq`
 * (digit strings: longer is later). Ids whose latest row is a tombstone (`op = 'remove'`) are left out.
 */
export function currentSelectSql(table: LakeTable): string {
  const cols = currentViewColumns(table)
    .map((c) => quoteIdent(c.column))
    .join(', ');
  return [
    `SELECT ${cols}`,
    `FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY version DESC NULLS LAST, length(seq) DESC NULLS LAST, seq DESC NULLS LAST) AS version_rank`,
    `      FROM ${quoteIdent(historyViewName(table.table))}) AS versions`,
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
