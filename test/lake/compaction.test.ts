// Compaction into snapshots must not change what the views and as-of reads give: a fixture lake with updates,
// removals, replayed copies, late-arriving older versions and a version dated ahead of its stream day is read
// before and after two compactions, and after the change partitions the snapshots replace are gone.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { compactLake } from '#functions/compaction/compact-lake.ts';
import { withSnapshots } from '#functions/reports/as-of-snapshots.ts';
import { bindNamedParameters } from '#functions/reports/sql-placeholders.ts';
import { lintReportSql } from '#functions/reports/sql-dialect-lint.ts';
import { compactionSelectSql } from '#lib/lake/compaction-sql.ts';
import { decodeParquet, encodeParquet } from '#lib/lake/parquet.ts';
import { DuckDBSnapshotWriter } from '#lib/lake/duckdb-snapshot-writer.ts';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { currentSelectSql, quoteString, snapshotFileColumns, type LakeTable } from '#lib/query/lake-views.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { orderRow, writeLakeFile } from '../query/lake-fixture.ts';

const orders: LakeTable = { table: 'orders', columns: lakeColumns(entities.order) };
const AS_OF_DAYS = ['2023-12-31', '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-12'];

const v = (iso: string, hash = 'h') => ({ updated_at: new Date(iso), version: `${iso}#${hash}`, changed_at: new Date(iso) });

/** Writes the change log: day by day as the stream would, including the awkward cases. */
async function writeChanges(lakeDir: string, upTo: '2024-01-03' | '2024-01-05' | 'all') {
  const placed = orderRow({ id: 'o2', seq: '2', status: 'placed', ...v('2024-01-01T11:00:00.000Z') });
  if (upTo === '2024-01-03' || upTo === '2024-01-05' || upTo === 'all') {
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'a.parquet', [
      orderRow({ id: 'o1', seq: '1', status: 'placed', ...v('2024-01-01T10:00:00.000Z') }),
      placed,
      orderRow({ id: 'o3', seq: '3', status: 'paid', ...v('2024-01-01T12:00:00.000Z') }),
      orderRow({ id: 'o4', seq: '4', status: 'placed', ...v('2024-01-01T13:00:00.000Z') }),
    ]);
    await writeLakeFile(lakeDir, 'orders', '2024-01-02', 'b.parquet', [
      orderRow({ id: 'o1', seq: '10', status: 'shipped', ...v('2024-01-02T10:00:00.000Z') }),
      orderRow({ id: 'o3', seq: '11', op: 'remove', ...v('2024-01-02T09:00:00.000Z') }),
      placed, // a retried batch wrote seq 2 again a day later
      // Dated a week ahead of the day it reached the stream (a source clock ahead).
      orderRow({ id: 'o5', seq: '12', status: 'paid', ...v('2024-01-09T08:00:00.000Z'), changed_at: new Date('2024-01-02T08:00:00.000Z') }),
    ]);
    await writeLakeFile(lakeDir, 'orders', '2024-01-03', 'c.parquet', [orderRow({ id: 'o4', seq: '13', status: 'paid', ...v('2024-01-03T10:00:00.000Z') })]);
  }
  if (upTo === '2024-01-05' || upTo === 'all') {
    await writeLakeFile(lakeDir, 'orders', '2024-01-04', 'd.parquet', [
      // Older versions arriving late: neither may win over what the lake already has.
      orderRow({ id: 'o1', seq: '20', status: 'paid', ...v('2024-01-01T12:00:00.000Z'), changed_at: new Date('2024-01-04T01:00:00.000Z') }),
      orderRow({ id: 'o3', seq: '21', status: 'paid', ...v('2024-01-01T11:30:00.000Z'), changed_at: new Date('2024-01-04T01:00:00.000Z') }),
      orderRow({ id: 'o6', seq: '22', status: 'placed', ordered_at: new Date('2024-01-04T09:00:00.000Z'), ...v('2024-01-04T10:00:00.000Z') }),
    ]);
    await writeLakeFile(lakeDir, 'orders', '2024-01-05', 'e.parquet', [
      orderRow({ id: 'o4', seq: '30', op: 'remove', ...v('2024-01-05T10:00:00.000Z') }),
      orderRow({ id: 'o2', seq: '31', status: 'delivered', ...v('2024-01-05T11:00:00.000Z') }),
    ]);
  }
  if (upTo === 'all') {
    // A retried batch writing into a day already compacted (its dt is the day the change reached the stream).
    await writeLakeFile(lakeDir, 'orders', '2024-01-04', 'late.parquet', [orderRow({ id: 'o6', seq: '23', status: 'paid', ordered_at: new Date('2024-01-04T09:00:00.000Z'), ...v('2024-01-04T23:59:00.000Z') })]);
    await writeLakeFile(lakeDir, 'orders', '2024-01-06', 'f.parquet', [orderRow({ id: 'o7', seq: '40', status: 'placed', ordered_at: new Date('2024-01-06T09:00:00.000Z'), ...v('2024-01-06T10:00:00.000Z') })]);
  }
}

async function readAll(engine: LocalQueryEngine) {
  const current = (await engine.query('SELECT * FROM orders ORDER BY id')).rows;
  const asOf: Record<string, unknown[]> = {};
  for (const day of AS_OF_DAYS) {
    const bound = bindNamedParameters(withSnapshots('SELECT * FROM orders_as_of ORDER BY id'), { as_of: { type: 'DATE', value: day } });
    asOf[day] = (await engine.query(bound.sql, bound.params)).rows;
  }
  return { current, asOf };
}

async function compact(lakeDir: string, day: string) {
  const engine = await openLocalQueryEngine({ lakeDir, threads: 1 });
  try {
    return await compactLake({ writer: new DuckDBSnapshotWriter(engine, lakeDir), lake: new FsObjectStore(lakeDir), lakePrefix: '' }, day, ['orders']);
  } finally {
    await engine.close();
  }
}

async function read(lakeDir: string) {
  const engine = await openLocalQueryEngine({ lakeDir, threads: 1 });
  try {
    return await readAll(engine);
  } finally {
    await engine.close();
  }
}

describe('lake compaction into snapshots', () => {
  let root: string;
  let uncompacted: Awaited<ReturnType<typeof readAll>>;
  let lakeDir: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'compaction-'));
    const reference = path.join(root, 'reference');
    await writeChanges(reference, 'all');
    uncompacted = await read(reference);
    lakeDir = path.join(root, 'lake');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('the uncompacted lake gives the expected state (independent of the snapshots)', () => {
    expect(uncompacted.current.map((r) => [r.id, r.status])).toEqual([
      ['o1', 'shipped'],
      ['o2', 'delivered'],
      ['o5', 'paid'],
      ['o6', 'paid'],
      ['o7', 'placed'],
    ]);
    // o5 is dated 2024-01-09 but known since the 2nd: taken in its earliest known version until then.
    expect(uncompacted.asOf['2024-01-02']!.map((r) => [(r as { id: string }).id, (r as { status: string }).status])).toEqual([
      ['o1', 'shipped'],
      ['o2', 'placed'],
      ['o4', 'placed'],
      ['o5', 'paid'],
    ]);
  });

  it('gives identical views and as-of reads after each compaction, with late files after it', async () => {
    await writeChanges(lakeDir, '2024-01-03');
    const first = await compact(lakeDir, '2024-01-03');
    // o1, o2, o3 (tombstone kept), o4 settled; o5 dated after the 3rd kept verbatim.
    expect(first).toEqual([{ table: 'orders', snapshotDt: '2024-01-03', rows: 5 }]);
    await writeChanges(lakeDir, '2024-01-05');
    const second = await compact(lakeDir, '2024-01-05');
    // o1, o2, o3 and o4 (tombstones), o6 settled; o5 still verbatim.
    expect(second[0]!.rows).toBe(6);
    await writeChanges(lakeDir, 'all');
    const compacted = await read(lakeDir);
    expect(compacted.current).toEqual(uncompacted.current);
    for (const day of AS_OF_DAYS) expect({ day, rows: compacted.asOf[day] }).toEqual({ day, rows: uncompacted.asOf[day] });
  });

  it('reads of the current state and of as-of days on or after the snapshot no longer need the older change partitions', async () => {
    const pruned = path.join(root, 'pruned');
    await cp(lakeDir, pruned, { recursive: true });
    // changes_from of the 2024-01-05 snapshot is 2024-01-03: drop everything before it.
    for (const dt of ['2024-01-01', '2024-01-02']) await rm(path.join(pruned, 'orders', `dt=${dt}`), { recursive: true });
    expect(await readdir(path.join(pruned, 'orders'))).toEqual(['dt=2024-01-03', 'dt=2024-01-04', 'dt=2024-01-05', 'dt=2024-01-06']);
    const after = await read(pruned);
    expect(after.current).toEqual(uncompacted.current);
    for (const day of ['2024-01-05', '2024-01-06', '2024-01-12']) expect(after.asOf[day]).toEqual(uncompacted.asOf[day]);
  });

  it('compacting the same day again changes nothing', async () => {
    await compact(lakeDir, '2024-01-05');
    expect((await read(lakeDir)).current).toEqual(uncompacted.current);
  });

  it('writes ZSTD snapshots that the erasure rewrite decodes, and DuckDB reads what it writes back', async () => {
    const rewritten = path.join(root, 'rewritten');
    await cp(lakeDir, rewritten, { recursive: true });
    const file = path.join(rewritten, 'snapshots', 'orders', 'snapshot_dt=2024-01-05', 'snapshot.parquet');
    const engine = await openLocalQueryEngine({ lakeDir: rewritten, threads: 1 });
    try {
      const codecs = await engine.query(`SELECT DISTINCT compression FROM parquet_metadata(${quoteString(file)})`);
      expect(codecs.rows.map((r) => r.compression)).toEqual(['ZSTD']);
      const byDuckDB = (await engine.query(`SELECT id, status FROM read_parquet(${quoteString(file)}) ORDER BY id, seq`)).rows.map((r) => [r.id, r.status]);
      // What lake-erasure.ts does with a file holding an erased person: decode, rewrite, put back.
      const decoded = await decodeParquet(await readFile(file));
      expect(decoded.map((r) => [r.id, r.status]).sort()).toEqual([...byDuckDB].sort());
      await writeFile(file, encodeParquet(snapshotFileColumns(orders), decoded));
    } finally {
      await engine.close();
    }
    expect((await read(rewritten)).current).toEqual(uncompacted.current);
  });

  it('the shared SQL passes the dialect lint', () => {
    // The rules about a report's own shape (as-of bound, outer ORDER BY, current-state reads) do not apply to views.
    const reportRules = new Set(['as-of', 'order-by', 'current-state']);
    for (const sql of [currentSelectSql(orders), compactionSelectSql(orders, '2024-01-05'), withSnapshots('SELECT id FROM orders_as_of ORDER BY id')]) {
      expect(lintReportSql(sql).filter((p) => !reportRules.has(p.rule))).toEqual([]);
    }
  });
});
