// `crm query "SQL"`: Athena-dialect SQL over the local lake, through DuckDB and the compatibility layer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { formatResult, isOutputFormat, OUTPUT_FORMATS } from '#lib/query/format.ts';
import { registerReportViews } from '#functions/reports/local-report-views.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';

export async function queryCommand(positionals: string[], options: Options): Promise<number> {
  const [sql, ...extra] = positionals;
  if (!sql?.trim()) throw new UsageError('SQL is required, e.g. crm query "SELECT count(*) FROM orders"');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')} (quote the SQL as one argument)`);
  const format = String(options.format);
  if (!isOutputFormat(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${format}"`);
  if (options.stage !== undefined) {
    const { resolveDeployedStack } = await import('../stage/deployed-stack.ts');
    const { queryStage } = await import('../stage/stage-commands.ts');
    process.stdout.write(await queryStage(await resolveDeployedStack(String(options.stage)), sql, format));
    return 0;
  }
  const dir = String(options.dir);
  const reportsDir = join(dir, 'reports');
  const engine = await openLocalQueryEngine({ lakeDir: join(dir, 'lake') });
  try {
    // One view per report output, <report>_<table>, with the run date as as_of (functions/reports/README.md).
    if (existsSync(reportsDir)) await registerReportViews(engine, reportsDir);
    const result = await engine.query(sql);
    process.stdout.write(formatResult(result, format));
    return 0;
  } finally {
    await engine.close();
  }
}
