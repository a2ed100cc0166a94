// What a report is: a folder `functions/reports/<name>/` holding one Athena-dialect `.sql` file per
// output table, an optional TypeScript post-processing step (model fits) and this definition, which
// names the tables, says how the dashboard shows them and which headline figures the summary carries.
import type { BusEvent } from '#lib/bus/event-bus.ts';
import type { ColumnKind } from '#schemas/fields.ts';
import type { ScoreInput } from './report-scores.ts';
import type { NamedParameter } from './sql-placeholders.ts';

/** A column of a report output table; the kind fixes its Parquet/Glue type. */
export interface ReportColumn {
  name: string;
  kind: ColumnKind;
}

/** One output table: columns in order and rows keyed by column name (QueryResult value conventions). */
export interface ReportTable {
  columns: ReportColumn[];
  rows: Record<string, unknown>[];
}

/** The tables computed so far, keyed by table name. */
export type ReportTables = Readonly<Record<string, ReportTable>>;

/**
 * An interactive chart of one table (ECharts, inlined in dashboard.html): hover shows exact values,
 * legend entries toggle their series. Rows are plotted in table order (the SQL's ORDER BY).
 * - `bar` / `line`: `x` is the category axis (a month, a stage, a frequency); `y` is one measure
 *   column, or several that become the series (new vs returning buyers); `series` splits one measure
 *   by a column's values (revenue by channel);
 * - `scatter`: numeric `x` and `y` per row, `series` colours the points (at most 5,000 drawn);
 * - `heatmap`: categories `x` (columns) and `y` (rows); each cell the sum of `value` over its rows
 *   (`aggregate: 'mean'` for a rate such as P(alive)), or the number of rows when `value` is absent;
 * - `histogram`: the distribution of the numeric column `x` (one row each) in `bins` equal-width bins;
 * - `facet` (any type) draws one chart per value of a column, e.g. `currency`, because money in
 *   different currencies is never added up or drawn on one axis.
 */
export interface ChartSpec {
  type: 'bar' | 'line' | 'scatter' | 'heatmap' | 'histogram';
  title: string;
  x: string;
  /** The measure(s); required for bar, line and scatter. */
  y?: string | readonly string[];
  series?: string;
  /** Bars of a category stacked rather than side by side. @default false */
  stacked?: boolean;
  facet?: string;
  /** Heatmap cell measure. @default the number of rows in the cell */
  value?: string;
  /** How heatmap rows of one cell combine. @default 'sum' */
  aggregate?: 'sum' | 'mean';
  /** Histogram bins. @default 20 */
  bins?: number;
  /** How the measure reads (the cell value of a heatmap, the x values of a histogram). @default 'number' */
  format?: ValueFormat;
  /** How scatter x values read. @default 'number' */
  xFormat?: ValueFormat;
  /** Categories of the x and y axes in this order (others follow in row order), e.g. segments in the scheme's order. */
  order?: { x?: readonly unknown[]; y?: readonly unknown[] };
  /** Axis titles. @default the humanized column names */
  xLabel?: string;
  yLabel?: string;
}

export type ValueFormat = 'money' | 'count' | 'number' | 'ratio';

export interface ReportTableSpec {
  /** snake_case; the SQL file is `<name>.sql`, the query view `<report>_<name>`. */
  name: string;
  title: string;
  /** One or two sentences for the analyst: what a row is and what is counted. */
  description: string;
  /** `sql`: computed by `<name>.sql`; `postProcess`: returned by the report's postProcess. @default 'sql' */
  source?: 'sql' | 'postProcess';
  /** How each column reads on the dashboard (money, count, ratio); unlisted numbers read as plain numbers. */
  formats?: Readonly<Record<string, ValueFormat>>;
  charts?: readonly ChartSpec[];
}

/** A headline figure of summary.json and the dashboard's tiles. */
export interface Headline {
  /** snake_case, stable across runs and versions: other systems read it. */
  key: string;
  label: string;
  /** null when the figure has no value on this data (e.g. a growth rate with no earlier revenue). */
  value: number | null;
  format: ValueFormat;
  /** ISO-4217 code of a money figure; money headlines come one per currency. */
  currency?: string;
}

/**
 * The latest earlier run of the same report (as_of before this one, with a summary.json), read
 * through the ObjectStore so it works on S3 as on a directory. Runs are compared with it, e.g. the
 * RFM movement matrix; as long as the earlier runs are the same, a rerun gives the same outputs.
 */
export interface PreviousRun {
  /** YYYY-MM-DD. */
  asOf: string;
  /** Its parsed summary.json. */
  summary: Record<string, unknown>;
  /** Rows of one of its tables (decodeParquet conventions: DATE 'YYYY-MM-DD', DECIMAL and BIGINT numbers); undefined when it has none of that name. */
  table(name: string): Promise<Record<string, unknown>[] | undefined>;
}

export interface ReportContext {
  /** The as-of date, YYYY-MM-DD. */
  asOf: string;
  tables: ReportTables;
  /** The previous run, when there is one. */
  previous?: PreviousRun;
}

export interface ReportDefinition {
  /** snake_case; the folder under `functions/reports/` and the output prefix. */
  name: string;
  title: string;
  description: string;
  /** The folder holding the `.sql` files: `new URL('.', import.meta.url)` in the report's report.ts. */
  sqlDir: URL;
  /** Output tables in dashboard order. */
  tables: readonly ReportTableSpec[];
  /** Named SQL parameters besides `:as_of` (a lookback window, ...), bound the same way. */
  parameters?: Readonly<Record<string, NamedParameter>>;
  /** Further tables computed in TypeScript from the SQL tables (pure functions: model fits, scoring). */
  postProcess?: (context: ReportContext) => Promise<ReportTables> | ReportTables;
  /** Headline figures from the finished tables (a pure function, so it is tested without a database). */
  headlines: (context: ReportContext) => Headline[];
  /**
   * Extra top-level blocks of summary.json (model parameters such as `bgnbd`), from the finished
   * tables; deterministic, and never one of the framework's own keys.
   */
  summary?: (context: ReportContext) => Record<string, unknown>;
  /**
   * Domain events about customers (ids and figures only, no personal data), published on the bus
   * once the run is written; each detail must match its schema in `schemas/events.ts`.
   */
  events?: (context: ReportContext) => BusEvent[];
  /**
   * Per-customer or per-lead outputs written back to the operational store as `score` records
   * (`scoreRecord(...)` in report-scores.ts), one per subject, so the profile, the rules and the events
   * see them. Written through `runReport({ ..., scores })` once the run is written, before its events.
   */
  scores?: (context: ReportContext) => ScoreInput[];
}

/** Identity function that gives a report definition its type where it is written. */
export const defineReport = (definition: ReportDefinition): ReportDefinition => definition;

export const tableSource = (spec: ReportTableSpec) => spec.source ?? 'sql';
