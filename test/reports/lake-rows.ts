// Lake rows for hand-made report fixtures, as the stream handler writes them: snake_case columns, ISO
// instants as Dates, every other column null, stream metadata in write order; and a writer that puts
// each table's rows into one Parquet file of the lake.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lakeColumns } from '#schemas/columns.ts';
import { entities, type EntityName } from '#schemas/registry.ts';
import { encodeParquet, type LakeRow } from '#lib/lake/parquet.ts';

let seq = 50_000;
const INSTANT = /^\d{4}-\d\d-\d\dT/;

/** One version of a record: the given column values, the rest null. */
export function lakeVersion(entity: EntityName, values: Record<string, unknown>, updatedAt: string, op: 'insert' | 'modify' | 'remove' = 'insert'): LakeRow {
  const row: Record<string, unknown> = {};
  for (const c of lakeColumns(entities[entity])) {
    const v = values[c.column];
    row[c.column] = typeof v === 'string' && INSTANT.test(v) ? new Date(v) : (v ?? null);
  }
  seq += 1;
  return { ...row, updated_at: new Date(updatedAt), op, version: `${updatedAt}#f${seq}`, seq: String(seq).padStart(40, '0'), changed_at: new Date(updatedAt) };
}

/** Writes `{entity: rows}` into `<dir>/lake/<table>/dt=<day>/a.parquet`; returns the lake directory. */
export async function writeFixtureLake(dir: string, tables: Partial<Record<EntityName, LakeRow[]>>, day = '2024-06-30'): Promise<string> {
  const lakeDir = path.join(dir, 'lake');
  for (const [entity, rows] of Object.entries(tables) as [EntityName, LakeRow[]][]) {
    const folder = path.join(lakeDir, entities[entity].table, `dt=${day}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'a.parquet'), encodeParquet(lakeColumns(entities[entity]), rows));
  }
  return lakeDir;
}
