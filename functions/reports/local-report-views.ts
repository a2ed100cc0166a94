// Local mode only: DuckDB views `<report>_<table>` over the report outputs under `<dir>/reports`, the
// counterpart of one Glue table per output in AWS. Each view holds every run of one table, with the
// run's date as the DATE column `as_of` (from the `as_of=` folder), so
//   SELECT * FROM sales_overview_monthly_sales WHERE as_of = DATE '2024-06-30'
// reads one run and `GROUP BY as_of` compares runs.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { QueryEngine } from '#lib/query/engine.ts';
import { quoteIdent, quoteString } from '#lib/query/lake-views.ts';
import { entities } from '#schemas/registry.ts';
import { AS_OF_PARTITION, reportViewName } from './report-layout.ts';

/** Report outputs never shadow the lake's own tables. */
const LAKE_VIEWS = new Set(Object.values(entities).flatMap((e) => [e.table, `${e.table}_history`]));

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const RUN_FOLDER = new RegExp(`^${AS_OF_PARTITION}=\\d{4}-\\d{2}-\\d{2}$`);

/** The (report, table) pairs that have at least one Parquet file in some run folder, sorted. */
export async function findReportTables(reportsDir: string): Promise<{ report: string; table: string }[]> {
  const found = new Set<string>();
  for (const report of await subfolders(reportsDir)) {
    if (!IDENTIFIER.test(report)) continue;
    for (const run of await subfolders(path.join(reportsDir, report))) {
      if (!RUN_FOLDER.test(run)) continue;
      for (const table of await subfolders(path.join(reportsDir, report, run))) {
        if (!IDENTIFIER.test(table)) continue;
        const files = await readdir(path.join(reportsDir, report, run, table)).catch(() => []);
        if (files.some((f) => f.endsWith('.parquet') && !f.startsWith('.'))) found.add(`${report}\0${table}`);
      }
    }
  }
  return [...found].sort().map((key) => {
    const [report, table] = key.split('\0') as [string, string];
    return { report, table };
  });
}

/** Creates (or replaces) one view per report output table; returns the view names. */
export async function registerReportViews(engine: QueryEngine, reportsDir: string): Promise<string[]> {
  const root = path.resolve(reportsDir);
  const views: string[] = [];
  for (const { report, table } of await findReportTables(root)) {
    const glob = path.join(root, report, `${AS_OF_PARTITION}=*`, table, '*.parquet');
    const view = reportViewName(report, table);
    if (LAKE_VIEWS.has(view)) continue;
    await engine.query(
      `CREATE OR REPLACE VIEW ${quoteIdent(view)} AS SELECT * FROM read_parquet(${quoteString(glob)}, hive_partitioning = true, hive_types = {'${AS_OF_PARTITION}': DATE}, union_by_name = true)`,
    );
    views.push(view);
  }
  return views;
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}
