import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbType, lakeColumns, type LakeColumn } from '#schemas/columns.ts';
import type { ColumnKind } from '#schemas/fields.ts';
import { entities } from '#schemas/registry.ts';
import { decodeParquet, encodeParquet, toCents, type LakeRow } from '#lib/lake/parquet.ts';

const col = (column: string, kind: ColumnKind): LakeColumn => ({ column, kind, description: column });

const everyKind: LakeColumn[] = [
  col('s', 'string'),
  col('ts', 'timestamp'),
  col('d', 'date'),
  col('m', 'decimal'),
  col('n', 'bigint'),
  col('x', 'double'),
  col('b', 'boolean'),
  col('j', 'json'),
];

const rows: LakeRow[] = [
  { s: 'héllo, "wörld" 🦆', ts: new Date('2024-03-05T10:11:12.345Z'), d: '2024-02-29', m: 0.1 + 0.2, n: Number.MAX_SAFE_INTEGER, x: 1 / 3, b: true, j: '{"items":[{"sku":"A","quantity":2}]}' },
  { s: '', ts: new Date('1969-12-31T23:59:59.999Z'), d: '1970-01-01', m: 1234567890123.45, n: -42, x: -0.0, b: false, j: '[]' },
  { s: null, ts: null, d: null, m: -0.125, n: null, x: null, b: null, j: null },
  // Any amount of at most 15 significant digits survives a double exactly.
  { m: -9999999999999.99 },
];

describe('encodeParquet → hyparquet', () => {
  it('round-trips every kind, nulls and missing values', async () => {
    // Act
    const decoded = await decodeParquet(encodeParquet(everyKind, rows));

    // Assess
    expect(decoded).toHaveLength(4);
    expect(decoded[0]).toEqual({ ...rows[0], m: 0.3 });
    expect(decoded[1]).toEqual({ ...rows[1], x: -0 });
    expect(decoded[2]).toEqual({ s: null, ts: null, d: null, m: -0.13, n: null, x: null, b: null, j: null });
    expect(decoded[3]!.m).toBe(-9999999999999.99);
  });

  it('writes a valid file with the schema for zero rows', async () => {
    expect(await decodeParquet(encodeParquet(everyKind, []))).toEqual([]);
  });
});

describe('toCents', () => {
  it.each([
    [0.1 + 0.2, 30n],
    [1234567890123.45, 123456789012345n],
    [-1234567890123.45, -123456789012345n],
    [19.99, 1999n],
    [0.005, 1n],
    [-0.005, -1n],
    [1.005, 101n], // the text "1.005" rounds half up, though the double is a hair below
    [1e-7, 0n],
    [0, 0n],
  ])('%s → %s cents', (value, cents) => {
    expect(toCents(value)).toBe(cents);
  });

  it('rejects values outside DECIMAL(18,2) and non-numbers', () => {
    expect(() => toCents(1e16)).toThrow(/out of range/);
    expect(() => toCents(Number.NaN)).toThrow(/finite number/);
    expect(() => toCents('12.5')).toThrow(/finite number/);
  });
});

describe('encodeParquet input checks', () => {
  it.each([
    ['d', 'date', '2024-02-30', /row 0, column d \(date\): not a calendar date/],
    ['d', 'date', '05/03/2024', /YYYY-MM-DD/],
    ['ts', 'timestamp', 'yesterday', /expected a Date/],
    ['n', 'bigint', 1.5, /safe integer/],
    ['s', 'string', 12, /expected a string/],
    ['b', 'boolean', 'true', /expected a boolean/],
  ] as const)('rejects %s (%s) = %j', (name, kind, value, message) => {
    expect(() => encodeParquet([col(name, kind)], [{ [name]: value }])).toThrow(message);
  });
});

describe('encodeParquet → DuckDB read_parquet', () => {
  let dir: string;
  let db: DuckDBInstance;
  let conn: DuckDBConnection;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parquet-test-'));
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    // A non-UTC session zone: the values must not shift.
    await conn.run("SET TimeZone = 'America/New_York'");
  });
  afterAll(async () => {
    conn.closeSync();
    db.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name);
    await writeFile(file, bytes);
    return file;
  };

  it('reads every kind with its declared DuckDB type and exact values', async () => {
    // Prepare
    const file = await write('kinds.parquet', encodeParquet(everyKind, rows));

    // Act
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const values = await conn.runAndReadAll(`SELECT ${everyKind.map((c) => `CAST(${c.column} AS VARCHAR) AS ${c.column}`).join(', ')} FROM read_parquet('${file}')`);

    // Assess
    expect(described.getRowObjectsJson().map((r) => [r.column_name, r.column_type])).toEqual(everyKind.map((c) => [c.column, duckdbType[c.kind]]));
    expect(values.getRowObjectsJson()).toEqual([
      { s: 'héllo, "wörld" 🦆', ts: '2024-03-05 10:11:12.345', d: '2024-02-29', m: '0.30', n: '9007199254740991', x: '0.3333333333333333', b: 'true', j: '{"items":[{"sku":"A","quantity":2}]}' },
      { s: '', ts: '1969-12-31 23:59:59.999', d: '1970-01-01', m: '1234567890123.45', n: '-42', x: '-0.0', b: 'false', j: '[]' },
      { s: null, ts: null, d: null, m: '-0.13', n: null, x: null, b: null, j: null },
      { s: null, ts: null, d: null, m: '-9999999999999.99', n: null, x: null, b: null, j: null },
    ]);
  });

  it('declares local millisecond timestamps, UTF8 json, INT64 decimals and Snappy', async () => {
    // Prepare
    const file = await write('schema.parquet', encodeParquet(everyKind, rows));

    // Act
    const schema = await conn.runAndReadAll(`SELECT name, type, converted_type, logical_type FROM parquet_schema('${file}') WHERE name IN ('ts', 'j', 'm')`);
    const codecs = await conn.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`);

    // Assess
    const byName = Object.fromEntries(schema.getRowObjectsJson().map((r) => [r.name, r]));
    expect(byName.ts).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' });
    expect(String(byName.ts!.logical_type)).toMatch(/isAdjustedToUTC=0.*MILLIS=MilliSeconds/);
    expect(byName.j).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    expect(byName.m).toMatchObject({ type: 'INT64', converted_type: 'DECIMAL' });
    expect(codecs.getRowObjectsJson()).toEqual([{ compression: 'SNAPPY' }]);
  });

  it('reads a zero-row file with every column typed', async () => {
    // Prepare
    const columns = lakeColumns(entities.order);
    const file = await write('empty.parquet', encodeParquet(columns, []));

    // Act
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const count = await conn.runAndReadAll(`SELECT count(*)::INT AS n FROM read_parquet('${file}')`);

    // Assess
    expect(described.getRowObjectsJson().map((r) => [r.column_name, r.column_type])).toEqual(columns.map((c) => [c.column, duckdbType[c.kind]]));
    expect(count.getRowObjectsJson()).toEqual([{ n: 0 }]);
  });

  it('keeps the declared type of a column that is null in every row', async () => {
    // Prepare
    const file = await write('nulls.parquet', encodeParquet(everyKind, [{}, {}]));

    // Act
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);

    // Assess
    expect(described.getRowObjectsJson().map((r) => r.column_type)).toEqual(everyKind.map((c) => duckdbType[c.kind]));
  });
});
