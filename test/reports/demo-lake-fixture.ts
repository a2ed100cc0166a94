// The demo generator's data set written straight into a lake directory, as the stream handler writes
// it (snake_case columns, personal fields hashed, one insert per record version), without DynamoDB
// Local: realistic volume for report and dashboard tests in a second instead of minutes.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { encodeParquet } from '#lib/lake/parquet.ts';
import { toLakeRow } from '#functions/stream/lake-rows.ts';
import { keyedHasher } from '#functions/stream/pseudonymize.ts';
import { DEFAULT_AS_OF, generateDemo, type DemoData } from '#local/demo/generate.ts';

/** The demo's as-of date (YYYY-MM-DD). */
export const DEMO_AS_OF = DEFAULT_AS_OF.toISOString().slice(0, 10);

export async function writeDemoLake(dir: string, options: { seed: number; customers: number; months?: number }): Promise<{ lakeDir: string; data: DemoData }> {
  const data = generateDemo(options);
  const lakeDir = path.join(dir, 'lake');
  const hash = keyedHasher('demo-lake-fixture');
  let seq = 0;
  for (const entity of Object.values(entities)) {
    const records = (data[entity.table as keyof DemoData] ?? []) as Record<string, unknown>[];
    if (!records.length) continue;
    const rows = records.map((input) => {
      const record = entity.schema.parse(input) as Record<string, unknown> & { updatedAt: string };
      seq += 1;
      return toLakeRow(
        { entity, op: 'insert', seq: String(seq).padStart(40, '0'), sequenceNumber: String(seq), changedAt: new Date(record.updatedAt), version: `${record.updatedAt}#${seq}`, current: record as never },
        hash,
      );
    });
    const folder = path.join(lakeDir, entity.table, `dt=${DEMO_AS_OF}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'demo.parquet'), encodeParquet(lakeColumns(entity), rows));
  }
  return { lakeDir, data };
}
