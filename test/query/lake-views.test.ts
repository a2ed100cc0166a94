// The lake view SQL is written once for DuckDB and Athena: the Athena text (reading the raw `<table>_changes`
// table) must give on DuckDB exactly what the local engine's `<table>_history` and `<table>` views give.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbType, lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import {
  changesRelation,
  changesTableName,
  currentSelectSql,
  currentViewSql,
  historySelectSql,
  historyViewColumns,
  historyViewSql,
  parquetLakeRelation,
  quoteIdent,
  trinoType,
  type LakeTable,
} from '#lib/query/lake-views.ts';
import { orderRow, writeLakeFile } from './lake-fixture.ts';

const orders: LakeTable = { table: 'orders', columns: lakeColumns(entities.order) };

describe('shared view SQL', () => {
  it('DuckDB statements are CREATE VIEW around the shared SELECTs', () => {
    const relation = parquetLakeRelation(orders, '/lake/orders/*/*.parquet');
    expect(historyViewSql(orders, relation)).toBe(`CREATE OR REPLACE VIEW "orders_history" AS\n${historySelectSql(orders, relation)}`);
    expect(currentViewSql(orders)).toBe(`CREATE OR REPLACE VIEW "orders" AS\n${currentSelectSql(orders)}`);
  });

  it('differs between the engines only in the relation read', () => {
    const duckdb = historySelectSql(orders, parquetLakeRelation(orders, '/x/*.parquet'));
    const athena = historySelectSql(orders, changesRelation(orders));
    expect(athena.replace(changesRelation(orders), parquetLakeRelation(orders, '/x/*.parquet'))).toBe(duckdb);
    expect(changesRelation(orders)).toBe('SELECT * FROM "orders_changes"');
  });

  it('names Trino types matching the casts (the DuckDB type names, a bare TIMESTAMP being timestamp(3) in Trino)', () => {
    for (const [kind, type] of Object.entries(duckdbType)) {
      const trino = trinoType[kind as keyof typeof trinoType];
      expect(trino).toBe(type === 'TIMESTAMP' ? 'timestamp(3)' : type.toLowerCase());
    }
    expect(historyViewColumns(orders).map((c) => c.column)).toEqual([...orders.columns.map((c) => c.column), 'dt']);
  });
});

describe('Athena view SQL run on DuckDB', () => {
  let root: string;
  let engine: LocalQueryEngine;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'lake-views-'));
    const lakeDir = path.join(root, 'lake');
    const v = (iso: string) => ({ updated_at: new Date(iso), version: `${iso}#h` });
    const first = orderRow({ id: 'o1', seq: '1', status: 'placed', ...v('2024-01-01T10:00:00.000Z') });
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'a.parquet', [
      first,
      orderRow({ id: 'o2', seq: '2', status: 'paid', ...v('2024-01-01T11:00:00.000Z') }),
      orderRow({ id: 'o3', seq: '3', ...v('2024-01-01T12:00:00.000Z') }),
    ]);
    // A retried batch wrote seq 1 again, on the next day; o1 moved on; o3 was removed.
    await writeLakeFile(lakeDir, 'orders', '2024-01-02', 'b.parquet', [
      first,
      orderRow({ id: 'o1', seq: '10', status: 'shipped', ...v('2024-01-02T10:00:00.000Z') }),
      orderRow({ id: 'o3', seq: '11', op: 'remove', ...v('2024-01-01T12:00:00.000Z') }),
    ]);
    // The engine names the raw change log as the Glue table does (`orders_changes`), over the files.
    engine = await openLocalQueryEngine({ lakeDir });
  });
  afterAll(async () => {
    await engine?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('the raw change log keeps the replayed copy', async () => {
    const { rows } = await engine.query('SELECT count(*) AS n FROM orders_changes');
    expect(rows).toEqual([{ n: 6 }]);
  });

  it('history over orders_changes equals the local orders_history', async () => {
    const athena = await engine.query(`SELECT * FROM (${historySelectSql(orders, changesRelation(orders))}) AS v ORDER BY seq`);
    const local = await engine.query('SELECT * FROM orders_history ORDER BY seq');
    expect(athena.columns).toEqual(local.columns);
    expect(athena.rows).toEqual(local.rows);
    expect(athena.rows.map((r) => [r.id, r.seq, r.dt])).toEqual([
      ['o1', '1', '2024-01-01'],
      ['o1', '10', '2024-01-02'],
      ['o3', '11', '2024-01-02'],
      ['o2', '2', '2024-01-01'],
      ['o3', '3', '2024-01-01'],
    ]);
  });

  it('current state equals the local orders', async () => {
    const athena = await engine.query(`SELECT * FROM (${currentSelectSql(orders)}) AS v ORDER BY id`);
    const local = await engine.query('SELECT * FROM orders ORDER BY id');
    expect(athena.rows).toEqual(local.rows);
    expect(athena.rows.map((r) => [r.id, r.status])).toEqual([
      ['o1', 'shipped'],
      ['o2', 'paid'],
    ]);
  });
});
