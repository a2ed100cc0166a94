// Runs one report as of a date: its SQL tables, then its TypeScript post-processing and headlines,
// and writes the run folder — one Parquet file per table, dashboard.html, then summary.json last, so
// a reader that sees the summary sees a complete run. Works with any QueryEngine and ObjectStore:
// Athena and S3 in AWS, DuckDB and a directory on the machine.
import { encodeParquet } from '#lib/lake/parquet.ts';
import type { EventBus } from '#lib/bus/event-bus.ts';
import type { QueryEngine } from '#lib/query/engine.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';
import { parseAsOf } from './as-of.ts';
import { findReport, reportNames } from './catalog.ts';
import { renderDashboard } from './dashboard/dashboard.ts';
import { findPreviousRun } from './previous-run.ts';
import { reportEvents } from './report-events.ts';
import { tableSource, type ReportContext, type ReportDefinition, type ReportTable, type ReportTables } from './report-definition.ts';
import { DASHBOARD_FILE, runPrefix, SUMMARY_FILE, tableFile } from './report-layout.ts';
import { runReportSql, type ReportSqlReader } from './report-sql.ts';
import { checkScores, type ScoreSink, type ScoreWriteCounts } from './report-scores.ts';
import { buildSummary, summaryJson, type ReportSummary } from './report-summary.ts';

export interface RunReportOptions {
  engine: QueryEngine;
  /** Rooted where report folders go (the reports bucket prefix, or `<dir>/reports` locally). */
  store: ObjectStore;
  /** A report of the catalog. */
  name: string;
  /** YYYY-MM-DD: the report reads data up to the end of this day (UTC). */
  asOf: string;
  /** Where the report's events go (EventBridge in AWS, the local bus); without one they are computed and counted but not sent. */
  bus?: EventBus;
  /** Where the SQL text comes from. @default the `.sql` files beside the report (readReportSql) */
  readSql?: ReportSqlReader;
  /** Where the report's score records go (the RecordWriter on DynamoDB); without one they are computed, checked and counted but not written. */
  scores?: ScoreSink;
  /** Told what the sink did with this run's scores (created, unchanged, ...), for logs. */
  onScoresWritten?: (counts: ScoreWriteCounts) => void;
}

export async function runReport({ name, ...options }: RunReportOptions): Promise<ReportSummary> {
  const definition = findReport(name);
  if (!definition) throw new Error(`unknown report "${name}" (available: ${reportNames.join(', ')})`);
  return runReportDefinition({ ...options, definition });
}

export async function runReportDefinition({ engine, store, definition, asOf, bus, readSql, scores: scoreSink, onScoresWritten }: Omit<RunReportOptions, 'name'> & { definition: ReportDefinition }): Promise<ReportSummary> {
  parseAsOf(asOf);
  const previous = await findPreviousRun(store, definition.name, asOf);
  const tables = await computeTables(engine, definition, asOf, previous, readSql);
  const context: ReportContext = { asOf, tables, ...(previous ? { previous } : {}) };
  const events = reportEvents(definition, context);
  const scores = definition.scores?.(context) ?? [];
  checkScores(definition.name, scores);
  const summary = buildSummary(definition, asOf, tables, definition.headlines(context), definition.summary?.(context), events, scores);
  const prefix = runPrefix(definition.name, asOf);
  for (const spec of definition.tables) {
    await store.put(`${prefix}${tableFile(spec.name)}`, encodeTable(definition, spec.name, tables[spec.name]!), 'application/vnd.apache.parquet');
  }
  await store.put(`${prefix}${DASHBOARD_FILE}`, renderDashboard({ definition, summary, tables }), 'text/html; charset=utf-8');
  await store.put(`${prefix}${SUMMARY_FILE}`, summaryJson(summary), 'application/json');
  await removeStaleFiles(store, prefix, summary.files);
  // Before the events, so a rule reacting to one finds the customer's new scores.
  if (scoreSink && scores.length) {
    const counts = await scoreSink.write(scores);
    onScoresWritten?.(counts);
    if (counts.failed) throw new Error(`report ${definition.name}: ${counts.failed} of ${scores.length} scores were not written (first: ${counts.errors[0]?.id} ${counts.errors[0]?.message})`);
  }
  // After the run is complete, so a consumer reacting to an event finds the tables it refers to.
  if (bus && events.length) {
    const failed = await bus.publish(events);
    if (failed.length) throw new Error(`report ${definition.name}: ${failed.length} of ${events.length} events were not published (first: ${failed[0]!.errorCode} ${failed[0]!.errorMessage})`);
  }
  return summary;
}

/** SQL tables (concurrently: Athena runs them in parallel, DuckDB queues them), then post-processed ones. */
async function computeTables(engine: QueryEngine, definition: ReportDefinition, asOf: string, previous: ReportContext['previous'], readSql?: ReportSqlReader): Promise<ReportTables> {
  const sqlSpecs = definition.tables.filter((spec) => tableSource(spec) === 'sql');
  const results = await Promise.all(sqlSpecs.map((spec) => runReportSql(engine, definition, spec.name, asOf, readSql)));
  const tables: Record<string, ReportTable> = Object.fromEntries(sqlSpecs.map((spec, i) => [spec.name, results[i]!]));
  const expected = definition.tables.filter((spec) => tableSource(spec) === 'postProcess').map((spec) => spec.name);
  const produced = definition.postProcess ? await definition.postProcess({ asOf, tables, ...(previous ? { previous } : {}) }) : {};
  const unexpected = Object.keys(produced).filter((name) => !expected.includes(name));
  const missing = expected.filter((name) => !produced[name]);
  if (unexpected.length || missing.length) {
    throw new Error(
      `report ${definition.name}: postProcess must return exactly the tables declared with source 'postProcess' (${expected.join(', ') || 'none'})` +
        `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${unexpected.length ? `; undeclared: ${unexpected.join(', ')}` : ''}`,
    );
  }
  return { ...tables, ...produced };
}

function encodeTable(definition: ReportDefinition, name: string, table: ReportTable): Uint8Array {
  try {
    return encodeParquet(
      table.columns.map((c) => ({ column: c.name, kind: c.kind })),
      table.rows,
    );
  } catch (err) {
    throw new Error(`report ${definition.name}, table ${name}: ${(err as Error).message}`, { cause: err });
  }
}

/** A rerun replaces the whole run folder: files of tables a report no longer has would mislead. */
async function removeStaleFiles(store: ObjectStore, prefix: string, files: readonly string[]): Promise<void> {
  if (!store.delete) return;
  const keep = new Set(files.map((f) => `${prefix}${f}`));
  const stale: string[] = [];
  for await (const key of store.list(prefix)) if (!keep.has(key)) stale.push(key);
  for (const key of stale) await store.delete(key);
}
