import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lakeColumns } from '#schemas/columns.ts';
import { entities } from '#schemas/registry.ts';
import { encodeParquet } from '#lib/lake/parquet.ts';
import { compatStatements, openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { orderColumns, orderRow, writeLakeFile } from './lake-fixture.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'duckdb-engine-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const freshDir = async (name: string) => {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
};

describe('Trino compatibility layer', () => {
  let engine: LocalQueryEngine;
  beforeAll(async () => {
    engine = await openLocalQueryEngine({ lakeDir: await freshDir('compat') });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('loads every statement of the compatibility file', async () => {
    const statements = await compatStatements();
    expect(statements.length).toBeGreaterThan(40);
    expect(statements[0]).toBe("SET TimeZone = 'UTC'");
  });

  it.each([
    ["SELECT date_diff('day', DATE '2024-01-01', DATE '2024-03-01') AS v", 60],
    ["SELECT date_diff('month', DATE '2024-01-15', DATE '2024-03-14') AS v", 1],
    ['SELECT 7/2 AS v', 3],
    ['SELECT greatest(1, NULL) AS v', null],
    ["SELECT day_of_week(DATE '2024-01-07') AS v", 7],
    ["SELECT date_trunc('month', DATE '2024-03-15') AS v", '2024-03-01'],
    ["SELECT date_add('day', 1, DATE '2024-02-28') AS v", '2024-02-29'],
    ["SELECT split_part('a,b', ',', 3) AS v", null],
    ["SELECT regexp_replace('a1b2', '(\\d)', '<$1>') AS v", 'a<1>b<2>'],
    ["SELECT current_setting('TimeZone') AS v", 'UTC'],
  ])('%s → %j', async (sql, expected) => {
    const { rows } = await engine.query(sql);
    expect(rows).toEqual([{ v: expected }]);
  });

  it('keeps DATE as DATE through date_trunc', async () => {
    const { columns } = await engine.query("SELECT date_trunc('month', DATE '2024-03-15') AS v");
    expect(columns).toEqual([{ name: 'v', type: 'DATE' }]);
  });
});

describe('query values and parameters', () => {
  let engine: LocalQueryEngine;
  beforeAll(async () => {
    engine = await openLocalQueryEngine({ lakeDir: await freshDir('values') });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('returns plain JS values', async () => {
    // Act
    const result = await engine.query(`
      SELECT CAST(1234567890123.45 AS DECIMAL(18,2)) AS money, CAST(42 AS BIGINT) AS n, 9223372036854775807 AS big,
             sum(x) AS total, DATE '2024-02-29' AS d, TIMESTAMP '2024-03-05 10:11:12.345' AS ts,
             TIMESTAMPTZ '2024-03-05 10:11:12.345+02:00' AS tstz, TIMESTAMP '2024-03-05 10:11:12.345678' AS ts_us,
             true AS b, 0.5::DOUBLE AS x, [1, 2] AS list, {'k': 'v'} AS obj, NULL AS nothing
      FROM (VALUES (1), (2)) AS t(x)`);

    // Assess
    expect(result.rows).toEqual([
      {
        money: 1234567890123.45,
        n: 42,
        big: '9223372036854775807',
        total: 3,
        d: '2024-02-29',
        ts: '2024-03-05T10:11:12.345Z',
        tstz: '2024-03-05T08:11:12.345Z',
        ts_us: '2024-03-05T10:11:12.345678Z',
        b: true,
        x: 0.5,
        list: [1, 2],
        obj: { k: 'v' },
        nothing: null,
      },
    ]);
    expect(result.columns.map((c) => c.type)).toEqual(['DECIMAL(18,2)', 'BIGINT', 'BIGINT', 'HUGEINT', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP', 'BOOLEAN', 'DOUBLE', 'INTEGER[]', 'STRUCT("k" VARCHAR)', 'INTEGER']);
  });

  it('binds ? positionally', async () => {
    // Act
    const { rows } = await engine.query('SELECT ? AS s, ? + 1 AS n, CAST(? AS DATE) AS d, ? AS ts, ? IS NULL AS is_null', [
      "it's",
      41,
      '2024-01-31',
      new Date('2024-01-31T12:00:00Z'),
      null,
    ]);

    // Assess
    expect(rows).toEqual([{ s: "it's", n: 42, d: '2024-01-31', ts: '2024-01-31T12:00:00.000Z', is_null: true }]);
  });

  it("surfaces DuckDB's error message", async () => {
    await expect(engine.query('SELECT * FROM no_such_table')).rejects.toThrow(/Table with name no_such_table does not exist/);
    await expect(engine.query('SELEC 1')).rejects.toThrow(/syntax error/);
  });

  it('keeps duplicate column names apart', async () => {
    const { columns, rows } = await engine.query('SELECT 1 AS a, 2 AS a');
    expect(columns.map((c) => c.name)).toEqual(['a', 'a:1']);
    expect(rows).toEqual([{ a: 1, 'a:1': 2 }]);
  });
});

describe('lake views', () => {
  let lakeDir: string;
  let engine: LocalQueryEngine;

  beforeEach(async () => {
    lakeDir = await freshDir(`lake-${Math.random().toString(36).slice(2)}`);
  });
  afterEach(async () => {
    await engine?.close();
  });

  it('has both views for every entity, with lakeColumns order, even with no files', async () => {
    // Act
    engine = await openLocalQueryEngine({ lakeDir });

    // Assess
    for (const entity of Object.values(entities)) {
      const names = lakeColumns(entity).map((c) => c.column);
      const current = await engine.query(`SELECT * FROM ${entity.table}`);
      const history = await engine.query(`SELECT * FROM ${entity.table}_history`);
      expect(current.columns.map((c) => c.name)).toEqual(names);
      expect(history.columns.map((c) => c.name)).toEqual([...names, 'dt']);
      expect(current.rows).toEqual([]);
      expect(history.rows).toEqual([]);
    }
    const { columns } = await engine.query('SELECT * FROM orders');
    expect(columns.find((c) => c.name === 'total')?.type).toBe('DECIMAL(18,2)');
    expect(columns.find((c) => c.name === 'ordered_at')?.type).toBe('TIMESTAMP');
  });

  it('deduplicates history by seq when a retried batch wrote a change twice', async () => {
    // Prepare
    const first = orderRow({ id: 'o1', seq: '100' });
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', '100-100.parquet', [first]);
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'retry-100-101.parquet', [first, orderRow({ id: 'o2', seq: '101' })]);
    await writeLakeFile(lakeDir, 'orders', '2024-01-02', 'late-100.parquet', [first]);
    engine = await openLocalQueryEngine({ lakeDir });

    // Act
    const { rows } = await engine.query('SELECT id, seq, dt FROM orders_history ORDER BY seq');

    // Assess
    expect(rows).toEqual([
      { id: 'o1', seq: '100', dt: '2024-01-01' },
      { id: 'o2', seq: '101', dt: '2024-01-01' },
    ]);
  });

  it('shows the latest version of each id as the current state', async () => {
    // Prepare: versions arrive out of order across days
    const v = (iso: string) => ({ updated_at: new Date(iso), version: `${iso}#h` });
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'a.parquet', [
      orderRow({ id: 'o1', seq: '1', status: 'placed', ...v('2024-01-01T10:00:00.000Z') }),
      orderRow({ id: 'o1', seq: '3', status: 'delivered', total: 20.5, ...v('2024-01-03T10:00:00.000Z') }),
      orderRow({ id: 'o2', seq: '2', status: 'paid', ...v('2024-01-01T11:00:00.000Z') }),
    ]);
    await writeLakeFile(lakeDir, 'orders', '2024-01-02', 'b.parquet', [orderRow({ id: 'o1', seq: '4', status: 'shipped', ...v('2024-01-02T10:00:00.000Z') })]);
    engine = await openLocalQueryEngine({ lakeDir });

    // Act
    const { rows } = await engine.query('SELECT id, status, total, updated_at FROM orders ORDER BY id');

    // Assess
    expect(rows).toEqual([
      { id: 'o1', status: 'delivered', total: 20.5, updated_at: '2024-01-03T10:00:00.000Z' },
      { id: 'o2', status: 'paid', total: 11.9, updated_at: '2024-01-01T11:00:00.000Z' },
    ]);
  });

  it('resolves equal updated_at by the version string, then by the later seq', async () => {
    // Prepare
    const at = new Date('2024-01-01T10:00:00.000Z');
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'a.parquet', [
      orderRow({ id: 'o1', seq: '1', updated_at: at, version: '2024-01-01T10:00:00.000Z#bbbb', status: 'paid' }),
      orderRow({ id: 'o1', seq: '2', updated_at: at, version: '2024-01-01T10:00:00.000Z#aaaa', status: 'placed' }),
      // Same version written by two changes: seq '10' is later than '9' although it sorts first as text.
      orderRow({ id: 'o2', seq: '10', version: 'v#same', status: 'shipped' }),
      orderRow({ id: 'o2', seq: '9', version: 'v#same', status: 'paid' }),
    ]);
    engine = await openLocalQueryEngine({ lakeDir });

    // Act
    const { rows } = await engine.query('SELECT id, status FROM orders ORDER BY id');

    // Assess
    expect(rows).toEqual([
      { id: 'o1', status: 'paid' },
      { id: 'o2', status: 'shipped' },
    ]);
  });

  it('hides an id whose latest row is a tombstone, but keeps it in history', async () => {
    // Prepare
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'a.parquet', [
      orderRow({ id: 'o1', seq: '1' }),
      orderRow({ id: 'o2', seq: '2' }),
      // A removal carries the last known version; its later seq makes it the latest row.
      orderRow({ id: 'o1', seq: '3', op: 'remove' }),
    ]);
    engine = await openLocalQueryEngine({ lakeDir });

    // Act
    const current = await engine.query('SELECT id FROM orders');
    const history = await engine.query("SELECT count(*) AS n FROM orders_history WHERE id = 'o1'");

    // Assess
    expect(current.rows).toEqual([{ id: 'o2' }]);
    expect(history.rows).toEqual([{ n: 2 }]);
  });

  it('reads files written before a column existed, with the column typed and NULL', async () => {
    // Prepare: an older writer without campaign_id and total
    const older = orderColumns.filter((c) => c.column !== 'campaign_id' && c.column !== 'total');
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'old.parquet', [orderRow({ id: 'o1', seq: '1' })], older);
    await writeLakeFile(lakeDir, 'orders', '2024-01-02', 'new.parquet', [orderRow({ id: 'o2', seq: '2', campaign_id: 'cmp1', total: 5 })]);
    engine = await openLocalQueryEngine({ lakeDir });

    // Act
    const result = await engine.query('SELECT id, campaign_id, total FROM orders ORDER BY id');

    // Assess
    expect(result.rows).toEqual([
      { id: 'o1', campaign_id: null, total: null },
      { id: 'o2', campaign_id: 'cmp1', total: 5 },
    ]);
    expect(result.columns.map((c) => c.type)).toEqual(['VARCHAR', 'VARCHAR', 'DECIMAL(18,2)']);
  });

  it('works when no file has a declared column at all', async () => {
    // Prepare
    const older = orderColumns.filter((c) => c.column !== 'campaign_id');
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'old.parquet', [orderRow({ id: 'o1', seq: '1' })], older);
    engine = await openLocalQueryEngine({ lakeDir });

    // Act
    const result = await engine.query('SELECT * FROM orders');

    // Assess
    expect(result.columns.map((c) => c.name)).toEqual(orderColumns.map((c) => c.column));
    expect(result.rows[0]).toMatchObject({ id: 'o1', campaign_id: null });
  });

  it('picks up the first files of a table that was empty when the engine opened', async () => {
    // Prepare
    engine = await openLocalQueryEngine({ lakeDir });
    expect((await engine.query('SELECT count(*) AS n FROM orders')).rows).toEqual([{ n: 0 }]);

    // Act
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'a.parquet', [orderRow({ id: 'o1', seq: '1' })]);

    // Assess
    expect((await engine.query('SELECT count(*) AS n FROM orders')).rows).toEqual([{ n: 1 }]);
  });

  it('ignores temp files of an unfinished write', async () => {
    // Prepare
    await writeLakeFile(lakeDir, 'orders', '2024-01-01', 'a.parquet', [orderRow({ id: 'o1', seq: '1' })]);
    await writeFile(path.join(lakeDir, 'orders', 'dt=2024-01-01', '.tmp-b.parquet.1234'), 'partial');
    engine = await openLocalQueryEngine({ lakeDir });

    // Act / Assess
    expect((await engine.query('SELECT count(*) AS n FROM orders')).rows).toEqual([{ n: 1 }]);
  });
});
