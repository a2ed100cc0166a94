// The post-processing step of a scheduled report run: the report's SQL has run in Athena (Step
// Functions waited for it); this reads those results through the unchanged report framework
// (model fits, Parquet tables, dashboard.html, summary.json under the reports prefix), publishes the
// report's per-customer events and then ReportCompleted with the headline figures and the S3 locations.
import type { EventBus } from '#lib/bus/event-bus.ts';
import type { AthenaResultsReader } from '#lib/query/athena-results.ts';
import { FinishedAthenaQueries } from '#lib/query/finished-athena-queries.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';
import { REPORT_EVENT_SOURCE, reportCompletedDetail, type ReportCompletedDetail } from '#schemas/events.ts';
import { parseAsOf } from '../as-of.ts';
import type { ReportSqlReader } from '../report-sql.ts';
import { DASHBOARD_FILE, runPrefix, SUMMARY_FILE } from '../report-layout.ts';
import { runReportDefinition } from '../run-report.ts';
import { reportOf, reportQueries } from './report-run.ts';

export interface FinishReportRunInput {
  report: string;
  asOf: string;
  /** What the state machine's Athena tasks returned: one finished execution per SQL table. */
  queries: { table: string; queryExecutionId: string }[];
}

export interface FinishReportRunDeps {
  /** Reads finished executions only (GetQueryExecution, GetQueryResults): the role cannot start a query. */
  athena: Pick<AthenaResultsReader, 'resultsOf'>;
  /** Rooted at the reports prefix of the lake bucket. */
  store: ObjectStore;
  bus: EventBus;
  readSql: ReportSqlReader;
  /** Where the store is, for the s3:// URIs of the event. */
  bucket: string;
  /** The store's key prefix, ending in '/'. */
  prefix: string;
}

export async function finishReportRun(deps: FinishReportRunDeps, input: FinishReportRunInput): Promise<ReportCompletedDetail> {
  const definition = reportOf(input.report);
  const asOf = parseAsOf(String(input.asOf));
  const ids = new Map((input.queries ?? []).map((q) => [q.table, q.queryExecutionId]));
  const queries = await reportQueries(definition, asOf, deps.readSql);
  const missing = queries.filter((q) => !ids.get(q.table)).map((q) => q.table);
  if (missing.length) throw new Error(`report ${definition.name} as of ${asOf}: no finished Athena query for table(s) ${missing.join(', ')}`);
  const engine = new FinishedAthenaQueries(
    deps.athena,
    queries.map((q) => ({ ...q, queryExecutionId: ids.get(q.table)! })),
  );
  const summary = await runReportDefinition({ engine, store: deps.store, definition, asOf, bus: deps.bus, readSql: deps.readSql });

  const uri = (key: string) => `s3://${deps.bucket}/${deps.prefix}${runPrefix(definition.name, asOf)}${key}`;
  const detail = reportCompletedDetail.parse({
    report: definition.name,
    asOf,
    headlines: summary.headlines.map((h) => ({ key: h.key, value: h.value, ...(h.currency ? { currency: h.currency } : {}) })),
    locations: {
      summary: uri(SUMMARY_FILE),
      dashboard: uri(DASHBOARD_FILE),
      tables: Object.fromEntries(definition.tables.map((t) => [t.name, uri(`${t.name}/`)])),
    },
    events: summary.events ?? {},
    eventId: `${definition.name}#${asOf}`,
  });
  const failed = await deps.bus.publish([{ source: REPORT_EVENT_SOURCE, detailType: 'ReportCompleted', detail }]);
  if (failed.length) throw new Error(`report ${definition.name}: ReportCompleted was not published (${failed[0]!.errorCode} ${failed[0]!.errorMessage})`);
  return detail;
}
