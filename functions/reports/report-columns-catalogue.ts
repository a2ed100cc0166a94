// The columns of every report output table, as the Glue tables over the report outputs declare them.
// A table's columns come from its SQL result types (or its post-processing), which are only known by
// running it, so `npm run generate:reports` runs every report of the catalog over the demo lake and
// writes them to generated/report-columns.json; synthesis reads that file, and a test fails when a
// report's real outputs drift from it.
import type { ReportColumn } from './report-definition.ts';
import type { ReportSummary } from './report-summary.ts';

/** Columns by report, then by table. */
export type ReportColumnsCatalogue = Record<string, Record<string, ReportColumn[]>>;

export const REPORT_COLUMNS_FILE = new URL('./generated/report-columns.json', import.meta.url);

export function columnsOfRuns(summaries: readonly ReportSummary[]): ReportColumnsCatalogue {
  const out: ReportColumnsCatalogue = {};
  for (const summary of [...summaries].sort((a, b) => a.report.localeCompare(b.report))) {
    out[summary.report] = Object.fromEntries(summary.tables.map((t) => [t.name, t.columns.map((c) => ({ name: c.name, kind: c.kind }))]));
  }
  return out;
}

export const catalogueJson = (catalogue: ReportColumnsCatalogue) => `${JSON.stringify(catalogue, null, 2)}\n`;
