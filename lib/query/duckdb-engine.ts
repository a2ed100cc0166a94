// DuckDB adapter of the query engine: an in-memory database over the local Parquet lake, with the
// Trino compatibility layer installed so report SQL written for Athena runs unchanged.
import {
  DuckDBInstance,
  DuckDBTypeId,
  timestampValue,
  type DuckDBConnection,
  type DuckDBValue,
  type DuckDBValueConverter,
  arrayFromArrayValue,
  arrayFromListValue,
  objectArrayFromMapValue,
  objectFromStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { MANIFEST_FOLDER, SNAPSHOTS_FOLDER } from '#lib/lake/snapshot-layout.ts';
import type { QueryEngine, QueryResult } from './engine.ts';
import {
  changesRelation,
  changesTableName,
  currentViewSql,
  emptyLakeRelation,
  emptyManifestRelation,
  emptySnapshotRelation,
  historyViewSql,
  parquetLakeRelation,
  parquetManifestRelation,
  parquetSnapshotRelation,
  quoteIdent,
  SNAPSHOT_MANIFEST_TABLE,
  snapshotsTableName,
  type LakeTable,
} from './lake-views.ts';
import { isoFromEpochMicros, safeInteger } from './values.ts';

export interface LocalQueryEngineOptions {
  /**
   * The lake root: `<lakeDir>/<table>/dt=YYYY-MM-DD/*.parquet`, the compacted snapshots under
   * `<lakeDir>/snapshots/` (lib/lake/snapshot-layout.ts).
   */
  lakeDir: string;
  /** DuckDB worker threads. @default DuckDB's default (one per core) */
  threads?: number;
}

/**
 * The DuckDB engine over a filesystem lake: `<table>` and `<table>_history` views for every entity, over the
 * same relations the Glue catalog has in AWS (`<table>_changes`, `<table>_snapshots`, `lake_snapshots`).
 */
export type LocalQueryEngine = QueryEngine;

const COMPAT_SQL = new URL('./trino-compat.duckdb.sql', import.meta.url);

/** The compatibility statements: settings and macros separated by lines holding only `;;`. */
export async function compatStatements(): Promise<string[]> {
  const text = await readFile(COMPAT_SQL, 'utf8');
  return text
    .split(/^;;[ \t]*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function openLocalQueryEngine(options: LocalQueryEngineOptions): Promise<LocalQueryEngine> {
  const instance = await DuckDBInstance.create(':memory:', options.threads ? { threads: String(options.threads) } : {});
  const connection = await instance.connect();
  try {
    for (const statement of await compatStatements()) await run(connection, statement);
    const engine = new DuckDBQueryEngine(instance, connection, path.resolve(options.lakeDir));
    await engine.createLakeViews();
    return engine;
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
}

const lakeTables = (): LakeTable[] => Object.values(entities).map((e) => ({ table: e.table, columns: lakeColumns(e) }));

class DuckDBQueryEngine implements LocalQueryEngine {
  /** Relations that had no files when their views were made; re-checked before each query. */
  private readonly empty = new Map<string, () => Promise<void>>();
  /** One connection runs one statement at a time: queue callers instead of interleaving them. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly lakeDir: string,
  ) {}

  async createLakeViews(): Promise<void> {
    await this.createManifestView();
    for (const table of lakeTables()) {
      await this.createChangesView(table);
      await this.createSnapshotsView(table);
      // The very text of the Glue views (lake-view-input.ts), over the relations above.
      await run(this.connection, historyViewSql(table, changesRelation(table)));
      await run(this.connection, currentViewSql(table));
    }
  }

  private async createChangesView(table: LakeTable): Promise<void> {
    const dir = path.join(this.lakeDir, table.table);
    await this.createFileView(changesTableName(table.table), dir, 2, parquetLakeRelation(table, path.join(dir, '*', '*.parquet')), emptyLakeRelation(table), () => this.createChangesView(table));
  }

  private async createSnapshotsView(table: LakeTable): Promise<void> {
    const dir = path.join(this.lakeDir, SNAPSHOTS_FOLDER, table.table);
    await this.createFileView(snapshotsTableName(table.table), dir, 2, parquetSnapshotRelation(table, path.join(dir, '*', '*.parquet')), emptySnapshotRelation(table), () => this.createSnapshotsView(table));
  }

  private async createManifestView(): Promise<void> {
    const dir = path.join(this.lakeDir, SNAPSHOTS_FOLDER, MANIFEST_FOLDER);
    await this.createFileView(SNAPSHOT_MANIFEST_TABLE, dir, 1, parquetManifestRelation(path.join(dir, '*.parquet')), emptyManifestRelation(), () => this.createManifestView());
  }

  /** A view over the files under dir, or over the typed empty relation until the first file arrives. */
  private async createFileView(name: string, dir: string, levels: number, files: string, empty: string, recreate: () => Promise<void>): Promise<void> {
    const hasFiles = await hasParquetFiles(dir, levels);
    await run(this.connection, `CREATE OR REPLACE VIEW ${quoteIdent(name)} AS ${hasFiles ? files : empty}`);
    if (hasFiles) this.empty.delete(name);
    else
      this.empty.set(name, async () => {
        if (await hasParquetFiles(dir, levels)) await recreate();
      });
  }

  /** A table's first files may arrive after the engine opened (ingest then query in one process). */
  private async refreshEmptyTables(): Promise<void> {
    for (const recheck of [...this.empty.values()]) await recheck();
  }

  query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    return this.exclusive(async () => {
      if (this.empty.size) await this.refreshEmptyTables();
      const values = params.map(toDuckDBValue);
      let result;
      try {
        result = values.length ? await this.connection.run(sql, values) : await this.connection.run(sql);
      } catch (err) {
        throw new Error(`DuckDB query failed: ${(err as Error).message}`, { cause: err });
      }
      const names = result.deduplicatedColumnNames();
      const types = result.columnTypes();
      const rows = (await result.convertRows(toQueryValue)).map((row) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) out[names[i]!] = row[i] ?? null;
        return out;
      });
      return { columns: names.map((name, i) => ({ name, type: types[i]!.toString() })), rows };
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

async function run(connection: DuckDBConnection, sql: string): Promise<void> {
  try {
    await connection.run(sql);
  } catch (err) {
    throw new Error(`DuckDB statement failed: ${(err as Error).message}\n${sql}`, { cause: err });
  }
}

// Whether a visible *.parquet file sits exactly `levels` deep under dir (2: the lake's dt=... folders),
// or at any depth when levels is Infinity (the '**' glob of report folders).
async function hasParquetFiles(dir: string, levels: number): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isFile() && e.name.endsWith('.parquet') && (levels === 1 || levels === Number.POSITIVE_INFINITY)) return true;
    if (e.isDirectory() && levels > 1 && (await hasParquetFiles(path.join(dir, e.name), levels - 1))) return true;
  }
  return false;
}

function toDuckDBValue(value: unknown, index: number): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return timestampValue(BigInt(value.getTime()) * 1000n);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  throw new Error(`query parameter ${index + 1}: unsupported value of type ${typeof value}`);
}

/** DuckDB values → the QueryResult conventions (see engine.ts). */
const toQueryValue: DuckDBValueConverter<unknown> = (value, type, self) => {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return Boolean(value);
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return Number(value);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return safeInteger(value as bigint);
    case DuckDBTypeId.DECIMAL:
      // The exact decimal text parses to the nearest double (scaling the integer would round twice).
      return Number(String(value));
    case DuckDBTypeId.DATE:
      return String(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampIso(value);
    case DuckDBTypeId.LIST:
      return arrayFromListValue(value, type, self);
    case DuckDBTypeId.ARRAY:
      return arrayFromArrayValue(value, type, self);
    case DuckDBTypeId.STRUCT:
      return objectFromStructValue(value, type, self);
    case DuckDBTypeId.MAP:
      return objectArrayFromMapValue(value, type, self);
    default:
      return String(value);
  }
};

function timestampIso(value: DuckDBValue): string {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return value.isFinite ? isoFromEpochMicros(value.micros) : String(value);
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) return isoFromEpochMicros(value.millis * 1000n);
  if (value instanceof DuckDBTimestampSecondsValue) return isoFromEpochMicros(value.seconds * 1_000_000n);
  if (value instanceof DuckDBTimestampNanosecondsValue) return isoFromEpochMicros(value.nanos / 1000n);
  return String(value);
}
