// `crm lake compact [--date YYYY-MM-DD] [--table T] [--dir D]`: compacts the local lake's change log into the
// snapshots of one day (default yesterday, UTC: the last complete day), as the scheduled compaction does in AWS.
// Prints a JSON array of {table, snapshotDt, rows}.
import { join } from 'node:path';
import { compactLake } from '#functions/compaction/compact-lake.ts';
import { lastCompleteDay, snapshotDay } from '#lib/lake/compaction-sql.ts';
import { DuckDBSnapshotWriter } from '#lib/lake/duckdb-snapshot-writer.ts';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { UsageError } from './usage.ts';
import type { Options } from './main.ts';

export async function lakeCommand(positionals: string[], options: Options): Promise<number> {
  const [sub, ...extra] = positionals;
  if (sub !== 'compact') throw new UsageError(`unknown lake subcommand "${sub ?? ''}": use crm lake compact [--date YYYY-MM-DD] [--table T]`);
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  let day: string;
  try {
    day = snapshotDay(options.date === undefined ? lastCompleteDay() : String(options.date));
  } catch (err) {
    throw new UsageError(`--date: ${(err as Error).message}`);
  }
  const lakeDir = join(String(options.dir), 'lake');
  const tables = options.table === undefined ? undefined : String(options.table).split(',');
  const engine = await openLocalQueryEngine({ lakeDir });
  try {
    const started = performance.now();
    const done = await compactLake({ writer: new DuckDBSnapshotWriter(engine, lakeDir), lake: new FsObjectStore(lakeDir), lakePrefix: '' }, day, tables);
    process.stderr.write(`compacted ${done.length} tables into the snapshots of ${day} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    process.stdout.write(`${JSON.stringify(done)}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
