// The sales overview's SQL on DuckDB over a hand-made lake (sales-lake-fixture.ts): every figure
// below is worked out by hand from the fixture, and the later changes in the lake must not show.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalQueryEngine, type LocalQueryEngine } from '#lib/query/duckdb-engine.ts';
import { runReportSql } from '#functions/reports/report-sql.ts';
import { salesHeadlines } from '#functions/reports/sales_overview/headlines.ts';
import { salesOverview } from '#functions/reports/sales_overview/report.ts';
import type { ReportTable } from '#functions/reports/report-definition.ts';
import { AS_OF, tempDir, writeSalesLake } from './sales-lake-fixture.ts';

let dir: string;
let engine: LocalQueryEngine;
const table = (name: string, asOf = AS_OF): Promise<ReportTable> => runReportSql(engine, salesOverview, name, asOf);

beforeAll(async () => {
  dir = await tempDir('sales-overview-');
  engine = await openLocalQueryEngine({ lakeDir: await writeSalesLake(dir), threads: 1 });
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sales_overview as of 2024-06-30', () => {
  it('monthly_sales: revenue, orders, average order value and buyers per month, channel and currency', async () => {
    // Act
    const { columns, rows } = await table('monthly_sales');

    // Assess: o4 is cancelled, o6 is after the as-of date, o8 before the window, o11 erased; o9 was still
    // paid on the 30th and o10, placed on the 29th, counts although the lake learnt of it on 2 July.
    expect(columns).toEqual([
      { name: 'month', kind: 'date' },
      { name: 'channel', kind: 'string' },
      { name: 'currency', kind: 'string' },
      { name: 'revenue', kind: 'decimal' },
      { name: 'orders', kind: 'bigint' },
      { name: 'average_order_value', kind: 'decimal' },
      { name: 'buyers', kind: 'bigint' },
    ]);
    expect(rows).toEqual([
      { month: '2023-06-01', channel: 'store', currency: 'EUR', revenue: 40, orders: 1, average_order_value: 40, buyers: 1 },
      { month: '2024-05-01', channel: 'web', currency: 'EUR', revenue: 100, orders: 1, average_order_value: 100, buyers: 1 },
      { month: '2024-06-01', channel: 'marketplace', currency: 'EUR', revenue: 25, orders: 1, average_order_value: 25, buyers: 1 },
      { month: '2024-06-01', channel: 'phone', currency: 'USD', revenue: 30, orders: 1, average_order_value: 30, buyers: 1 },
      { month: '2024-06-01', channel: 'store', currency: 'EUR', revenue: 200, orders: 1, average_order_value: 200, buyers: 1 },
      // o2 50.50 + o12 33.33 + o9 60.00 = 143.83 over 3 orders = 47.943… → 47.94; buyers c1 and c7.
      { month: '2024-06-01', channel: 'web', currency: 'EUR', revenue: 143.83, orders: 3, average_order_value: 47.94, buyers: 2 },
    ]);
  });

  it('monthly_buyers: every month of the 24, new buyers in their first month ever, returning after', async () => {
    // Act
    const { rows } = await table('monthly_buyers');

    // Assess
    expect(rows).toHaveLength(24);
    expect(rows[0]).toEqual({ month: '2022-07-01', buyers: 0, new_buyers: 0, returning_buyers: 0 });
    const active = rows.filter((r) => (r.buyers as number) > 0);
    expect(active).toEqual([
      { month: '2023-06-01', buyers: 1, new_buyers: 1, returning_buyers: 0 },
      { month: '2024-05-01', buyers: 1, new_buyers: 1, returning_buyers: 0 },
      // c4, c7 and c8 buy for the first time; c1 (May) and c2 (June 2023) come back.
      { month: '2024-06-01', buyers: 5, new_buyers: 3, returning_buyers: 2 },
    ]);
  });

  it('revenue_growth: trailing 12 months against the 12 before, per currency', async () => {
    // Act
    const { rows } = await table('revenue_growth');

    // Assess: EUR last = 100 + 143.83 + 25 + 200 = 468.83 against o7's 40.00.
    expect(rows).toEqual([
      {
        currency: 'EUR',
        revenue_last_12_months: 468.83,
        revenue_previous_12_months: 40,
        revenue_growth: 468.83 / 40 - 1,
        orders_last_12_months: 6,
        orders_previous_12_months: 1,
        buyers_last_12_months: 4,
        buyers_previous_12_months: 1,
      },
      {
        currency: 'USD',
        revenue_last_12_months: 30,
        revenue_previous_12_months: 0,
        revenue_growth: null,
        orders_last_12_months: 1,
        orders_previous_12_months: 0,
        buyers_last_12_months: 1,
        buyers_previous_12_months: 0,
      },
    ]);
  });

  it('open_pipeline: open opportunities by stage as they stood that day, weighted by probability', async () => {
    // Act
    const { rows } = await table('open_pipeline');

    // Assess: p1 is at proposal (won only on 10 July), p4 does not exist yet; p9 weighs 100.01 × 0.333.
    expect(rows).toEqual([
      { stage: 'prospecting', currency: 'USD', opportunities: 1, amount: 500, weighted_amount: 50, overdue_opportunities: 0 },
      { stage: 'proposal', currency: 'EUR', opportunities: 2, amount: 1300.01, weighted_amount: 573.3, overdue_opportunities: 0 },
      { stage: 'negotiation', currency: 'EUR', opportunities: 1, amount: 2000, weighted_amount: 1400, overdue_opportunities: 1 },
    ]);
  });

  it('win_rate: opportunities closed in the last 12 months, by count and by amount', async () => {
    // Act
    const { rows } = await table('win_rate');

    // Assess: p7 closed before the window; p8 closed at noon on the as-of day.
    expect(rows).toEqual([
      { currency: 'EUR', won: 1, lost: 1, win_rate: 0.5, won_amount: 3000, lost_amount: 700, win_rate_by_amount: 3000 / 3700 },
      { currency: 'USD', won: 0, lost: 1, win_rate: 0, won_amount: 0, lost_amount: 400, win_rate_by_amount: 0 },
    ]);
  });

  it('headlines: revenue and growth per currency, pipeline, weighted pipeline and win rate', async () => {
    // Prepare
    const names = salesOverview.tables.map((t) => t.name);
    const tables = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await table(n)] as const)));

    // Act
    const headlines = salesHeadlines({ asOf: AS_OF, tables });

    // Assess
    const figure = (key: string, currency?: string) => headlines.find((h) => h.key === key && h.currency === currency)?.value;
    expect(headlines.filter((h) => h.key === 'revenue_last_12_months').map((h) => [h.currency, h.value])).toEqual([
      ['EUR', 468.83],
      ['USD', 30],
    ]);
    expect(figure('revenue_growth', 'EUR')).toBeCloseTo(10.72075, 10);
    expect(figure('revenue_growth', 'USD')).toBeNull();
    expect(figure('orders_last_12_months')).toBe(7);
    expect(figure('open_pipeline', 'EUR')).toBe(3300.01);
    expect(figure('open_pipeline', 'USD')).toBe(500);
    expect(figure('weighted_pipeline', 'EUR')).toBe(1973.3);
    expect(figure('weighted_pipeline', 'USD')).toBe(50);
    expect(figure('open_opportunities')).toBe(4);
    expect(figure('win_rate')).toBeCloseTo(1 / 3, 12);
    expect(figure('opportunities_closed_last_12_months')).toBe(3);
  });
});

describe('sales_overview as of a later date', () => {
  it('sees the changes after 2024-06-30: the cancellation of o9, the new order o6, p1 won and p4 opened', async () => {
    // Act
    const sales = await table('monthly_sales', '2024-07-31');
    const pipeline = await table('open_pipeline', '2024-07-31');
    const wins = await table('win_rate', '2024-07-31');

    // Assess
    const june = sales.rows.find((r) => r.month === '2024-06-01' && r.channel === 'web')!;
    expect(june).toMatchObject({ revenue: 83.83, orders: 2, buyers: 1 });
    expect(sales.rows.find((r) => r.month === '2024-07-01')).toMatchObject({ channel: 'web', currency: 'EUR', revenue: 999, orders: 1 });
    expect(pipeline.rows.find((r) => r.stage === 'proposal')).toMatchObject({ opportunities: 2, amount: 900.01 });
    expect(wins.rows.find((r) => r.currency === 'EUR')).toMatchObject({ won: 2, lost: 1, won_amount: 4200 });
  });

  it('gives empty tables, not errors, before there is any data', async () => {
    // Act
    const sales = await table('monthly_sales', '2020-01-31');
    const buyers = await table('monthly_buyers', '2020-01-31');
    const growth = await table('revenue_growth', '2020-01-31');

    // Assess
    expect(sales.rows).toEqual([]);
    expect(growth.rows).toEqual([]);
    expect(buyers.rows.every((r) => r.buyers === 0)).toBe(true);
  });
});
