// Where a report run's outputs live in the object store, and what the query views over them are
// called. One place, because the writer, the local query views and (later) the Glue tables must agree.
//
//   <report>/as_of=<YYYY-MM-DD>/summary.json
//   <report>/as_of=<YYYY-MM-DD>/dashboard.html
//   <report>/as_of=<YYYY-MM-DD>/<table>/<table>.parquet
//
// Each table gets a folder of its own because an Athena table is a prefix: a Glue table per output
// (`storage.location.template` = `.../<report>/as_of=${as_of}/<table>/`) must not also see the
// other tables' files, summary.json or dashboard.html.

export const SUMMARY_FILE = 'summary.json';
export const DASHBOARD_FILE = 'dashboard.html';
/** The hive partition key of report outputs; the query views expose it as a DATE column. */
export const AS_OF_PARTITION = 'as_of';

/** Key prefix of one run, ending in '/'. */
export const runPrefix = (report: string, asOf: string) => `${report}/${AS_OF_PARTITION}=${asOf}/`;

/** Path of a table's Parquet file relative to the run prefix. */
export const tableFile = (table: string) => `${table}/${table}.parquet`;

/** The query view (and Glue table) over every run of one output table: `<report>_<table>`. */
export const reportViewName = (report: string, table: string) => `${report}_${table}`;
