// Loads a report's SQL files and runs them: `<table>.sql` beside the report's report.ts, with the
// as-of snapshots it reads put in front and the as-of date bound as a parameter, so the text sent is
// the same on every run (and on Athena and DuckDB).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { QueryEngine } from '#lib/query/engine.ts';
import type { ReportDefinition, ReportTable } from './report-definition.ts';
import { withSnapshots } from './as-of-snapshots.ts';
import { reportColumns } from './result-columns.ts';
import { bindNamedParameters, type BoundSql, type NamedParameter } from './sql-placeholders.ts';

/** Where a report's SQL text comes from: the files beside report.ts locally, the bundle in Lambda (bundled-report-sql.ts). */
export type ReportSqlReader = (definition: ReportDefinition, table: string) => Promise<string>;

/** The SQL text of one table of a report. */
export async function readReportSql(definition: ReportDefinition, table: string): Promise<string> {
  const file = new URL(`${table}.sql`, definition.sqlDir);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`report ${definition.name}: cannot read the SQL of table ${table} (${file.pathname})`, { cause: err });
  }
}

/** The same, synchronously: for synthesis, which builds the Athena named queries from the files. */
export function readReportSqlSync(definition: ReportDefinition, table: string): string {
  return readFileSync(new URL(`${table}.sql`, definition.sqlDir), 'utf8');
}

/** The parameters every report SQL may use. */
export const reportParameters = (asOf: string, extra: Readonly<Record<string, NamedParameter>> = {}) => ({ ...extra, as_of: { type: 'DATE', value: asOf } });

/** Report SQL as the engine runs it: snapshots expanded, `:as_of` bound, comments dropped. */
export const prepareReportSql = (sql: string, asOf: string, parameters?: ReportDefinition['parameters']): BoundSql =>
  bindNamedParameters(withSnapshots(sql), reportParameters(asOf, parameters));

/** Runs one table's SQL as of the date and types its columns for the lake. */
export async function runReportSql(engine: QueryEngine, definition: ReportDefinition, table: string, asOf: string, readSql: ReportSqlReader = readReportSql): Promise<ReportTable> {
  const bound = prepareReportSql(await readSql(definition, table), asOf, definition.parameters);
  try {
    const result = await engine.query(bound.sql, bound.params);
    return { columns: reportColumns(result.columns), rows: result.rows };
  } catch (err) {
    throw new Error(`report ${definition.name}, table ${table}: ${(err as Error).message}`, { cause: err });
  }
}
