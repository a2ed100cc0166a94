// One scheduled report run in AWS, as the state machine sees it: the request (from the schedule or
// `crm report --stage`), the Athena statements of the report's SQL tables, and the run's as-of date.
// Pure apart from reading the SQL, so the same statements are computed by the prepare step (which
// hands them to Athena) and by the finish step (which matches them to the finished executions).
import { zoneOffsetMs } from '#lib/time/local-day.ts';
import { sqlLiteral } from '#lib/query/athena-results.ts';
import { parseAsOf } from '../as-of.ts';
import { findReport, reportNames } from '../catalog.ts';
import { tableSource, type ReportDefinition } from '../report-definition.ts';
import { prepareReportSql, type ReportSqlReader } from '../report-sql.ts';

export interface ReportRunRequest {
  report: string;
  /** YYYY-MM-DD; when absent, the day before the scheduled time's local day in `timezone`. */
  asOf?: string;
  /** ISO instant Scheduler fills in (`<aws.scheduler.scheduled-time>`). */
  scheduledTime?: string;
  /** IANA zone of the schedule. @default 'UTC' */
  timezone?: string;
}

/** One Athena statement of a report table: text and ExecutionParameters (SQL literals), never concatenated input. */
export interface ReportQuery {
  table: string;
  queryString: string;
  executionParameters: string[];
}

export interface PreparedReportRun {
  report: string;
  asOf: string;
  queries: ReportQuery[];
}

export function reportOf(name: unknown): ReportDefinition {
  const definition = typeof name === 'string' ? findReport(name) : undefined;
  if (!definition) throw new Error(`unknown report ${JSON.stringify(name)} (available: ${reportNames.join(', ')})`);
  return definition;
}

/** The as-of date of a run: the one asked for, else the last complete local day before the scheduled time. */
export function resolveAsOf(request: Pick<ReportRunRequest, 'asOf' | 'scheduledTime' | 'timezone'>): string {
  if (request.asOf !== undefined) return parseAsOf(String(request.asOf));
  if (!request.scheduledTime) throw new Error('a report run needs asOf (YYYY-MM-DD) or scheduledTime (ISO instant)');
  const instant = Date.parse(request.scheduledTime);
  if (!Number.isFinite(instant)) throw new Error(`scheduledTime "${request.scheduledTime}" is not an ISO instant`);
  const zone = request.timezone ?? 'UTC';
  const localDay = new Date(instant + zoneOffsetMs(zone, instant)).toISOString().slice(0, 10);
  return new Date(Date.parse(`${localDay}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The Athena statements of a report's SQL tables as of the date, in the report's table order. */
export async function reportQueries(definition: ReportDefinition, asOf: string, readSql: ReportSqlReader): Promise<ReportQuery[]> {
  const queries: ReportQuery[] = [];
  for (const spec of definition.tables.filter((s) => tableSource(s) === 'sql')) {
    const bound = prepareReportSql(await readSql(definition, spec.name), asOf, definition.parameters);
    queries.push({ table: spec.name, queryString: bound.sql, executionParameters: bound.params.map(sqlLiteral) });
  }
  return queries;
}

export async function prepareReportRun(request: ReportRunRequest, readSql: ReportSqlReader): Promise<PreparedReportRun> {
  const definition = reportOf(request.report);
  const asOf = resolveAsOf(request);
  return { report: definition.name, asOf, queries: await reportQueries(definition, asOf, readSql) };
}
