// Every function the report SQL calls is checked on DuckDB (with the Trino compatibility macros) against
// examples from the Trino documentation; round(double, d) against Trino's own algorithm on random doubles;
// and the money mean the reports write against Trino's avg(DECIMAL), which rounds half up.
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { reports } from '#functions/reports/catalog.ts';
import { sqlFunctionNames } from '#functions/reports/sql-function-names.ts';
import { tempDir } from './sales-lake-fixture.ts';
import { checkedFunctions } from './trino-function-examples.ts';

const reportSqlFiles = reports.flatMap((report) => {
  const dir = fileURLToPath(report.sqlDir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => ({ file: `${report.name}/${f}`, sql: readFileSync(`${dir}/${f}`, 'utf8') }));
});

/** Trino's round(double, d) (MathFunctions.round): scale, Java Math.round (ties up) on the magnitude, scale back. */
function trinoRound(num: number, decimals: number): number {
  if (!Number.isFinite(num)) return num;
  const factor = Math.pow(10, decimals);
  // JS Math.round rounds ties towards +infinity, as Java's Math.round does.
  return num < 0 ? -(Math.round(-num * factor) / factor) : Math.round(num * factor) / factor;
}

describe('functions in report SQL', () => {
  it('finds the calls in SQL, not keywords, type names, aliases or CTE column lists', () => {
    const sql = `WITH digits (d) AS (SELECT 1) SELECT CAST(sum(x) AS DECIMAL(18,2)) AS s, count(*) FILTER (WHERE y IN (1, 2)) AS n,
      'lower(a)' AS t -- upper(b)
      FROM (VALUES (0), (1)) AS offsets (n) JOIN t ON (a = b) WHERE EXISTS (SELECT coalesce(a, b)) ORDER BY s`;

    expect([...sqlFunctionNames(sql)].sort()).toEqual(['coalesce', 'count', 'sum']);
  });

  it('every function a report calls has a checked Trino example', () => {
    const missing = reportSqlFiles.flatMap(({ file, sql }) => [...sqlFunctionNames(sql)].filter((name) => !(name in checkedFunctions)).map((name) => `${file} calls ${name}()`));

    expect(
      missing,
      `add an entry per function to test/reports/trino-function-examples.ts: the Trino documentation page and sentence, and examples (input as documented, the result Trino documents as an SQL literal) that DuckDB with lib/query/trino-compat.duckdb.sql must reproduce (add a macro if it does not)`,
    ).toEqual([]);
  });

  it('the checked list is what the reports use (no stale entries)', () => {
    const used = new Set(reportSqlFiles.flatMap(({ sql }) => [...sqlFunctionNames(sql)]));

    expect(Object.keys(checkedFunctions).filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('Trino-documented examples on DuckDB with the compatibility macros', () => {
  let dir: string;
  let engine: LocalQueryEngine;
  beforeAll(async () => {
    dir = await tempDir('report-sql-functions-');
    engine = await openLocalQueryEngine({ lakeDir: dir });
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases = Object.entries(checkedFunctions).flatMap(([name, { examples }]) => examples.map((example, i) => [`${name} #${i + 1}`, example] as const));

  it.each(cases)('%s', async (_name, example) => {
    const { rows } = await engine.query(
      `SELECT (q.r IS NOT DISTINCT FROM (${example.expected})) AS same, CAST(q.r AS VARCHAR) AS got, typeof(q.r) AS type FROM (${example.sql}) AS q`,
    );

    expect(rows, `${example.sql} gave ${String(rows[0]?.got)}, Trino documents ${example.expected}`).toEqual([expect.objectContaining({ same: true })]);
    if (example.type) expect(rows[0]!.type).toBe(example.type);
  });

  it('round(double, d) for d = 0..4 equals Trino algorithm on 3,000 doubles, ties and their neighbours included', async () => {
    // A deterministic spread: exact ties (k + 0.5) / 10^d, their binary neighbours, and arbitrary values of both signs.
    let seed = 20240630;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values: [number, number][] = [];
    for (let i = 0; i < 3000; i += 1) {
      const d = i % 5;
      const tie = (Math.floor(next() * 200000) - 100000 + 0.5) / Math.pow(10, d);
      const kind = i % 3;
      const x = kind === 0 ? tie : kind === 1 ? tie * (1 + Number.EPSILON) : (next() - 0.5) * Math.pow(10, Math.floor(next() * 10) - 2);
      values.push([x, d]);
    }
    const rowsSql = values.map(([x, d], i) => `(${i}, ${x.toExponential(20)}, ${d})`).join(', ');
    const { rows } = await engine.query(`SELECT i, x, round(x, d) AS r FROM (VALUES ${rowsSql}) AS t(i, x, d) ORDER BY i`);

    const differing = rows.filter((row) => !Object.is(row.r, trinoRound(row.x as number, values[row.i as number]![1])));
    expect(differing.slice(0, 5)).toEqual([]);
    expect(rows).toHaveLength(values.length);
  });
});

describe('the money mean of the reports', () => {
  let dir: string;
  let engine: LocalQueryEngine;
  beforeAll(async () => {
    dir = await tempDir('report-money-mean-');
    engine = await openLocalQueryEngine({ lakeDir: dir });
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Trino's avg(DECIMAL(18,2)) divides the decimal sum by the count and rounds half up (away from zero).
  it('gives DECIMAL(18,2) rounded half up to the cent, as Trino avg(DECIMAL) does', async () => {
    const { rows } = await engine.query(`
      SELECT g, CAST(CAST(sign(CAST(sum(v) * 100 AS BIGINT)) * ((2 * abs(CAST(sum(v) * 100 AS BIGINT)) + count(*)) / NULLIF(2 * count(*), 0)) * 0.01 AS DECIMAL(18,2)) AS VARCHAR) AS mean,
        typeof(CAST(sign(CAST(sum(v) * 100 AS BIGINT)) * ((2 * abs(CAST(sum(v) * 100 AS BIGINT)) + count(*)) / NULLIF(2 * count(*), 0)) * 0.01 AS DECIMAL(18,2))) AS type
      FROM (VALUES (1, CAST(0.28 AS DECIMAL(18,2))), (1, 0.29), (2, -0.28), (2, -0.29), (3, 10.00), (3, 10.01), (3, 10.01),
                   (4, 1.00), (4, 2.00), (5, 0.01), (5, 0.00), (5, 0.00), (6, 0.02), (6, 0.00), (6, 0.00), (6, 0.00)) AS t(g, v)
      GROUP BY g ORDER BY g`);

    expect(rows).toEqual([
      { g: 1, mean: '0.29', type: 'DECIMAL(18,2)' },
      { g: 2, mean: '-0.29', type: 'DECIMAL(18,2)' },
      { g: 3, mean: '10.01', type: 'DECIMAL(18,2)' },
      { g: 4, mean: '1.50', type: 'DECIMAL(18,2)' },
      { g: 5, mean: '0.00', type: 'DECIMAL(18,2)' },
      { g: 6, mean: '0.01', type: 'DECIMAL(18,2)' },
    ]);
  });

  it('is what the DOUBLE route got wrong: it rounds the double 0.28499999999999998 down', async () => {
    const { rows } = await engine.query('SELECT CAST(CAST(round(CAST(CAST(0.57 AS DECIMAL(18,2)) AS DOUBLE) / 2, 2) AS DECIMAL(18,2)) AS VARCHAR) AS mean');

    expect(rows).toEqual([{ mean: '0.28' }]);
  });
});
