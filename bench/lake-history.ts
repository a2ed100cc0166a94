// What a report reads from a lake with years of history, before and after compaction into snapshots.
// Three years of daily changes to orders (placed, paid, shipped, delivered) and opportunities (worked on every
// few days until won or lost), written by DuckDB in the stream's layout (<table>/dt=<day>/*.parquet, the lake
// columns and types). sales_overview runs as of the last day on the raw change log, then again after the
// compaction of the day before (the schedule's snapshot); DuckDB's profiler says which Parquet files each of its
// SQL tables opened, and their sizes give the bytes. The results must be identical.
// Run alone: `npx tsx bench/lake-history.ts [orders per day] [opportunities per day] [days]` (default 300 150 1095:
// 6.4M change rows); phase lines go to stderr, the figures as JSON to stdout.
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbType, lakeColumns } from '#schemas/columns.ts';
import { ORDER_CHANNELS } from '#schemas/entities.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { compactLake } from '#functions/compaction/compact-lake.ts';
import { findReport } from '#functions/reports/catalog.ts';
import { tableSource } from '#functions/reports/report-definition.ts';
import { readReportSql, runReportSql } from '#functions/reports/report-sql.ts';
import { snapshotsUsed } from '#functions/reports/as-of-snapshots.ts';
import { addDays, changesFrom } from '#lib/lake/compaction-sql.ts';
import { DuckDBSnapshotWriter } from '#lib/lake/duckdb-snapshot-writer.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { quoteIdent, quoteString } from '#lib/query/lake-views.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';

export interface LakeHistoryOptions {
  /** New orders a day; each gets four versions (two when cancelled). @default 300 */
  ordersPerDay?: number;
  /** New opportunities a day; each changes every ~3 days for 20-160 days. @default 150 */
  opportunitiesPerDay?: number;
  /** @default 1095 (three years) */
  days?: number;
}

export interface ReadFigures {
  /** Parquet files the report's SQL tables opened (DuckDB profiler, summed over the tables). */
  files: number;
  /** Their bytes on disk. */
  bytes: number;
  /**
   * The compressed bytes of only the columns each scan projects (DuckDB profiler's Projections) in those files: what
   * Athena scans, and bills, from Parquet.
   */
  columnBytes: number;
  seconds: number;
}

export interface LakeHistoryBench {
  changeRows: Record<string, number>;
  changeFiles: number;
  changeBytes: number;
  writeSeconds: number;
  asOf: string;
  snapshotDt: string;
  compactionSeconds: number;
  snapshotRows: Record<string, number>;
  snapshotBytes: number;
  before: ReadFigures;
  after: ReadFigures;
  /** after / before. */
  bytesRatio: number;
  columnBytesRatio: number;
  filesRatio: number;
  /** The layout's view of the same (what Athena's partition pruning leaves): bytes of the latest snapshot and the change partitions from its changes_from on, over all change bytes. */
  layoutBytesRatio: number;
  identicalResults: boolean;
}

const START = '2022-01-01';
const REPORT = 'sales_overview';
const READ_TABLES = ['orders', 'opportunities'];
const seconds = (t: number) => Math.round(performance.now() - t) / 1000;
/** Phase lines on stderr (stdout carries the JSON result). */
const progress = (line: string) => process.stderr.write(`lake-history: ${line}\n`);
const u = (salt: number, key = 'n') => `(CAST(hash(${key} * 16 + ${salt}, 7) % 1000000007 AS DOUBLE) / 1000000007)`;
const ts = (day: string) => `TIMESTAMP ${quoteString(`${day} 00:00:00`)}`;

/** The entity's lake columns from `values` (name -> SQL expression over the generator's row), NULL otherwise. */
function lakeSelect(entity: AnyEntity, values: Record<string, string>): string {
  return lakeColumns(entity)
    .map((c) => `CAST(${values[c.column] ?? 'NULL'} AS ${duckdbType[c.kind]}) AS ${quoteIdent(c.column)}`)
    .join(',\n  ');
}

const common = (seqBase: string) => ({
  version: `strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%gZ') || '#' || lpad(to_hex(hash(n, k) % 65536), 4, '0')`,
  seq: `CAST(${seqBase} + n * 64 + k AS VARCHAR)`,
  changed_at: 'changed_at',
  updated_at: 'updated_at',
  op: `CASE WHEN k = 0 THEN 'insert' ELSE 'modify' END`,
});

function ordersSql(perDay: number, days: number): string {
  const orders = perDay * days;
  const end = addDays(START, days);
  // Version k of order n: 0 placed, 1 paid (or cancelled, 3 %), 2 shipped, 3 delivered.
  const values = {
    ...common('1000000000000'),
    id: `'ord-' || n`,
    customer_id: `'cus-' || CAST(floor(${orders / 6} * pow(${u(1)}, 1.6)) AS BIGINT)`,
    ordered_at: 'ordered_at',
    status: `CASE k WHEN 0 THEN 'placed' WHEN 1 THEN CASE WHEN cancelled THEN 'cancelled' ELSE 'paid' END WHEN 2 THEN 'shipped' ELSE 'delivered' END`,
    channel: `[${ORDER_CHANNELS.map((c) => `'${c}'`).join(', ')}][1 + CAST(n % ${ORDER_CHANNELS.length} AS INTEGER)]`,
    currency: `CASE WHEN n % 10 = 0 THEN 'USD' ELSE 'EUR' END`,
    line_items: `'[{"sku":"SKU-' || (n % 997) || '","quantity":' || items || ',"unitPrice":' || CAST(unit_cents / 100.0 AS DECIMAL(18,2)) || '}]'`,
    item_count: 'items',
    subtotal: 'items * unit_cents / 100.0',
    discount: '0',
    tax: '0',
    total: 'items * unit_cents / 100.0',
  };
  return `
    SELECT ${lakeSelect(entities.order, values)}, strftime(changed_at, '%Y-%m-%d') AS dt
    FROM (
      SELECT *, updated_at + to_seconds(CAST(1 + floor(${u(9, 'n * 8 + k')} * 300) AS BIGINT)) AS changed_at
      FROM (
        SELECT n, k, ordered_at, cancelled, items, unit_cents,
          ordered_at + to_milliseconds(CAST(CASE k WHEN 0 THEN 0 WHEN 1 THEN ${u(3)} * 86400000 WHEN 2 THEN 86400000 + ${u(4)} * 172800000 ELSE 259200000 + ${u(5)} * 259200000 END AS BIGINT)) AS updated_at
        FROM (
          SELECT n, ${ts(START)} + to_milliseconds(CAST(floor(n / ${perDay}) * 86400000 + ${u(2)} * 86400000 AS BIGINT)) AS ordered_at,
            ${u(6)} < 0.03 AS cancelled, 1 + CAST(floor(${u(7)} * 4) AS INTEGER) AS items, 500 + CAST(floor(${u(8)} * 9500) AS INTEGER) AS unit_cents
          FROM range(${orders}) AS o(n)
        ) AS o, range(4) AS v(k)
        WHERE k < CASE WHEN cancelled THEN 2 ELSE 4 END
      )
    ) WHERE changed_at < ${ts(end)}`;
}

function opportunitiesSql(perDay: number, days: number): string {
  const opportunities = perDay * days;
  const end = addDays(START, days);
  const stages = `['prospecting', 'qualification', 'proposal', 'negotiation']`;
  const values = {
    ...common('2000000000000'),
    id: `'opp-' || n`,
    customer_id: `'cus-' || (n * 7 % ${Math.max(1, Math.floor(opportunities / 2))})`,
    stage: `CASE WHEN k = last THEN CASE WHEN won THEN 'closed_won' ELSE 'closed_lost' END ELSE ${stages}[1 + CAST(floor(4.0 * k / last) AS INTEGER)] END`,
    amount: `(1000 + floor(${u(3)} * 99000) + k * 25) / 1.0`,
    currency: `CASE WHEN n % 5 = 0 THEN 'USD' ELSE 'EUR' END`,
    probability: `CASE WHEN k = last THEN CASE WHEN won THEN 1.0 ELSE 0.0 END ELSE 0.1 + 0.2 * floor(4.0 * k / last) END`,
    expected_close_date: `CAST(created_at + to_days(CAST(life AS INTEGER)) AS DATE)`,
    owner_id: `'usr-' || (n % 40)`,
    created_at: 'created_at',
    closed_at: `CASE WHEN k = last THEN updated_at END`,
  };
  // Version k of opportunity n on day ~3k of its life; the last one closes it (won 30 %).
  return `
    SELECT ${lakeSelect(entities.opportunity, values)}, strftime(changed_at, '%Y-%m-%d') AS dt
    FROM (
      SELECT *, updated_at + to_seconds(CAST(1 + floor(${u(9, 'n * 64 + k')} * 300) AS BIGINT)) AS changed_at
      FROM (
        SELECT n, k, created_at, life, last, won,
          created_at + to_milliseconds(CAST(floor(k * life / last * 86400000) AS BIGINT)) AS updated_at
        FROM (
          SELECT n, ${ts(START)} + to_milliseconds(CAST(floor(n / ${perDay}) * 86400000 + ${u(2)} * 86400000 AS BIGINT)) AS created_at,
            20 + floor(${u(4)} * 140) AS life, CAST(greatest(1, round((20 + floor(${u(4)} * 140)) / 3)) AS BIGINT) AS last, ${u(5)} < 0.3 AS won
          FROM range(${opportunities}) AS o(n)
        ) AS o, range(60) AS v(k)
        WHERE k <= last
      )
    ) WHERE changed_at < ${ts(end)}`;
}

async function folderBytes(dir: string): Promise<{ files: number; bytes: number; byPath: Map<string, number> }> {
  const { readdir } = await import('node:fs/promises');
  const byPath = new Map<string, number>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.parquet')) continue;
    const file = path.join(entry.parentPath, entry.name);
    byPath.set(file, (await stat(file)).size);
  }
  return { files: byPath.size, bytes: [...byPath.values()].reduce((a, b) => a + b, 0), byPath };
}

interface ProfileNode {
  operator_name?: string;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

/** Parquet files the profiled query's scans opened (DuckDB's count; its file list is abbreviated). */
function filesRead(node: ProfileNode): number {
  const own = node.operator_name?.trim() === 'READ_PARQUET' ? Number(node.extra_info?.['Total Files Read'] ?? 0) : 0;
  return own + (node.children ?? []).reduce((sum, child) => sum + filesRead(child), 0);
}

/** Each Parquet scan of the profiled query: the first file it names (which folder it reads) and the columns it projects. */
function scans(node: ProfileNode): { file: string; columns: string[] }[] {
  const own: { file: string; columns: string[] }[] = [];
  if (node.operator_name?.trim() === 'READ_PARQUET') {
    const file = String(node.extra_info?.['Filename(s)'] ?? '').split(',')[0]!.trim();
    const projections = node.extra_info?.['Projections'];
    const columns = (Array.isArray(projections) ? projections.map(String) : String(projections ?? '').split('\n')).map((c) => c.trim()).filter(Boolean);
    if (file) own.push({ file, columns });
  }
  return [...own, ...(node.children ?? []).flatMap(scans)];
}

/** Compressed bytes per file and column of every Parquet file under the lake (from the files' footers). */
async function columnSizes(lakeDir: string): Promise<Map<string, Map<string, number>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT file_name, path_in_schema, sum(total_compressed_size) AS bytes FROM parquet_metadata(${quoteString(path.join(lakeDir, '**', '*.parquet'))}) GROUP BY ALL`,
    );
    const sizes = new Map<string, Map<string, number>>();
    for (const [file, column, bytes] of reader.getRows()) {
      const perFile = sizes.get(String(file)) ?? new Map<string, number>();
      perFile.set(String(column), Number(bytes));
      sizes.set(String(file), perFile);
    }
    return sizes;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Bytes of the data files the partition filters select for one SQL table: all change files before compaction; the chosen snapshot and the changes from its changes_from after. */
type Selection = (table: string) => number;
/** The files a scan of the folder holding `file` reads after partition pruning (the same selection as the bytes). */
type FileSelection = (file: string) => string[];

async function runReport(lakeDir: string, asOf: string, profile: string, selectedBytes: Selection, selectedFiles: FileSelection, sizes: Map<string, Map<string, number>>) {
  const report = findReport(REPORT)!;
  const engine = await openLocalQueryEngine({ lakeDir });
  const figures: ReadFigures = { files: 0, bytes: 0, columnBytes: 0, seconds: 0 };
  const results: Record<string, unknown[]> = {};
  try {
    await engine.query(`PRAGMA enable_profiling = 'json'`);
    await engine.query(`PRAGMA profiling_output = ${quoteString(profile)}`);
    for (const spec of report.tables.filter((t) => tableSource(t) === 'sql')) {
      const t = performance.now();
      results[spec.name] = (await runReportSql(engine, report, spec.name, asOf)).rows;
      figures.seconds += seconds(t);
      const plan = JSON.parse(await readFile(profile, 'utf8')) as ProfileNode;
      figures.files += filesRead(plan);
      for (const scan of scans(plan)) {
        for (const file of selectedFiles(scan.file)) for (const column of scan.columns) figures.columnBytes += sizes.get(file)?.get(column) ?? 0;
      }
      for (const entity of snapshotsUsed(await readReportSql(report, spec.name))) figures.bytes += selectedBytes(entity.table);
    }
  } finally {
    await engine.close();
  }
  figures.seconds = Math.round(figures.seconds * 1000) / 1000;
  return { figures, results };
}

export async function benchLakeHistory(options: LakeHistoryOptions = {}): Promise<LakeHistoryBench> {
  const { ordersPerDay = 300, opportunitiesPerDay = 150, days = 1095 } = options;
  const root = await mkdtemp(path.join(tmpdir(), 'bench-lake-history-'));
  const lakeDir = path.join(root, 'lake');
  try {
    const t = performance.now();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const changeRows: Record<string, number> = {};
    try {
      for (const [table, sql] of [
        ['orders', ordersSql(ordersPerDay, days)],
        ['opportunities', opportunitiesSql(opportunitiesPerDay, days)],
      ] as const) {
        await mkdir(path.join(lakeDir, table), { recursive: true });
        const r = await connection.runAndReadAll(`COPY (${sql}) TO ${quoteString(path.join(lakeDir, table))} (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (dt), OVERWRITE_OR_IGNORE)`);
        changeRows[table] = Number(r.getRows()[0]![0]);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const writeSeconds = seconds(t);
    const changes = await folderBytes(lakeDir);
    const asOf = addDays(START, days - 1);
    const snapshotDt = addDays(asOf, -1);

    const changeBytes = (table: string, from = '') =>
      [...changes.byPath.entries()].filter(([f]) => f.startsWith(path.join(lakeDir, table, 'dt=')) && f.slice(f.lastIndexOf('dt=') + 3, f.lastIndexOf('dt=') + 13) >= from).reduce((sum, [, b]) => sum + b, 0);
    const changeFiles = (table: string, from = '') =>
      [...changes.byPath.keys()].filter((f) => f.startsWith(path.join(lakeDir, table, 'dt=')) && f.slice(f.lastIndexOf('dt=') + 3, f.lastIndexOf('dt=') + 13) >= from);
    /** The files a scan reads, from the folder of the first file it names: a snapshot folder whole, a change log from `from` on. */
    const filesOfScan = (snapshotFiles: string[], from: string) => (file: string) => {
      const [top, table] = path.relative(lakeDir, file).split(path.sep);
      if (top === 'snapshots') return snapshotFiles.filter((f) => f.startsWith(path.join(lakeDir, 'snapshots', table!, '')));
      return changeFiles(top!, from);
    };
    progress(`change log written: ${Object.entries(changeRows).map(([t, n]) => `${t} ${n}`).join(', ')} rows in ${changes.files} files, ${writeSeconds} s; ${REPORT} on the whole log`);
    const before = await runReport(lakeDir, asOf, path.join(root, 'before.json'), (table) => changeBytes(table), filesOfScan([], ''), await columnSizes(lakeDir));
    progress(`before: ${before.figures.seconds} s; compacting ${READ_TABLES.join(', ')} into the snapshot of ${snapshotDt}`);

    const c = performance.now();
    const engine = await openLocalQueryEngine({ lakeDir });
    let compacted;
    try {
      compacted = await compactLake({ writer: new DuckDBSnapshotWriter(engine, lakeDir), lake: new FsObjectStore(lakeDir), lakePrefix: '' }, snapshotDt, READ_TABLES);
    } finally {
      await engine.close();
    }
    const compactionSeconds = seconds(c);
    const snapshots = await folderBytes(path.join(lakeDir, 'snapshots'));
    const from = changesFrom(snapshotDt);
    const snapshotBytes = (table: string) => [...snapshots.byPath.entries()].filter(([f]) => f.startsWith(path.join(lakeDir, 'snapshots', table, ''))).reduce((sum, [, b]) => sum + b, 0);
    progress(`compacted in ${compactionSeconds} s; ${REPORT} on the snapshot and the changes since`);
    const after = await runReport(lakeDir, asOf, path.join(root, 'after.json'), (table) => snapshotBytes(table) + changeBytes(table, from), filesOfScan([...snapshots.byPath.keys()], from), await columnSizes(lakeDir));
    const recentChangeBytes = READ_TABLES.reduce((sum, table) => sum + changeBytes(table, from), 0);
    const ratio = (a: number, b: number) => Math.round((a / b) * 10_000) / 10_000;
    return {
      changeRows,
      changeFiles: changes.files,
      changeBytes: changes.bytes,
      writeSeconds,
      asOf,
      snapshotDt,
      compactionSeconds,
      snapshotRows: Object.fromEntries(compacted.map((x) => [x.table, x.rows])),
      snapshotBytes: snapshots.bytes,
      before: before.figures,
      after: after.figures,
      bytesRatio: ratio(after.figures.bytes, before.figures.bytes),
      columnBytesRatio: ratio(after.figures.columnBytes, before.figures.columnBytes),
      filesRatio: ratio(after.figures.files, before.figures.files),
      layoutBytesRatio: ratio(snapshots.bytes + recentChangeBytes, changes.bytes),
      identicalResults: JSON.stringify(before.results) === JSON.stringify(after.results),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [orders, opportunities, days] = process.argv.slice(2).map(Number);
  process.stdout.write(`${JSON.stringify(await benchLakeHistory({ ordersPerDay: orders || undefined, opportunitiesPerDay: opportunities || undefined, days: days || undefined }), null, 2)}\n`);
}
