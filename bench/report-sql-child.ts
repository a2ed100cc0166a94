// Child process of the report SQL benchmark: runs every SQL table of one report over a lake on DuckDB
// and prints seconds, rows and this process's peak resident memory (DuckDB included) as JSON.
// `tsx bench/report-sql-child.ts <lakeDir> <report> <asOf>`
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { findReport } from '#functions/reports/catalog.ts';
import { tableSource } from '#functions/reports/report-definition.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';

const [lakeDir, name, asOf] = process.argv.slice(2);
const report = findReport(name ?? '');
if (!lakeDir || !report || !asOf) throw new Error('usage: report-sql-child.ts <lakeDir> <report> <asOf>');
const engine = await openLocalQueryEngine({ lakeDir });
const tables: Record<string, { rows: number; seconds: number }> = {};
const started = performance.now();
try {
  for (const spec of report.tables.filter((t) => tableSource(t) === 'sql')) {
    const t = performance.now();
    const result = await runReportSql(engine, report, spec.name, asOf);
    tables[spec.name] = { rows: result.rows.length, seconds: Math.round(performance.now() - t) / 1000 };
  }
} finally {
  await engine.close();
}
const cpu = process.cpuUsage();
process.stdout.write(
  JSON.stringify({
    report: name,
    seconds: Math.round(performance.now() - started) / 1000,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    tables,
  }),
);
