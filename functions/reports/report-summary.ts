// summary.json of a report run: the headline figures and what was written. It holds nothing that
// changes between two runs on the same data and as-of date (no run time, no durations), so a rerun
// gives the same bytes.
import type { Headline, ReportColumn, ReportDefinition, ReportTables } from './report-definition.ts';
import { DASHBOARD_FILE, reportViewName, SUMMARY_FILE, tableFile } from './report-layout.ts';

export interface TableSummary {
  name: string;
  title: string;
  /** The query view over every run of this table (`crm query "SELECT * FROM <view>"`). */
  view: string;
  /** Parquet file relative to the run folder. */
  file: string;
  rows: number;
  columns: ReportColumn[];
}

export interface ReportSummary {
  report: string;
  title: string;
  asOf: string;
  headlines: Headline[];
  tables: TableSummary[];
  /** Every file of the run, relative to the run folder, sorted. */
  files: string[];
}

export function buildSummary(definition: ReportDefinition, asOf: string, tables: ReportTables, headlines: Headline[]): ReportSummary {
  const tableSummaries = definition.tables.map((spec): TableSummary => {
    const table = tables[spec.name]!;
    return { name: spec.name, title: spec.title, view: reportViewName(definition.name, spec.name), file: tableFile(spec.name), rows: table.rows.length, columns: table.columns };
  });
  const files = [...tableSummaries.map((t) => t.file), SUMMARY_FILE, DASHBOARD_FILE].sort();
  return { report: definition.name, title: definition.title, asOf, headlines, tables: tableSummaries, files };
}

/** Pretty-printed with a final newline; key order is the construction order above, so it is stable. */
export const summaryJson = (summary: ReportSummary) => `${JSON.stringify(summary, null, 2)}\n`;
