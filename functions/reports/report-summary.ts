// summary.json of a report run: the headline figures and what was written. It holds nothing that
// changes between two runs on the same data and as-of date (no run time, no durations), so a rerun
// gives the same bytes.
import type { BusEvent } from '#lib/bus/event-bus.ts';
import type { Headline, ReportColumn, ReportDefinition, ReportTables } from './report-definition.ts';
import { countEvents } from './report-events.ts';
import { countScores, type ScoreInput } from './report-scores.ts';
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
  /** Events the run emitted, by detail type (reports that declare events only). */
  events?: Record<string, number>;
  /** Score records the run wrote back, by model (reports that declare scores only). */
  scores?: Record<string, number>;
  /** The report's own blocks (ReportDefinition.summary), e.g. `segments`, `bgnbd`. */
  [block: string]: unknown;
}

const FRAMEWORK_KEYS = new Set(['report', 'title', 'asOf', 'headlines', 'tables', 'files', 'events', 'scores']);

export function buildSummary(
  definition: ReportDefinition,
  asOf: string,
  tables: ReportTables,
  headlines: Headline[],
  blocks: Record<string, unknown> = {},
  events: readonly BusEvent[] = [],
  scores: readonly ScoreInput[] = [],
): ReportSummary {
  const clashes = Object.keys(blocks).filter((key) => FRAMEWORK_KEYS.has(key));
  if (clashes.length) throw new Error(`report ${definition.name}: summary blocks may not be named ${clashes.join(', ')} (the framework writes those)`);
  const tableSummaries = definition.tables.map((spec): TableSummary => {
    const table = tables[spec.name]!;
    return { name: spec.name, title: spec.title, view: reportViewName(definition.name, spec.name), file: tableFile(spec.name), rows: table.rows.length, columns: table.columns };
  });
  const files = [...tableSummaries.map((t) => t.file), SUMMARY_FILE, DASHBOARD_FILE].sort();
  return {
    report: definition.name,
    title: definition.title,
    asOf,
    headlines,
    tables: tableSummaries,
    files,
    ...(definition.events ? { events: countEvents(events) } : {}),
    ...(definition.scores ? { scores: countScores(scores) } : {}),
    ...blocks,
  };
}

/** Pretty-printed with a final newline; key order is the construction order above, so it is stable. */
export const summaryJson = (summary: ReportSummary) => `${JSON.stringify(summary, null, 2)}\n`;
