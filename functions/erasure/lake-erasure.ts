// Erasure in the lake: the lake holds no personal value, only keyed hashes of them (HMAC with one
// key), and a hash still links back to a person for anyone who holds the key and the e-mail. So the
// Parquet files that hold rows of an erased person are rewritten with those hashes set to null; the
// rows stay (ids and business columns), so counts over time and the person's orders in aggregate
// reports are unchanged. Files without such rows are left untouched. The compacted snapshots
// (lib/lake/snapshot-layout.ts) hold the same columns plus `dt` and are rewritten the same way.
import { lakeColumns, snakeCase } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { decodeParquet, encodeParquet } from '#lib/lake/parquet.ts';
import { snapshotsPrefix } from '#lib/lake/snapshot-layout.ts';
import { snapshotFileColumns } from '#lib/query/lake-views.ts';
import type { ObjectStore } from '#lib/store/object-store.ts';

export interface LakeErasureResult {
  filesRewritten: number;
  rowsCleared: number;
}

/** `erased`: erased person ids by table; `customerIds`: the erased customer ids (rows that name them are cleared too). */
export async function eraseFromLake(store: ObjectStore, prefix: string, erased: Record<string, string[]>, customerIds: string[]): Promise<LakeErasureResult> {
  const result: LakeErasureResult = { filesRewritten: 0, rowsCleared: 0 };
  const customers = new Set(customerIds);
  for (const entity of Object.values(entities)) {
    const hashed = lakeColumns(entity)
      .filter((c) => c.hashed)
      .map((c) => c.column);
    const columns = snapshotFileColumns({ table: entity.table, columns: lakeColumns(entity) });
    if (hashed.length === 0) continue;
    const ids = new Set(erased[entity.table] ?? []);
    const customerColumn = entity.customerField && entity.customerField !== 'id' ? snakeCase(entity.customerField) : undefined;
    for await (const key of lakeFiles(store, [`${prefix}${entity.table}/`, snapshotsPrefix(prefix, entity.table)])) {
      if (!key.endsWith('.parquet')) continue;
      const bytes = await store.get(key);
      if (!bytes) continue;
      const rows = await decodeParquet(bytes);
      let cleared = 0;
      const out = rows.map((row) => {
        const hit = ids.has(String(row.id)) || (customerColumn !== undefined && customers.has(String(row[customerColumn])));
        if (!hit || hashed.every((c) => row[c] === null || row[c] === undefined)) return row;
        cleared++;
        return { ...row, ...Object.fromEntries(hashed.map((c) => [c, null])) };
      });
      if (cleared === 0) continue;
      // Columns as the file has them (a file written before a schema change keeps its own set; `dt` only in snapshots).
      const present = columns.filter((c) => c.column in (rows[0] ?? {}));
      await store.put(key, encodeParquet(present, out), 'application/vnd.apache.parquet');
      result.filesRewritten++;
      result.rowsCleared += cleared;
    }
  }
  return result;
}

async function* lakeFiles(store: ObjectStore, prefixes: string[]): AsyncIterable<string> {
  for (const prefix of prefixes) yield* store.list(prefix);
}
