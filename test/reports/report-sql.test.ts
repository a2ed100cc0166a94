// Every report's SQL: declared and present, free of DuckDB-only syntax and irreproducible constructs,
// and it parses, binds and gives storable column types on DuckDB (over an empty lake). Plus the lint,
// the placeholder binding and the as-of snapshots on their own.
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { withSnapshots } from '#functions/reports/as-of-snapshots.ts';
import { reports } from '#functions/reports/catalog.ts';
import { tableSource } from '#functions/reports/report-definition.ts';
import { prepareReportSql, runReportSql } from '#functions/reports/report-sql.ts';
import { columnKindOf } from '#functions/reports/result-columns.ts';
import { lintReportSql } from '#functions/reports/sql-dialect-lint.ts';
import { bindNamedParameters } from '#functions/reports/sql-placeholders.ts';
import { tempDir } from './sales-lake-fixture.ts';

const sqlTables = reports.flatMap((report) => report.tables.filter((t) => tableSource(t) === 'sql').map((t) => ({ report, table: t.name })));
const sqlOf = (report: (typeof reports)[number], table: string) => readFileSync(new URL(`${table}.sql`, report.sqlDir), 'utf8');
const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;

describe('the report catalog', () => {
  it.each(reports.map((r) => [r.name, r] as const))('%s: names are snake_case and unique, every .sql file is a declared table', (_name, report) => {
    const declared = report.tables.filter((t) => tableSource(t) === 'sql').map((t) => `${t.name}.sql`);
    const files = readdirSync(fileURLToPath(report.sqlDir)).filter((f) => f.endsWith('.sql'));

    expect(report.name).toMatch(SNAKE_CASE);
    for (const t of report.tables) expect(t.name).toMatch(SNAKE_CASE);
    expect(new Set(report.tables.map((t) => t.name)).size).toBe(report.tables.length);
    expect(files.sort()).toEqual(declared.sort());
  });

  it('has unique report names', () => {
    expect(new Set(reports.map((r) => r.name)).size).toBe(reports.length);
  });
});

describe('report SQL', () => {
  let dir: string;
  let engine: LocalQueryEngine;
  beforeAll(async () => {
    dir = await tempDir('report-sql-');
    engine = await openLocalQueryEngine({ lakeDir: dir });
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(sqlTables.map(({ report, table }) => [`${report.name}/${table}.sql`, report, table] as const))('%s passes the Athena/DuckDB lint', (_file, report, table) => {
    expect(lintReportSql(sqlOf(report, table))).toEqual([]);
  });

  it.each(sqlTables.map(({ report, table }) => [`${report.name}/${table}.sql`, report, table] as const))('%s parses and binds on DuckDB and gives storable columns', async (_file, report, table) => {
    const result = await runReportSql(engine, report, table, '2024-06-30');

    expect(result.rows).toBeInstanceOf(Array);
    expect(result.columns.length).toBeGreaterThan(0);
    for (const c of result.columns) expect(c.name).toMatch(SNAKE_CASE);
  });

  it.each(sqlTables.map(({ report, table }) => [`${report.name}/${table}.sql`, report, table] as const))('%s sends only ? placeholders, each cast', (_file, report, table) => {
    const { sql, params } = prepareReportSql(sqlOf(report, table), '2024-06-30', report.parameters);

    expect(sql).not.toMatch(/:as_of|--/);
    expect(params.length).toBeGreaterThan(0);
    expect(sql.split('?').length - 1).toBe(params.length);
    // Each ? is cast to the type of the parameter whose value it carries: :as_of or one the report declares.
    const declared = [{ type: 'DATE', value: '2024-06-30' }, ...Object.values(report.parameters ?? {})];
    const casts = [...sql.matchAll(/CAST\(\? AS (\w+)\)/g)].map((m) => m[1]);
    expect(casts.length).toBe(params.length);
    params.forEach((p, i) => expect(declared.some((d) => d.value === p && d.type === casts[i])).toBe(true));
  });
});

describe('lintReportSql', () => {
  const ok = `SELECT id, CAST(total AS DECIMAL(18,2)) AS total, a / NULLIF(b, 0) AS r, c / 2 AS h FROM orders_as_of WHERE ordered_at < date_add('day', 1, :as_of) ORDER BY id`;

  it('accepts SQL in the common dialect, and looks past strings and comments', () => {
    expect(lintReportSql(ok)).toEqual([]);
    expect(lintReportSql(`-- no x::int, QUALIFY or now() here\nSELECT 'a::b [1] ?' AS s FROM orders_as_of WHERE day = :as_of ORDER BY s`)).toEqual([]);
    expect(lintReportSql(`SELECT contains(ARRAY['web', 'store'], channel) AS c FROM orders_as_of WHERE day = :as_of ORDER BY c`)).toEqual([]);
  });

  it.each([
    ['double-colon-cast', 'SELECT total::DOUBLE AS t FROM orders_as_of ORDER BY t'],
    ['qualify', 'SELECT id FROM orders_as_of QUALIFY row_number() OVER (PARTITION BY id) = 1 ORDER BY id'],
    ['ilike', "SELECT id FROM orders_as_of WHERE channel ILIKE 'w%' ORDER BY id"],
    ['exclude', 'SELECT * EXCLUDE (op) FROM orders_as_of ORDER BY id'],
    ['subscript', 'SELECT split(id, \'-\')[1] AS p FROM orders_as_of ORDER BY p'],
    ['all-shorthand', 'SELECT channel, count(*) AS n FROM orders_as_of GROUP BY ALL ORDER BY channel'],
    ['duckdb-function', "SELECT strftime(ordered_at, '%Y') AS y FROM orders_as_of ORDER BY y"],
    ['bare-decimal', 'SELECT CAST(total AS DECIMAL) AS t FROM orders_as_of ORDER BY t'],
    ['unguarded-division', 'SELECT a / b AS r FROM orders_as_of ORDER BY r'],
    ['wall-clock', 'SELECT id FROM orders_as_of WHERE ordered_at < current_date ORDER BY id'],
    ['randomness', 'SELECT id FROM orders_as_of ORDER BY random()'],
    ['positional-placeholder', 'SELECT id FROM orders_as_of WHERE ordered_at < ? ORDER BY id'],
    ['current-state', 'SELECT o.id FROM orders_as_of AS a JOIN customers AS o ON o.id = a.customer_id ORDER BY o.id'],
    ['order-by', 'SELECT id FROM (SELECT id FROM orders_as_of ORDER BY id) AS t'],
    ['as-of', 'SELECT id FROM orders_history ORDER BY id'],
    ['avg-type', 'SELECT avg(total) AS a FROM orders_as_of WHERE d < :as_of ORDER BY a'],
    ['avg-type', 'SELECT avg(CAST(total AS DECIMAL(18,2))) AS a FROM orders_as_of WHERE d < :as_of ORDER BY a'],
    ['money-through-double', 'SELECT CAST(round(CAST(sum(total) AS DOUBLE) / NULLIF(count(*), 0), 2) AS DECIMAL(18,2)) AS a FROM orders_as_of WHERE d < :as_of ORDER BY a'],
    ['money-through-double', 'SELECT CAST(avg(CAST(total AS DOUBLE)) AS DECIMAL(18,2)) AS a FROM orders_as_of WHERE d < :as_of ORDER BY a'],
    ['decimal-from-double', 'SELECT CAST(o.probability AS DECIMAL(5,4)) AS p FROM opportunities_as_of AS o WHERE d < :as_of ORDER BY p'],
    ['decimal-from-double', 'SELECT CAST(round(o.probability, 2) AS DECIMAL(5,4)) AS p FROM opportunities_as_of AS o WHERE d < :as_of ORDER BY p'],
    ['decimal-from-double', 'SELECT CAST(0.285e0 AS DECIMAL(9,2)) AS p FROM orders_as_of WHERE d < :as_of ORDER BY p'],
    ['integer-from-double', 'SELECT CAST(CAST(n AS DOUBLE) / 2 AS BIGINT) AS h FROM orders_as_of WHERE d < :as_of ORDER BY h'],
    ['round-digits', 'SELECT round(CAST(n AS DOUBLE), -1) AS h FROM orders_as_of WHERE d < :as_of ORDER BY h'],
  ])('rejects %s', (rule, sql) => {
    expect(lintReportSql(sql).map((p) => p.rule)).toContain(rule);
  });

  it('accepts the forms that give the same numbers on both engines', () => {
    const forms = [
      'avg(CAST(days AS DOUBLE)) FILTER (WHERE won) AS a',
      'CAST(round(o.probability, 4) AS DECIMAL(5,4)) AS p',
      'CAST(round(CAST(n AS DOUBLE) / 3600) AS BIGINT) AS h',
      'CAST(floor(CAST(n AS DOUBLE) / 2) AS BIGINT) AS f',
      'round(CAST(n AS DOUBLE) / 7, 2) AS w',
      'CAST(sign(CAST(sum(total) * 100 AS BIGINT)) * ((2 * abs(CAST(sum(total) * 100 AS BIGINT)) + count(*)) / NULLIF(2 * count(*), 0)) * 0.01 AS DECIMAL(18,2)) AS mean',
      "CAST('0.5e0' AS DECIMAL(18,2)) AS s",
    ];
    for (const form of forms) expect(lintReportSql(`SELECT ${form} FROM opportunities_as_of AS o WHERE d < :as_of ORDER BY 1`)).toEqual([]);
  });

  it('names the line of the problem', () => {
    expect(lintReportSql(`SELECT id\nFROM orders_as_of\nWHERE x ILIKE 'a' AND d < :as_of\nORDER BY id`)).toEqual([expect.objectContaining({ rule: 'ilike', line: 3 })]);
  });
});

describe('bindNamedParameters', () => {
  const asOf = { as_of: { type: 'DATE', value: '2024-06-30' } };

  it('turns each :name into a cast ? and binds its value in order', () => {
    expect(bindNamedParameters('SELECT :as_of AS a, date_add(\'day\', 1, :as_of) AS b;', asOf)).toEqual({
      sql: "SELECT CAST(? AS DATE) AS a, date_add('day', 1, CAST(? AS DATE)) AS b",
      params: ['2024-06-30', '2024-06-30'],
    });
  });

  it('leaves placeholders in strings and quoted identifiers alone and drops comments', () => {
    expect(bindNamedParameters(`SELECT ':as_of' AS ":as_of" -- :as_of?\n/* :x */ FROM t`, asOf)).toEqual({ sql: `SELECT ':as_of' AS ":as_of" \n  FROM t`, params: [] });
  });

  it('rejects unknown placeholders and bare ?', () => {
    expect(() => bindNamedParameters('SELECT :since', asOf)).toThrow(/unknown placeholder :since \(known: :as_of\)/);
    expect(() => bindNamedParameters('SELECT ?', asOf)).toThrow(/use a named one/);
  });
});

describe('withSnapshots', () => {
  it('adds the snapshots a query reads as leading CTEs, into its own WITH clause', () => {
    const sql = withSnapshots('WITH x AS (SELECT id FROM orders_as_of) SELECT id FROM x ORDER BY id');

    expect(sql).toMatch(/^WITH\norders_as_of AS \(\n[\s\S]*FROM "orders_snapshots"[\s\S]*FROM "orders_changes"[\s\S]*\) AS h[\s\S]*\),\s*x AS \(SELECT id FROM orders_as_of\) SELECT id FROM x ORDER BY id$/);
    expect(sql).not.toContain('opportunities_history');
  });

  it('starts a WITH clause for a query without one, after its leading comments', () => {
    expect(withSnapshots('-- ids\nSELECT id FROM opportunities_as_of ORDER BY id')).toMatch(/^WITH\nopportunities_as_of AS \([\s\S]*\)\n-- ids\nSELECT id FROM opportunities_as_of ORDER BY id$/);
    expect(withSnapshots('SELECT 1 AS x ORDER BY x')).toBe('SELECT 1 AS x ORDER BY x');
  });

  it('filters each snapshot on the entity time field: a timestamp before the next day, a date up to the day', () => {
    expect(withSnapshots('SELECT id FROM orders_as_of')).toContain("ordered_at < CAST(date_add('day', 1, :as_of) AS TIMESTAMP)");
    expect(withSnapshots('SELECT id FROM contracts_as_of')).toContain('start_date <= :as_of');
  });
});

describe('columnKindOf', () => {
  it.each([
    ['VARCHAR', 'string'],
    ['BIGINT', 'bigint'],
    ['HUGEINT', 'bigint'],
    ['INTEGER', 'bigint'],
    ['DOUBLE', 'double'],
    ['DECIMAL(18,2)', 'decimal'],
    ['DECIMAL(38,2)', 'decimal'],
    ['DATE', 'date'],
    ['TIMESTAMP', 'timestamp'],
    ['TIMESTAMP(3)', 'timestamp'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamp'],
    ['BOOLEAN', 'boolean'],
    ['JSON', 'json'],
  ])('%s → %s', (type, kind) => {
    expect(columnKindOf({ name: 'c', type })).toBe(kind);
  });

  it.each(['DECIMAL(18,6)', 'INTEGER[]', 'STRUCT(a INTEGER)', 'BLOB'])('refuses %s with advice on the cast to use', (type) => {
    expect(() => columnKindOf({ name: 'c', type })).toThrow(/column c has type .* cast money to DECIMAL\(18,2\)/);
  });
});
