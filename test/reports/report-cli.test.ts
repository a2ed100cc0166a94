// `crm report` as a user runs it: the run folder under <dir>/reports, a JSON account on stdout, usage
// errors that name the reports there are, and the outputs read back with `crm query`.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { registerReportViews } from '#functions/reports/local-report-views.ts';
import { crm } from '../integration/cli-helpers.ts';
import { AS_OF, tempDir, writeSalesLake } from './sales-lake-fixture.ts';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('report-cli-');
  await writeSalesLake(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crm report', () => {
  it('writes the run folder and prints what it wrote', async () => {
    // Act
    const run = await crm('report', 'sales_overview', '--as-of', AS_OF, '--dir', dir);

    // Assess
    expect(run.code).toBe(0);
    const out = run.json();
    const runDir = path.join(path.resolve(dir), 'reports', 'sales_overview', `as_of=${AS_OF}`);
    expect(out).toMatchObject({ asOf: AS_OF, reports: [{ report: 'sales_overview', path: `${runDir}/` }] });
    for (const file of out.reports[0].files) expect(existsSync(path.join(runDir, file))).toBe(true);
    expect(out.reports[0].tables).toContainEqual({ name: 'open_pipeline', view: 'sales_overview_open_pipeline', rows: 3 });
    expect(out.reports[0].headlines).toContainEqual(expect.objectContaining({ key: 'win_rate', format: 'ratio' }));
    expect(run.stderr).toMatch(/sales_overview as of 2024-06-30: 5 tables, \d+ rows/);
  });

  it('round-trips: crm query reads the Parquet tables it wrote', async () => {
    // Prepare
    await crm('report', 'all', '--as-of', AS_OF, '--dir', dir);
    const glob = path.join(dir, 'reports', 'sales_overview', 'as_of=*', 'open_pipeline', '*.parquet');

    // Act
    const query = await crm('query', `SELECT stage, currency, weighted_amount, CAST(as_of AS VARCHAR) AS as_of FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY weighted_amount`, '--dir', dir, '--format', 'json');

    // Assess
    expect(query.code).toBe(0);
    expect(query.json()).toEqual([
      { stage: 'prospecting', currency: 'USD', weighted_amount: 50, as_of: AS_OF },
      { stage: 'proposal', currency: 'EUR', weighted_amount: 573.3, as_of: AS_OF },
      { stage: 'negotiation', currency: 'EUR', weighted_amount: 1400, as_of: AS_OF },
    ]);
  });

  it('gives every output table a query view sales_overview_<table>', async () => {
    // Prepare
    await crm('report', 'sales_overview', '--as-of', AS_OF, '--dir', dir);
    const engine = await openLocalQueryEngine({ lakeDir: path.join(dir, 'lake') });

    try {
      // Act
      await registerReportViews(engine, path.join(dir, 'reports'));
      const result = await engine.query(`SELECT month, revenue FROM sales_overview_monthly_sales WHERE as_of = DATE '2024-06-30' AND channel = 'web' ORDER BY month`);

      // Assess
      expect(result.rows).toEqual([
        { month: '2024-05-01', revenue: 100 },
        { month: '2024-06-01', revenue: 143.83 },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('runs as of today (UTC) without --as-of', async () => {
    // Prepare
    const before = new Date().toISOString().slice(0, 10);

    // Act
    const run = await crm('report', 'sales_overview', '--dir', dir);

    // Assess
    expect(run.code).toBe(0);
    expect([before, new Date().toISOString().slice(0, 10)]).toContain(run.json().asOf);
  });

  it.each([
    ['an unknown report', ['report', 'sales', '--dir'], /unknown report "sales": one of sales_overview, rfm, churn, or all/],
    ['no report name', ['report', '--dir'], /report NAME is required: one of sales_overview, rfm, churn, or all/],
    ['a date that does not exist', ['report', 'all', '--as-of', '2024-02-30', '--dir'], /--as-of must be a calendar date YYYY-MM-DD, got "2024-02-30"/],
    ['a date in another format', ['report', 'all', '--as-of', '30.06.2024', '--dir'], /--as-of must be a calendar date/],
  ])('exits 1 with a usage error for %s', async (_label, args, message) => {
    // Act
    const run = await crm(...args, dir);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: crm');
  });

  it('exits 1 naming the folder when there is no lake', async () => {
    // Act
    const run = await crm('report', 'all', '--dir', path.join(dir, 'elsewhere'));

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no lake in .*elsewhere/);
  });
});
