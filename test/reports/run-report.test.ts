// runReport end to end on DuckDB and a filesystem store: the run folder's files and their types,
// byte-for-byte reproducibility, a self-contained dashboard, and the framework's contract with
// post-processing steps.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeParquet } from '#lib/lake/parquet.ts';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { FsObjectStore } from '#lib/store/fs-object-store.ts';
import { listAll } from '#lib/store/object-store.ts';
import { registerReportViews } from '#functions/reports/local-report-views.ts';
import { defineReport } from '#functions/reports/report-definition.ts';
import type { ReportSummary } from '#functions/reports/report-summary.ts';
import { runReport, runReportDefinition } from '#functions/reports/run-report.ts';
import { AS_OF, tempDir, writeLaterChanges, writeSalesLake } from './sales-lake-fixture.ts';

const RUN = `sales_overview/as_of=${AS_OF}/`;
const TABLES = ['monthly_sales', 'monthly_buyers', 'revenue_growth', 'open_pipeline', 'win_rate'];

let dir: string;
beforeAll(async () => {
  dir = await tempDir('run-report-');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the report with a fresh engine, as a separate process would. */
async function runOnce(lakeDir: string, storeRoot: string, asOf = AS_OF): Promise<{ store: FsObjectStore; summary: ReportSummary }> {
  const engine = await openLocalQueryEngine({ lakeDir });
  try {
    const store = new FsObjectStore(storeRoot);
    return { store, summary: await runReport({ engine, store, name: 'sales_overview', asOf }) };
  } finally {
    await engine.close();
  }
}

async function filesOf(store: FsObjectStore, prefix: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const key of await listAll(store, prefix)) files.set(key.slice(prefix.length), Buffer.from((await store.get(key))!));
  return files;
}

describe('runReport', () => {
  let lakeDir: string;
  let store: FsObjectStore;
  let summary: ReportSummary;
  beforeAll(async () => {
    lakeDir = await writeSalesLake(path.join(dir, 'main'));
    ({ store, summary } = await runOnce(lakeDir, path.join(dir, 'main', 'reports')));
  });

  it('writes a Parquet file per table, the dashboard and summary.json into the run folder', async () => {
    // Act
    const keys = await listAll(store, '');

    // Assess
    expect(keys).toEqual([`${RUN}dashboard.html`, ...[...TABLES].sort().map((t) => `${RUN}${t}/${t}.parquet`), `${RUN}summary.json`].sort());
    expect(summary.files).toEqual(keys.map((k) => k.slice(RUN.length)));
  });

  it('returns the summary it wrote: headlines and the row count, view and columns of each table', async () => {
    // Act
    const written = JSON.parse(new TextDecoder().decode(await store.get(`${RUN}summary.json`)));

    // Assess
    expect(written).toEqual(summary);
    expect(summary).toMatchObject({ report: 'sales_overview', title: 'Sales overview', asOf: AS_OF });
    expect(summary.tables.map((t) => [t.name, t.view, t.rows])).toEqual([
      ['monthly_sales', 'sales_overview_monthly_sales', 6],
      ['monthly_buyers', 'sales_overview_monthly_buyers', 24],
      ['revenue_growth', 'sales_overview_revenue_growth', 2],
      ['open_pipeline', 'sales_overview_open_pipeline', 3],
      ['win_rate', 'sales_overview_win_rate', 2],
    ]);
    expect(summary.headlines.find((h) => h.key === 'weighted_pipeline' && h.currency === 'EUR')?.value).toBe(1973.3);
  });

  it('stores each column with the lake type its SQL result had', async () => {
    // Prepare
    const engine = await openLocalQueryEngine({ lakeDir });

    try {
      // Act
      const file = store.pathOf(`${RUN}monthly_sales/monthly_sales.parquet`);
      const described = await engine.query(`DESCRIBE SELECT * FROM read_parquet('${file}', hive_partitioning = false)`);
      const rows = await decodeParquet((await store.get(`${RUN}monthly_sales/monthly_sales.parquet`))!);

      // Assess
      expect(described.rows.map((r) => [r.column_name, r.column_type])).toEqual([
        ['month', 'DATE'],
        ['channel', 'VARCHAR'],
        ['currency', 'VARCHAR'],
        ['revenue', 'DECIMAL(18,2)'],
        ['orders', 'BIGINT'],
        ['average_order_value', 'DECIMAL(18,2)'],
        ['buyers', 'BIGINT'],
      ]);
      expect(rows.at(-1)).toEqual({ month: '2024-06-01', channel: 'web', currency: 'EUR', revenue: 143.83, orders: 3, average_order_value: 47.94, buyers: 2 });
    } finally {
      await engine.close();
    }
  });

  it('makes each output table a view <report>_<table> with the run date as as_of', async () => {
    // Prepare
    await runOnce(lakeDir, store.root, '2024-07-31');
    const engine = await openLocalQueryEngine({ lakeDir });

    try {
      // Act
      const views = await registerReportViews(engine, store.root);
      const pipeline = await engine.query(
        `SELECT CAST(as_of AS VARCHAR) AS as_of, sum(opportunities) AS open FROM sales_overview_open_pipeline GROUP BY as_of ORDER BY as_of`,
      );
      const types = await engine.query(`DESCRIBE sales_overview_win_rate`);

      // Assess
      expect(views).toEqual(TABLES.map((t) => `sales_overview_${t}`).sort());
      expect(pipeline.rows).toEqual([
        { as_of: '2024-06-30', open: 4 },
        { as_of: '2024-07-31', open: 4 },
      ]);
      expect(types.rows.at(-1)).toMatchObject({ column_name: 'as_of', column_type: 'DATE' });
    } finally {
      await engine.close();
    }
  });

  it('is reproducible: a second run on the same data and date writes the same bytes', async () => {
    // Act
    const again = await runOnce(lakeDir, path.join(dir, 'again'));

    // Assess
    expect(await filesOf(again.store, RUN)).toEqual(await filesOf(store, RUN));
  });

  it('is stable: data that arrives later about later days does not change a past as-of run', async () => {
    // Prepare: a lake that has not yet seen the July changes, then the same lake after them.
    const lake = await writeSalesLake(path.join(dir, 'growing'), { withLaterChanges: false });
    const before = await runOnce(lake, path.join(dir, 'growing', 'before'));
    await writeLaterChanges(lake);

    // Act
    const after = await runOnce(lake, path.join(dir, 'growing', 'after'));

    // Assess
    expect(await filesOf(after.store, RUN)).toEqual(await filesOf(before.store, RUN));
  });

  it('replaces the run folder on a rerun, removing files the report no longer writes', async () => {
    // Prepare
    const root = path.join(dir, 'rerun');
    await mkdir(path.join(root, RUN, 'dropped_table'), { recursive: true });
    await writeFile(path.join(root, RUN, 'dropped_table', 'dropped_table.parquet'), 'stale');

    // Act
    const { store: rerun } = await runOnce(lakeDir, root);

    // Assess
    expect(await listAll(rerun, RUN)).toEqual((await listAll(store, RUN)).sort());
  });
});

describe('dashboard.html', () => {
  let html: string;
  beforeAll(async () => {
    const lakeDir = await writeSalesLake(path.join(dir, 'dashboard'));
    const { store } = await runOnce(lakeDir, path.join(dir, 'dashboard', 'reports'));
    html = new TextDecoder().decode(await store.get(`${RUN}dashboard.html`));
  });

  it('is self-contained: inline scripts only, no fetched script, stylesheet, font or image', () => {
    // The page outside the inlined chart library (whose licence header names a URL).
    const page = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
    expect(page).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=/i);
    expect(page).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(html).toMatch(/^<!doctype html>/);
  });

  it('shows the as-of date, the headline figures, a chart and the rows of every table', () => {
    expect(html).toContain('Data up to and including <strong>2024-06-30</strong>');
    expect(html).toContain('EUR 468.83');
    expect(html).toContain('EUR 1,973.30');
    expect(html).toContain('33.3%');
    expect(html).toMatch(/<div class="echart" data-chart="\d+" data-kind="bar" data-marks="\d+" role="img" aria-label="Revenue by channel — EUR"/);
    for (const table of TABLES) expect(html).toContain(`SELECT * FROM sales_overview_${table} WHERE as_of = DATE &#39;2024-06-30&#39;`);
    expect(html).toContain('<td class="num">143.83</td>');
  });
});

describe('report definitions', () => {
  const base = {
    name: 'scored',
    title: 'Scored',
    description: 'a test report',
    sqlDir: new URL('./fixtures/scored/', import.meta.url),
  };

  it('runs a postProcess step on the SQL tables and stores what it returns', async () => {
    // Prepare
    const definition = defineReport({
      ...base,
      tables: [
        { name: 'totals', title: 'Totals', description: 'revenue per currency' },
        { name: 'scores', title: 'Scores', description: 'a score per currency', source: 'postProcess' },
      ],
      postProcess: ({ tables }) => ({
        scores: {
          columns: [
            { name: 'currency', kind: 'string' },
            { name: 'score', kind: 'double' },
          ],
          rows: tables.totals!.rows.map((r) => ({ currency: r.currency, score: (r.revenue as number) / 100 })),
        },
      }),
      headlines: ({ tables }) => [{ key: 'currencies', label: 'Currencies', value: tables.scores!.rows.length, format: 'count' }],
    });
    const lakeDir = await writeSalesLake(path.join(dir, 'post'));
    const engine = await openLocalQueryEngine({ lakeDir });
    const store = new FsObjectStore(path.join(dir, 'post', 'reports'));

    try {
      // Act
      const summary = await runReportDefinition({ engine, store, definition, asOf: AS_OF });

      // Assess
      expect(summary.headlines).toEqual([{ key: 'currencies', label: 'Currencies', value: 2, format: 'count' }]);
      expect(await decodeParquet((await store.get(`scored/as_of=${AS_OF}/scores/scores.parquet`))!)).toEqual([
        { currency: 'EUR', score: 518.83 / 100 },
        { currency: 'USD', score: 0.3 },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('refuses a postProcess that returns tables it did not declare, and writes nothing', async () => {
    // Prepare
    const definition = defineReport({
      ...base,
      tables: [{ name: 'totals', title: 'Totals', description: 'revenue per currency' }],
      postProcess: () => ({ extra: { columns: [], rows: [] } }),
      headlines: () => [],
    });
    const lakeDir = await writeSalesLake(path.join(dir, 'bad-post'));
    const engine = await openLocalQueryEngine({ lakeDir });
    const store = new FsObjectStore(path.join(dir, 'bad-post', 'reports'));

    try {
      // Act / Assess
      await expect(runReportDefinition({ engine, store, definition, asOf: AS_OF })).rejects.toThrow(/undeclared: extra/);
      expect(await listAll(store, '')).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('rejects an unknown report and a date that is not a calendar date', async () => {
    // Prepare
    const engine = await openLocalQueryEngine({ lakeDir: path.join(dir, 'none') });
    const store = new FsObjectStore(path.join(dir, 'none', 'reports'));

    try {
      // Act / Assess
      await expect(runReport({ engine, store, name: 'nope', asOf: AS_OF })).rejects.toThrow(/unknown report "nope" \(available: sales_overview(, [a-z_]+)*\)/);
      await expect(runReport({ engine, store, name: 'sales_overview', asOf: '2024-02-30' })).rejects.toThrow(/calendar date/);
    } finally {
      await engine.close();
    }
  });
});
