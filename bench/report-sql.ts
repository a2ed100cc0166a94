// Report SQL over a large generated lake on DuckDB: each report's SQL tables in a child process, so
// the peak memory reported is the query's own (node + DuckDB), not the generator's.
// Run alone: `npx tsx bench/report-sql.ts [orders] [customers] [report...]`.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ORDERS_AS_OF, writeOrdersLake, type OrdersLake } from './orders-generator.ts';

export interface ReportSqlBench {
  report: string;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  tables: Record<string, { rows: number; seconds: number }>;
}

export function benchReportSql(lakeDir: string, report: string, asOf = ORDERS_AS_OF): ReportSqlBench {
  const child = path.join(import.meta.dirname, 'report-sql-child.ts');
  const tsx = path.join(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync(process.execPath, [tsx, child, lakeDir, report, asOf], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`report SQL bench of ${report} failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ReportSqlBench;
}

export async function benchReportsSql(reports: readonly string[], orders = 10_000_000, customers = 1_000_000): Promise<{ lake: OrdersLake; reports: ReportSqlBench[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-report-sql-'));
  try {
    const lake = await writeOrdersLake(path.join(dir, 'lake'), { orders, customers });
    return { lake, reports: reports.map((report) => benchReportSql(path.join(dir, 'lake'), report)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [orders = '10000000', customers = '1000000', ...reports] = process.argv.slice(2);
  const result = await benchReportsSql(reports.length ? reports : ['churn'], Number(orders), Number(customers));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
